"""Golden cases of matching material lines to quality documents (SPEC §5)."""

from __future__ import annotations

import datetime as dt

from pto_pipeline.domain import tables
from pto_pipeline.domain.matching import act_sort_key, match_materials
from pto_pipeline_tests.matching_frames import (
    codes,
    document,
    documents,
    line,
    materials,
    works,
)

D = dt.date


MARCH = works(("1", D(2026, 3, 1), D(2026, 3, 10)))


def test_class_b30_document_does_not_cover_b25_concrete() -> None:
    docs = documents(
        document(
            "q1", "quality_document", "Бетонная смесь БСТ B30 П4 F150 W6", issue_date=D(2026, 3, 5)
        ),
    )
    coverage, findings = match_materials(MARCH, materials(("1", "Бетон В25 F150 W6")), docs)
    row = line(coverage, "1").iloc[0]
    assert row["status"] == "missing"
    assert row["document_id"] is None
    assert "класс B30 ≠ B25 — отклонён" in row["explanation"]
    missing = next(f for f in findings if f.code == "MISSING_QUALITY_DOC")
    assert "Добавьте документ о качестве на «Бетон В25 F150 W6» для акта № 1" in missing.message
    assert missing.act_number == "1"
    assert codes(findings) == ["MISSING_QUALITY_DOC", "UNUSED_DOCUMENT"]


def test_diameter_12_document_does_not_cover_16_rebar() -> None:
    docs = documents(
        document("q1", "quality_document", "Арматура А500С Ø12", issue_date=D(2026, 3, 2)),
        document("q2", "quality_document", "Арматура А500С d16", issue_date=D(2026, 3, 3)),
    )
    coverage, _ = match_materials(MARCH, materials(("1", "Арматура A500C ф16")), docs)
    assert line(coverage, "1")["document_id"].tolist() == ["q2"]


def test_latin_a500c_matches_cyrillic_a500s() -> None:
    docs = documents(
        document(
            "c1",
            "conformity_certificate",
            "Прокат арматурный класса A500C",  # Latin
            valid_from=D(2025, 1, 1),
            valid_to=D(2027, 1, 1),
        ),
        document(
            "c2",
            "conformity_certificate",
            "Прокат арматурный класса А240",
            valid_from=D(2025, 1, 1),
            valid_to=D(2027, 1, 1),
        ),
    )
    coverage, findings = match_materials(MARCH, materials(("1", "Арматура А500С Ø16")), docs)
    rows = line(coverage, "1")
    assert rows["status"].tolist() == ["covered"]
    assert rows["document_id"].tolist() == ["c1"]
    assert rows["match_score"].iloc[0] > 0
    unused = [f for f in findings if f.code == "UNUSED_DOCUMENT"]
    assert [f.document_id for f in unused] == ["c2"]
    assert "класс арматуры А240 ≠ А500С" in unused[0].message


def test_two_sand_batches_go_to_two_acts_by_date() -> None:
    register = works(("1", D(2026, 3, 1), D(2026, 3, 10)), ("2", D(2026, 3, 11), D(2026, 3, 20)))
    lines = materials(
        ("1", "Песок для строительных работ ГОСТ 8736-2014", 20, "м3"),
        ("2", "Песок для строительных работ ГОСТ 8736-2014", 30, "м3"),
    )
    docs = documents(
        document(
            "early",
            "quality_document",
            "Песок природный ГОСТ 8736",
            issue_date=D(2026, 3, 1),
            quantity=20,
            unit="м³",
        ),
        document(
            "late",
            "quality_document",
            "Песок природный ГОСТ 8736",
            issue_date=D(2026, 3, 15),
            quantity=30,
            unit="м3",
        ),
    )
    coverage, findings = match_materials(register, lines, docs)
    assert line(coverage, "1")["document_id"].tolist() == ["early"]
    assert line(coverage, "2")["document_id"].tolist() == ["late"]
    assert "партия отнесена к акту № 1" in line(coverage, "1")["explanation"].iloc[0]
    assert findings == []


def test_batch_tie_on_end_date_goes_to_the_lower_act_number_naturally() -> None:
    register = works(("10", D(2026, 3, 1), D(2026, 3, 10)), ("2", D(2026, 3, 1), D(2026, 3, 10)))
    lines = materials(("10", "Щебень фр. 20-40"), ("2", "Щебень фр. 20-40"))
    docs = documents(
        document("q", "quality_document", "Щебень фр. 20-40", issue_date=D(2026, 3, 2))
    )
    coverage, _ = match_materials(register, lines, docs)
    assert line(coverage, "2")["document_id"].tolist() == ["q"]
    assert line(coverage, "10")["status"].tolist() == ["missing"]
    assert act_sort_key("2") < act_sort_key("10") < act_sort_key("10-КЖ")


