"""One safe, unique, bounded file per act (issue 10, items 5 and 6)."""

from __future__ import annotations

from pathlib import Path

import docx
import pandas as pd

from pto_pipeline.domain import tables
from pto_pipeline.domain.acts import act_file_names, render_acts
from pto_pipeline_tests.test_acts import card, read_back, works

NO_COVERAGE = pd.DataFrame(columns=tables.COVERAGE_COLUMNS)


def test_numbers_differing_only_in_unsafe_characters_get_their_own_files(tmp_path: Path):
    acts = render_acts(card(), works("5/1", "5:1", "5_1"), NO_COVERAGE, tmp_path)
    paths = [Path(p) for p in acts["docx_path"]]
    assert len({p.name.casefold() for p in paths}) == 3
    assert sorted(p.name for p in tmp_path.glob("*.docx")) == sorted(p.name for p in paths)
    assert paths[2].name == "АОСР-5_1.docx"  # a number that needs no change keeps its name
    for number, path in zip(["5/1", "5:1", "5_1"], paths, strict=True):
        texts, _ = read_back(path)
        assert any(f"№ {number}" in t for t in texts), number  # each file is its own act


def test_collisions_are_findings_naming_the_act():
    names, findings = act_file_names(["5/1", "5:1", "5_1", "7"])
    assert names["7"] == "АОСР-7.docx" and names["5_1"] == "АОСР-5_1.docx"
    assert {f.act_number for f in findings} == {"5/1", "5:1"}
    assert all(f.code == "ACT_FILE_NAME" and names[f.act_number] in f.message for f in findings)
    # the names do not depend on the order of the register
    again, _ = act_file_names(["7", "5_1", "5:1", "5/1"])
    assert again == names


def test_very_long_act_number_never_fails_the_run(tmp_path: Path):
    long_number = "КЖ-" + "Ж" * 2000
    other = "КЖ-" + "Ж" * 1999 + "Щ"  # same first 250 bytes
    acts = render_acts(card(), works(long_number, other), NO_COVERAGE, tmp_path)
    paths = [Path(p) for p in acts["docx_path"]]
    assert all(p.is_file() for p in paths) and paths[0] != paths[1]
    assert all(len(p.name.encode("utf-8")) <= 200 for p in paths)
    core = docx.Document(str(paths[0])).core_properties
    assert len(core.title) <= 255 and core.title.startswith("АОСР № КЖ-ЖЖЖ")
    _, findings = act_file_names([long_number])
    assert findings and len(findings[0].message) < 600  # the number is shortened in the text


def test_package_holds_each_act_once_even_with_clashing_or_long_numbers(
    tmp_path: Path, monkeypatch
):
    import zipfile
    from datetime import datetime

    from pto_pipeline.domain import office
    from pto_pipeline.domain.package import build_package

    monkeypatch.setattr(office, "soffice_binary", lambda: None)  # ZIP only: fast
    numbers = ["5/1", "5:1", "5_1", "Ж" * 3000]
    acts = render_acts(card(), works(*numbers), NO_COVERAGE, tmp_path / "output" / "p" / "acts")
    result = build_package(
        tmp_path,
        "p",
        "unified",
        acts,
        NO_COVERAGE,
        pd.DataFrame(columns=["document_id"]),
        built_at=datetime(2026, 3, 21, 12, 0),
    )
    with zipfile.ZipFile(result.zip_path) as archive:
        act_entries = [n for n in archive.namelist() if n.endswith(".docx") and "АОСР" in n]
        contents = {archive.read(n) for n in act_entries}
    assert len(act_entries) == 4 and len(contents) == 4
    assert all(len(n.encode("utf-8")) <= 255 for n in act_entries)
