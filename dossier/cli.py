"""Command line: the only module that prints to the terminal or exits.

Exit codes: 0 ok, 1 content errors (or warnings with --strict), 2 usage errors.
"""
from __future__ import annotations

import argparse
import contextlib
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

    return Console(stderr=True, highlight=False, soft_wrap=True, emoji=False)  # "x.md:100:11" is no emoji code


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
    warnings = sum(d.severity == dg.WARNING for d in diags)
    notes = len(diags) - errors - warnings
    text = f"{errors} error{'s' * (errors != 1)}, {warnings} warning{'s' * (warnings != 1)}"
    return text + (f", {notes} note{'s' * (notes != 1)}" if notes else "")


def _lock_output(source: Path, output: Path, command: str, wait: float):
    """The output's lock (dossier/lock.py), or None after saying who holds it (exit 2)."""
    from .lock import OutputBusy, OutputLock
    from .write import check_output_dir

    if check_output_dir(source, output) is not None:
        return contextlib.nullcontext()  # refused anyway, with its own message: no lock file beside it
    console = _console()
    lock = OutputLock(output, command, wait=wait, say=lambda text: console.print(text, style="dim", markup=False))
    try:
        lock.acquire()
    except OutputBusy as exc:
        print(f"dossier: error: {exc}", file=sys.stderr)
        return None
    if lock.took_over:
        console.print(f"note: took over the lock on {output} left by {lock.took_over.describe()}, which no longer runs",
                      style="dim", markup=False)
    return lock


def cmd_build(args) -> int:
    from .build import BuildOptions, build

    source = Path(args.source)
    if not source.is_dir():
        print(f"dossier: error: source folder {source} does not exist", file=sys.stderr)
        return EXIT_USAGE
    output = Path(args.output) if args.output else source / "build"
    lock = _lock_output(source, output, "build", args.wait)
    if lock is None:
        return EXIT_USAGE
    from . import progress

    with lock, progress.reporting(progress.for_streams()):  # a bar on a terminal, plain lines in CI and pipes
        result = build(BuildOptions(source=source, output=output, drafts=args.drafts, base_url=args.base_url,
                                    strict=args.strict, jobs=args.jobs, cache=not args.no_cache))
    print_diagnostics(result.diagnostics)
    console = _console()
    if result.wrote_output:
        console.print(f"built {result.pages} pages ({result.written} files) into {output} in {result.seconds:.2f} s"
                      + (f"; {_summary(result.diagnostics)}" if result.diagnostics else ""), markup=False)
        from .render.feeds import base_url_note

        note = base_url_note(result.site)  # said once per build; not a warning, so --strict still passes
        if note:
            console.print(note, style="dim", markup=False)
        return EXIT_CONTENT if (args.strict and result.diagnostics) else EXIT_OK
    if any(d.code == "D502" for d in result.diagnostics):
        return EXIT_USAGE
    why = "warnings are errors with --strict" if result.ok else "errors"
    console.print(f"build failed ({_summary(result.diagnostics)}; {why}); the previous output was left untouched",
                  style="red", markup=False)
    return EXIT_CONTENT


def cmd_check(args) -> int:
    """Everything ``build`` validates plus the editorial checks (dossier/check.py), as a report on stdout.

    Text: one ``file:line: [code] message`` line per finding, then a summary table;
    ``--format json``: the same findings and summary as one JSON document.
    """
    from .build import BuildOptions, build
    from .check import run_checks, summarize

    if not Path(args.source).is_dir():
        print(f"dossier: error: source folder {args.source} does not exist", file=sys.stderr)
        return EXIT_USAGE
    result = build(BuildOptions(source=Path(args.source), output=None, drafts=args.drafts, strict=args.strict, jobs=args.jobs))
    if result.site is not None:
        result.diagnostics.extend(run_checks(result.site))
        from .resolve.mentions import unlinked_mentions

        result.diagnostics.extend(unlinked_mentions(result.site, Path(args.source)))
    diags = sorted(result.diagnostics, key=dg.sort_key)
    pages = len(result.site.documents) if result.site else 0
    if args.format == "json":
        print(json.dumps({"diagnostics": [d.to_dict() for d in diags],
                          "errors": sum(d.is_error for d in diags),
                          "warnings": sum(d.severity == dg.WARNING for d in diags),
                          "notes": sum(d.severity == dg.NOTE for d in diags),
                          "pages": pages,
                          "summary": summarize(diags)}, indent=2, ensure_ascii=False))
    else:
        _print_check_report(diags, pages)
    return EXIT_CONTENT if result.failed(args.strict) else EXIT_OK


