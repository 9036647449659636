import io
import json
import logging

import pytest

from shared.context import request_id_var
from shared.logs import REDACTED, JsonFormatter, redact, redact_text

VISA_TEST_CARD = "4242 4242 4242 4242"


@pytest.fixture
def capture() -> tuple[logging.Logger, io.StringIO]:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter("payments"))
    logger = logging.getLogger("test.redaction")
    logger.handlers[:] = [handler]
    logger.propagate = False
    logger.setLevel(logging.INFO)
    return logger, stream


def lines(stream: io.StringIO) -> list[dict]:
    return [json.loads(line) for line in stream.getvalue().splitlines()]


def test_log_lines_are_json_with_service_and_request_id(capture) -> None:
    logger, stream = capture
    token = request_id_var.set("req_abc")
    try:
        logger.info("payment created", extra={"paymentId": "pay_1", "amount": 100})
    finally:
        request_id_var.reset(token)
    (entry,) = lines(stream)
    assert entry["service"] == "payments"
    assert entry["requestId"] == "req_abc"
    assert entry["message"] == "payment created"
    assert (entry["paymentId"], entry["amount"]) == ("pay_1", 100)


def test_secret_fields_never_reach_the_log(capture) -> None:
    logger, stream = capture
    logger.info(
        "login",
        extra={"password": "hunter2!", "refreshToken": "rt_123", "apiKey": "k", "email": "a@b.c"},
    )
    (entry,) = lines(stream)
    assert entry["password"] == entry["refreshToken"] == entry["apiKey"] == REDACTED
    assert entry["email"] == "a***@b.c"
    assert "hunter2" not in stream.getvalue()


@pytest.mark.parametrize(
    "secret",
    [
        "sk_test_51Habc123XYZ",
        "pk_live_9f8e7d",
        "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
        "pay_3hK9Qm2xYz8Lp0Vw1Rt5Ua_secret_Zq-8w_Lk2Jd9sXc0Pf4Tn7Yb",
        "eyJhbGciOiJFZERTQSJ9.eyJzdWIiOiJ1c3JfMSJ9.c2lnbmF0dXJl",
        VISA_TEST_CARD,
        "4242424242424242",
    ],
)
def test_secret_shaped_values_are_masked_inside_messages(capture, secret: str) -> None:
    logger, stream = capture
    logger.warning("upstream said: %s", f"token {secret} rejected")
    assert secret not in stream.getvalue()
    assert REDACTED in lines(stream)[0]["message"]


def test_bearer_tokens_and_password_pairs_are_masked() -> None:
    assert "abc.def" not in redact_text("Authorization: Bearer abc.def")
    assert "s3cret" not in redact_text("password=s3cret&user=me")


def test_a_client_secret_is_masked_but_its_payment_id_survives() -> None:
    masked = redact_text("opened pay_3hK9Qm2xYz8Lp0Vw_secret_Zq-8w_Lk2Jd9sXc0Pf4Tn7Yb now")
    assert masked == f"opened pay_3hK9Qm2xYz8Lp0Vw{REDACTED} now"


def test_numbers_that_are_not_card_numbers_survive() -> None:
    # 16 digits failing the Luhn check: an order number, not a card.
    assert redact_text("order 1234567812345678 paid") == "order 1234567812345678 paid"
    assert redact({"amount": 4242424242424242}) == {"amount": 4242424242424242}


def test_exceptions_are_logged_with_their_trace(capture) -> None:
    logger, stream = capture
    try:
        raise RuntimeError("card 4242424242424242 broke")
    except RuntimeError:
        logger.exception("failed")
    (entry,) = lines(stream)
    assert "RuntimeError" in entry["exception"]
    assert "4242424242424242" not in entry["exception"]


@pytest.mark.parametrize(
    ("said", "logged"),
    [
        ("jane.doe@example.com", "j***@example.com"),
        ("Mail to <Ops+Alerts@Mail.Example.co.in>.", "Mail to <O***@Mail.Example.co.in>."),
        ("+919876543210", "+91******3210"),
        ("call +91 98765 43210 now", "call +91******3210 now"),
        ("+1-415-555-0100", "+14*****0100"),
    ],
)
def test_emails_and_phone_numbers_are_partially_masked(said: str, logged: str) -> None:
    assert redact_text(said) == logged


def test_personal_data_is_masked_in_messages_and_fields_alike(capture) -> None:
    logger, stream = capture
    logger.info(
        "receipt sent to %s",
        "priya@example.in",
        extra={"customer": {"email": "priya@example.in", "phone": "+919876543210"}},
    )
    (entry,) = lines(stream)
    assert entry["message"] == "receipt sent to p***@example.in"
    assert entry["customer"] == {"email": "p***@example.in", "phone": "+91******3210"}


def test_numbers_and_times_that_are_not_phone_numbers_survive() -> None:
    said = "at 2026-12-02T05:06:52.179+00:00, +42 retries, amount 1999, code +1234"
    assert redact_text(said) == said
