"""Split a file into YAML front matter and a Markdown body, keeping line numbers.

Accepts LF, CRLF and CR-only line endings and a UTF-8 BOM (discover strips it).
The front matter opens with ``---`` on the first line and closes with ``---``
or ``...`` on a line of its own.
"""
from __future__ import annotations

from dataclasses import dataclass

from .. import diagnostics as dg
from ..yamltools import LoadedYaml, YamlProblem, load_yaml

FENCE = "---"


@dataclass
class Split:
    yaml_text: str | None
    body: str
    body_line: int  # 1-based file line where the body starts
    lines: list[str]  # every line of the (normalised) file, for quoting in messages


def normalise_newlines(text: str) -> str:
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text


def split_front_matter(text: str) -> Split:
    text = normalise_newlines(text).lstrip("\ufeff")
    lines = text.split("\n")
    if not lines or lines[0].rstrip() != FENCE:
        return Split(None, text, 1, lines)
    for i in range(1, len(lines)):
        stripped = lines[i].rstrip()
        if stripped in (FENCE, "..."):
            return Split("\n".join(lines[1:i]) + "\n", "\n".join(lines[i + 1:]), i + 2, lines)
    raise FrontMatterError("front matter is not closed (did you forget the closing '---'?)", 1)


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


def load_front_matter(split: Split) -> LoadedYaml:
    if split.yaml_text is None:
        return LoadedYaml({})
    try:
        loaded = load_yaml(split.yaml_text)
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
