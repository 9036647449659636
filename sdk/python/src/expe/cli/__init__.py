"""`expe`: log in with a key, create and read payments, trigger test events, forward them to a
local server (`expe listen`), set up and debug webhook endpoints (`expe webhooks`), follow
the API requests made (`expe logs tail`), and export and verify the audit log (`expe audit`)."""

from __future__ import annotations

import argparse
import getpass
import sys
from collections.abc import Sequence

from expe import AuthenticationError, Expe, ExpeError, __version__
from expe._client import DEFAULT_BASE_URL
from expe.cli import audit, webhooks
from expe.cli.config import Config
from expe.cli.context import UsageError, api_key, api_url, client_for, show
from expe.cli.listen import FORWARDED_BY_DEFAULT, listen
from expe.cli.logs import tail
from expe.cli.output import print_json, print_table
from expe.cli.trigger import TRIGGERS


def login(args: argparse.Namespace, config: Config) -> int:
    key = args.api_key
    if not key:
        prompt = "Secret key (sk_test_… or sk_live_…): "
        key = getpass.getpass(prompt) if sys.stdin.isatty() else sys.stdin.readline()
    key = key.strip()
    if not key.startswith(("sk_test_", "sk_live_")):
        raise UsageError("expe needs a secret key (sk_test_… or sk_live_…), not a publishable one.")
    url = api_url(args, config)
    with Expe(key, base_url=url) as client:
        try:
            client.payments.list(limit=1)
        except AuthenticationError as refused:
            print(f"error: the API refused this key: {refused.message}", file=sys.stderr)
            return 1
        mode = "test" if client.is_test_mode else "live"
    config.api_key, config.api_url = key, url
    path = config.save()
    print(f"Logged in to {url} with a {mode}-mode key ending in {key[-4:]}; saved to {path}.")
    return 0


def payments_create(args: argparse.Namespace, config: Config) -> int:
    metadata = dict(item.split("=", 1) for item in args.metadata) if args.metadata else None
    with client_for(args, config) as client:
        payment = client.payments.create(
            amount=args.amount,
            currency=args.currency,
            order_id=args.order_id,
            description=args.description,
            customer={"email": args.customer_email} if args.customer_email else None,
            metadata=metadata,
            return_url=args.return_url,
            idempotency_key=args.idempotency_key,
        )
    show(args, payment)
    return 0


def payments_list(args: argparse.Namespace, config: Config) -> int:
    with client_for(args, config) as client:
        page = client.payments.list(limit=args.limit, status=args.status, q=args.query)
    if args.json:
        print_json(page.raw)
        return 0
    rows = [
        (p.id, p.status, p.amount, p.currency, p.order_id, p.created_at.isoformat())
        for p in page.data
    ]
    print_table(("ID", "STATUS", "AMOUNT", "CURRENCY", "ORDER", "CREATED"), rows)
    print(f"{len(page.data)} of {page.total}")
    return 0


def payments_get(args: argparse.Namespace, config: Config) -> int:
    with client_for(args, config) as client:
        payment = client.payments.retrieve(args.payment_id)
    show(args, payment)
    return 0


def trigger(args: argparse.Namespace, config: Config) -> int:
    with client_for(args, config) as client:
        if not client.api_key.startswith("sk_test_"):
            raise UsageError("expe trigger makes real payments: it needs a test-mode secret key.")
        say = (lambda _: None) if args.json else print
        result = TRIGGERS[args.event](client, args.amount, args.currency, say)
    if args.json:
        print_json(result.raw)
    else:
        print(f"Triggered {args.event}.")
    return 0


def listen_command(args: argparse.Namespace, config: Config) -> int:
    key = api_key(args, config)
    url = api_url(args, config)
    with Expe(key, base_url=url) as client:
        try:
            merchant_id: str | None = client.analytics.summary().merchant_id
        except AuthenticationError:
            raise
        except ExpeError:
            merchant_id = None  # the events still come; only their merchantId is unknown
    return listen(
        api_key=key,
        base_url=url,
        secret=config.listen_signing_secret(),
        forward_to=args.forward_to,
        events=[name.strip() for name in args.events.split(",") if name.strip()],
        merchant_id=merchant_id,
    )


