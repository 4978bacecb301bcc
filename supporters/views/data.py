"""Copy-of-my-data download and erasure confirmation (signed links)."""

from __future__ import annotations

import json

from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from supporters import tokens
from supporters.data_requests import data_download_record, data_erasure_confirm
from supporters.privacy import data_export, data_export_csv

from .common import LinkProblem, link_problem, supporter_from_token


@never_cache
@require_GET
def data_download(request, token: str):
    """The page lists both formats; ?format=json|csv downloads one."""
    try:
        supporter, payload = supporter_from_token(token, tokens.EXPORT_DOWNLOAD)
    except LinkProblem as problem:
        return link_problem(request, problem)
    fmt = request.GET.get("format")
    if fmt not in ("json", "csv"):
        return render(request, "supporters/data_download.html", {"token": token})
    if fmt == "json":
        body = json.dumps(
            data_export(supporter=supporter), indent=2, cls=DjangoJSONEncoder
        )
        response = HttpResponse(body, content_type="application/json")
    else:
        response = HttpResponse(
            data_export_csv(supporter=supporter), content_type="text/csv; charset=utf-8"
        )
    response["Content-Disposition"] = f'attachment; filename="my-data.{fmt}"'
    response["X-Robots-Tag"] = "noindex"
    data_download_record(request_id=payload.get("r"))
    return response


@csrf_exempt  # authorised by the single-use signed link; no cookie needed
@never_cache
@require_http_methods(["GET", "POST"])
def data_erase(request, token: str):
    """GET asks "are you sure?" with a button; POST erases (once)."""
    try:
        supporter_from_token(token, tokens.ERASE)
        if tokens.token_is_used(token):
            raise LinkProblem(tokens.TokenUsed.message)
    except LinkProblem as problem:
        return link_problem(request, problem)
    if request.method == "GET":
        return render(request, "supporters/erase_confirm.html", {"token": token})
    try:
        notes = data_erasure_confirm(token=token)
    except tokens.TokenError as error:
        return link_problem(request, LinkProblem(error.message))
    return render(request, "supporters/erased.html", {"notes": notes})
