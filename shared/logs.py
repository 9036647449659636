"""JSON logs, one object a line, carrying the request id and trace id, with secrets redacted.

Redaction happens in the formatter, the last step before a line leaves the process, so no call
site can forget it: fields whose names look secret are masked, and secret-shaped values (API keys,
bearer tokens, webhook secrets, card numbers) are masked wherever they appear in a message.
Personal data is masked partially, enough to tell lines apart but not to reach the person: an
email keeps its first character and its domain (`a***@example.com`), an international phone
number its country code and last four digits (`+91******3210`).
"""

from __future__ import annotations

import logging
import re
import sys
from datetime import UTC, datetime
from typing import Any

import orjson
from opentelemetry import trace

from shared.context import current_request_id

REDACTED = "[REDACTED]"

_SECRET_FIELD = re.compile(
    r"pass(word)?|secret|token|api[_-]?key|authorization|cookie|card[_-]?number|cvc|cvv|otp",
    re.IGNORECASE,
)
_SECRET_VALUES = [
    re.compile(r"\b(sk|pk|rk)_(test|live)_[A-Za-z0-9]+"),
    re.compile(r"\bwhsec_[A-Za-z0-9+/=]+"),
    re.compile(r"(?<=[A-Za-z0-9])_secret_[A-Za-z0-9_-]{16,}"),  # a payment's client secret
    re.compile(r"(?i:\bbearer\s+[A-Za-z0-9\-._~+/]+=*)"),
    re.compile(r"\beyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*"),  # a JWT
    re.compile(r"(?i:(password|passwd|secret|token)(\"?\s*[:=]\s*\"?)[^\s\",&]+)"),
]
# 13 to 19 digits, optionally grouped by spaces or dashes: the shape of a card number.
_CARD_NUMBER = re.compile(r"\b\d(?:[ -]?\d){12,18}\b")
_EMAIL = re.compile(r"\b([A-Za-z0-9._%+-])[A-Za-z0-9._%+-]*@([A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+)")
# E.164 with optional spaces or dashes between digits: a plus, then 8 to 15 digits.
_PHONE = re.compile(r"\+\d(?:[ -]?\d){7,14}\b")
# Whether a text holds any of the secret shapes, in one scan: most log values hold none, and the
# substitutions are run only on those that do. Personal data is looked for only in texts that
# hold its one telling character (`@`, `+`), which is cheaper than a scan.
_ANY_SECRET = re.compile("|".join(f"(?:{p.pattern})" for p in (*_SECRET_VALUES, _CARD_NUMBER)))

# Attributes every LogRecord has; anything else was passed through `extra=` and is logged.
_RECORD_ATTRS = frozenset(vars(logging.makeLogRecord({}))) | {
    "message",
    "asctime",
    "taskName",
    "color_message",
}


def _luhn_valid(digits: str) -> bool:
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char)
        if index % 2 == 1:
            value = value * 2 - 9 if value > 4 else value * 2
        total += value
    return total % 10 == 0


def _mask_card(match: re.Match[str]) -> str:
    digits = re.sub(r"\D", "", match.group(0))
    return REDACTED if _luhn_valid(digits) else match.group(0)


def _mask_phone(match: re.Match[str]) -> str:
    digits = re.sub(r"\D", "", match.group(0))
    return f"+{digits[:2]}{'*' * (len(digits) - 6)}{digits[-4:]}"


def redact_text(text: str) -> str:
    if _ANY_SECRET.search(text):
        for pattern in _SECRET_VALUES:
            if pattern.groups >= 2:
                text = pattern.sub(lambda m: f"{m.group(1)}{m.group(2)}{REDACTED}", text)
            else:
                text = pattern.sub(REDACTED, text)
        text = _CARD_NUMBER.sub(_mask_card, text)
    if "@" in text:
        text = _EMAIL.sub(r"\1***@\2", text)
    if "+" in text:
        text = _PHONE.sub(_mask_phone, text)
    return text


def redact(value: Any, key: str | None = None) -> Any:
    if key is not None and _SECRET_FIELD.search(key) and value not in (None, ""):
        return REDACTED
    if isinstance(value, dict):
        return {k: redact(v, str(k)) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [redact(v) for v in value]
    if isinstance(value, str):
        return redact_text(value)
    return value


class JsonFormatter(logging.Formatter):
    def __init__(self, service: str) -> None:
        super().__init__()
        self.service = service

    def format(self, record: logging.LogRecord) -> str:
        # What the formatter writes itself (time, level, names, trace ids) cannot hold a secret or
        # a person: only the message, the caller's request id, the extra fields and the exception
        # are scanned.
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "service": self.service,
            "logger": record.name,
            "message": redact_text(record.getMessage()),
        }
        request_id = current_request_id()
        if request_id:
            entry["requestId"] = redact_text(request_id)
        span_context = trace.get_current_span().get_span_context()
        if span_context.is_valid:
            entry["traceId"] = format(span_context.trace_id, "032x")
            entry["spanId"] = format(span_context.span_id, "016x")
        for name, value in record.__dict__.items():
            if name not in _RECORD_ATTRS and not name.startswith("_"):
                entry[name] = redact(value, name)
        if record.exc_info:
            entry["exception"] = redact_text(self.formatException(record.exc_info))
        return orjson.dumps(entry, default=str).decode()


def configure_logging(service: str, level: str = "INFO") -> None:
    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(JsonFormatter(service))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    # uvicorn's own handlers would print plain text beside ours; route them through the root.
    for name in ("uvicorn", "uvicorn.error"):
        uvicorn_logger = logging.getLogger(name)
        uvicorn_logger.handlers.clear()
        uvicorn_logger.propagate = True
    # The request middleware writes the access log, with request id and duration.
    logging.getLogger("uvicorn.access").disabled = True
    logging.getLogger("aiokafka").setLevel(logging.WARNING)
    # One line per request, the access log's: not also the HTTP client's line per call.
    for name in ("httpx", "httpcore", "aiohttp"):
        logging.getLogger(name).setLevel(logging.WARNING)
