"""CSV import of supporters with consent evidence: check, then write.

Interface:
    supporters_import_check(*, file) -> ImportReport
        Reads the whole file once, streaming (constant memory apart from one
        hash per address for duplicate detection), and reports per-row errors,
        what would be created/updated, and what is skipped. Writes nothing.
    supporters_import(*, file, source, user=None) -> ImportReport
        Checks again; if any row has an error nothing is written; otherwise
        writes every row in one transaction (all or nothing).

Columns (header row, names case-insensitive; order free):
    required: email, consent_given_at, consent_source, consent_wording
    optional: first_name, last_name, postcode, topics, tags,
              consent_wording_version
``topics`` and ``tags`` are separated by ";" (topics by slug). A suppressed
address, or one whose email consent was withdrawn, is never re-subscribed by
an import: the row is skipped and reported.
"""

from __future__ import annotations

import codecs
import csv
import datetime
import hashlib
import io
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from .addresses import email_normalise, text_clean
from .models import ConsentRecord, Subscription, Tag, Topic
from .services import (
    PURPOSE_EMAIL_UPDATES,
    consent_current,
    consent_grant,
    is_suppressed,
    supporter_get_by_email,
    supporter_upsert,
)

MAX_BYTES = 10 * 1024 * 1024 - 1  # 10 MB and more is refused
REQUIRED = ("email", "consent_given_at", "consent_source", "consent_wording")
OPTIONAL = (
    "first_name",
    "last_name",
    "postcode",
    "topics",
    "tags",
    "consent_wording_version",
)
MAX_ERRORS_SHOWN = 200
PREVIEW_ROWS = 10


