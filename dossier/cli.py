"""Command line: the only module that prints to the terminal or exits.

Exit codes: 0 ok, 1 content errors (or warnings with --strict), 2 usage errors.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from . import __version__
from . import diagnostics as dg

EXIT_OK, EXIT_CONTENT, EXIT_USAGE = 0, 1, 2


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # usage errors exit 2 without a traceback
        self.print_usage(sys.stderr)
        print(f"dossier: error: {message}", file=sys.stderr)
        raise SystemExit(EXIT_USAGE)


def _console():
    from rich.console import Console

    return Console(stderr=True, highlight=False, soft_wrap=True)


def print_diagnostics(diags: list[dg.Diagnostic]) -> None:
    console = _console()
    for d in sorted(diags, key=dg.sort_key):
        style = "red" if d.is_error else "yellow"
        text = dg.format_diagnostic(d)
        head, _, rest = text.partition("\n")
        console.print(head, style=style, markup=False)
        if rest:
            console.print(rest, style="dim", markup=False)


def _summary(diags) -> str:
    errors = sum(d.is_error for d in diags)
    warnings = len(diags) - errors
    return f"{errors} error{'s' * (errors != 1)}, {warnings} warning{'s' * (warnings != 1)}"


def cmd_build(args) -> int:
    from .build import BuildOptions, build

    source = Path(args.source)
    if not source.is_dir():
        print(f"dossier: error: source folder {source} does not exist", file=sys.stderr)
        return EXIT_USAGE
    output = Path(args.output) if args.output else source / "build"
    result = build(BuildOptions(source=source, output=output, drafts=args.drafts, base_url=args.base_url,
                                strict=args.strict, jobs=args.jobs))
    print_diagnostics(result.diagnostics)
    console = _console()
    if result.wrote_output:
        console.print(f"built {result.pages} pages ({result.written} files) into {output} in {result.seconds:.2f} s"
                      + (f"; {_summary(result.diagnostics)}" if result.diagnostics else ""), markup=False)
        return EXIT_CONTENT if (args.strict and result.diagnostics) else EXIT_OK
    if any(d.code == "D502" for d in result.diagnostics):
        return EXIT_USAGE
    why = "warnings are errors with --strict" if result.ok else "errors"
    console.print(f"build failed ({_summary(result.diagnostics)}; {why}); the previous output was left untouched",
                  style="red", markup=False)
    return EXIT_CONTENT


def cmd_check(args) -> int:
    from .build import BuildOptions, build

    result = build(BuildOptions(source=Path(args.source), output=None, drafts=args.drafts, strict=args.strict, jobs=args.jobs))
    if args.format == "json":
        print(json.dumps({"diagnostics": [d.to_dict() for d in sorted(result.diagnostics, key=dg.sort_key)],
                          "errors": sum(d.is_error for d in result.diagnostics),
                          "warnings": sum(not d.is_error for d in result.diagnostics)}, indent=2, ensure_ascii=False))
    else:
        print_diagnostics(result.diagnostics)
        pages = len(result.site.documents) if result.site else 0
        _console().print(f"checked {pages} pages: {_summary(result.diagnostics)}", markup=False)
    return EXIT_CONTENT if result.failed(args.strict) else EXIT_OK


def cmd_init(args) -> int:
    from .scaffold import ScaffoldError, init

    try:
        created = init(Path(args.dir))
    except ScaffoldError as exc:
        print(f"dossier: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    for path in created:
        print(f"created {path}")
    print(f"\nnext: cd {args.dir} && dossier build")
    return EXIT_OK


def cmd_new(args) -> int:
    from .scaffold import ScaffoldError, new

    try:
        path = new(Path(args.source), args.kind, args.title)
    except ScaffoldError as exc:
        print(f"dossier: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    print(f"created {path}")
    return EXIT_OK


def make_parser() -> argparse.ArgumentParser:
    from .scaffold import NEW_KINDS

    parser = _Parser(prog="dossier", description="Static sites for conflict-coverage dossiers.")
    parser.add_argument("--version", action="version", version=f"dossier {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    sub.required = True

    p = sub.add_parser("init", help="scaffold a new dossier")
    p.add_argument("dir")
    p.set_defaults(func=cmd_init)

    p = sub.add_parser("new", help="write a new content file with a front-matter skeleton")
    p.add_argument("kind", choices=NEW_KINDS)
    p.add_argument("title")
    p.add_argument("--source", default=".", help="dossier folder (default: .)")
    p.set_defaults(func=cmd_new)

    p = sub.add_parser("build", help="build the site")
    p.add_argument("--source", default=".", help="dossier folder (default: .)")
    p.add_argument("--output", help="output folder (default: SOURCE/build)")
    p.add_argument("--drafts", action="store_true", help="include drafts")
    p.add_argument("--base-url", help="override base_url, e.g. https://example.org/panjshir/")
    p.add_argument("--strict", action="store_true", help="fail on warnings too")
    p.add_argument("--jobs", type=int, default=0, help="worker processes (default: all cores)")
    p.set_defaults(func=cmd_build)

    p = sub.add_parser("check", help="validate everything without writing output")
    p.add_argument("--source", default=".")
    p.add_argument("--drafts", action="store_true")
    p.add_argument("--strict", action="store_true", help="exit 1 on warnings too")
    p.add_argument("--format", choices=("text", "json"), default="text")
    p.add_argument("--jobs", type=int, default=0)
    p.set_defaults(func=cmd_check)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = make_parser()
    args = parser.parse_args(argv)
    if getattr(args, "jobs", 0) and args.jobs < 0:
        parser.error("--jobs must be 0 (all cores) or more")
    try:
        return args.func(args)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        os._exit(EXIT_OK)


def run() -> None:
    sys.exit(main())