def format_finding(d: dg.Diagnostic) -> str:
    """``file:line: [code] message (hint)``: the ``dossier check`` line format."""
    loc = d.location()
    text = f"{loc + ': ' if loc else ''}[{d.code}] {d.message}"
    return text + (f" ({d.hint})" if d.hint else "")


def _print_check_report(diags: list[dg.Diagnostic], pages: int) -> None:
    from rich.console import Console
    from rich.table import Table

    from .check import summarize

    console = Console(highlight=False, soft_wrap=True, emoji=False)  # stdout: the report is the command's output
    for d in diags:
        console.print(format_finding(d), style="red" if d.is_error else "yellow", markup=False)
        if d.source_line is not None and d.source_line.strip():
            console.print("    " + d.source_line.rstrip()[:200], style="dim", markup=False)
    if diags:
        table = Table(title="Summary", title_justify="left", show_edge=False, pad_edge=False)
        table.add_column("code")
        table.add_column("severity")
        table.add_column("count", justify="right")
        table.add_column("check")
        for row in summarize(diags):
            style = "red" if row["severity"] == dg.ERROR else "yellow"
            table.add_row(row["code"], row["severity"], str(row["count"]), row["description"], style=style)
        console.print()
        console.print(table)
    console.print(f"checked {pages} pages: {_summary(diags)}", markup=False)


def cmd_schema(args) -> int:
    from .schema import schema_json

    text = schema_json(args.what)
    if args.output:
        Path(args.output).write_text(text, encoding="utf-8")
        print(f"wrote {args.output}", file=sys.stderr)
    else:
        sys.stdout.write(text)
    return EXIT_OK