class ImportFileError(Exception):
    """The file as a whole cannot be read; ``message`` says what to do."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass
class ImportReport:
    rows: int = 0
    new: int = 0
    updated: int = 0
    skipped: list = field(default_factory=list)  # (line, reason)
    errors: list = field(default_factory=list)  # (line, message)
    error_count: int = 0
    preview: list = field(default_factory=list)
    imported: bool = False

    @property
    def ok(self) -> bool:
        return self.error_count == 0 and self.new + self.updated > 0

    def error(self, line: int, message: str) -> None:
        self.error_count += 1
        if len(self.errors) < MAX_ERRORS_SHOWN:
            self.errors.append((line, message))


@dataclass
class Row:
    line: int
    email: str
    first_name: str
    last_name: str
    postcode: str
    topics: list
    tags: list
    consent_at: datetime.datetime
    consent_source: str
    wording: str
    wording_version: str


def _text_stream(file):
    file.seek(0, io.SEEK_END)
    size = file.tell()
    file.seek(0)
    if size > MAX_BYTES:
        raise ImportFileError(
            f"The file is {size / 1024 / 1024:.1f} MB; the limit is 10 MB. "
            "Split it into smaller files and import each."
        )
    if size == 0:
        raise ImportFileError("The file is empty.")
    raw = file.read(4096)
    file.seek(0)
    try:
        # Incremental: a multi-byte character cut at 4096 bytes is not an error.
        codecs.getincrementaldecoder("utf-8-sig")().decode(raw)
    except UnicodeDecodeError as error:
        raise ImportFileError(
            "The file is not UTF-8 text (it may be Latin-1 or an Excel file). In "
            "your spreadsheet, use Save As > 'CSV UTF-8' and try again."
        ) from error
    # utf-8-sig drops a byte-order mark that Excel adds.
    return io.TextIOWrapper(file, encoding="utf-8-sig", newline="")


def _parse_when(value: str) -> datetime.datetime | None:
    value = value.strip()
    when = parse_datetime(value)
    if when is None:
        day = parse_date(value)
        if day is None:
            return None
        when = datetime.datetime.combine(day, datetime.time(12))
    if timezone.is_naive(when):
        when = timezone.make_aware(when)
    return when


def _read(file, report: ImportReport, topics: dict):
    """Yield valid Rows; record errors in the report. Streams the file."""
    stream = _text_stream(file)
    try:
        reader = csv.reader(stream)
        try:
            header = next(reader)
        except StopIteration:
            raise ImportFileError("The file is empty.") from None
        names = [h.strip().lower() for h in header]
        missing = [c for c in REQUIRED if c not in names]
        unknown = [n for n in names if n and n not in REQUIRED + OPTIONAL]
        if missing or unknown or len(set(names)) != len(names):
            parts = []
            if missing:
                parts.append("missing column(s): " + ", ".join(missing))
            if unknown:
                parts.append("unknown column(s): " + ", ".join(unknown))
            if len(set(names)) != len(names):
                parts.append("a column appears twice")
            raise ImportFileError(
                "The header row is wrong: "
                + "; ".join(parts)
                + ". Required: "
                + ", ".join(REQUIRED)
                + ". Optional: "
                + ", ".join(OPTIONAL)
                + "."
            )
        seen: dict[bytes, int] = {}
        now = timezone.now()
        for line, values in enumerate(reader, start=2):
            if not any(v.strip() for v in values):
                continue
            report.rows += 1
            if len(values) != len(names):
                report.error(line, f"has {len(values)} cells, expected {len(names)}")
                continue
            data = dict(zip(names, values, strict=True))
            try:
                email = email_normalise(data["email"])
                digest = hashlib.blake2b(email.encode(), digest_size=16).digest()
                if digest in seen:
                    raise ValidationError(f"duplicate of line {seen[digest]}")
                seen[digest] = line
                consent_at = _parse_when(data["consent_given_at"])
                if consent_at is None:
                    raise ValidationError(
                        "consent_given_at is not a date (use YYYY-MM-DD)"
                    )
                if consent_at > now:
                    raise ValidationError("consent_given_at is in the future")
                wording = data["consent_wording"].strip()
                source = text_clean(
                    data["consent_source"], field="consent source", max_length=150
                )
                if not wording or not source:
                    raise ValidationError(
                        "consent_source and consent_wording are required"
                    )
                slugs = [
                    s.strip() for s in data.get("topics", "").split(";") if s.strip()
                ]
                unknown_topics = [s for s in slugs if s not in topics]
                if unknown_topics:
                    raise ValidationError(
                        "unknown topic(s): " + ", ".join(unknown_topics)
                    )
                tags = [
                    text_clean(t, field="tag", max_length=60)
                    for t in data.get("tags", "").split(";")
                    if t.strip()
                ]
                row = Row(
                    line=line,
                    email=email,
                    first_name=text_clean(
                        data.get("first_name", ""), field="first name", max_length=100
                    ),
                    last_name=text_clean(
                        data.get("last_name", ""), field="last name", max_length=100
                    ),
                    postcode=text_clean(
                        data.get("postcode", ""), field="postcode", max_length=10
                    ),
                    topics=[topics[s] for s in slugs],
                    tags=tags,
                    consent_at=consent_at,
                    consent_source=source,
                    wording=wording[:2000],
                    wording_version=text_clean(
                        data.get("consent_wording_version", "") or "import",
                        field="wording version",
                        max_length=40,
                    ),
                )
            except ValidationError as error:
                report.error(line, "; ".join(error.messages))
                continue
            yield row
    except csv.Error as error:
        raise ImportFileError(f"The file is not valid CSV: {error}") from error
    except UnicodeDecodeError as error:
        raise ImportFileError(
            "Part of the file is not UTF-8 text. In your spreadsheet, use "
            "Save As > 'CSV UTF-8' and try again."
        ) from error
    finally:
        stream.detach()  # leave the uploaded file open for the caller


def _skip_reason(email: str) -> str:
    if is_suppressed(email):
        return "unsubscribed, bounced or erased earlier: not re-subscribed"
    supporter = supporter_get_by_email(email)
    if supporter is not None:
        current = consent_current(supporter=supporter, purpose=PURPOSE_EMAIL_UPDATES)
        if current is not None and current.action == ConsentRecord.Action.WITHDRAWN:
            return "withdrew consent earlier: not re-subscribed"
    return ""


def supporters_import_check(*, file) -> ImportReport:
    report = ImportReport()
    topics = {t.slug: t for t in Topic.objects.all()}
    for row in _read(file, report, topics):
        reason = _skip_reason(row.email)
        if reason:
            report.skipped.append((row.line, reason))
            continue
        if supporter_get_by_email(row.email) is None:
            report.new += 1
        else:
            report.updated += 1
        if len(report.preview) < PREVIEW_ROWS:
            report.preview.append(row)
    return report


def supporters_import(*, file, source: str, user=None) -> ImportReport:
    report = supporters_import_check(file=file)
    if not report.ok:
        return report
    topics = {t.slug: t for t in Topic.objects.all()}
    tag_cache: dict[str, Tag] = {}
    with transaction.atomic():
        for row in _read(file, ImportReport(), topics):
            if _skip_reason(row.email):
                continue
            _write(row, source=source, tag_cache=tag_cache)
    report.imported = True
    return report


def _write(row: Row, *, source: str, tag_cache: dict) -> None:
    supporter = supporter_upsert(
        email=row.email,
        source=source,
        first_name=row.first_name,
        last_name=row.last_name,
        postcode=row.postcode,
    )
    for topic in row.topics:
        Subscription.objects.update_or_create(
            supporter=supporter,
            topic=topic,
            defaults={
                "status": Subscription.Status.CONFIRMED,
                "confirmed_at": row.consent_at,
                "unsubscribed_at": None,
            },
        )
    for name in row.tags:
        if name not in tag_cache:
            tag_cache[name], _ = Tag.objects.get_or_create(name=name)
        supporter.tags.add(tag_cache[name])
    consent_grant(
        supporter=supporter,
        purpose=PURPOSE_EMAIL_UPDATES,
        wording=row.wording,
        wording_version=row.wording_version,
        source=f"{source}; original: {row.consent_source}"[:200],
        confirmed_at=row.consent_at,
    )
