"""NameIndex: every way to name a document (slug, title, alias) -> its id."""
from __future__ import annotations

import copy
from collections import defaultdict

from .. import diagnostics as dg
from ..model import ENTITY_KINDS, Document, DocId
from ..names import Suggester, match_key

PRIMARY, ALIAS = 0, 1


def _tiers() -> dict[int, list[DocId]]:
    return {PRIMARY: [], ALIAS: []}


class NameIndex:
    def __init__(self, documents: dict[DocId, Document]):
        self.documents = documents
        # key -> tier -> ids (ordered, unique)
        self._names: dict[str, dict[int, list[DocId]]] = defaultdict(_tiers)
        self.display: dict[str, str] = {}  # match key -> a display name, for suggestions
        self.diagnostics: list[dg.Diagnostic] = []
        self.by_path: dict[str, DocId] = {}
        self.suggester: Suggester | None = None
        # A multilingual dossier's versions of one document are one target (resolve/translations.py sets it):
        # "x.fa.md" and "x.md" share the slug "x", which then names the original, not two documents.
        self.same_as = None
        alias_owner: dict[str, list[tuple[DocId, str]]] = defaultdict(list)
        for doc in documents.values():
            self.by_path[doc.path] = doc.id
            for name in (doc.title, doc.slug, doc.id):
                self._add(match_key(name), PRIMARY, doc.id, doc.title)
            for alias in doc.aliases:
                key = match_key(alias)
                self._add(key, ALIAS, doc.id, alias)
                alias_owner[key].append((doc.id, alias))
        # Two entities claiming one name: a warning at each alias.
        for key, owners in alias_owner.items():
            others = [i for i in self._names[key][PRIMARY] if i not in {o for o, _ in owners}]
            claimants = sorted({o for o, _ in owners} | set(others))
            if len(claimants) < 2:
                continue
            for owner, alias in owners:
                doc = documents[owner]
                rivals = [documents[c] for c in claimants if c != owner]
                self.diagnostics.append(dg.warning(
                    "D203",
                    f'alias "{alias}" is also claimed by ' + ", ".join(f'{r.path} ("{r.title}")' for r in rivals),
                    doc.path, _alias_line(doc, alias),
                    hint="links to this name are ambiguous; give each entity its own spelling",
                ))

    def with_documents(self, documents: dict[DocId, Document]) -> "NameIndex":
        """This index over ``documents``, which name every document the same way (an incremental resolve
        after edits that changed no name: the tables are shared, never changed after construction)."""
        other = copy.copy(self)
        other.documents = documents
        return other

    @staticmethod
    def keys_of(doc: Document) -> set[str]:
        """The match keys a document is indexed under."""
        return {k for k in map(match_key, (doc.title, doc.slug, doc.id, *doc.aliases)) if k}

    def _add(self, key: str, tier: int, doc_id: DocId, display: str):
        if not key:
            return
        ids = self._names[key][tier]
        if doc_id not in ids:
            ids.append(doc_id)
        if tier == PRIMARY or key not in self.display:
            self.display.setdefault(key, display)

    def lookup(self, name: str) -> tuple[list[DocId], int]:
        """Candidates of the best tier that matches (ids, tier); ([], -1) when nothing does."""
        entry = self._names.get(match_key(name))
        if not entry:
            return [], -1
        for tier in (PRIMARY, ALIAS):
            if entry[tier]:
                ids = entry[tier]
                if self.same_as is not None and len(ids) > 1:
                    ids = list(dict.fromkeys(self.same_as(i) for i in ids))
                return ids, tier
        return [], -1

    def suggest(self, name: str) -> list[str]:
        """"Did you mean" for an unknown name (the index of names is built on the first call)."""
        if self.suggester is None:
            self.suggester = Suggester(self.display)
        return self.suggester.suggest(name)

    def names_of_entities(self):
        """(match key, doc id) for every title and alias of people, places and organisations."""
        for key, tiers in self._names.items():
            for tier in (PRIMARY, ALIAS):
                for doc_id in tiers[tier]:
                    if self.documents[doc_id].kind in ENTITY_KINDS:
                        yield key, doc_id


def _alias_line(doc: Document, alias: str) -> int | None:
    if doc.alias_lines and alias in doc.aliases:
        return doc.alias_lines[doc.aliases.index(alias)]
    return doc.line("aliases")
