"""Identity evidence in matching: families, brands, unconfirmed candidates, the engineer's
decisions, one document however many scans, a declaration's scope (SPEC §5, issue 9)."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from pto_pipeline.domain.acts import _material_lines
from pto_pipeline.domain.matching import match_materials
from pto_pipeline.domain.materials import compare, profile
from pto_pipeline.domain.package import _used_document_ids
from pto_pipeline_tests.matching_frames import (
    codes,
    document,
    documents,
    line,
    materials,
    works,
)

D = dt.date
ROLL = "Материал рулонный гидроизоляционный наплавляемый «Техноэласт ЭПП»"


def declaration(doc_id: str, product: str, **fields) -> dict:
    dates = {"issue_date": D(2025, 1, 1), "valid_to": D(2028, 1, 1)}
    return document(doc_id, "conformity_declaration", product, **(dates | fields))


MARCH = works(("1", D(2026, 3, 1), D(2026, 3, 10)))


# --- families and brands -----------------------------------------------------------------


def test_roll_declaration_never_covers_primer_or_mastic() -> None:
    lines = materials(
        ("1", "Праймер битумный"),
        ("1", "Мастика битумная кровельная"),
        ("1", "Гидроизоляция наплавляемая «Техноэласт ЭПП»"),
    )
    coverage, findings = match_materials(MARCH, lines, documents(declaration("d1", ROLL)))
    assert line(coverage, "1", 1)["status"].tolist() == ["missing"]
    assert line(coverage, "1", 2)["status"].tolist() == ["missing"]
    assert line(coverage, "1", 3)["status"].tolist() == ["covered"]
    assert codes(findings) == ["MISSING_QUALITY_DOC", "MISSING_QUALITY_DOC"]
    for name, family in (("Праймер битумный", "праймер"), ("Мастика битумная", "мастика")):
        result = compare(profile(name), profile(ROLL))
        assert not result.accepted and not result.candidate
        assert f"рулонный материал ≠ {family}" in result.reason


def test_another_brand_of_one_trade_name_rejects() -> None:
    lines = materials(("1", "Гидроизоляция наплавляемая «Техноэласт ЭПП»"))
    docs = documents(declaration("d1", "Материал рулонный «Техноэласт ХПП»"))
    coverage, findings = match_materials(MARCH, lines, docs)
    row = line(coverage, "1").iloc[0]
    assert row["status"] == "missing"
    assert "торговая марка «Техноэласт ХПП» ≠ «Техноэласт ЭПП»" in row["explanation"]
    assert "UNCONFIRMED_MATCH" not in codes(findings)


@pytest.mark.parametrize(
    ("register_name", "product"),
    [
        ("Гидроизоляция наплавляемая Техноэласт ЭПП", "Материал рулонный «Техноэласт ХПП»"),
        ("Гидроизоляция наплавляемая «Техноэласт ЭПП»", "Материал рулонный Техноэласт ХПП"),
    ],
    ids=["register-unquoted", "document-unquoted"],
)
def test_another_brand_rejects_when_one_side_has_no_quotes(
    register_name: str, product: str
) -> None:
    result = compare(profile(register_name), profile(product))
    assert not result.accepted
    assert not result.candidate, result.reason


def test_same_kind_without_evidence_is_unconfirmed_and_never_covers() -> None:
    docs = documents(
        declaration(
            "d1", "Мастика гидроизоляционная «Гидромаст»", source_file="Декларации/мастика.pdf"
        ),
    )
    coverage, findings = match_materials(
        MARCH, materials(("1", "Мастика битумная кровельная")), docs
    )
    rows = line(coverage, "1")
    assert rows["status"].tolist() == ["unconfirmed"]
    assert rows["document_id"].tolist() == ["d1"]  # shown as a candidate, for review
    assert codes(findings) == ["UNCONFIRMED_MATCH"]  # not also UNUSED_DOCUMENT
    message = findings[0].message
    assert findings[0].source_file == "Декларации/мастика.pdf"
    assert "файл Декларации/мастика.pdf" in message
    assert "нет совпадающих отличительных признаков" in message
    assert "«подтвердить»" in message and "«отклонить»" in message
    # What the act and the package read: a candidate is never cited.
    assert _material_lines(coverage)[0]["documents"] == []
    assert _used_document_ids(coverage) == set()


def test_a_covered_line_is_cited_by_act_and_package() -> None:
    """The control for the test above: the same readers do cite an accepted document."""
    docs = documents(declaration("d1", ROLL))
    coverage, _ = match_materials(MARCH, materials(("1", "Материал «Техноэласт ЭПП»")), docs)
    assert coverage["status"].tolist() == ["covered"]
    assert len(_material_lines(coverage)[0]["documents"]) == 1
    assert _used_document_ids(coverage) == {"d1"}


# --- the engineer's decisions --------------------------------------------------------------


MASTIC_LINE = materials(("1", "Мастика битумная кровельная"))


def test_engineer_confirms_a_candidate() -> None:
    docs = documents(declaration("d1", "Мастика гидроизоляционная «Гидромаст»"))
    coverage, findings = match_materials(MARCH, MASTIC_LINE, docs, {(("1", 1), "d1"): True})
    row = line(coverage, "1").iloc[0]
    assert row["status"] == "covered"
    assert row["decided_by"] == "engineer"
    assert row["document_id"] == "d1"
    assert findings == []
    assert _used_document_ids(coverage) == {"d1"}


def test_confirmed_expired_certificate_is_still_expired() -> None:
    docs = documents(
        declaration("d1", "Мастика гидроизоляционная «Гидромаст»", valid_to=D(2026, 1, 31))
    )
    coverage, findings = match_materials(MARCH, MASTIC_LINE, docs, {(("1", 1), "d1"): True})
    row = line(coverage, "1").iloc[0]
    assert row["status"] == "expired"
    assert row["decided_by"] == "engineer"
    assert codes(findings) == ["EXPIRED_QUALITY_DOC"]


def test_engineer_rejects_a_pair_the_rules_accept() -> None:
    docs = documents(
        document("q1", "quality_document", "Бетонная смесь B25", issue_date=D(2026, 3, 2))
    )
    lines = materials(("1", "Бетон В25"))
    accepted, _ = match_materials(MARCH, lines, docs)
    assert accepted["status"].tolist() == ["covered"]
    coverage, findings = match_materials(MARCH, lines, docs, {(("1", 1), "q1"): False})
    assert line(coverage, "1")["status"].tolist() == ["missing"]
    assert line(coverage, "1")["document_id"].tolist() == [None]
    assert "MISSING_QUALITY_DOC" in codes(findings)


def test_rejecting_one_candidate_leaves_the_other() -> None:
    docs = documents(
        declaration("d1", "Мастика гидроизоляционная «Гидромаст»"),
        declaration("d2", "Мастика кровельная горячая"),
    )
    coverage, _ = match_materials(MARCH, MASTIC_LINE, docs)
    assert sorted(line(coverage, "1")["document_id"]) == ["d1", "d2"]
    coverage, _ = match_materials(MARCH, MASTIC_LINE, docs, {(("1", 1), "d1"): False})
    assert line(coverage, "1")["document_id"].tolist() == ["d2"]
    assert line(coverage, "1")["status"].tolist() == ["unconfirmed"]


# --- one document, however many scans -----------------------------------------------------


def passport(doc_id: str, source: str, batch: str = "7") -> dict:
    return document(
        doc_id,
        "quality_document",
        "Бетонная смесь БСТ B25 П4",
        source_file=source,
        doc_number="118",
        issue_date=D(2026, 3, 5),
        batch_number=batch,
        quantity=20,
        unit="м3",
    )


CONCRETE_30 = materials(("1", "Бетон В25", 30, "м3"))


def test_same_passport_scanned_twice_is_one_document() -> None:
    docs = documents(passport("q1", "Паспорта/бетон.pdf"), passport("q2", "Фото/бетон.jpg"))
    coverage, findings = match_materials(MARCH, CONCRETE_30, docs)
    rows = line(coverage, "1")
    assert len(rows) == 1, "the act lists the passport once"
    assert rows["status"].tolist() == ["covered"]
    duplicate = [f for f in findings if f.code == "DUPLICATE_DOCUMENT"]
    assert len(duplicate) == 1
    assert "Паспорта/бетон.pdf" in duplicate[0].message
    assert "Фото/бетон.jpg" in duplicate[0].message
    assert duplicate[0].severity == "info"
    shortfall = [f for f in findings if f.code == "QUANTITY_SHORTFALL"]
    assert len(shortfall) == 1, "20 m3 counted once is short of 30 m3"
    assert "поставлено 20 м3" in shortfall[0].message
    assert "UNUSED_DOCUMENT" not in codes(findings)


def test_two_batches_with_one_number_and_date_are_two_documents() -> None:
    docs = documents(
        passport("q1", "Паспорта/бетон-7.pdf", batch="7"),
        passport("q2", "Паспорта/бетон-8.pdf", batch="8"),
    )
    coverage, findings = match_materials(MARCH, CONCRETE_30, docs)
    assert sorted(line(coverage, "1")["document_id"]) == ["q1", "q2"]
    assert "DUPLICATE_DOCUMENT" not in codes(findings)
    assert "QUANTITY_SHORTFALL" not in codes(findings)


def test_a_decision_naming_the_other_scan_applies_to_the_document() -> None:
    docs = documents(passport("q1", "Паспорта/бетон.pdf"), passport("q2", "Фото/бетон.jpg"))
    _, findings = match_materials(MARCH, CONCRETE_30, docs)
    other = next(f.document_id for f in findings if f.code == "DUPLICATE_DOCUMENT")
    coverage, _ = match_materials(MARCH, CONCRETE_30, docs, {(("1", 1), other): False})
    assert line(coverage, "1")["status"].tolist() == ["missing"]


# --- a declaration listing several products -------------------------------------------------


def test_declaration_scope_covers_each_listed_product_only() -> None:
    scope = [ROLL, "Праймер битумный «ТехноНИКОЛЬ №01»", "Мастика кровельная «ТехноНИКОЛЬ №21»"]
    docs = documents(declaration("d1", ROLL, product_scope=json.dumps(scope, ensure_ascii=False)))
    lines = materials(
        ("1", "Гидроизоляция наплавляемая «Техноэласт ЭПП»"),
        ("1", "Праймер битумный «ТехноНИКОЛЬ №01»"),
        ("1", "Мастика кровельная «ТехноНИКОЛЬ №21»"),
        ("1", "Мастика приклеивающая «ТехноНИКОЛЬ №22»"),
    )
    coverage, _ = match_materials(MARCH, lines, docs)
    statuses = [line(coverage, "1", n)["status"].iloc[0] for n in (1, 2, 3, 4)]
    assert statuses == ["covered", "covered", "covered", "missing"]


def test_scope_line_without_the_lines_brand_does_not_cover() -> None:
    scope = [ROLL, "Праймер битумный"]  # the brand was on the next, unread line
    docs = documents(declaration("d1", ROLL, product_scope=json.dumps(scope, ensure_ascii=False)))
    lines = materials(("1", "Праймер битумный «ТехноНИКОЛЬ №01»"))
    coverage, findings = match_materials(MARCH, lines, docs)
    assert line(coverage, "1")["status"].tolist() == ["missing"]
    assert "UNCONFIRMED_MATCH" not in codes(findings)


def test_scope_that_is_not_json_is_ignored() -> None:
    docs = documents(declaration("d1", ROLL, product_scope="Праймер битумный «ТехноНИКОЛЬ №01»"))
    coverage, _ = match_materials(
        MARCH, materials(("1", "Праймер битумный «ТехноНИКОЛЬ №01»")), docs
    )
    assert line(coverage, "1")["status"].tolist() == ["missing"]


def test_batch_the_engineer_puts_on_another_act_goes_there_once() -> None:
    two_acts = works(("1", D(2026, 3, 1), D(2026, 3, 10)), ("2", D(2026, 3, 11), D(2026, 3, 20)))
    lines = materials(("1", "Бетон В25", 20, "м3"), ("2", "Бетон В25", 20, "м3"))
    docs = documents(passport("q1", "Паспорта/бетон.pdf"))
    by_rules, _ = match_materials(two_acts, lines, docs)
    assert by_rules["document_id"].tolist() == ["q1", None]
    coverage, _ = match_materials(two_acts, lines, docs, {(("2", 1), "q1"): True})
    assert coverage["document_id"].tolist() == [None, "q1"]
    assert coverage["status"].tolist() == ["missing", "covered"]
    assert coverage["decided_by"].tolist() == ["rules", "engineer"]


def test_same_number_and_date_for_other_products_are_two_documents() -> None:
    lines = materials(
        ("1", "Бетон В25", 20, "м3"), ("1", "Песок для строительных работ ГОСТ 8736-2014", 10, "м3")
    )
    same = {"doc_number": "12", "issue_date": D(2026, 3, 5), "unit": "м3"}
    docs = documents(
        document(
            "q1",
            "quality_document",
            "Бетонная смесь B25",
            quantity=20,
            manufacturer="ООО «Бетон-Завод»",
            **same,
        ),
        document(
            "q2",
            "quality_document",
            "Песок природный ГОСТ 8736",
            quantity=10,
            manufacturer="АО «Карьер»",
            **same,
        ),
    )
    coverage, findings = match_materials(MARCH, lines, docs)
    assert coverage["status"].tolist() == ["covered", "covered"]
    assert "DUPLICATE_DOCUMENT" not in codes(findings)
