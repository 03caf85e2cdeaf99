"""The ``safe-find`` command: parse arguments, run the check, print text or JSON.

Exit status: 0 when there is nothing to report, 1 when there is (a link loop or a
link leaving the project that the build would warn about or stop on), 2 for a
usage or configuration error.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any, TextIO

from ._check import CheckResult, check
from ._errors import CheckError, ConfigError, count

OK, FOUND, ERROR = 0, 1, 2

HEADINGS = {
    "loop": "link loops",
    "outside": "links leaving the project",
    "repeat": 'links to directories already walked (links = "once")',
    "never": 'links not followed (links = "never")',
    "special": "FIFOs, sockets and devices that patterns match, left out",
    "kernel": "kernel file systems, not entered",
    "fan-out": "directories below which links fan out",
}


def _parser() -> argparse.ArgumentParser:
    from . import __version__

    parser = argparse.ArgumentParser(
        prog="safe-find",
        description="Find what a setuptools build of a project would meet: link loops, links "
        "leaving the project, and the packages it will find.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    checker = commands.add_parser(
        "check",
        help="walk a project as its build would and report what it meets",
        description="Walk a project as its build would (its [tool.safe-find] and setuptools configuration) "
        "and report every link loop, every link leaving the project root and the packages the build "
        "will find. Exit 0: nothing to report; 1: something to report; 2: usage or configuration error.",
    )
    checker.add_argument("path", nargs="?", default=".", metavar="PATH", help="the project root (default: .)")
    checker.add_argument("--json", action="store_true", help="print the report as JSON, for machines")
    return parser


def main(argv: list[str] | None = None, *, out: TextIO | None = None) -> int:
    """Run ``safe-find``; ``out`` (default stdout) is a seam for tests."""
    out = out or sys.stdout
    arguments = _parser().parse_args(argv)
    try:
        result = check(arguments.path)
    except (ConfigError, CheckError) as error:
        if arguments.json:
            json.dump({"error": _error_dict(error)}, out, indent=2)
            out.write("\n")
        else:
            print(f"safe-find: error: {error}", file=sys.stderr)
        return ERROR
    if arguments.json:
        json.dump(result.as_dict(), out, indent=2)
        out.write("\n")
    else:
        out.write(render(result))
    return FOUND if result.problems else OK


def _error_dict(error: Exception) -> dict[str, Any]:
    details: dict[str, Any] = {"message": str(error)}
    if isinstance(error, ConfigError):
        details.update(file=error.file, key=error.key, value=error.value, allowed=list(error.allowed))
    elif isinstance(error, CheckError):
        details.update(path=error.path)
    return details


def render(result: CheckResult) -> str:
    """The report as text: settings, each kind of link, the packages, the verdict."""
    lines = [f"safe-find check {result.root}", f"settings: {result.settings.describe()} ({result.settings.source})"]
    if not result.settings.enabled:
        lines[-1] = f"settings: enabled = false ({result.settings.source})"
    for reason, heading in HEADINGS.items():
        found = [finding for finding in result.findings if finding.report.reason == reason]
        if found or reason in ("loop", "outside"):
            lines.append(f"{heading}: {len(found)}")
            lines.extend(f"  {finding.severity}: {finding.report.describe()}" for finding in found)
    where = f" from {result.discovery}"
    lines.append(f"packages the build will find{where}: {len(result.packages)}")
    lines.extend(f"  {name}" for name in result.packages)
    if result.py_modules:
        lines.append(f"modules the build will find: {len(result.py_modules)}")
        lines.extend(f"  {name}" for name in result.py_modules)
    lines.extend(f"note: {note}" for note in result.notes)
    lines.append(_verdict(result))
    return "\n".join(lines) + "\n"


def _verdict(result: CheckResult) -> str:
    problems = result.problems
    if not problems:
        return "ok: no link loops or links leaving the project that the build would warn about."
    errors = sum(finding.severity == "error" for finding in problems)
    effect = "setuptools will hang on" if not result.settings.enabled else "the build will stop on"
    consequence = f"{effect} {errors} of them" if errors else "the build will warn about them"
    accept = []
    if result.settings.enabled and any(finding.report.reason == "loop" for finding in problems):
        accept.append('on-loop = "ignore"')
    if any(finding.report.reason == "outside" for finding in problems):
        accept.append('outside-links = "follow"')
    if any(finding.report.reason == "fan-out" for finding in problems):
        accept.append('on-fan-out = "once"')
    how = f", or accept them with {' and '.join(accept)} in [tool.safe-find]" if accept else ""
    noun = "link" if all(finding.report.reason != "fan-out" for finding in problems) else "finding"
    return f"{count(len(problems), noun)} to fix: {consequence}. Remove or retarget them{how}."
