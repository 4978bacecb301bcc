"""CSV downloads for staff: safe cells, streamed in constant memory.

Every admin export (supporters, donations, Gift Aid, pledges) goes through
these two helpers, so the spreadsheet-formula guard lives in one place.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable

from django.http import StreamingHttpResponse


def csv_cell(value) -> str:
    """Text for one cell. Spreadsheets run cells that start like a formula
    (= + - @), so those get a leading apostrophe."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text


class _Echo:
    """A file-like object whose write() hands the line back to the stream."""

    def write(self, value):
        return value


def csv_response(filename: str, rows: Iterable[Iterable]) -> StreamingHttpResponse:
    """Stream ``rows`` (header first) as a CSV attachment, row by row."""
    writer = csv.writer(_Echo())
    response = StreamingHttpResponse(
        (writer.writerow(row) for row in rows), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
