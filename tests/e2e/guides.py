"""Reads the guides' code samples out of docs/*.md and runs them as a reader would.

Every fenced block of a page is one of these, decided by its info string and the line above it:

- ```sh (or bash): run in the page's one bash process (`set -euo pipefail`), so shell variables,
  the working folder and background jobs carry from one block to the next, as in a reader's
  terminal. curl runs with `--fail-with-body` (from a curl config the suite provides), so an HTTP
  error fails the block, unless the block's shown output is itself an error (below).
- ```python or ```js without a title: run as a script from the page's folder (`python3`, or
  `node` as an ES module); it sees the exported variables only, as a script a reader runs would.
- a block with a title naming a file (```python title="receiver.py"): saved under that name
  when the run reaches it, not run; a later block runs it.
- a block titled "Output" or "Response": what the run block just before it prints. JSON is
  matched by shape (every key shown must be there with a matching value; the reply may have
  more keys); text line by line, in order, among the lines printed. `…` stands for anything,
  also unquoted in JSON (`"latencyMs": …`). An output that shows an API error (an
  `{"error": …}` body, whole or as its first line, or a first line that is a 4xx or 5xx status,
  with or without `HTTP/1.1`) lets curl's error status through.
- `<!-- not run: why -->` on the line before a block: not run; the suite reports it as skipped
  with the reason, so skipping is visible.

Any other block (a language that is not run, without a title or that mark) fails the suite: a
sample is run, saved, checked as output, or openly not run.

Each page starts in a folder of its own holding `account.json` (what `python -m devstack account
run` prints) with EXPE_API_URL, EXPE_SECRET_KEY, EXPE_PUBLISHABLE_KEY and EXPE_MERCHANT_ID
exported from it, and EXPE_REPO naming the repository (the reader's clone of Expe).

`python -m tests.e2e.guides docs/PAGE.md` runs one page against `make run`'s stack, with a new
sandbox account, while writing it.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shlex
import signal
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from devstack.accounts import sandbox_account
from devstack.profile import REPO, Profile

DOCS = REPO / "docs"
SHELLS = {"sh", "bash"}
SCRIPTS = {"python": ("python3", ".py"), "js": ("node", ".mjs")}
OUTPUT_TITLES = {"Output", "Response"}
WILDCARD = "…"

_FENCE = re.compile(r"^(?P<indent>[ \t]*)(?P<fence>`{3,}|~{3,})\s*(?P<info>[^`]*)$")
_TITLE = re.compile(r'\btitle="(?P<title>[^"]*)"')
_NOT_RUN = re.compile(r"^<!--\s*not run:\s*(?P<reason>.+?)\s*-->$")
_FILE_NAME = re.compile(r"^[A-Za-z0-9_.-]+$")
# An HTTP status line of an error, or an error status alone (curl's `-w '%{http_code}'`).
_HTTP_ERROR = re.compile(r"^(HTTP/\S+ )?[45]\d\d\b")


@dataclass(frozen=True)
class Block:
    page: Path
    line: int
    lang: str
    title: str | None
    code: str
    not_run: str | None

    @property
    def where(self) -> str:
        return f"{self.page.relative_to(REPO)}:{self.line}"

    @property
    def kind(self) -> str:
        """run-sh, run-script, file, output, not-run or unmarked."""
        if self.not_run is not None:
            return "not-run"
        if self.title in OUTPUT_TITLES:
            return "output"
        if self.title is not None:
            return "file"
        if self.lang in SHELLS:
            return "run-sh"
        if self.lang in SCRIPTS:
            return "run-script"
        return "unmarked"

    @property
    def shows_error(self) -> bool:
        """An output block showing an API error (its run block may get an HTTP error)."""
        text = self.code.strip()
        if _HTTP_ERROR.match(text):
            return True
        # The whole output, or its first line, may be the error's body.
        for candidate in (text, text.partition("\n")[0]):
            try:
                shown = parse_shown_json(candidate)
            except ValueError:
                continue
            return isinstance(shown, dict) and "error" in shown
        return False


def read_blocks(page: Path) -> list[Block]:
    """The fenced blocks of a page, in order, with the not-run mark of each."""
    lines = page.read_text().splitlines()
    blocks: list[Block] = []
    index = 0
    while index < len(lines):
        opening = _FENCE.match(lines[index])
        if not opening:
            index += 1
            continue
        indent, fence, info = opening["indent"], opening["fence"], opening["info"].strip()
        body: list[str] = []
        end = index + 1
        while end < len(lines):
            closing = lines[end].strip()
            if closing.startswith(fence) and set(closing) == {fence[0]}:
                break
            body.append(lines[end].removeprefix(indent))
            end += 1
        title = _TITLE.search(info)
        blocks.append(
            Block(
                page=page,
                line=index + 1,
                lang=info.split()[0] if info else "",
                title=title["title"] if title else None,
                code="\n".join(body) + "\n",
                not_run=_mark_before(lines, index),
            )
        )
        index = end + 1
    return blocks


def _mark_before(lines: list[str], index: int) -> str | None:
    for previous in reversed(lines[:index]):
        if previous.strip():
            mark = _NOT_RUN.match(previous.strip())
            return mark["reason"] if mark else None
    return None


def problems(blocks: list[Block]) -> list[str]:
    """What is wrong with a page's blocks before anything runs."""
    found = []
    previous: Block | None = None
    for block in blocks:
        if block.kind == "unmarked":
            found.append(
                f"{block.where}: a ```{block.lang or '(no language)'} block that is neither run, "
                'a file (title="name"), an output (title="Output") nor marked '
                "<!-- not run: why -->"
            )
        if block.kind == "output" and (previous is None or not previous.kind.startswith("run")):
            found.append(f"{block.where}: an output block must follow the block that prints it")
        if block.kind == "file" and not _FILE_NAME.match(block.title or ""):
            found.append(f"{block.where}: a file's title must be a plain file name")
        previous = block
    return found


