"""The `expe` command."""


def main() -> None:
    raise SystemExit(0)
