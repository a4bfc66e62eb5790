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


def identity_label(name: str, number: int) -> str:
    """The label of identity ``number`` (1, 2, ...) of ``name``: the name, then ``name#2`` ..."""
    return name if number == 1 else f"{name}#{number}"


def name_identities(docs: Iterable[tuple[str, Iterable]]) -> dict[str, int]:
    """{document id: identity number} for the people of one name, from (document id,
    evidence) pairs in document order, each document once. Evidence is what
    :func:`evidence` gives the name there (organisations and titles); two documents with
    a fact in common are one identity, and identities are numbered 1, 2, ... by the
    first document of each. Identity is decided name by name: this is all of it."""
    groups = _Groups()
    holders: dict = {}  # fact -> first document that has it
    order = []
    for doc_id, facts in docs:
        groups.find(doc_id)
        order.append(doc_id)
        for fact in sorted(facts):
            if fact in holders:
                groups.union(holders[fact], doc_id)
            else:
                holders[fact] = doc_id
    numbers: dict = {}
    return {doc_id: numbers.setdefault(groups.find(doc_id), len(numbers) + 1) for doc_id in order}


def person_identities(results: Iterable[dict]) -> dict[tuple[str, str], str]:
    """(document id, name) -> identity label, for every person of ``results`` (in document order)."""
    docs: dict[str, list] = defaultdict(list)  # name -> (document, evidence), in order
    for result in results:
        doc_id = result["document"]["id"]
        facts = evidence(result)
        for name in dict.fromkeys(p["name"] for p in result.get("people", [])):
            docs[name].append((doc_id, facts.get(name, set())))
    return {(doc_id, name): identity_label(name, number)
            for name, pairs in docs.items() for doc_id, number in name_identities(pairs).items()}