def parse_shown_json(text: str) -> Any:
    """A JSON value as a guide shows it, where a bare `…` is a wildcard."""
    quoted: list[str] = []
    in_string = escaped = False
    for char in text:
        if in_string:
            escaped = char == "\\" and not escaped
            in_string = not (char == '"' and not escaped)
            quoted.append(char)
        elif char == '"':
            in_string = True
            quoted.append(char)
        else:
            quoted.append(f'"{WILDCARD}"' if char == WILDCARD else char)
    return json.loads("".join(quoted))


def _json_values(text: str) -> list[Any]:
    decoder = json.JSONDecoder()
    values, position = [], 0
    while True:
        while position < len(text) and text[position].isspace():
            position += 1
        if position == len(text):
            return values
        value, position = decoder.raw_decode(text, position)
        values.append(value)


def _pattern(shown: str) -> re.Pattern[str]:
    return re.compile(".*".join(re.escape(part) for part in shown.split(WILDCARD)), re.DOTALL)


def shape_mismatches(shown: Any, actual: Any, path: str = "$") -> Iterator[str]:
    """Where `actual` does not have the shape `shown` (a guide's output) promises."""
    if shown == WILDCARD:
        return
    if isinstance(shown, str) and WILDCARD in shown:
        if not isinstance(actual, str) or not _pattern(shown).fullmatch(actual):
            yield f"{path}: {actual!r} does not match {shown!r}"
    elif isinstance(shown, dict):
        if not isinstance(actual, dict):
            yield f"{path}: expected an object, got {actual!r}"
            return
        for key, value in shown.items():
            if key not in actual:
                yield f"{path}.{key}: missing"
            else:
                yield from shape_mismatches(value, actual[key], f"{path}.{key}")
    elif isinstance(shown, list):
        open_ended = bool(shown) and shown[-1] == WILDCARD
        items = shown[:-1] if open_ended else shown
        if not isinstance(actual, list) or not (
            len(actual) >= len(items) if open_ended else len(actual) == len(items)
        ):
            yield f"{path}: expected {len(items)}{'+' if open_ended else ''} items, got {actual!r}"
            return
        for position, item in enumerate(items):
            yield from shape_mismatches(item, actual[position], f"{path}[{position}]")
    elif type(shown) is not type(actual) or shown != actual:
        yield f"{path}: expected {shown!r}, got {actual!r}"


def output_mismatch(output: Block, printed: str) -> str | None:
    """Why what a block printed does not match the output the guide shows, or None."""
    if output.lang == "json":
        try:
            values = _json_values(printed)
        except ValueError:
            return "the block printed something other than JSON"
        if not values:
            return "the block printed no JSON"
        mismatches = list(shape_mismatches(parse_shown_json(output.code), values[-1]))
        return "; ".join(mismatches) or None
    lines = [line.rstrip("\r ") for line in printed.splitlines()]
    position = 0
    for shown in (line.rstrip() for line in output.code.splitlines()):
        if not shown:
            continue
        pattern = _pattern(shown)
        while position < len(lines) and not pattern.fullmatch(lines[position]):
            position += 1
        if position == len(lines):
            return f"no line matching {shown!r} (in order)"
        position += 1
    return None


@dataclass
class PageRun:
    page: Path
    returncode: int | None
    # Each run block with what it printed (stdout, stderr), in order, up to where the run ended.
    ran: list[tuple[Block, str, str]]
    mismatches: list[str]

    @property
    def ok(self) -> bool:
        return self.returncode == 0 and not self.mismatches

    def printed(self) -> str:
        return "".join(out + err for _, out, err in self.ran)

    def report(self) -> str:
        lines = [f"{self.page.relative_to(REPO)}: exit {self.returncode}", *self.mismatches]
        if self.returncode != 0 and self.ran:
            block, out, err = self.ran[-1]
            lines += [
                f"the run ended in the block at {block.where}:",
                block.code,
                f"stdout:\n{out[-4000:]}",
                f"stderr:\n{err[-4000:]}",
            ]
        return "\n".join(lines)


