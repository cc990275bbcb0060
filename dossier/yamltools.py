"""Safe YAML loading that keeps line numbers and never surprises.

* Only the safe loader (the C one when PyYAML has it): no Python object tags.
* Timestamps stay strings, so ``dates.parse_date`` sees what was written
  (``2021-08-16T02:30+04:30`` keeps its offset; ``2021-13-40`` becomes our
  error, not PyYAML's bare ``ValueError``).
* Every top-level key and every item of a top-level list knows its line.
* Duplicate keys are reported, not silently dropped.
* Alias expansion and node count are bounded (billion-laughs documents are refused).
"""
from __future__ import annotations

from dataclasses import dataclass, field

import yaml

try:
    _Base = yaml.CSafeLoader
except AttributeError:  # PyYAML built without libyaml
    _Base = yaml.SafeLoader


class _Loader(_Base):  # type: ignore[misc, valid-type]
    pass


def _timestamp_as_text(loader, node):
    return loader.construct_scalar(node)


_Loader.add_constructor("tag:yaml.org,2002:timestamp", _timestamp_as_text)

MAX_NODES = 50_000
MAX_DEPTH = 60


class YamlProblem(Exception):
    def __init__(self, message: str, line: int | None):  # line: 0-based within the YAML text
        super().__init__(message)
        self.message = message
        self.line = line


@dataclass
class LoadedYaml:
    data: object
    key_lines: dict[str, int] = field(default_factory=dict)  # 0-based
    item_lines: dict[str, list[int]] = field(default_factory=dict)  # 0-based, per top-level list item
    duplicates: list[tuple[str, int]] = field(default_factory=list)  # (key, 0-based line)


def load_yaml(text: str) -> LoadedYaml:
    """Load one YAML document. Raises :class:`YamlProblem` with a 0-based line."""
    loader = _Loader(text)
    try:
        try:
            node = loader.get_single_node()
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark or exc.context_mark
            raise YamlProblem(_yaml_message(exc), mark.line if mark else None) from None
        except yaml.YAMLError as exc:
            raise YamlProblem(str(exc).strip(), None) from None
        except RecursionError:
            raise YamlProblem("nesting is too deep", None) from None
        if node is None:
            return LoadedYaml(None)
        _check_size(node)
        result = LoadedYaml(None)
        if isinstance(node, yaml.MappingNode):
            for key_node, value_node in node.value:
                key = key_node.value if isinstance(key_node, yaml.ScalarNode) else None
                if key is None:
                    continue
                if key in result.key_lines:
                    result.duplicates.append((key, key_node.start_mark.line))
                result.key_lines[key] = key_node.start_mark.line
                if isinstance(value_node, yaml.SequenceNode):
                    result.item_lines[key] = [item.start_mark.line for item in value_node.value]
        try:
            result.data = loader.construct_document(node)
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark or exc.context_mark
            raise YamlProblem(_yaml_message(exc), mark.line if mark else None) from None
        except (ValueError, TypeError, OverflowError) as exc:
            # PyYAML raises bare exceptions for some values; name the nearest key.
            raise YamlProblem(f"a value could not be read: {exc}", None) from None
        except RecursionError:
            raise YamlProblem("nesting is too deep", None) from None
        return result
    finally:
        loader.dispose()


def _check_size(root) -> None:
    """Refuse alias bombs and absurd depth before constructing anything."""
    seen: set[int] = set()
    count = 0
    stack = [(root, 0)]
    while stack:
        node, depth = stack.pop()
        count += 1
        if count > MAX_NODES:
            raise YamlProblem(f"document is too large (more than {MAX_NODES} values, counting aliases)", root.start_mark.line)
        if depth > MAX_DEPTH:
            raise YamlProblem(f"nesting is deeper than {MAX_DEPTH} levels", node.start_mark.line)
        if isinstance(node, yaml.SequenceNode):
            children = node.value
        elif isinstance(node, yaml.MappingNode):
            children = [n for pair in node.value for n in pair]
        else:
            continue
        if id(node) in seen:
            # An alias to a collection: counted again (that is what expansion
            # would cost), but a node inside itself is a cycle.
            if any(child is node for child in children):
                raise YamlProblem("a value refers to itself (circular alias)", node.start_mark.line)
        seen.add(id(node))
        for child in children:
            stack.append((child, depth + 1))


def _yaml_message(exc: yaml.MarkedYAMLError) -> str:
    parts = [p for p in (exc.context, exc.problem) if p]
    msg = ", ".join(parts) if parts else "invalid YAML"
    if "could not determine a constructor" in msg:
        msg += " (only plain YAML is allowed: no !!python tags)"
    if "mapping values are not allowed" in msg:
        msg += " (a value containing ': ' must be quoted)"
    return msg
