"""`expe webhooks`: one tool to set up and debug a receiver. Endpoints with the handshake
(create, verify, update), test events and pings, the attempts sent with their request and
answer, retries, and a signature checker that tells why a delivery does not verify."""

from __future__ import annotations

import argparse
import json
import sys
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from expe import Expe, SignatureVerificationError
from expe import webhooks as signatures
from expe.cli.config import Config
from expe.cli.context import UsageError, client_for, show
from expe.cli.output import print_json, print_table
from expe.models import WebhookAttempt, WebhookEndpoint
from expe.resources.webhooks import Verification

# How long `expe webhooks test` waits for its event's first attempt to finish.
TEST_WAIT_SECONDS = 30.0


def _events(text: str | None) -> list[str] | None:
    return [name.strip() for name in text.split(",") if name.strip()] if text else None


def _report_handshake(endpoint: WebhookEndpoint) -> int:
    """0 once the endpoint is verified (or asks for no handshake); 1, with why, while pending."""
    handshake = endpoint.handshake
    if endpoint.status != "pending_verification" or handshake is None:
        return 0
    why = handshake.failure.message if handshake.failure else "no challenge was echoed yet"
    print(
        f"Endpoint {endpoint.id} is pending verification: {why}\n"
        f"It gets no event until it echoes the challenge (attempt {handshake.attempt_id} holds "
        f"the request and the answer); fix the receiver, then run "
        f"`expe webhooks endpoints verify {endpoint.id}`.",
        file=sys.stderr,
    )
    return 1


def endpoints_list(args: argparse.Namespace, config: Config) -> int:
    with client_for(args, config) as client:
        page = client.webhooks.endpoints.list(limit=100)
        endpoints = list(page)
    if args.json:
        print_json([endpoint.raw for endpoint in endpoints])
        return 0
    rows = [(e.id, e.status, e.url, ",".join(e.enabled_events)) for e in endpoints]
    print_table(("ID", "STATUS", "URL", "EVENTS"), rows)
    return 0


def endpoints_create(args: argparse.Namespace, config: Config) -> int:
    with client_for(args, config) as client:
        endpoint = client.webhooks.endpoints.create(
            url=args.url,
            enabled_events=_events(args.events),
            description=args.description,
            verification="challenge" if args.verify else None,
            secret=args.secret,
        )
    show(args, endpoint)
    return _report_handshake(endpoint)


def endpoints_get(args: argparse.Namespace, config: Config) -> int:
    with client_for(args, config) as client:
        endpoint = client.webhooks.endpoints.retrieve(args.endpoint_id)
    show(args, endpoint)
    return 0


def endpoints_update(args: argparse.Namespace, config: Config) -> int:
    verification: Verification | None = {True: "challenge", False: "none", None: None}[args.verify]
    with client_for(args, config) as client:
        endpoint = client.webhooks.endpoints.update(
            args.endpoint_id,
            url=args.url,
            enabled_events=_events(args.events),
            description=args.description,
            enabled=args.enabled,
            verification=verification,
        )
    show(args, endpoint)
    return _report_handshake(endpoint)


def endpoints_verify(args: argparse.Namespace, config: Config) -> int:
    with client_for(args, config) as client:
        endpoint = client.webhooks.endpoints.challenge(args.endpoint_id)
    if args.json:
        print_json(endpoint.raw)
    elif endpoint.status == "enabled":
        print(f"Endpoint {endpoint.id} echoed the challenge: it is verified and enabled.")
    return _report_handshake(endpoint)


def endpoints_delete(args: argparse.Namespace, config: Config) -> int:
    with client_for(args, config) as client:
        client.webhooks.endpoints.delete(args.endpoint_id)
    print(f"Deleted endpoint {args.endpoint_id}.")
    return 0


