"""Documents: facts rendered by a layout into pages, with their ground truth."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass

from pto_pipeline.corpus import (
    layouts_conformity,
    layouts_letters,
    layouts_promoted,
    layouts_quality,
)
from pto_pipeline.corpus.facts import Facts, requisites
from pto_pipeline.corpus.page import Page

LayoutFn = Callable[[Facts, random.Random], list[Page]]

Registry = dict[str, dict[str, LayoutFn]]

# The development layouts: the sample project, golden cases and the development corpus.
LAYOUTS: Registry = {
    **layouts_conformity.LAYOUTS,
    **layouts_quality.LAYOUTS,
    **layouts_letters.LAYOUTS,
}
for _scheme, _layouts in layouts_promoted.LAYOUTS.items():  # once reserved, see the module
    LAYOUTS[_scheme] = {**LAYOUTS[_scheme], **_layouts}
LAYOUT_SETS = ("development", "reserved")


def layout_registry(which: str = "development") -> Registry:
    """`development` layouts, or the `reserved` ones kept for the unseen-layout evaluation."""
    if which == "development":
        return LAYOUTS
    if which == "reserved":
        from pto_pipeline.corpus import reserved_layouts  # evaluation only, see its docstring

        return reserved_layouts.LAYOUTS
    raise ValueError(f"unknown layout set {which!r}; expected one of {LAYOUT_SETS}")


@dataclass
class Document:
    facts: Facts
    layout: str
    pages: list[Page]

    def truth(self) -> dict:
        return requisites(self.facts)


def layout_names(scheme: str) -> list[str]:
    return list(LAYOUTS[scheme])


def build_document(
    facts: Facts, rng: random.Random, layout: str | None = None, registry: Registry = LAYOUTS
) -> Document:
    """Render `facts` with the named layout (or a random one of `registry` fitting its scheme)."""
    choices = registry[facts.scheme]
    name = layout or rng.choice(sorted(choices))
    pages = choices[name](facts, rng)
    variant = facts.extra.get("variant")
    return Document(facts, f"{name}/{variant}" if variant else name, pages)
