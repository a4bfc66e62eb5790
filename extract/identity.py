"""Who is who across documents: people merged only with evidence.

Within one document every mention of a name is one person (a page does not name two
different 王伟 without saying so). Across documents a shared name alone proves
nothing: two pages that both name 王伟 may speak of two people. Two documents' people
of the same name are one person only when the documents give them the same
organisation or the same title in a role (王伟, 总经理 of 某某集团 in both; or 王伟,
记者 in both); the evidence chains (A and B share an organisation, B and C a title:
A, B and C are one person). People without such evidence stay apart.

:func:`person_identities` decides this from the per-document results of the pipeline
(``people``: name and offsets; ``roles``: person, title, organisation) and gives
each (document, name) an identity label: the name itself for the first identity of
that name (in document order) and ``name#2``, ``name#3`` ... for the others, so
that a dataset whose names are all distinct keeps its identifiers.
"""
from __future__ import annotations

from collections import defaultdict
from typing import Iterable


class _Groups:
    """Union-find over hashable items."""

    def __init__(self) -> None:
        self.parent: dict = {}

    def find(self, x):
        self.parent.setdefault(x, x)
        while self.parent[x] != x:
            self.parent[x] = self.parent[self.parent[x]]
            x = self.parent[x]
        return x

    def union(self, a, b) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


def evidence(result: dict) -> dict[str, set[tuple[str, str]]]:
    """Per person name of one document result: the organisations and titles its roles give."""
    found: dict[str, set[tuple[str, str]]] = defaultdict(set)
    for role in result.get("roles", []):
        if role.get("organisation"):
            found[role["person"]].add(("organisation", role["organisation"]))
        if role.get("title"):
            found[role["person"]].add(("title", role["title"]))
    return found


def person_identities(results: Iterable[dict]) -> dict[tuple[str, str], str]:
    """(document id, name) -> identity label, for every person of ``results``."""
    groups = _Groups()
    seen: dict[str, list[str]] = defaultdict(list)  # name -> documents, in order
    holders: dict[tuple[str, tuple[str, str]], list[tuple[str, str]]] = defaultdict(list)
    for result in results:
        doc_id = result["document"]["id"]
        facts = evidence(result)
        for name in dict.fromkeys(p["name"] for p in result.get("people", [])):
            key = (doc_id, name)
            groups.find(key)
            seen[name].append(doc_id)
            for fact in facts.get(name, ()):
                for other in holders[(name, fact)]:
                    groups.union(other, key)
                holders[(name, fact)].append(key)
    labels: dict[tuple[str, str], str] = {}
    for name, doc_ids in seen.items():
        order: dict = {}
        for doc_id in doc_ids:
            root = groups.find((doc_id, name))
            order.setdefault(root, len(order) + 1)
            labels[(doc_id, name)] = name if order[root] == 1 else f"{name}#{order[root]}"
    return labels