def _outcome(attempt: WebhookAttempt) -> str:
    took = f" in {attempt.latency_ms:.0f} ms" if attempt.latency_ms is not None else ""
    if attempt.status == "succeeded":
        return f"answered {attempt.response_status}{took}"
    if attempt.error is not None:
        return f"failed{took}: {attempt.error.code} ({attempt.error.message})"
    return f"failed: answered {attempt.response_status}{took}"


def _first_finished(client: Expe, message_id: str, timeout: float) -> WebhookAttempt | None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        attempts = client.webhooks.attempts.list(message_id=message_id, limit=100).data
        finished = [attempt for attempt in attempts if attempt.status != "sending"]
        if finished:
            return finished[-1]  # the list is newest first: the first attempt is the last
        time.sleep(0.25)
    return None


def send_test(args: argparse.Namespace, config: Config) -> int:
    with client_for(args, config) as client:
        message = client.webhooks.endpoints.send_test(args.endpoint_id, event_type=args.event)
        if args.no_wait:
            attempt = None
        else:
            attempt = _first_finished(client, message.id, TEST_WAIT_SECONDS)
    if args.json:
        print_json({"message": message.raw, "attempt": attempt.raw if attempt else None})
    else:
        print(f"Queued a test {message.event_type} as message {message.id}.")
        if attempt is not None:
            print(f"Attempt {attempt.id} to {attempt.url} {_outcome(attempt)}.")
    if not args.no_wait and attempt is None:
        print(
            f"No attempt finished within {TEST_WAIT_SECONDS:g} s; see "
            f"`expe webhooks attempts list --message {message.id}`.",
            file=sys.stderr,
        )
        return 1
    return 0 if attempt is None or attempt.status == "succeeded" else 1


def ping(args: argparse.Namespace, config: Config) -> int:
    with client_for(args, config) as client:
        result = client.webhooks.endpoints.ping(args.endpoint_id)
    if args.json:
        print_json(result.raw)
    elif result.ok:
        print(f"{args.endpoint_id} answered {result.status} in {result.latency_ms:.0f} ms.")
    else:
        why = f"{result.error.code} ({result.error.message})" if result.error else result.status
        print(f"{args.endpoint_id} did not take the ping: {why}; see attempt {result.attempt_id}.")
    return 0 if result.ok else 1


def attempts_list(args: argparse.Namespace, config: Config) -> int:
    with client_for(args, config) as client:
        page = client.webhooks.attempts.list(
            endpoint_id=args.endpoint,
            message_id=args.message,
            payment_id=args.payment,
            status=args.status,
            limit=args.limit,
        )
    if args.json:
        print_json(page.raw)
        return 0
    rows = [
        (
            a.id,
            a.started_at.isoformat(timespec="seconds").replace("+00:00", "Z"),
            a.event_type,
            a.trigger,
            a.status,
            a.response_status if a.response_status is not None else (a.error and a.error.code),
            f"{a.latency_ms:.0f} ms" if a.latency_ms is not None else None,
            a.url,
        )
        for a in page.data
    ]
    print_table(("ID", "STARTED", "EVENT", "TRIGGER", "STATUS", "ANSWER", "TOOK", "URL"), rows)
    print(f"{len(page.data)} of {page.total}")
    return 0


def _print_exchange(title: str, exchange: dict[str, Any] | None) -> None:
    print(f"\n{title}")
    if exchange is None:
        print("  (none)")
        return
    for name, value in (exchange.get("headers") or {}).items():
        print(f"  {name}: {value}")
    body = exchange.get("body") or ""
    try:
        body = json.dumps(json.loads(body), indent=2, ensure_ascii=False)
    except ValueError:
        pass  # not JSON: shown as received
    print("\n" + body if body else "  (empty body)")
    if exchange.get("truncated"):
        print("  (the body was cut at the recorded limit)")


def attempts_get(args: argparse.Namespace, config: Config) -> int:
    with client_for(args, config) as client:
        attempt = client.webhooks.attempts.retrieve(args.attempt_id)
    if args.json:
        print_json(attempt.raw)
        return 0
    print(f"Attempt {attempt.id} ({attempt.trigger}) of {attempt.event_type}: {_outcome(attempt)}")
    request = attempt.request or {}
    _print_exchange(f"Request: {request.get('method', 'POST')} {attempt.url}", attempt.request)
    status = (attempt.response or {}).get("status")
    _print_exchange(f"Response: {status}" if status else "Response", attempt.response)
    return 0


