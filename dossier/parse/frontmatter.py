"""Split a file into front matter and a Markdown body, keeping line numbers.

Accepts LF, CRLF and CR-only line endings and a UTF-8 BOM (discover strips it).
YAML front matter opens with ``---`` on the first line and closes with ``---``
or ``...`` on a line of its own. As in Hugo, ``+++`` fences TOML front matter
and a first line ``{`` starts a JSON object.
"""
from __future__ import annotations

import json
import re
import sys
from dataclasses import dataclass

from .. import diagnostics as dg
from ..yamltools import LoadedYaml, YamlProblem, load_yaml

if sys.version_info >= (3, 11):
    import tomllib
else:  # Python 3.10: the same parser, from PyPI
    import tomli as tomllib

FENCE = "---"
TOML_FENCE = "+++"


@dataclass
class Split:
    yaml_text: str | None
    body: str
    body_line: int  # 1-based file line where the body starts
    lines: list[str]  # every line of the (normalised) file, for quoting in messages
    format: str = "yaml"  # "yaml", "toml" or "json"


def normalise_newlines(text: str) -> str:
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text


def split_front_matter(text: str) -> Split:
    text = normalise_newlines(text).lstrip("\ufeff")
    lines = text.split("\n")
    first = lines[0].rstrip() if lines else ""
    if first == "{":
        return _split_json(text, lines)
    closers = {FENCE: (FENCE, "..."), TOML_FENCE: (TOML_FENCE,)}.get(first)
    if closers is None:
        return Split(None, text, 1, lines)
    for i in range(1, len(lines)):
        stripped = lines[i].rstrip()
        if stripped in closers:
            fmt = "toml" if first == TOML_FENCE else "yaml"
            return Split("\n".join(lines[1:i]) + "\n", "\n".join(lines[i + 1:]), i + 2, lines, fmt)
    raise FrontMatterError(f"front matter is not closed (did you forget the closing '{first}'?)", 1)


def _split_json(text: str, lines: list[str]) -> Split:
    """A JSON object from the first line; the body starts on the line after its closing brace."""
    try:
        _obj, end = json.JSONDecoder().raw_decode(text)
    except json.JSONDecodeError as exc:
        raise FrontMatterError(f"front matter: JSON: {exc.msg}", exc.lineno, "D101") from None
    close_line = text.count("\n", 0, end)  # 0-based line of the closing brace
    rest = text[end:].split("\n", 1)
    body = rest[1] if len(rest) > 1 else ""
    # yaml_text keeps the object without its first line "{" so front-matter line 0 is file line 2
    return Split(text[text.index("\n") + 1:end], body, close_line + 2, lines, "json")


class FrontMatterError(Exception):
    def __init__(self, message: str, line: int | None, code: str = "D107"):
        super().__init__(message)
        self.message = message
        self.line = line
        self.code = code


def yaml_line_to_file(line: int) -> int:
    """PyYAML's 0-based line inside the front matter -> 1-based line in the file.

    The file opens with ``---`` (line 1), so front-matter line 0 is file line 2.
    A BOM adds no line. This is the one place that knows the offset.
    """
    return line + 2


_TOML_KEY = re.compile(r'^\s*("?)([A-Za-z0-9_.-]+)\1\s*=')
_JSON_KEY = re.compile(r'^\s*"((?:[^"\\]|\\.)*)"\s*:')


def _load_toml(text: str) -> LoadedYaml:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        line = getattr(exc, "lineno", None) or _line_in_message(str(exc))
        raise YamlProblem(f"TOML: {str(exc).split(' (at line')[0]}", line - 1 if line else None) from None
    return LoadedYaml(data, _key_lines(text, _TOML_KEY, 2))


def _load_json(text: str) -> LoadedYaml:
    return LoadedYaml(json.loads("{" + text), _key_lines(text, _JSON_KEY, 1))


def _key_lines(text: str, pattern: re.Pattern, group: int) -> dict[str, int]:
    """0-based line of each top-level key (the first time it appears), for messages."""
    out: dict[str, int] = {}
    for i, line in enumerate(text.split("\n")):
        m = pattern.match(line)
        if m and (line[:1] not in (" ", "\t") or pattern is _JSON_KEY):
            out.setdefault(m.group(group), i)
    return out


def _line_in_message(message: str) -> int | None:
    m = re.search(r"line (\d+)", message)
    return int(m.group(1)) if m else None


LOADERS = {"yaml": load_yaml, "toml": _load_toml, "json": _load_json}


def load_front_matter(split: Split) -> LoadedYaml:
    if split.yaml_text is None:
        return LoadedYaml({})
    try:
        loaded = LOADERS[split.format](split.yaml_text)
    except YamlProblem as exc:
        line = yaml_line_to_file(exc.line) if exc.line is not None else 1
        raise FrontMatterError(f"front matter: {exc.message}", line, "D101") from None
    if loaded.data is None:
        loaded.data = {}
    if not isinstance(loaded.data, dict):
        raise FrontMatterError(
            f"front matter must be a mapping of fields (title: ...), not a {_kind(loaded.data)}", 2, "D102"
        )
    return loaded


def _kind(value) -> str:
    return {list: "list", str: "string"}.get(type(value), type(value).__name__)


def diag_line(split: Split, line: int | None) -> str | None:
    if line and 0 < line <= len(split.lines):
        return split.lines[line - 1]
    return None


__all__ = ["Split", "split_front_matter", "load_front_matter", "FrontMatterError", "yaml_line_to_file", "dg"]