def cmd_import_site(args) -> int:
    from .migrate import MigrateProblem, format_report, migrate

    if len(args.files) != 1:
        print(f"dossier: error: --from {args.generator} takes one site folder", file=sys.stderr)
        return EXIT_USAGE
    site = Path(args.files[0])
    target = Path(args.into) if args.into else Path(f"{site.resolve().name}-dossier")
    try:
        report = migrate(args.generator, site, target)
    except MigrateProblem as exc:
        print(f"dossier: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    print("\n".join(format_report(report)))
    return EXIT_OK


def cmd_import(args) -> int:
    from .build import BuildOptions, load
    from .importer import ImportProblem, import_file

    if args.generator:
        return cmd_import_site(args)
    root = Path(args.source)
    if not root.is_dir():
        print(f"dossier: error: source folder {root} does not exist", file=sys.stderr)
        return EXIT_USAGE
    _config, site, diags, _timings = load(BuildOptions(source=root, output=None, drafts=True, jobs=1))
    if site is None:
        print_diagnostics(diags)
        return EXIT_CONTENT
    failed = 0
    for name in args.files:
        try:
            report = import_file(Path(name), site, root, dry_run=args.dry_run)
        except ImportProblem as exc:
            print(f"dossier: error: {exc}", file=sys.stderr)
            failed += 1
            continue
        _print_import_report(report, args.dry_run, root)
    return EXIT_CONTENT if failed else EXIT_OK


def _print_import_report(report, dry_run: bool, root: Path) -> None:
    where = report.path.relative_to(root) if report.path and report.path.is_relative_to(root) else report.path
    if dry_run:
        print(f"{report.source_file}: would write content/articles/{report.slug}.md (draft; --dry-run: nothing written)")
        print(report.text)
    else:
        print(f"{report.source_file}: wrote {where} (draft: true)")
    print(f"  title: {report.title}")
    print(f"  read as {report.fmt}: {report.paragraphs} paragraph{'s' * (report.paragraphs != 1)} kept")
    for key in ("author", "date", "url", "sitename", "language"):
        if report.metadata.get(key):
            print(f"  found {key}: {report.metadata[key]}")
    if report.entities:
        print("  recognised:")
        for e in report.entities:
            spellings = ", ".join(f'"{s}"' for s in e.spellings)
            print(f"    {e.kind:<12} {e.title}  (as {spellings}; {e.count}x)")
    else:
        print("  recognised: no person, place or organisation of this dossier")
    if report.missing:
        print("  not found: " + ", ".join(report.missing) + (" (date set to today: correct it)" if "date" in report.missing else ""))
    if report.unknown_names:
        print("  names with no page in the dossier (add pages or aliases?): " + "; ".join(report.unknown_names))
    if report.dropped:
        print("  dropped: " + "; ".join(f'"{d}"' for d in report.dropped))
    for note in report.notes:
        print(f"  note: {note}")


def cmd_publish(args) -> int:
    from .publish import PublishError, check_ready, default_remote, publish_folder, publish_git

    source = Path(args.source)
    if not source.is_dir():
        print(f"dossier: error: source folder {source} does not exist", file=sys.stderr)
        return EXIT_USAGE
    if args.remote and args.folder:
        print("dossier: error: choose one target: --remote URL (a git branch) or --folder DIR", file=sys.stderr)
        return EXIT_USAGE
    remote = args.remote or (None if args.folder else default_remote(source))
    if not remote and not args.folder:
        print("dossier: error: say where to publish: --remote URL (pushes a git branch, gh-pages by default) "
              "or --folder DIR (copies the site there)", file=sys.stderr)
        return EXIT_USAGE
    output = Path(args.output) if args.output else source / "build"
    problems = check_ready(source, output, force=args.force)
    if problems:
        for problem in problems:
            print(f"dossier: refused: {problem}", file=sys.stderr)
        return EXIT_CONTENT
    try:
        if args.folder:
            changes = publish_folder(source, output, Path(args.folder), cname=args.cname)
        else:
            changes = publish_git(output, remote, branch=args.branch, cname=args.cname, message=args.message)
    except PublishError as exc:
        print(f"dossier: error: {exc}", file=sys.stderr)
        return EXIT_USAGE if exc.usage else EXIT_CONTENT
    for line in changes.lines():
        print(line)
    print(changes.summary())
    return EXIT_OK


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


def cmd_serve(args) -> int:
    from .build import BuildOptions
    from .serve import PortInUse, ServeError, serve

    source = Path(args.source)
    if not source.is_dir():
        print(f"dossier: error: source folder {source} does not exist", file=sys.stderr)
        return EXIT_USAGE
    if args.port is not None and not 0 <= args.port <= 65535:
        print(f"dossier: error: --port must be between 0 and 65535, not {args.port}", file=sys.stderr)
        return EXIT_USAGE
    console = _console()
    styles = {"warning": "yellow", "error": "red", "detail": "dim"}

    def report(level: str, text: str) -> None:  # the dev server's messages, from any of its threads
        if level == "info":
            print(text, flush=True)
            return
        head, _, rest = text.partition("\n")
        console.print(head, style=styles.get(level), markup=False)
        if rest:
            console.print(rest, style="dim", markup=False)

    options = BuildOptions(source=source, output=Path(args.output) if args.output else None, drafts=args.drafts,
                           jobs=args.jobs)
    lock = _lock_output(source, Path(args.output) if args.output else source / "build", "serve", args.wait)
    if lock is None:
        return EXIT_USAGE
    try:
        with lock:
            return serve(options, host=args.host, port=args.port, navigate=args.navigate, open_browser=args.open,
                         report=report)
    except PortInUse as exc:
        print(f"dossier: error: port {exc.port} on {exc.host} is already in use (another `dossier serve`?); "
              "stop that server or choose another port with --port", file=sys.stderr)
        return EXIT_USAGE
    except ServeError as exc:
        print(f"dossier: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except OSError as exc:
        port = args.port if args.port is not None else 8000
        print(f"dossier: error: cannot listen on {args.host}:{port}: {exc.strerror or exc}", file=sys.stderr)
        return EXIT_USAGE


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
    p.add_argument("--no-cache", action="store_true", help="ignore and do not write .dossier-cache/")
    p.add_argument("--wait", type=float, default=300, metavar="SECONDS",
                   help="how long to wait for another build writing the same output (default: 300; then exit 2)")
    p.set_defaults(func=cmd_build)

    p = sub.add_parser("check", help="validate everything without writing output")
    p.add_argument("--source", default=".")
    p.add_argument("--drafts", action="store_true")
    p.add_argument("--strict", action="store_true", help="exit 1 on warnings too")
    p.add_argument("--format", choices=("text", "json"), default="text")
    p.add_argument("--jobs", type=int, default=0)
    p.set_defaults(func=cmd_check)

    p = sub.add_parser("serve", help="preview the site with live reload")
    p.add_argument("--source", default=".", help="dossier folder (default: .)")
    p.add_argument("--output", help="output folder (default: SOURCE/build)")
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1, this machine only)")
    p.add_argument("--port", type=int, default=None,
                   help="port (default: 8000, or the next free one; a port given explicitly that is taken is an error)")
    p.add_argument("--drafts", action="store_true", help="include drafts")
    p.add_argument("--open", action="store_true", help="open the site in the web browser")
    p.add_argument("--navigate", action=argparse.BooleanOptionalAction, default=True,
                   help="after a content file is saved, open browser tabs go to its page (default: on)")
    p.add_argument("--jobs", type=int, default=0, help="worker processes for full builds (default: all cores)")
    p.add_argument("--wait", type=float, default=300, metavar="SECONDS",
                   help="how long to wait for a build writing the same output (default: 300; then exit 2)")
    p.set_defaults(func=cmd_serve)

    p = sub.add_parser("import", help="turn scraped articles (plain text or saved HTML) into draft articles, "
                       "or a whole Hugo or Jekyll site into a new dossier (--from)")
    p.add_argument("files", nargs="+", metavar="FILE", help="files to import, or with --from the site's folder")
    p.add_argument("--from", dest="generator", choices=("hugo", "jekyll"),
                   help="convert a whole Hugo or Jekyll site (read only) into a new dossier folder")
    p.add_argument("--into", help="with --from: the new dossier folder (default: <SITE>-dossier here)")
    p.add_argument("--source", default=".", help="dossier folder (default: .)")
    p.add_argument("--dry-run", action="store_true", help="show the draft and what was found; write nothing")
    p.set_defaults(func=cmd_import)

    p = sub.add_parser("schema", help="JSON Schema of front matter or dossier.yaml, for editors (YAML language server)")
    from .parse.fields import SCHEMAS

    p.add_argument("what", nargs="?", default="front-matter",
                   choices=["front-matter", "config"] + sorted(k for k in SCHEMAS if k != "section"),
                   help="front-matter (any kind, default), one kind, or config (dossier.yaml)")
    p.add_argument("--output", "-o", help="write to this file instead of standard output")
    p.set_defaults(func=cmd_schema)

    p = sub.add_parser("publish", help="deploy the built site: push a git branch (gh-pages) or copy to a folder")
    p.add_argument("--source", default=".", help="dossier folder (default: .)")
    p.add_argument("--output", help="the built site (default: SOURCE/build)")
    p.add_argument("--remote", help="git remote URL or path to push to (default: the dossier repository's origin)")
    p.add_argument("--branch", default="gh-pages", help="branch to commit the site to (default: gh-pages)")
    p.add_argument("--folder", help="publish by copying into this folder instead of pushing")
    p.add_argument("--cname", help="custom domain: writes a CNAME file (GitHub Pages)")
    p.add_argument("--message", help="commit message")
    p.add_argument("--force", action="store_true", help="publish even if the build is stale or the dossier has errors")
    p.set_defaults(func=cmd_publish)
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