def attempts_retry(args: argparse.Namespace, config: Config) -> int:
    with client_for(args, config) as client:
        attempt = client.webhooks.attempts.retry(args.attempt_id)
    if args.json:
        print_json(attempt.raw)
    else:
        print(
            f"Sent message {attempt.message_id} again as attempt {attempt.id}: {_outcome(attempt)}."
        )
    return 0 if attempt.status == "succeeded" else 1


def _header(text: str) -> tuple[str, str]:
    name, colon, value = text.partition(":")
    if not colon or not name.strip():
        raise argparse.ArgumentTypeError(f"{text!r} is not `name: value`")
    return name.strip().lower(), value.strip()


def _delivery(args: argparse.Namespace, config: Config) -> tuple[bytes, dict[str, str], float]:
    """The body, headers and timestamp tolerance to check, from the options or an attempt."""
    if args.from_attempt:
        with client_for(args, config) as client:
            request = client.webhooks.attempts.retrieve(args.from_attempt).request
        if not request:
            raise UsageError(f"Attempt {args.from_attempt} has no recorded request.")
        # A recorded attempt is old by nature: its timestamp is checked only when asked.
        tolerance = args.tolerance if args.tolerance is not None else float("inf")
        return request["body"].encode(), dict(request["headers"]), tolerance
    if not args.body_file or not args.header:
        raise UsageError("Give --body-file and the webhook-* --header lines, or --from-attempt.")
    body = sys.stdin.buffer.read() if args.body_file == "-" else Path(args.body_file).read_bytes()
    tolerance = (
        args.tolerance if args.tolerance is not None else signatures.DEFAULT_TOLERANCE_SECONDS
    )
    return body, dict(args.header), tolerance


def check_signature(args: argparse.Namespace, config: Config) -> int:
    body, headers, tolerance = _delivery(args, config)
    try:
        event = signatures.verify(body, headers, args.secret, tolerance=tolerance)
    except SignatureVerificationError as refused:
        if args.json:
            print_json({"valid": False, "reason": str(refused)})
        else:
            print(f"Not valid: {refused}")
        return 1
    sent = datetime.fromtimestamp(int(headers["webhook-timestamp"]), timezone.utc)
    if args.json:
        print_json({"valid": True, "eventId": event.id, "type": event.type})
    else:
        age = int(time.time() - sent.timestamp())
        print(
            f"Valid: {event.type} {event.id}, message {headers['webhook-id']}, signed {age} s ago."
        )
    return 0


