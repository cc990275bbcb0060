"""What a view function returns: a template, its context, and what the page depends on."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..model import DocId


@dataclass
class View:
    template: str
    context: dict[str, Any]
    shows: set[DocId] = field(default_factory=set)  # documents whose content (card) the page displays
    lists: set[DocId] = field(default_factory=set)  # documents whose *linkers* the page enumerates


__all__ = ["View"]
