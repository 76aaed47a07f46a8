"""Synthetic corpus: the demo project, its planted cases and ground truth, file formats,
determinism and legibility of the renders."""

from __future__ import annotations

import hashlib
import json
import random
import re
import shutil
from datetime import date

import pdfplumber
import pytest
import yaml
from openpyxl import load_workbook
from PIL import Image

from pto_pipeline.corpus import (
    FontNotFoundError,
    fonts,
    generate_document_corpus,
    generate_project,
    render_bench_pages,
)
from pto_pipeline.corpus.documents import LAYOUTS, build_document
from pto_pipeline.corpus.facts import DOC_TYPES, random_facts
from pto_pipeline.corpus.products import fmt_qty, unit_decimals
from pto_pipeline.corpus.project import ACTS, Scenario
from pto_pipeline.corpus.raster import render_page

SUPPORTED = (".pdf", ".jpg", ".jpeg", ".png", ".tif", ".tiff")


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> dict:
    data = tmp_path_factory.mktemp("data")
    manifest = generate_project(data, code="demo", seed=0)
    truth = data / "ground_truth" / "demo"
    return {
        "data": data,
        "manifest": manifest,
        "project": data / "projects" / "demo",
        "inbox": data / "projects" / "demo" / "inbox",
        "documents": json.loads((truth / "documents.json").read_text("utf-8")),
        "expected": json.loads((truth / "expected.json").read_text("utf-8")),
    }


def _records(demo: dict, source_file: str) -> list[dict]:
    return [r for r in demo["documents"] if r["source_file"] == source_file]


def _line(demo: dict, act: str, fragment: str) -> dict:
    return next(
        c
        for c in demo["expected"]["coverage"]
        if c["act_number"] == act and fragment in c["material"]
    )


def _act(number: str):
    return next(a for a in ACTS if a.number == number)


# -- project card, register, inbox -----------------------------------------------------
def test_demo_project_has_card_register_inbox_and_truth_outside_projects(demo):
    card = yaml.safe_load((demo["project"] / "project.yaml").read_text("utf-8"))
    assert card["name"] and card["address"]
    for role in ("developer", "builder", "designer"):
        org = card["organizations"][role]
        assert {"name", "ogrn", "inn", "address", "phone"} <= org.keys()
        assert len(org["ogrn"]) == 13 and len(org["inn"]) == 10
    assert card["organizations"]["builder"]["sro"]["name"]
    reps = card["representatives"]
    for role in ("developer_control", "builder", "builder_control"):
        assert {"position", "name", "order"} <= reps[role].keys()
    assert reps["developer_control"]["nrs_id"] and reps["builder_control"]["nrs_id"]

    wb = load_workbook(demo["project"] / "works.xlsx")
    works, materials = wb["Работы"], wb["Материалы"]
    headers = [c.value for c in works[1]]
    assert headers[:5] == [
        "№ акта",
        "Наименование работ",
        "Проектная документация",
        "Дата начала",
        "Дата окончания",
    ]
    assert [c.value for c in materials[1]] == ["№ акта", "Материал", "Количество", "Ед. изм."]
    assert works.max_row - 1 == len(ACTS) >= 6
    assert materials.max_row - 1 >= 12

    subfolders = {p.name for p in demo["inbox"].iterdir() if p.is_dir()}
    assert len(subfolders) >= 2
    names = [
        p.relative_to(demo["inbox"]).as_posix() for p in demo["inbox"].rglob("*") if p.is_file()
    ]
    assert any(" " in n and re.search("[а-яА-Я]", n) for n in names)
    assert not (demo["project"] / "ground_truth").exists()
    assert (demo["data"] / "ground_truth" / "demo" / "expected.json").is_file()


def test_demo_holds_every_document_type_and_a_modest_page_count(demo):
    types = {r["doc_type"] for r in demo["documents"] if r["expected_status"] == "ok"}
    assert types == set(DOC_TYPES)
    assert 15 <= demo["manifest"]["pages"] <= 25
    for record in demo["documents"]:
        assert (demo["inbox"] / record["source_file"]).is_file()
        assert record["unit"] in (None, "м3", "т", "шт", "м2", "м", "кг", "л")