def add_commands(commands: Any, common: argparse.ArgumentParser) -> None:
    hooks = commands.add_parser(
        "webhooks", help="endpoints, test events, attempts and signature checks"
    )
    actions = hooks.add_subparsers(dest="action", required=True, metavar="ACTION")

    endpoints = actions.add_parser("endpoints", help="register, verify and change endpoints")
    endpoint_actions = endpoints.add_subparsers(
        dest="endpoint_action", required=True, metavar="ACTION"
    )
    endpoint_actions.add_parser("list", parents=[common], help="every endpoint").set_defaults(
        run=endpoints_list
    )
    create = endpoint_actions.add_parser(
        "create", parents=[common], help="register an endpoint; its secret is shown once"
    )
    create.add_argument("--url", required=True)
    create.add_argument("--events", help="comma-separated types or families (default: all)")
    create.add_argument("--description")
    create.add_argument(
        "--verify",
        action="store_true",
        help="send a signed challenge now; the endpoint gets nothing until it echoes it",
    )
    create.add_argument(
        "--secret",
        metavar="whsec_…",
        help="your own signing secret, so that the receiver knows it before the endpoint exists",
    )
    create.set_defaults(run=endpoints_create)
    get = endpoint_actions.add_parser("get", parents=[common], help="one endpoint")
    get.add_argument("endpoint_id")
    get.set_defaults(run=endpoints_get)
    update = endpoint_actions.add_parser("update", parents=[common], help="change an endpoint")
    update.add_argument("endpoint_id")
    update.add_argument("--url")
    update.add_argument("--events", help="comma-separated types or families")
    update.add_argument("--description")
    switch = update.add_mutually_exclusive_group()
    switch.add_argument("--enable", dest="enabled", action="store_const", const=True)
    switch.add_argument("--disable", dest="enabled", action="store_const", const=False)
    handshake = update.add_mutually_exclusive_group()
    handshake.add_argument(
        "--verify", dest="verify", action="store_const", const=True,
        help="turn the handshake on (challenged at once)",
    )  # fmt: skip
    handshake.add_argument(
        "--no-verify", dest="verify", action="store_const", const=False,
        help="turn the handshake off",
    )  # fmt: skip
    update.set_defaults(run=endpoints_update, verify=None)
    verify = endpoint_actions.add_parser(
        "verify", parents=[common], help="send a pending endpoint a new challenge"
    )
    verify.add_argument("endpoint_id")
    verify.set_defaults(run=endpoints_verify)
    delete = endpoint_actions.add_parser("delete", parents=[common], help="delete an endpoint")
    delete.add_argument("endpoint_id")
    delete.set_defaults(run=endpoints_delete)

    test = actions.add_parser(
        "test", parents=[common], help="send a sample event and show how the endpoint answered"
    )
    test.add_argument("endpoint_id")
    test.add_argument("--event", help="the event type to imitate (default payment.completed)")
    test.add_argument("--no-wait", action="store_true", help="queue it and return at once")
    test.set_defaults(run=send_test)

    knock = actions.add_parser("ping", parents=[common], help="send a signed webhook.ping now")
    knock.add_argument("endpoint_id")
    knock.set_defaults(run=ping)

    attempts = actions.add_parser("attempts", help="what was sent, and what came back")
    attempt_actions = attempts.add_subparsers(
        dest="attempt_action", required=True, metavar="ACTION"
    )
    listing = attempt_actions.add_parser("list", parents=[common], help="the newest attempts")
    listing.add_argument("--endpoint", metavar="we_…")
    listing.add_argument("--message", metavar="msg_…")
    listing.add_argument("--payment", metavar="pay_…")
    listing.add_argument("--status", choices=("sending", "succeeded", "failed"))
    listing.add_argument("--limit", type=int, default=20, help="how many (at most 100)")
    listing.set_defaults(run=attempts_list)
    inspect = attempt_actions.add_parser(
        "get", parents=[common], help="one attempt with its request and the answer"
    )
    inspect.add_argument("attempt_id")
    inspect.set_defaults(run=attempts_get)
    again = attempt_actions.add_parser(
        "retry", parents=[common], help="send the attempt's message again now"
    )
    again.add_argument("attempt_id")
    again.set_defaults(run=attempts_retry)

    check = actions.add_parser(
        "check-signature",
        parents=[common],
        help="check a delivery's signature with the endpoint's secret, and say why it fails",
    )
    check.add_argument("--secret", required=True, help="the endpoint's whsec_… secret")
    check.add_argument("--body-file", metavar="PATH", help="the raw body received (- for stdin)")
    check.add_argument(
        "--header", action="append", type=_header, metavar="'NAME: VALUE'",
        help="a received header; give webhook-id, webhook-timestamp and webhook-signature",
    )  # fmt: skip
    check.add_argument(
        "--from-attempt", metavar="wa_…", help="check what Expe recorded sending in this attempt"
    )
    check.add_argument(
        "--tolerance", type=float, metavar="SECONDS",
        help="how old or new a timestamp may be (default 300; not checked for --from-attempt)",
    )  # fmt: skip
    check.set_defaults(run=check_signature)
