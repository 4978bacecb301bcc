"""A small local double of Postmark's batch API, for tests, the bench and demos.

It speaks enough of Postmark for anymail's real Postmark backend:
    POST /email/batchWithTemplates   {"Messages": [...]}, at most 500
    POST /email/withTemplate/        one message
and renders the stored pass-through template the way Postmark would
(``{{x}}`` escaped, ``{{{x}}}`` raw), so a test sees the subject, HTML, text
and headers each recipient would get. The server token is checked, the batch
limit enforced (422), inactive addresses rejected (ErrorCode 406), and tests
can make the next calls fail (503, 500) or hang (to kill a worker mid-call).

    double = PostmarkDouble(token="test-token").start()   # a thread
    settings: EMAIL_ESP=postmark, EMAIL_ESP_API_URL=double.url
    double.messages  -> [{"to", "subject", "html", "text", "headers", ...}]
    double.stop()

Or on its own: ``python -m supporters.mailings.provider_double --port 8025``.
"""

from __future__ import annotations

import html
import json
import re
import threading
import time
import uuid
from datetime import UTC, datetime
from email.utils import parseaddr
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

BATCH_LIMIT = 500
# The pass-through template staff create once in Postmark (see README).
TEMPLATES = {
    "campaign-mailing": {
        "Subject": "{{subject}}",
        "HtmlBody": "{{{html_body}}}",
        "TextBody": "{{{text_body}}}",
    }
}
_TAG = re.compile(r"\{\{\{\s*(\w+)\s*\}\}\}|\{\{\s*(\w+)\s*\}\}")


def render(template: str, model: dict) -> str:
    def value(match):
        raw, escaped = match.group(1), match.group(2)
        if raw:
            return str(model.get(raw, ""))
        return html.escape(str(model.get(escaped, "")))

    return _TAG.sub(value, template)


class PostmarkDouble:
    def __init__(self, *, token: str = "test-token", keep_bodies: bool = True):  # noqa: S107
        self.token = token
        self.keep_bodies = keep_bodies
        self.messages: list[dict] = []
        self.requests: list[dict] = []  # one entry per API call: size, endpoint
        self.inactive: set[str] = set()
        self.failures: list[int] = []  # status codes for the next calls
        self.delay = 0.0  # seconds to wait AFTER recording, before answering
        self.received = threading.Event()
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None

    # --- control -------------------------------------------------------------

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}/"

    def start(self, *, port: int = 0) -> PostmarkDouble:
        double = self

        class Handler(_Handler):
            pass

        Handler.double = double
        self._server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server:
            self._server.shutdown()
            self._server.server_close()

    def count(self) -> int:
        with self._lock:
            return len(self.messages)

    def recipients(self) -> list[str]:
        with self._lock:
            return [m["to"] for m in self.messages]

    # --- the API -------------------------------------------------------------

    def handle(self, path: str, token: str, body: bytes) -> tuple[int, object]:
        if token != self.token:
            return 401, {"ErrorCode": 10, "Message": "Invalid server token."}
        with self._lock:
            if self.failures:
                status = self.failures.pop(0)
                return status, {"ErrorCode": 100, "Message": "Simulated failure."}
        try:
            data = json.loads(body)
        except ValueError:
            return 400, {"ErrorCode": 402, "Message": "Invalid JSON."}
        if path == "/email/batchWithTemplates":
            messages = data.get("Messages") if isinstance(data, dict) else None
            if not isinstance(messages, list):
                return 422, {"ErrorCode": 300, "Message": "Messages required."}
            if len(messages) > BATCH_LIMIT:
                return 422, {
                    "ErrorCode": 300,
                    "Message": f"Batch of {len(messages)} exceeds {BATCH_LIMIT}.",
                }
            results = [self._one(message) for message in messages]
            self._record_call(path, len(messages))
            return 200, results
        if path == "/email/withTemplate/":
            result = self._one(data)
            self._record_call(path, 1)
            return (200 if result["ErrorCode"] == 0 else 422), result
        return 404, {"ErrorCode": 404, "Message": f"No such endpoint {path}"}

    def _record_call(self, path: str, size: int) -> None:
        with self._lock:
            self.requests.append({"endpoint": path, "size": size})
        self.received.set()
        if self.delay:
            time.sleep(self.delay)

    def _one(self, message: dict) -> dict:
        to = message.get("To", "")
        address = parseaddr(to)[1].lower()
        template = TEMPLATES.get(message.get("TemplateAlias"))
        if template is None:
            return {"ErrorCode": 1101, "Message": "Template not found.", "To": to}
        if address in self.inactive:
            return {
                "ErrorCode": 406,
                "Message": (
                    "You tried to send to a recipient that has been marked as "
                    f"inactive.\nFound inactive addresses: {address}.\n"
                    "Inactive recipients are ones that have generated a hard "
                    "bounce or a spam complaint. "
                ),
            }
        model = message.get("TemplateModel") or {}
        message_id = str(uuid.uuid4())
        record = {
            "id": message_id,
            "to": address,
            "from": message.get("From", ""),
            "subject": render(template["Subject"], model),
            "headers": {h["Name"]: h["Value"] for h in message.get("Headers") or []},
            "metadata": message.get("Metadata") or {},
            "track_opens": message.get("TrackOpens"),
            "track_links": message.get("TrackLinks"),
            "first_name": model.get("first_name", ""),
        }
        if self.keep_bodies:
            record["html"] = render(template["HtmlBody"], model)
            record["text"] = render(template["TextBody"], model)
        with self._lock:
            self.messages.append(record)
        return {
            "ErrorCode": 0,
            "Message": "OK",
            "MessageID": message_id,
            "SubmittedAt": datetime.now(UTC).isoformat(),
            "To": to,
        }


class _Handler(BaseHTTPRequestHandler):
    double: PostmarkDouble
    protocol_version = "HTTP/1.1"

    def do_POST(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length)
        status, payload = self.double.handle(
            self.path, self.headers.get("X-Postmark-Server-Token", ""), body
        )
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format, *args):
        return


def main() -> None:
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8025)
    parser.add_argument("--token", default="test-token")
    args = parser.parse_args()
    double = PostmarkDouble(token=args.token, keep_bodies=False).start(port=args.port)
    print(f"Postmark double on {double.url} (token {args.token!r}); Ctrl-C stops")
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        double.stop()


if __name__ == "__main__":
    main()