def logs_tail(args: argparse.Namespace, config: Config) -> int:
    with client_for(args, config) as client:
        tail(client, limit=args.limit, follow=not args.no_follow)
    return 0


def _parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--api-key", help="a secret key (default: EXPE_API_KEY, then the login)")
    common.add_argument("--api-url", help=f"the API's base URL (default {DEFAULT_BASE_URL})")
    common.add_argument("--json", action="store_true", help="print JSON instead of text")

    parser = argparse.ArgumentParser(prog="expe", description=__doc__)
    parser.add_argument("--version", action="version", version=f"expe {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    commands.add_parser(
        "login", parents=[common], help="verify a secret key and store it"
    ).set_defaults(run=login)

    payments = commands.add_parser("payments", help="create, list and read payments")
    actions = payments.add_subparsers(dest="action", required=True, metavar="ACTION")
    create = actions.add_parser("create", parents=[common], help="create a payment")
    create.add_argument("--amount", type=int, required=True, help="in minor units: 1000 = 10.00")
    create.add_argument("--currency", required=True, help="ISO 4217 code, e.g. INR")
    create.add_argument("--order-id", required=True)
    create.add_argument("--description")
    create.add_argument("--customer-email")
    create.add_argument("--metadata", action="append", metavar="KEY=VALUE")
    create.add_argument("--return-url")
    create.add_argument("--idempotency-key")
    create.set_defaults(run=payments_create)
    listing = actions.add_parser("list", parents=[common], help="the newest payments")
    listing.add_argument("--limit", type=int, default=10, help="how many (at most 100)")
    listing.add_argument("--status", action="append", help="only these statuses")
    listing.add_argument("--query", help="a payment id or order id")
    listing.set_defaults(run=payments_list)
    get = actions.add_parser("get", parents=[common], help="one payment")
    get.add_argument("payment_id")
    get.set_defaults(run=payments_get)

    fire = commands.add_parser(
        "trigger", parents=[common], help="make an event happen in test mode"
    )
    fire.add_argument("event", choices=sorted(TRIGGERS))
    fire.add_argument("--amount", type=int, default=1000)
    fire.add_argument("--currency", default="INR")
    fire.set_defaults(run=trigger)

    hear = commands.add_parser(
        "listen", parents=[common], help="forward live events to a local server, signed"
    )
    hear.add_argument("--forward-to", metavar="URL", help="e.g. localhost:4242/hooks")
    hear.add_argument(
        "--events",
        default=",".join(FORWARDED_BY_DEFAULT),
        help="comma-separated types or families (default: %(default)s)",
    )
    hear.set_defaults(run=listen_command)

    logs = commands.add_parser("logs", help="the API requests made with the merchant's keys")
    logs_actions = logs.add_subparsers(dest="action", required=True, metavar="ACTION")
    follow = logs_actions.add_parser(
        "tail", parents=[common], help="recent requests, then new ones"
    )
    follow.add_argument("--limit", type=int, default=20, help="recent requests shown first")
    follow.add_argument("--no-follow", action="store_true", help="stop after the recent ones")
    follow.set_defaults(run=logs_tail)

    webhooks.add_commands(commands, common)
    audit.add_commands(commands, common)
    return parser


def main(argv: Sequence[str] | None = None) -> None:
    # Line by line even into a pipe: `expe listen | grep …` shows each event as it comes.
    if hasattr(sys.stdout, "reconfigure"):
        sys.stdout.reconfigure(line_buffering=True)
    args = _parser().parse_args(argv)
    try:
        status = args.run(args, Config.load())
    except UsageError as error:
        print(f"error: {error}", file=sys.stderr)
        status = 2
    except ExpeError as error:
        print(f"error: {error}", file=sys.stderr)
        status = 1
    except KeyboardInterrupt:
        status = 130
    raise SystemExit(status)