def test_ground_truth_conventions(demo):
    ok = [r for r in demo["documents"] if r["expected_status"] == "ok"]
    for r in ok:
        if r["doc_type"] != "other":
            assert re.match(r"^(ООО|АО|ПАО|ЗАО) «.+»$", r["manufacturer"]), r
        for key in ("issue_date", "valid_from", "valid_to"):
            if r[key]:
                date.fromisoformat(r[key])
    cert = next(r for r in ok if r["layout"].startswith("eaeu_certificate"))
    assert cert["doc_number"].startswith("ЕАЭС RU С-RU.")
    decl = next(r for r in ok if r["doc_type"] == "conformity_declaration")
    assert decl["doc_number"].startswith("ЕАЭС N RU Д-RU.")
    concrete = [
        r
        for r in ok
        if "БСТ В25" in (r["product_name"] or "") and r["doc_type"] == "quality_document"
    ]
    assert len(concrete) == 4 and all(r["doc_number"] == r["batch_number"] for r in concrete)
    # the fourth is the phone-app scan of the first passport: one document, other bytes
    assert len({r["doc_number"] for r in concrete}) == 3


# -- planted cases --------------------------------------------------------------------
def test_expected_file_counts_match_the_inbox(demo):
    inbox = demo["inbox"]
    ignored = set(demo["expected"]["ignored"])
    assert ignored and all((inbox / name).is_file() for name in ignored)
    files = [
        p
        for p in inbox.rglob("*")
        if p.is_file() and p.relative_to(inbox).as_posix() not in ignored
    ]
    supported = [p for p in files if p.suffix.lower() in SUPPORTED]
    counts = demo["expected"]["files"]
    assert counts["unsupported"] == len(files) - len(supported) == 2
    assert counts["processed"] + counts["duplicate"] + counts["failed"] == len(supported)
    digests = [hashlib.sha256(p.read_bytes()).hexdigest() for p in supported if p.stat().st_size]
    assert len(digests) - len(set(digests)) == counts["duplicate"] == 1
    assert sum(1 for p in supported if p.stat().st_size == 0) == counts["failed"] == 1


def test_expected_findings_cover_every_planted_case(demo):
    codes = {f["code"] for f in demo["expected"]["findings"]}
    assert codes == {
        "MISSING_QUALITY_DOC",
        "EXPIRED_QUALITY_DOC",
        "DOC_AFTER_WORK",
        "UNREADABLE_DOCUMENT",
        "UNSUPPORTED_FILE",
        "DUPLICATE_DOCUMENT",
        "UNUSED_DOCUMENT",
        "QUANTITY_SHORTFALL",
        "UNCONFIRMED_MATCH",
        "REGISTRY_INVALID",
        "REGISTRY_NOT_FOUND",
        "REGISTRY_MISMATCH",
        "NOT_IN_DESIGN",  # the RD's planted substitution (corpus/rd.py)
        "OVER_DESIGN_QUANTITY",  # and its planted overrun
    }
    for finding in demo["expected"]["findings"]:
        if finding["source_file"]:
            assert (demo["inbox"] / finding["source_file"]).is_file(), finding
    statuses = {c["status"] for c in demo["expected"]["coverage"]}
    assert statuses == {"covered", "expired", "doc_after_work", "missing"}
    assert len(demo["expected"]["coverage"]) == sum(len(a.materials) for a in ACTS)


def test_coverage_doc_numbers_point_at_documents_of_the_truth(demo):
    numbers = {r["doc_number"] for r in demo["documents"]}
    for line in demo["expected"]["coverage"]:
        assert set(line["doc_numbers"]) <= numbers
        assert (line["status"] == "missing") == (not line["doc_numbers"])


def test_planted_dates_follow_the_spec_rules(demo):
    by_number = {r["doc_number"]: r for r in demo["documents"]}
    # Expired certificate: valid_to before the act starts, and the material's only document.
    primer = _line(demo, "4", "Праймер")
    assert primer["status"] == "expired" and len(primer["doc_numbers"]) == 1
    assert date.fromisoformat(by_number[primer["doc_numbers"][0]]["valid_to"]) < _act("4").start
    # Quality document dated after its work.
    pipe = _line(demo, "7", "Труба")
    assert pipe["status"] == "doc_after_work"
    assert date.fromisoformat(by_number[pipe["doc_numbers"][0]]["issue_date"]) > _act("7").end
    # Two sand batches allocated by date: the earliest act end not before the batch date.
    sand_1, sand_7 = _line(demo, "1", "Песок"), _line(demo, "7", "Песок")
    d1 = date.fromisoformat(by_number[sand_1["doc_numbers"][0]]["issue_date"])
    d7 = date.fromisoformat(by_number[sand_7["doc_numbers"][0]]["issue_date"])
    assert d1 <= _act("1").end < d7 <= _act("7").end
    # Planted shortfall: the batch allocated to act 1 is smaller than the line.
    assert by_number[sand_1["doc_numbers"][0]]["quantity"] < _act("1").materials[0][1]


