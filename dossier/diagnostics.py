"""Diagnostics: problems as values that carry their source position.

Every stage returns diagnostics inside its result; only the CLI (or the dev
server) prints them, through :func:`format_diagnostic`.

Codes are grouped by stage so a code tells where to look:
D1xx config and front matter, D2xx links and names, D3xx dates and timeline,
D4xx theme and templates, D5xx output, E6xx editorial checks.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable

ERROR = "error"
WARNING = "warning"
NOTE = "note"  # editorial hints (unlinked mentions): shown by `check`, never fail --strict

CODES = {
    "D100": "file could not be read",
    "D101": "front matter is not valid YAML",
    "D102": "front matter is not a mapping",
    "D103": "required field missing",
    "D104": "field has the wrong type or value",
    "D105": "unknown key",
    "D106": "duplicate key",
    "D107": "front matter not closed",
    "D108": "config problem",
    "D110": "Markdown could not be rendered",
    "D111": "control characters removed",
    "D112": "map tiles without attribution",
    "D201": "link target not found",
    "D202": "link target ambiguous",
    "D203": "name claimed by two entities",
    "D204": "heading not found on target page",
    "D205": "slug problem",
    "D206": "unlinked mention of a known entity",
    "D207": "file referenced by the text not found",
    "D208": "image without alt text",
    "D209": "foreign template syntax (shortcode or Liquid tag)",
    "D210": "image could not be read",
    "D301": "date is not valid",
    "D302": "date range ends before it starts",
    "D401": "template error",
    "D402": "theme problem",
    "D501": "two sources write the same URL",
    "D502": "output folder refused",
    "D503": "output could not be written",
    "D701": "two translations of one document in the same language",
    "D702": "translation_of points nowhere",
    "E601": "event or claim with no source",
    "E602": "external source with no archived copy",
    "E603": "translated article does not name its translator",
    "E604": "translated article has no URL of the original",
    "E605": "claim still unverified long after its date",
    "E606": "entity mentioned nowhere (orphan)",
    "E607": "original image carries a GPS position",
    "E608": "a translated page links to an entity not translated into its language",
    "E609": "translation older than its original",
}


@dataclass(frozen=True, slots=True)
class Diagnostic:
    severity: str  # ERROR or WARNING
    code: str
    message: str
    path: str | None = None  # project-relative POSIX path
    line: int | None = None  # 1-based
    col: int | None = None  # 1-based
    hint: str | None = None
    source_line: str | None = None  # the offending line, when known

    def __reduce__(self):  # fast unpickling from the build cache
        return (Diagnostic, (self.severity, self.code, self.message, self.path, self.line, self.col, self.hint, self.source_line))

    @property
    def is_error(self) -> bool:
        return self.severity == ERROR

    def location(self) -> str:
        if not self.path:
            return ""
        loc = self.path
        if self.line:
            loc += f":{self.line}"
            if self.col:
                loc += f":{self.col}"
        return loc

    def to_dict(self) -> dict:
        return {
            "severity": self.severity,
            "code": self.code,
            "message": self.message,
            "path": self.path,
            "line": self.line,
            "col": self.col,
            "hint": self.hint,
        }


def error(code: str, message: str, path=None, line=None, col=None, hint=None, source_line=None) -> Diagnostic:
    return Diagnostic(ERROR, code, message, str(path) if path else None, line, col, hint, source_line)


def warning(code: str, message: str, path=None, line=None, col=None, hint=None, source_line=None) -> Diagnostic:
    return Diagnostic(WARNING, code, message, str(path) if path else None, line, col, hint, source_line)


def format_diagnostic(d: Diagnostic) -> str:
    """``path:line: CODE message (hint)`` followed by the source line, indented."""
    loc = d.location()
    head = f"{loc}: " if loc else ""
    kind = "" if d.is_error else f"{d.severity}: "
    text = f"{head}{kind}{d.code} {d.message}"
    if d.hint:
        text += f" ({d.hint})"
    if d.source_line is not None and d.source_line.strip():
        text += "\n    " + d.source_line.rstrip()[:200]
    return text


def has_errors(diags: Iterable[Diagnostic]) -> bool:
    return any(d.is_error for d in diags)


def sort_key(d: Diagnostic):
    return (d.path or "", d.line or 0, d.col or 0, d.code, d.message)
