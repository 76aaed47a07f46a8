"""Synthetic sample corpus: realistic scans of Russian construction quality documents.

Used by `pto-pipeline demo`, the tests, the accuracy report and the OCR benchmark.
No Dagster imports. Everything is deterministic per seed: the same seed gives
byte-identical files (fixed PDF/ZIP dates, no timestamps, seeded noise).

Public API
----------
- `generate_project(data_dir, code="demo", seed=0) -> dict` — a complete project
  (`projects/<code>/project.yaml`, `works.xlsx`, `inbox/`) plus ground truth in
  `ground_truth/<code>/documents.json` and `expected.json` (outside `projects/`).
- `generate_document_corpus(out_dir, seed, n_documents=40, layouts="development") ->
  list[dict]` — standalone documents in `out_dir/files/` and their truth in
  `out_dir/truth.json`. `layouts="reserved"` draws only from the layouts kept for
  `pto-pipeline eval --unseen-layouts` (`reserved_layouts.py`: never used in golden tests
  or the sample project, and not to be read while writing extraction rules).
- `render_bench_pages(out_dir, n_pages=100, seed=0) -> list[Path]` — PNG pages for the
  OCR speed benchmark.

Ground-truth record (documents.json, truth.json)
------------------------------------------------
One object per expected document:

- `source_file`: path under the inbox (or `files/`), '/'-separated.
- `first_page`, `last_page`: 1-based page range in the file; `split` is true when the
  file holds several documents (one record per document).
- `expected_status`: "ok", or "failed" for planted unreadable files (then every
  requisite is null). `layout`: the template (and variant) that rendered it.
- `doc_type`: SPEC §4 type.
- `doc_number`: as printed. Certificates/declarations: the registry number
  (`ЕАЭС RU С-RU.АЖ56.В.00954/24`, `ЕАЭС N RU Д-RU.РА01.В.71855/24`, `РОСС RU.АЯ52.Н10051`),
  never the blank series («Серия RU № 0301122») nor the body's accreditation number.
  Quality documents: the number in the title (for concrete «…партии № 518» it is 518,
  never the plant's declaration number quoted in the header). Refusal letters: the
  outgoing number after «Исх. №». Test reports: the protocol number. Other: the
  number in the title.
- `issue_date`, `valid_from`, `valid_to`: ISO dates. Certificates and declarations:
  issue_date = valid_from = registration / start date. Quality documents: the document
  (shipment) date, no validity. Refusal letters: the letter date and, when stated,
  valid_to. Test reports: the protocol date.
- `manufacturer`: abbreviated legal form and quoted name, e.g. `ООО «Бетон-Сервис»`, even
  where the document spells the form out in full. It is the maker of the product (for a
  test report too, not the laboratory; for a refusal letter, the company writing it).
- `product_name`: the product designation as printed, without the standard
  (`Бетонная смесь БСТ В25 П4 F150 W6`). A certificate with an annex gives the
  first-page product group; the annex lists the products it covers.
- `standard`: the product standard as printed (`ГОСТ 7473-2010`, `ТУ 5775-011-…`,
  `СТО 72746455-…`), not test-method standards or technical regulations.
- `batch_number`: the batch (партия) as printed — quality documents and test reports
  that state one. For concrete documents numbered by batch it equals `doc_number`.
- `quantity` (number) and `unit` (normalised: м3, т, шт, м2, м, кг, л): the batch
  quantity of a quality document.
- doc_type `other` (covering letters, waybills): only doc_type, doc_number and
  issue_date; every other field is null.

truth.json records also carry `format` (jpeg, png, tiff, pdf_scan, pdf_text) and `scan`
(the degradations applied per page).

expected.json (demo project only)
---------------------------------
`{"files": {"processed", "duplicate", "unsupported", "failed"}, "ignored": [...],
"coverage": [{"act_number", "material", "status", "doc_numbers", "source_files"}],
"findings": [{"code", "act_number", "material", "source_file"}], "notes": {...}}` — the
planted cases of SPEC §5/§7. Findings list what is planted; a pipeline may add more
(e.g. MISSING_REQUISITE for a field it could not read). QUANTITY_SHORTFALL is planted
where the allocated batch documents sum below the line; lines covered only by a
certificate, declaration or refusal letter carry no batch quantity and no shortfall.
"""

from pto_pipeline.corpus.accuracy import generate_document_corpus, render_bench_pages
from pto_pipeline.corpus.fonts import FontNotFoundError
from pto_pipeline.corpus.project import generate_project

__all__ = [
    "FontNotFoundError",
    "generate_document_corpus",
    "generate_project",
    "render_bench_pages",
]