def test_shared_certificate_refusal_letter_and_grade_conflict(demo):
    by_number = {r["doc_number"]: r for r in demo["documents"]}
    shared = set(_line(demo, "2", "Ø16")["doc_numbers"]) & set(
        _line(demo, "5", "Ø12")["doc_numbers"]
    )
    assert len(shared) == 1
    assert by_number[shared.pop()]["doc_type"] == "conformity_certificate"
    mortar = _line(demo, "6", "Раствор")
    assert mortar["status"] == "covered"
    assert by_number[mortar["doc_numbers"][0]]["doc_type"] == "refusal_letter"
    unused = [f for f in demo["expected"]["findings"] if f["code"] == "UNUSED_DOCUMENT"]
    b30 = _records(demo, unused[0]["source_file"])[0]
    assert "В30" in b30["product_name"]
    assert _line(demo, "5", "Бетонная")["status"] == "missing"
    assert "В25" in _line(demo, "5", "Бетонная")["material"]


# -- formats ----------------------------------------------------------------------------
def test_every_inbox_format_opens(demo):
    inbox = demo["inbox"]
    seen = set()
    for record in demo["documents"]:
        if record["expected_status"] != "ok":
            continue
        path = inbox / record["source_file"]
        suffix = path.suffix.lower()
        seen.add(suffix)
        if suffix == ".pdf":
            with pdfplumber.open(path) as pdf:
                assert len(pdf.pages) >= record["last_page"]
        else:
            with Image.open(path) as img:
                assert round(img.info["dpi"][0]) == 300
                assert getattr(img, "n_frames", 1) >= record["last_page"]
    assert {".pdf", ".jpg", ".png", ".tif"} <= seen
    tiff = next(
        r for r in demo["documents"] if r["source_file"].endswith(".tif") and r["last_page"] == 2
    )
    assert "ПРИЛОЖЕНИЕ" not in tiff["product_name"]


def test_digital_pdfs_have_a_text_layer_and_scans_do_not(demo):
    digital = {"Сертификаты/Декларация Техноэласт ЭПП.pdf", "Письма/Отказное письмо раствор.pdf"}
    assert digital <= {r["source_file"] for r in demo["documents"]}
    for record in demo["documents"]:
        if not record["source_file"].endswith(".pdf"):
            continue
        with pdfplumber.open(demo["inbox"] / record["source_file"]) as pdf:
            text = "\n".join(page.extract_text() or "" for page in pdf.pages)
            if record["source_file"] in digital:
                assert record["doc_number"] in text
            else:
                assert not text.strip()
                assert pdf.pages[0].images


def test_three_passports_in_one_pdf_are_split_records(demo):
    split = [r for r in demo["documents"] if r["split"]]
    assert [(r["first_page"], r["last_page"]) for r in split] == [(1, 1), (2, 2), (3, 3)]
    assert len({r["source_file"] for r in split}) == 1
    with pdfplumber.open(demo["inbox"] / split[0]["source_file"]) as pdf:
        assert len(pdf.pages) == 3


# -- determinism ------------------------------------------------------------------------------
def test_demo_scenario_is_deterministic_per_seed(demo):
    def snapshot(seed: int) -> list:
        scenario = Scenario(seed)
        scenario.build()
        return [
            (
                spec.path,
                [
                    (d.layout, d.truth(), [p.text_content() for p in d.pages])
                    for d in spec.documents
                ],
            )
            for spec in scenario.files()
        ]

    assert snapshot(0) == snapshot(0)
    assert snapshot(0) != snapshot(1)


def test_document_corpus_is_byte_identical_per_seed(tmp_path):
    first = generate_document_corpus(tmp_path / "a", seed=3, n_documents=3)
    again = generate_document_corpus(tmp_path / "b", seed=3, n_documents=3)
    other = generate_document_corpus(tmp_path / "c", seed=4, n_documents=3)
    assert first == again and first != other
    files_a = sorted(
        p.relative_to(tmp_path / "a") for p in (tmp_path / "a").rglob("*") if p.is_file()
    )
    assert files_a
    for rel in files_a:
        assert (tmp_path / "a" / rel).read_bytes() == (tmp_path / "b" / rel).read_bytes(), rel
    truth = json.loads((tmp_path / "a" / "truth.json").read_text("utf-8"))
    files_dir = tmp_path / "a" / "files"
    names = {p.relative_to(files_dir).as_posix() for p in files_dir.rglob("*") if p.is_file()}
    assert truth == first and {r["source_file"] for r in truth} == names