def _curl_configs(folder: Path) -> tuple[Path, Path]:
    """CURL_HOME folders: one whose .curlrc fails on HTTP errors, one that lets them through."""
    failing, lenient = folder / "curl-fail", folder / "curl-lenient"
    for home, config in ((failing, "fail-with-body\n"), (lenient, "")):
        home.mkdir()
        (home / ".curlrc").write_text(config)
    return failing, lenient


def _script(blocks: list[Block], workdir: Path, state: Path) -> str:
    failing, lenient = _curl_configs(state)
    lines = ["set -euo pipefail", f"cd {shlex.quote(str(workdir))}"]
    for number, block in enumerate(blocks):
        if block.kind == "file":
            source = state / f"{number}.src"
            source.write_text(block.code)
            lines.append(f"cp {shlex.quote(str(source))} {shlex.quote(block.title or '')}")
            continue
        if not block.kind.startswith("run"):
            continue
        following = blocks[number + 1] if number + 1 < len(blocks) else None
        lets_errors = following is not None and following.kind == "output" and following.shows_error
        lines += [
            f"echo {number} > {shlex.quote(str(state / 'current'))}",
            f"exec >{shlex.quote(str(state / f'{number}.out'))}"
            f" 2>{shlex.quote(str(state / f'{number}.err'))}",
            f"export CURL_HOME={shlex.quote(str(lenient if lets_errors else failing))}",
        ]
        if block.kind == "run-sh":
            lines.append(block.code)
        else:
            interpreter, suffix = SCRIPTS[block.lang]
            script = state / f"{number}{suffix}"
            script.write_text(block.code)
            lines.append(f"{interpreter} {shlex.quote(str(script))}")
    lines.append(f"echo done > {shlex.quote(str(state / 'current'))}")
    return "\n".join(lines) + "\n"


def run_page(page: Path, workdir: Path, env: dict[str, str], timeout: float = 150) -> PageRun:
    """Runs a page's samples in order in `workdir` and checks the outputs they show."""
    blocks = read_blocks(page)
    with tempfile.TemporaryDirectory(prefix="guide-") as folder:
        state = Path(folder)
        script = state / "page.sh"
        script.write_text(_script(blocks, workdir, state))
        # A session of its own, so whatever the page leaves running (a receiver) ends with it.
        with (state / "bash.out").open("w") as bash_output:
            process = subprocess.Popen(
                ["bash", str(script)],
                cwd=workdir,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=bash_output,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
            try:
                returncode: int | None = process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                returncode = None
            finally:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGTERM)
                process.wait()
        return _collect(page, blocks, state, returncode)


def _collect(page: Path, blocks: list[Block], state: Path, returncode: int | None) -> PageRun:
    current = (state / "current").read_text().strip() if (state / "current").exists() else "0"
    last = len(blocks) if current == "done" else int(current)
    ran: list[tuple[Block, str, str]] = []
    mismatches: list[str] = []
    for number, block in enumerate(blocks[: last + 1]):
        if not block.kind.startswith("run"):
            continue
        out = (state / f"{number}.out").read_text(errors="replace")
        err = (state / f"{number}.err").read_text(errors="replace")
        ran.append((block, out, err))
        following = blocks[number + 1] if number + 1 < len(blocks) else None
        if following is not None and following.kind == "output" and number < last:
            mismatch = output_mismatch(following, out)
            if mismatch:
                mismatches.append(f"{following.where}: {mismatch}\nprinted:\n{out[-3000:]}")
    if returncode is None:
        mismatches.append(f"the page did not finish in time (in block {current})")
    return PageRun(page, returncode, ran, mismatches)


def reader_env(account: dict[str, str]) -> dict[str, str]:
    """The environment of a reader who followed the Quick start: no EXPE_* of the suite's own."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("EXPE_")}
    env.update(
        EXPE_API_URL=account["apiUrl"],
        EXPE_SECRET_KEY=account["secretKey"],
        EXPE_PUBLISHABLE_KEY=account["publishableKey"],
        EXPE_MERCHANT_ID=account["merchantId"],
        # Where the reader cloned Expe, which the SDK guide installs the SDKs from.
        EXPE_REPO=str(REPO),
    )
    return env


def main() -> int:
    """Runs one page against `make run`'s stack with a new sandbox account."""
    profile = Profile.load("run")
    with httpx.Client(base_url=profile.process_url("gateway"), timeout=15) as gateway:
        account = sandbox_account(gateway, profile.mailpit_url)
    page = Path(sys.argv[1]).resolve()
    with tempfile.TemporaryDirectory(prefix="reader-") as folder:
        workdir = Path(folder)
        (workdir / "account.json").write_text(json.dumps(account, indent=2))
        run = run_page(page, workdir, reader_env(account))
    sys.stdout.write((run.report() if not run.ok else f"{page.relative_to(REPO)}: all ran") + "\n")
    return 0 if run.ok else 1


if __name__ == "__main__":
    sys.exit(main())
