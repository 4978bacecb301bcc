"""CSV import of supporters with consent evidence: check, then write.

Interface:
    supporters_import_check(*, file) -> ImportReport
        Reads the whole file once, streaming (constant memory apart from one
        hash per address for duplicate detection), and reports per-row errors,
        what would be created/updated, and what is skipped. Writes nothing.
    supporter_import_queue(*, file_name, source, user) -> SupporterImport
        Records a confirmed import and enqueues the worker task after commit.
    supporter_import_run(*, import_id) -> None   the task's work (idempotent)
    supporter_import_stalled(*, record) -> bool   its job is gone
    supporter_import_retry(*, record) -> None     "Try again" (failed or stalled)
    supporters_import(*, file, source, user=None) -> ImportReport
        Checks again; if any row has an error nothing is written; otherwise
        writes every row in one transaction (all or nothing), 1,000 rows at a
        time with bulk queries (a 50,000-row file: see ``make bench``).

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
import logging
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import Storage, storages
from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from .addresses import email_hash, email_normalise, text_clean
from .jobs import failure_reason
from .models import (
    ConsentRecord,
    Subscription,
    Supporter,
    SupporterAccessLog,
    SupporterImport,
    Suppression,
    Tag,
    Topic,
)
from .services import PURPOSE_EMAIL_UPDATES, supporter_upsert

logger = logging.getLogger(__name__)

# Uploaded files wait here between the dry run and the import.
IMPORT_DIR = "supporter-imports"


def import_storage() -> Storage:
    """Import files hold names, addresses and consent evidence: they live in
    the private storage (``STORAGES["private"]``, outside ``MEDIA_ROOT``),
    which no URL serves."""
    return storages["private"]


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


CHUNK = 1000


def _chunks(rows, size: int = CHUNK):
    chunk = []
    for row in rows:
        chunk.append(row)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _lookup(chunk: list[Row]) -> tuple[dict, set]:
    """For a chunk of rows, in two queries: known supporters (email -> (id,
    latest email consent action)) and the suppressed addresses."""
    emails = [row.email for row in chunk]
    latest = (
        ConsentRecord.objects.filter(
            supporter=OuterRef("pk"), purpose=PURPOSE_EMAIL_UPDATES
        )
        .order_by("-created_at", "-id")
        .values("action")[:1]
    )
    known = {
        email: (pk, action)
        for email, pk, action in Supporter.objects.annotate(
            email_lower=Lower("email"), latest_action=Subquery(latest)
        )
        .filter(email_lower__in=emails)
        .values_list("email_lower", "pk", "latest_action")
    }
    hashes = {email_hash(email): email for email in emails}
    suppressed = {
        hashes[h]
        for h in Suppression.objects.filter(email_hash__in=hashes).values_list(
            "email_hash", flat=True
        )
    }
    return known, suppressed


def _skip_reason(row: Row, known: dict, suppressed: set) -> str:
    if row.email in suppressed:
        return "unsubscribed, bounced or erased earlier: not re-subscribed"
    if known.get(row.email, (None, None))[1] == ConsentRecord.Action.WITHDRAWN:
        return "withdrew consent earlier: not re-subscribed"
    return ""


def supporters_import_check(*, file) -> ImportReport:
    report = ImportReport()
    topics = {t.slug: t for t in Topic.objects.all()}
    for chunk in _chunks(_read(file, report, topics)):
        known, suppressed = _lookup(chunk)
        for row in chunk:
            reason = _skip_reason(row, known, suppressed)
            if reason:
                report.skipped.append((row.line, reason))
                continue
            if row.email in known:
                report.updated += 1
            else:
                report.new += 1
            if len(report.preview) < PREVIEW_ROWS:
                report.preview.append(row)
    return report


class _RollBack(Exception):
    pass


def supporters_import(*, file, source: str, user=None) -> ImportReport:
    """One pass: rows are checked and written chunk by chunk inside one
    transaction, which is rolled back if any row turns out to be bad."""
    report = ImportReport()
    topics = {t.slug: t for t in Topic.objects.all()}
    tags: dict[str, Tag] = {}
    try:
        with transaction.atomic():
            for chunk in _chunks(_read(file, report, topics)):
                known, suppressed = _lookup(chunk)
                rows = []
                for row in chunk:
                    reason = _skip_reason(row, known, suppressed)
                    if reason:
                        report.skipped.append((row.line, reason))
                        continue
                    rows.append(row)
                    if row.email in known:
                        report.updated += 1
                    else:
                        report.new += 1
                if report.error_count == 0:
                    _write_chunk(rows, known=known, source=source, tags=tags)
            if not report.ok:
                raise _RollBack
    except _RollBack:
        return report
    report.imported = True
    return report


def _write_chunk(rows: list[Row], *, known: dict, source: str, tags: dict) -> None:
    """Write one chunk with a handful of bulk queries (new people in one
    INSERT); known people go through supporter_upsert, which only fills
    their blank details (never blanks or overwrites one)."""
    now = timezone.now()
    ids = {}
    new = [row for row in rows if row.email not in known]
    created = Supporter.objects.bulk_create(
        Supporter(
            email=row.email,
            first_name=row.first_name,
            last_name=row.last_name,
            postcode=row.postcode.upper(),
            source=source[:200],
            created_at=now,
            last_active_at=now,
        )
        for row in new
    )
    ids.update({s.email: s.pk for s in created})
    for row in rows:
        if row.email in known:
            ids[row.email] = supporter_upsert(
                email=row.email,
                source=source,
                first_name=row.first_name,
                last_name=row.last_name,
                postcode=row.postcode,
                fill_blanks_only=True,
            ).pk
    by_topic: dict[int, list[int]] = {}
    pairs = []
    for row in rows:
        for topic in row.topics:
            by_topic.setdefault(topic.pk, []).append(ids[row.email])
            pairs.append(
                Subscription(
                    supporter_id=ids[row.email],
                    topic=topic,
                    status=Subscription.Status.CONFIRMED,
                    confirmed_at=row.consent_at,
                )
            )
    Subscription.objects.bulk_create(pairs, ignore_conflicts=True)
    for topic_id, supporter_ids in by_topic.items():
        # Unconfirmed becomes confirmed; a topic the person left stays left.
        Subscription.objects.filter(
            topic_id=topic_id,
            supporter_id__in=supporter_ids,
            status=Subscription.Status.UNCONFIRMED,
        ).update(
            status=Subscription.Status.CONFIRMED, confirmed_at=now, unsubscribed_at=None
        )
    for name in {t for row in rows for t in row.tags} - set(tags):
        tags[name], _ = Tag.objects.get_or_create(name=name)
    Through = Supporter.tags.through
    Through.objects.bulk_create(
        (
            Through(supporter_id=ids[row.email], tag_id=tags[name].pk)
            for row in rows
            for name in row.tags
        ),
        ignore_conflicts=True,
    )
    ConsentRecord.objects.bulk_create(
        ConsentRecord(
            supporter_id=ids[row.email],
            purpose=PURPOSE_EMAIL_UPDATES,
            action=ConsentRecord.Action.GRANTED,
            lawful_basis=ConsentRecord.LawfulBasis.CONSENT,
            wording=row.wording,
            wording_version=row.wording_version,
            source=f"{source}; original: {row.consent_source}"[:200],
            confirmed_at=row.consent_at,
            created_at=now,
        )
        for row in rows
    )


def supporter_import_queue(*, file_name: str, source: str, user) -> SupporterImport:
    from .tasks import supporter_import_run as run_task

    record = SupporterImport.objects.create(
        file_name=file_name, source=source[:200], uploaded_by=user
    )
    transaction.on_commit(lambda: run_task.delay(record.pk))
    return record


def supporter_import_run(*, import_id: int) -> None:
    """Claim the queued import, run it, record the outcome, drop the file."""
    claimed = SupporterImport.objects.filter(
        pk=import_id, status=SupporterImport.Status.QUEUED
    ).update(status=SupporterImport.Status.RUNNING, finished_at=None)
    if not claimed:
        return  # already run (a task delivered twice)
    record = SupporterImport.objects.get(pk=import_id)
    error = ""
    report = None
    try:
        with import_storage().open(record.file_name, "rb") as stored:
            report = supporters_import(file=stored, source=record.source)
    except ImportFileError as problem:
        error = problem.message
    except FileNotFoundError:
        error = "The uploaded file was no longer there. Please upload it again."
    except Exception as unexpected:
        # Nothing was written (one transaction). Keep the file so staff can
        # try again once the cause is fixed; the daily sweep removes it.
        logger.exception("Supporter import %s: background job raised", import_id)
        _finish(record, error=failure_reason(unexpected))
        return
    if report is not None and not report.imported:
        error = f"{report.error_count} row(s) have errors: nothing was imported."
    if report is not None and report.imported:
        record.new, record.updated = report.new, report.updated
        record.skipped = len(report.skipped)
        SupporterAccessLog.objects.create(
            user=record.uploaded_by,
            action=SupporterAccessLog.Action.IMPORT,
            detail=f"import {record.pk}: {report.new} new, {report.updated} updated, "
            f"{len(report.skipped)} skipped",
        )
    _finish(record, error=error)
    import_storage().delete(record.file_name)


def _finish(record: SupporterImport, *, error: str) -> None:
    record.status = (
        SupporterImport.Status.FAILED if error else SupporterImport.Status.DONE
    )
    record.error = error
    record.finished_at = timezone.now()
    record.save()


def supporter_import_stalled(*, record: SupporterImport, now=None) -> bool:
    """Still "waiting" or "importing" long after any job could still be
    running it (the hard time limit kills a task before then): the job was
    lost (a worker killed, a broker emptied), and only staff can restart it."""
    if record.status not in (
        SupporterImport.Status.QUEUED,
        SupporterImport.Status.RUNNING,
    ):
        return False
    limit = datetime.timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT + 60)
    return (now or timezone.now()) - record.created_at > limit


def supporter_import_can_retry(*, record: SupporterImport) -> bool:
    """A stalled import, or one stopped by an error while its file is kept
    (not one refused for bad rows: that file must be corrected first)."""
    if supporter_import_stalled(record=record):
        return True
    return record.status == SupporterImport.Status.FAILED and import_storage().exists(
        record.file_name
    )


def supporter_import_retry(*, record: SupporterImport) -> bool:
    """Run the same file again (all or nothing, so a second run after a
    partial one cannot double anything). False when there is nothing to
    retry (the file is gone or the import is still healthy)."""
    from .tasks import supporter_import_run as run_task

    if not supporter_import_can_retry(record=record):
        return False
    with transaction.atomic():
        SupporterImport.objects.filter(pk=record.pk).update(
            status=SupporterImport.Status.QUEUED,
            error="",
            finished_at=None,
            created_at=timezone.now(),
        )
        transaction.on_commit(lambda: run_task.delay(record.pk))
    logger.info("Supporter import %s: started again by staff", record.pk)
    return True
