"""YAML people edit is loaded safely: no alias bombs, bounded size, short messages."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from pto_pipeline.domain.project_card import load_project_card
from pto_pipeline.domain.safe_yaml import YamlRefused, load_yaml

# 9 levels of 9 references: 351 bytes that stand for 9**9 strings.
BOMB = (
    "a: &a ["
    + ",".join(['"lol"'] * 9)
    + "]\n"
    + "".join(
        f"{b}: &{b} [" + ",".join([f"*{a}"] * 9) + "]\n"
        for a, b in zip("abcdefgh", "bcdefghi", strict=True)
    )
    + "name: *i\n"
)


def test_alias_bomb_in_project_yaml_is_a_finding_in_bounded_memory(tmp_path: Path) -> None:
    path = tmp_path / "project.yaml"
    path.write_text(BOMB, encoding="utf-8")
    # Run in a child limited to 1 GB of address space, so a regression fails fast
    # instead of eating the machine.
    script = textwrap.dedent(
        f"""
        import resource, sys
        resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))
        from pto_pipeline.domain.project_card import load_project_card
        card, findings = load_project_card({str(path)!r})
        for f in findings:
            print(len(f.message), f.message)
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr[-2000:]
    lines = done.stdout.splitlines()
    assert lines and all(int(line.split(" ", 1)[0]) < 500 for line in lines)
    assert any("ссылки YAML" in line for line in lines)


def test_aliases_are_refused_and_plain_yaml_still_loads() -> None:
    with pytest.raises(YamlRefused):
        load_yaml("a: &x 1\nb: *x\n")
    assert load_yaml("a: 1\nb: [x, y]\n") == {"a": 1, "b": ["x", "y"]}


def test_oversized_project_yaml_is_refused_without_reading_it_all(tmp_path: Path) -> None:
    path = tmp_path / "project.yaml"
    path.write_text("name: x\n" + "# padding\n" * 200_000, encoding="utf-8")
    card, findings = load_project_card(path)
    assert card.name in ("", None)
    assert any("больше" in f.message for f in findings)


def test_a_huge_rejected_value_is_quoted_truncated(tmp_path: Path) -> None:
    path = tmp_path / "project.yaml"
    path.write_text(f"copies: {'9' * 50_000}x\n", encoding="utf-8")
    _, findings = load_project_card(path)
    [bad] = [f for f in findings if "copies" in f.message]
    assert len(bad.message) < 400 and "…" in bad.message