def test_expired_certificate() -> None:
    docs = documents(
        document(
            "old",
            "conformity_certificate",
            "Арматура А500С",
            valid_from=D(2022, 1, 1),
            valid_to=D(2025, 12, 31),
        ),
    )
    coverage, findings = match_materials(MARCH, materials(("1", "Арматура А500С Ø16")), docs)
    rows = line(coverage, "1")
    assert rows["status"].tolist() == ["expired"]
    assert rows["document_id"].tolist() == ["old"]  # listed: it explains the status
    assert "истёк до начала работ" in rows["explanation"].iloc[0]
    assert codes(findings) == ["EXPIRED_QUALITY_DOC"]
    assert "31.12.2025" in findings[0].message


def test_expired_certificate_is_not_listed_when_a_valid_one_covers_the_line() -> None:
    docs = documents(
        document(
            "old",
            "conformity_certificate",
            "Арматура А500С",
            valid_from=D(2022, 1, 1),
            valid_to=D(2025, 12, 31),
        ),
        document(
            "new",
            "conformity_certificate",
            "Арматура А500С",
            valid_from=D(2026, 1, 1),
            valid_to=D(2028, 12, 31),
        ),
    )
    coverage, findings = match_materials(MARCH, materials(("1", "Арматура А500С Ø16")), docs)
    assert line(coverage, "1")["document_id"].tolist() == ["new"]
    assert codes(findings) == ["UNUSED_DOCUMENT"]
    assert "истёк" in findings[0].message


def test_document_dated_after_the_work() -> None:
    docs = documents(
        document("late", "quality_document", "Бетонная смесь БСТ В25", issue_date=D(2026, 3, 12)),
    )
    coverage, findings = match_materials(MARCH, materials(("1", "Бетон В25")), docs)
    rows = line(coverage, "1")
    assert rows["status"].tolist() == ["doc_after_work"]
    assert rows["document_id"].tolist() == ["late"]
    assert codes(findings) == ["DOC_AFTER_WORK"]
    assert "позже окончания работ 10.03.2026" in findings[0].message


def test_certificate_valid_only_after_the_work_is_doc_after_work() -> None:
    docs = documents(
        document(
            "c",
            "conformity_declaration",
            "Смеси бетонные БСТ В25",
            valid_from=D(2026, 4, 1),
            valid_to=D(2029, 3, 31),
        ),
    )
    coverage, _ = match_materials(MARCH, materials(("1", "Бетон В25")), docs)
    assert line(coverage, "1")["status"].tolist() == ["doc_after_work"]


def test_late_batch_is_not_listed_for_a_covered_line_but_gets_its_own_finding() -> None:
    docs = documents(
        document(
            "decl",
            "conformity_declaration",
            "Смеси бетонные БСТ В25",
            valid_from=D(2025, 1, 1),
            valid_to=D(2028, 1, 1),
        ),
        document(
            "late",
            "quality_document",
            "Бетонная смесь БСТ В25",
            issue_date=D(2026, 3, 12),
            doc_number="26-000999",
        ),
    )
    coverage, findings = match_materials(MARCH, materials(("1", "Бетон В25")), docs)
    assert line(coverage, "1")["document_id"].tolist() == ["decl"]
    assert line(coverage, "1")["status"].tolist() == ["covered"]
    assert codes(findings) == ["DOC_AFTER_WORK"]
    assert findings[0].document_id == "late"
    assert "26-000999" in findings[0].message


def test_refusal_letter_covers_a_material() -> None:
    docs = documents(
        document(
            "letter",
            "refusal_letter",
            "Проволока вязальная термически обработанная",
            issue_date=D(2026, 1, 15),
        ),
    )
    coverage, findings = match_materials(MARCH, materials(("1", "Проволока вязальная Ø1,2")), docs)
    rows = line(coverage, "1")
    assert rows["status"].tolist() == ["covered"]
    assert rows["doc_type"].tolist() == ["refusal_letter"]
    assert findings == []