def test_bench_pages_are_300_dpi_pngs(tmp_path):
    pages = render_bench_pages(tmp_path, n_pages=2, seed=1)
    assert len(pages) == 2
    for path in pages:
        with Image.open(path) as img:
            assert img.format == "PNG" and round(img.info["dpi"][0]) == 300


# -- legibility and fonts ------------------------------------------------------------------------
@pytest.mark.skipif(shutil.which("tesseract") is None, reason="tesseract is not installed")
def test_rendered_page_is_legible_to_tesseract():
    import pytesseract

    rng = random.Random(20)
    facts = random_facts(rng, scheme="concrete_doc")
    doc = build_document(facts, rng, "concrete_quality_table")
    page = render_page(doc.pages[0])
    header = page.crop((0, 0, page.width, page.height * 2 // 5))  # letterhead and title: fast
    text = pytesseract.image_to_string(header, lang="rus+eng")
    assert f"партии № {facts.number}" in text or f"№ {facts.number}" in text, text
    assert "ДОКУМЕНТ О КАЧЕСТВЕ" in text


def test_missing_fonts_fail_with_an_install_hint(monkeypatch):
    fonts.font_face.cache_clear()
    fonts._font_index.cache_clear()
    monkeypatch.setattr(fonts, "_search_dirs", lambda: [])
    try:
        with pytest.raises(FontNotFoundError, match="fonts-liberation"):
            fonts.font_face("serif")
    finally:
        fonts.font_face.cache_clear()
        fonts._font_index.cache_clear()


DEVELOPMENT_LAYOUTS = [(s, n) for s, names in LAYOUTS.items() for n in sorted(names)]


@pytest.mark.parametrize(
    ("scheme", "name"), DEVELOPMENT_LAYOUTS, ids=[n for _, n in DEVELOPMENT_LAYOUTS]
)
def test_development_layout_prints_the_values_of_its_truth(scheme, name):
    for seed in range(4):
        rng = random.Random(f"dev-{name}-{seed}")
        doc = build_document(random_facts(rng, scheme=scheme), rng, name)
        truth = doc.truth()
        printed = re.sub(r"\s+", "", "\n".join(p.text_content() for p in doc.pages))
        for field in ("doc_number", "product_name", "standard", "batch_number"):
            if truth[field]:
                assert re.sub(r"\s+", "", truth[field]) in printed, (field, truth[field])
        if truth["quantity"] is not None:
            assert fmt_qty(truth["quantity"], unit_decimals(truth["unit"])) in printed


def test_every_document_family_has_three_development_layouts():
    families = {
        "conformity_certificate": ("eaeu_cert", "gost_r_cert", "voluntary_cert"),
        "conformity_declaration": ("eaeu_decl", "national_decl"),
        "concrete": ("concrete_doc",),
        "rebar": ("rebar_cert",),
        "passport": ("passport",),
        "refusal_letter": ("refusal",),
        "test_report": ("test_report",),
        "other": ("covering_letter", "waybill"),
    }
    for family, schemes in families.items():
        assert sum(len(LAYOUTS[s]) for s in schemes) >= 3, family


def test_registry_snapshot_plants_the_three_registry_cases(demo):
    """The snapshot reads cleanly; the brick certificate ends during act 6's works,
    the rings certificate is absent, the Техноэласт record names another maker."""
    from pto_pipeline.domain.registry.snapshot import SnapshotSource

    source = SnapshotSource(demo["data"] / "registry")
    assert source.findings == []
    truth = {r["source_file"]: r for r in demo["documents"]}
    statuses = demo["expected"]["registry_statuses"]
    for file, status in statuses.items():
        answer = source.lookup(truth[file]["doc_number"])
        assert (answer.record.status if answer.record else answer.outcome) == status, file
    brick = source.lookup(truth["Сертификаты/ЕАЭС кирпич М150.pdf"]["doc_number"]).record
    assert _act("6").start <= brick.invalid_from <= _act("6").end
    assert _line(demo, "6", "Кирпич")["status"] == "covered"  # the passport still covers it
    decl = truth["Сертификаты/Декларация Техноэласт ЭПП.pdf"]
    record = source.lookup(decl["doc_number"]).record
    assert record.manufacturer and decl["manufacturer"] not in record.manufacturer
    codes = sorted(f["code"] for f in demo["expected"]["registry_findings"])
    assert codes == ["REGISTRY_INVALID", "REGISTRY_MISMATCH", "REGISTRY_NOT_FOUND"]
