"""YAML for files people edit: safe types only, no aliases, bounded size.

`yaml.safe_load` refuses arbitrary objects but still expands aliases: a few hundred
bytes of nested `*a` references become billions of values once anything walks them
("billion laughs"). Our files never need aliases, so the loader refuses them, and it
refuses inputs or documents beyond generous bounds before building anything.
"""

from __future__ import annotations

from typing import Any

import yaml

MAX_YAML_BYTES = 1_000_000
MAX_YAML_NODES = 100_000


class YamlRefused(yaml.YAMLError):
    """The YAML is well-formed but refused; the message (Russian) says why."""


class _NoAliasLoader(yaml.SafeLoader):
    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._nodes = 0

    def compose_node(self, parent, index):  # type: ignore[no-untyped-def]
        if self.check_event(yaml.AliasEvent):
            mark = self.peek_event().start_mark
            raise YamlRefused(
                f"ссылки YAML (*имя, строка {mark.line + 1}) не допускаются — "
                "запишите значения полностью"
            )
        self._nodes += 1
        if self._nodes > MAX_YAML_NODES:
            raise YamlRefused(f"слишком много значений (больше {MAX_YAML_NODES})")
        return super().compose_node(parent, index)


def load_yaml(text: str) -> Any:
    """Parse `text` like `yaml.safe_load`, refusing aliases and oversized input."""
    if len(text.encode("utf-8", "ignore")) > MAX_YAML_BYTES:
        raise YamlRefused(f"файл больше {MAX_YAML_BYTES // 1_000_000} МБ")
    loader = _NoAliasLoader(text)
    try:
        return loader.get_single_data()
    finally:
        loader.dispose()


def read_yaml_file(path) -> Any:
    """Load a YAML file (UTF-8, BOM allowed) without reading more than the size bound."""
    with open(path, "rb") as handle:
        data = handle.read(MAX_YAML_BYTES + 1)
    if len(data) > MAX_YAML_BYTES:
        raise YamlRefused(f"файл больше {MAX_YAML_BYTES // 1_000_000} МБ")
    return load_yaml(data.decode("utf-8-sig"))