def test_certificate_is_shared_by_two_acts() -> None:
    register = works(("1", D(2026, 3, 1), D(2026, 3, 10)), ("2", D(2026, 4, 1), D(2026, 4, 10)))
    lines = materials(("1", "Арматура А500С Ø12"), ("2", "Арматура А500С Ø16"))
    docs = documents(
        document(
            "cert",
            "conformity_certificate",
            "Прокат арматурный А500С ф10-40",
            valid_from=D(2025, 1, 1),
            valid_to=D(2027, 1, 1),
        ),
    )
    coverage, findings = match_materials(register, lines, docs)
    assert line(coverage, "1")["document_id"].tolist() == ["cert"]
    assert line(coverage, "2")["document_id"].tolist() == ["cert"]
    assert findings == []


def test_quantity_shortfall_in_the_line_unit() -> None:
    docs = documents(
        document(
            "b1",
            "quality_document",
            "Бетонная смесь БСТ В25",
            issue_date=D(2026, 3, 2),
            quantity=7.5,
            unit="м³",
        ),
        document(
            "b2",
            "quality_document",
            "Бетонная смесь БСТ В25",
            issue_date=D(2026, 3, 3),
            quantity=3,
            unit="куб.м",
        ),
    )
    coverage, findings = match_materials(MARCH, materials(("1", "Бетон В25", 12.5, "м3")), docs)
    assert sorted(line(coverage, "1")["document_id"]) == ["b1", "b2"]
    assert codes(findings) == ["QUANTITY_SHORTFALL"]
    assert "поставлено 10,5 м3, а в реестре указано 12,5 м3" in findings[0].message


def test_enough_quantity_in_kilograms_against_tonnes_gives_no_shortfall() -> None:
    docs = documents(
        document(
            "b",
            "quality_document",
            "Арматура А500С Ø16",
            issue_date=D(2026, 3, 2),
            quantity=3.2,
            unit="т",
        ),
    )
    _, findings = match_materials(MARCH, materials(("1", "Арматура А500С Ø16", 3200, "кг")), docs)
    assert findings == []


def test_unusable_documents_are_ignored() -> None:
    docs = documents(
        document(
            "failed", "quality_document", "Бетон В25", issue_date=D(2026, 3, 2), status="failed"
        ),
        document("report", "test_report", "Бетон В25", issue_date=D(2026, 3, 2)),
    )
    coverage, findings = match_materials(MARCH, materials(("1", "Бетон В25")), docs)
    assert line(coverage, "1")["status"].tolist() == ["missing"]
    assert codes(findings) == ["MISSING_QUALITY_DOC"]


def test_needs_review_documents_still_cover() -> None:
    docs = documents(
        document(
            "q", "quality_document", "Бетон В25", issue_date=D(2026, 3, 2), status="needs_review"
        ),
    )
    coverage, _ = match_materials(MARCH, materials(("1", "Бетон В25")), docs)
    assert line(coverage, "1")["status"].tolist() == ["covered"]


def test_unused_document_names_the_nearest_reason() -> None:
    docs = documents(
        document("q", "quality_document", "Бетонная смесь БСТ B30", issue_date=D(2026, 3, 2)),
        document(
            "other",
            "conformity_certificate",
            "Кабель силовой ВВГнг 3х2,5",
            valid_from=D(2025, 1, 1),
            valid_to=D(2027, 1, 1),
        ),
    )
    _, findings = match_materials(MARCH, materials(("1", "Бетон В25")), docs)
    unused = {f.document_id: f.message for f in findings if f.code == "UNUSED_DOCUMENT"}
    assert set(unused) == {"q", "other"}
    assert "класс B30 ≠ B25" in unused["q"]
    assert "не найден" in unused["other"]


def test_coverage_has_the_contract_columns_and_one_row_per_line_and_document() -> None:
    docs = documents(
        document(
            "d",
            "conformity_declaration",
            "Смеси бетонные БСТ В25",
            valid_from=D(2025, 1, 1),
            valid_to=D(2028, 1, 1),
        ),
        document("q", "quality_document", "Бетонная смесь БСТ В25", issue_date=D(2026, 3, 2)),
    )
    coverage, _ = match_materials(MARCH, materials(("1", "Бетон В25"), ("1", "Песок")), docs)
    assert list(coverage.columns[: len(tables.COVERAGE_COLUMNS)]) == tables.COVERAGE_COLUMNS
    assert len(coverage) == 3  # two documents for the concrete, one empty row for the sand
    sand = line(coverage, "1", 2).iloc[0]
    assert sand["status"] == "missing" and sand["doc_number"] is None
    assert coverage["doc_date"].iloc[0] == D(2025, 1, 1)


def test_empty_inputs() -> None:
    coverage, findings = match_materials(works(), materials(), documents())
    assert coverage.empty and list(coverage.columns[:13]) == tables.COVERAGE_COLUMNS
    assert findings == []
