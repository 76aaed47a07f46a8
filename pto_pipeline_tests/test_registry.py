"""Registry checks (SPEC §11): snapshot files, statuses, comparison, matching."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from pto_pipeline.domain.matching import match_materials
from pto_pipeline.domain.registry import RegistrySettings, apply_registry, check_documents
from pto_pipeline.domain.registry.check import same_organisation
from pto_pipeline.domain.registry.records import (
    FOUND,
    NOT_FOUND,
    SUSPENDED,
    TERMINATED,
    UNAVAILABLE,
    UNKNOWN,
    VALID,
    Lookup,
    RegistryRecord,
    number_key,
    status_of_word,
)
from pto_pipeline.domain.registry.snapshot import SnapshotSource
from pto_pipeline.domain.settings import SettingsError
from pto_pipeline_tests.matching_frames import codes, document, documents, line, materials, works

HEADER = "number;status;status_date;valid_from;valid_to;applicant;manufacturer;product"
CERT = "ЕАЭС RU С-RU.ДА52.В.88583/24"
DECL = "ЕАЭС N RU Д-RU.РА01.В.71471/24"


def _snapshot(tmp_path: Path, text: str, name: str = "реестр.csv", encoding="utf-8"):
    folder = tmp_path / "registry"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_bytes(text.encode(encoding))
    return SnapshotSource(folder)


# ---------------------------------------------------------------- statuses and numbers


@pytest.mark.parametrize(
    ("word", "status"),
    [
        ("действует", VALID),
        ("Действующий", VALID),
        ("возобновлён", VALID),
        ("ВОЗОБНОВЛЕН", VALID),
        ("архивный", VALID),
        ("прекращён", TERMINATED),
        ("Действие прекращено", TERMINATED),
        ("аннулирован", TERMINATED),
        ("приостановлен", SUSPENDED),
        ("Действие приостановлено", SUSPENDED),
        ("недействителен", UNKNOWN),
        ("отозван", UNKNOWN),
        ("", UNKNOWN),
    ],
)
def test_status_words(word: str, status: str) -> None:
    assert status_of_word(word)[0] == status


def test_annulled_is_void_from_its_start_terminated_from_its_date() -> None:
    start = dt.date(2024, 9, 12)
    annulled = RegistryRecord(CERT, TERMINATED, "аннулирован", dt.date(2026, 5, 1), start)
    assert annulled.invalid_from == start
    ended = RegistryRecord(CERT, TERMINATED, "прекращён", dt.date(2026, 4, 1), start)
    assert ended.invalid_from == dt.date(2026, 4, 1)
    undated = RegistryRecord(CERT, SUSPENDED, "приостановлен", None, start)
    assert undated.invalid_from == start  # no date: the cautious reading
    assert RegistryRecord(CERT, VALID, "архивный").invalid_from is None
    assert RegistryRecord(CERT, UNKNOWN, "отозван").invalid_from is None


def test_number_key_ignores_lookalikes_spaces_and_the_number_sign() -> None:
    assert number_key(DECL) == number_key("EAЭC RU Д-RU.PA01.B.71471/24")
    assert number_key(DECL) == number_key("ЕАЭС № RU Д-RU.РА01.В.71471/24")
    assert number_key(DECL) != number_key("ЕАЭС N RU Д-RU.РА01.В.71472/24")


# ---------------------------------------------------------------- snapshot files


def test_snapshot_contract_file(tmp_path: Path) -> None:
    source = _snapshot(
        tmp_path,
        f"{HEADER}\n{CERT};прекращён;01.04.2026;12.09.2024;11.09.2027;ООО «С»;ООО «С»;Прокат\n",
    )
    answer = source.lookup("EAЭC RU C-RU.ДA52.B.88583/24")
    assert answer.outcome == FOUND and source.findings == []
    assert answer.record.status == TERMINATED
    assert answer.record.invalid_from == dt.date(2026, 4, 1)
    assert answer.record.valid_to == dt.date(2027, 9, 11)
    assert source.lookup(DECL).outcome == NOT_FOUND


def test_snapshot_cp1251_commas_russian_headers_and_extra_columns(tmp_path: Path) -> None:
    text = (
        "Регистрационный номер,Статус,Орган по сертификации,Действует с,Действует до,"
        "Изготовитель,Продукция,Примечание\r\n"
        f'"{DECL}",Действует,"ОС ""Тест""",12.05.2024,11.05.2029,'
        '"ООО ""Кровля""",Техноэласт,выгружено вручную\r\n'
    )
    source = _snapshot(tmp_path, text, encoding="cp1251")
    record = source.lookup(DECL).record
    assert source.findings == []
    assert record.status == VALID and record.valid_from == dt.date(2024, 5, 12)
    assert record.manufacturer == 'ООО "Кровля"' and record.product == "Техноэласт"


def test_snapshot_utf8_bom_and_semicolons(tmp_path: Path) -> None:
    source = _snapshot(tmp_path, f"\ufeff{HEADER}\n{CERT};действует;;;;;;\n")
    assert source.lookup(CERT).record.status == VALID


def test_snapshot_unknown_status_word_is_a_finding_and_never_valid(tmp_path: Path) -> None:
    source = _snapshot(tmp_path, f"{HEADER}\n{CERT};отозван;;;;;;\n")
    record = source.lookup(CERT).record
    assert record.status == UNKNOWN and record.status_word == "отозван"
    [finding] = source.findings
    assert finding.code == "REGISTRY_SNAPSHOT" and "«отозван»" in finding.message
    assert "строка 2" in finding.message


def test_snapshot_two_rows_for_one_number_take_the_latest_status(tmp_path: Path) -> None:
    text = (
        f"{HEADER}\n"
        f"{CERT};прекращён;01.04.2026;;;;;\n"
        f"{CERT};действует;12.09.2024;;;;;\n"
        f"{DECL};действует;;;;;;\n"
    )
    source = _snapshot(tmp_path, text)
    assert source.lookup(CERT).record.status == TERMINATED
    [finding] = source.findings
    assert "две записи" in finding.message and "строка 2" in finding.message


def test_snapshot_bad_rows_are_findings_not_crashes(tmp_path: Path) -> None:
    text = f"{HEADER}\n;действует;;;;;;\n{CERT};действует;31.02.2026;когда-то;;;;\n"
    source = _snapshot(tmp_path, text)
    assert source.lookup(CERT).record.status == VALID
    messages = " ".join(f.message for f in source.findings)
    assert "нет номера" in messages and "«31.02.2026»" in messages and "«когда-то»" in messages
    other = _snapshot(tmp_path / "x", "a;b;c\n1;2;3\n", name="junk.csv")
    assert [f.code for f in other.findings] == ["REGISTRY_SNAPSHOT"]
    assert other.lookup(CERT).outcome == NOT_FOUND


# ---------------------------------------------------------------- comparison


def test_company_names_compare_without_legal_form_and_quotes() -> None:
    assert same_organisation(
        "ООО «КонтинентСтальПром»", "Общество с ограниченной ответственностью «КонтинентСтальПром»"
    )
    assert same_organisation('АО "Завод ЖБИ № 3"', "Акционерное общество «Завод ЖБИ №3»")
    assert not same_organisation("ООО «Уральский завод гидроизоляции»", "ООО «Кровля-Сервис»")


class _Fixed:
    def __init__(self, name: str, answers: dict[str, Lookup], covers: bool = True) -> None:
        self.name, self.answers, self._covers = name, answers, covers
        self.asked: list[str] = []

    def covers(self, number: str, doc_type: str = "") -> bool:
        return self._covers

    def lookup(self, number: str, doc_type: str = "") -> Lookup:
        self.asked.append(number)
        answer = self.answers.get(number)
        if answer is None:
            raise RuntimeError("client bug")
        return answer


def _docs():
    return documents(
        document(
            "c1",
            "conformity_certificate",
            "Прокат арматурный А500С",
            doc_number=CERT,
            manufacturer="ООО «Сталь»",
            valid_from=dt.date(2024, 9, 12),
            valid_to=dt.date(2027, 9, 11),
        ),
        document("c2", "conformity_declaration", "Техноэласт ЭПП", doc_number=DECL),
        document("q1", "quality_document", "Бетон В25", doc_number="12"),
    )


def _found(number: str, **kw) -> Lookup:
    fields = {"status": VALID, "status_word": "действует"} | kw
    return Lookup("snapshot", FOUND, RegistryRecord(number, **fields))


def test_check_reports_mismatch_not_found_and_asks_once_per_number() -> None:
    record = {
        "manufacturer": "Общество с ограниченной ответственностью «Другой завод»",
        "product": "Прокат арматурный свариваемый А500С",
        "valid_from": dt.date(2024, 9, 12),
        "valid_to": dt.date(2027, 9, 12),
    }
    source = _Fixed("snapshot", {CERT: _found(CERT, **record), DECL: Lookup("snapshot", NOT_FOUND)})
    checks, findings = check_documents(_docs(), [source])
    assert source.asked == [CERT, DECL]  # the quality document is not looked up
    by_id = checks.set_index("document_id")
    assert by_id.loc["c1", "status"] == VALID
    assert by_id.loc["c1", "mismatch"] == "manufacturer, valid_to"
    assert by_id.loc["c2", "status"] == NOT_FOUND
    assert codes(findings) == ["REGISTRY_MISMATCH", "REGISTRY_NOT_FOUND"]
    mismatch = next(f for f in findings if f.code == "REGISTRY_MISMATCH")
    assert "«Другой завод»" in mismatch.message and "прочитан с ошибкой" in mismatch.message
    assert "11.09.2027" in mismatch.message and "12.09.2027" in mismatch.message


def test_check_agreeing_record_has_no_finding() -> None:
    record = {
        "manufacturer": "Общество с ограниченной ответственностью «Сталь»",
        "product": "Прокат арматурный свариваемый периодического профиля А500С",
        "valid_from": dt.date(2024, 9, 12),
    }
    source = _Fixed("snapshot", {CERT: _found(CERT, **record), DECL: _found(DECL)})
    checks, findings = check_documents(_docs(), [source])
    assert findings == [] and checks["mismatch"].isna().all()


def test_sources_in_order_and_no_answer_is_unavailable_never_not_found() -> None:
    snapshot = _Fixed("snapshot", {CERT: Lookup("snapshot", NOT_FOUND), DECL: _found(DECL)})
    eaeu = _Fixed("eaeu", {CERT: Lookup("eaeu", UNAVAILABLE, note="HTTP 503")})
    checks, findings = check_documents(_docs(), [snapshot, eaeu])
    by_id = checks.set_index("document_id")
    assert by_id.loc["c1", "status"] == UNAVAILABLE and by_id.loc["c1", "source"] == "snapshot,eaeu"
    assert by_id.loc["c2", ["status", "source"]].tolist() == [VALID, "snapshot"]
    assert eaeu.asked == [CERT]  # the declaration was found in the snapshot first
    [finding] = findings
    assert finding.code == "REGISTRY_UNAVAILABLE" and finding.severity == "info"
    assert "HTTP 503" in finding.message


def test_a_source_that_raises_never_fails_the_check() -> None:
    broken = _Fixed("fsa", {})
    checks, findings = check_documents(_docs(), [broken])
    assert set(checks["status"]) == {UNAVAILABLE}
    assert codes(findings) == ["REGISTRY_UNAVAILABLE", "REGISTRY_UNAVAILABLE"]


def test_settings_from_env(monkeypatch) -> None:
    assert RegistrySettings.from_env().sources == ("snapshot",)
    monkeypatch.setenv("PTO_REGISTRY", "snapshot, eaeu,fsa")
    monkeypatch.setenv("PTO_REGISTRY_EAEU_URL", "http://127.0.0.1:1/odata")
    settings = RegistrySettings.from_env()
    assert settings.sources == ("snapshot", "eaeu", "fsa")
    assert settings.eaeu_url == "http://127.0.0.1:1/odata" and settings.max_age_days == 7
    monkeypatch.setenv("PTO_REGISTRY", "off")
    assert RegistrySettings.from_env().sources == ()
    monkeypatch.setenv("PTO_REGISTRY", "snapshot,gisp")
    monkeypatch.setenv("PTO_REGISTRY_MAX_AGE_DAYS", "week")
    with pytest.raises(SettingsError, match=r"gisp.*PTO_REGISTRY_MAX_AGE_DAYS"):
        RegistrySettings.from_env()


# ---------------------------------------------------------------- matching


def _project():
    w = works(
        ("1", dt.date(2026, 3, 2), dt.date(2026, 3, 6)),
        ("2", dt.date(2026, 3, 10), dt.date(2026, 3, 20)),
        ("3", dt.date(2026, 4, 1), dt.date(2026, 4, 3)),
    )
    m = materials(
        ("1", "Арматура А500С Ø16 ГОСТ 34028-2016"),
        ("2", "Арматура А500С Ø16 ГОСТ 34028-2016"),
        ("3", "Арматура А500С Ø16 ГОСТ 34028-2016"),
    )
    cert = document(
        "c1",
        "conformity_certificate",
        "Прокат арматурный А500С диаметром 16 мм ГОСТ 34028-2016",
        doc_number=CERT,
        valid_from=dt.date(2024, 9, 12),
        valid_to=dt.date(2027, 9, 11),
        standard="ГОСТ 34028-2016",
    )
    return w, m, documents(cert)


def _checks(status: str, word: str, status_date: dt.date | None):
    record = RegistryRecord(CERT, status, word, status_date, dt.date(2024, 9, 12))
    source = _Fixed("snapshot", {CERT: Lookup("snapshot", FOUND, record)})
    return check_documents(_project()[2], [source])[0]


def test_terminated_during_works_is_expired_for_the_acts_it_affects() -> None:
    w, m, docs = _project()
    checks = _checks(TERMINATED, "прекращён", dt.date(2026, 3, 15))
    coverage, findings = match_materials(w, m, apply_registry(docs, checks))
    assert line(coverage, "1")["status"].tolist() == ["covered"]  # works ended before
    assert line(coverage, "2")["status"].tolist() == ["expired"]  # terminated during
    assert line(coverage, "3")["status"].tolist() == ["expired"]  # terminated before
    [invalid] = [f for f in findings if f.code == "REGISTRY_INVALID"]
    assert invalid.severity == "error" and invalid.act_number == "2"
    assert "прекращён с 15.03.2026" in invalid.message
    assert "акт № 2" in invalid.message and "акт № 3" in invalid.message
    assert "акт № 1 " not in invalid.message
    expired = [f for f in findings if f.code == "EXPIRED_QUALITY_DOC"]
    assert {f.act_number for f in expired} == {"2", "3"}
    assert all("в реестре прекращён" in f.message for f in expired)


def test_suspended_after_all_works_changes_nothing() -> None:
    w, m, docs = _project()
    checks = _checks(SUSPENDED, "приостановлен", dt.date(2026, 5, 1))
    coverage, findings = match_materials(w, m, apply_registry(docs, checks))
    assert set(coverage["status"]) == {"covered"}
    assert "REGISTRY_INVALID" not in codes(findings)


def test_annulled_affects_every_act_and_unknown_status_none() -> None:
    w, m, docs = _project()
    checks = _checks(TERMINATED, "аннулирован", dt.date(2026, 6, 1))
    coverage, findings = match_materials(w, m, apply_registry(docs, checks))
    assert set(coverage["status"]) == {"expired"}
    [invalid] = [f for f in findings if f.code == "REGISTRY_INVALID"]
    assert "аннулирован (недействителен с начала срока действия)" in invalid.message
    assert invalid.act_number == "1"
    checks = _checks(UNKNOWN, "отозван", None)
    coverage, findings = match_materials(w, m, apply_registry(docs, checks))
    assert set(coverage["status"]) == {"covered"} and "REGISTRY_INVALID" not in codes(findings)


def test_company_names_that_differ_in_one_word_are_two_makers() -> None:
    assert not same_organisation(
        "ООО «Уральский завод гидроизоляционных материалов»",
        "Общество с ограниченной ответственностью «Самарский завод гидроизоляционных "
        "материалов № 3»",
    )
    assert not same_organisation("АО «Завод ЖБИ № 3»", "АО «Завод ЖБИ № 4»")
    assert same_organisation("ООО «КонтинентСтальПрам»", "ООО «КонтинентСтальПром»")  # OCR


def test_registry_checks_asset_reads_the_data_roots_snapshot(tmp_path: Path, monkeypatch) -> None:
    import dagster as dg

    from pto_pipeline.assets.registry import registry_checks
    from pto_pipeline.resources import PtoSettings

    monkeypatch.delenv("PTO_REGISTRY", raising=False)
    _snapshot(tmp_path, f"{HEADER}\n{CERT};приостановлен;01.03.2026;;;;;\n{CERT};отозван;;;;;;\n")
    with dg.instance_for_test() as instance:
        instance.add_dynamic_partitions("projects", ["p1"])
        context = dg.build_asset_context(partition_key="p1", instance=instance)
        out = registry_checks(
            context, pto=PtoSettings(data_dir=str(tmp_path)), requisites={"documents": _docs()}
        )
    by_id = out["checks"].set_index("document_id")
    assert by_id.loc["c1", "status"] == SUSPENDED and by_id.loc["c2", "status"] == NOT_FOUND
    assert sorted(out["findings"]["code"]) == [
        "REGISTRY_NOT_FOUND",
        "REGISTRY_SNAPSHOT",  # the duplicate row
        "REGISTRY_SNAPSHOT",  # its unknown word
    ]


def test_no_snapshot_files_and_off_check_nothing(tmp_path: Path, monkeypatch) -> None:
    from pto_pipeline.domain.registry import build_sources

    monkeypatch.delenv("PTO_REGISTRY", raising=False)
    sources = build_sources(tmp_path / "registry", RegistrySettings.from_env())
    assert sources == []
    checks, findings = check_documents(_docs(), sources)
    assert checks.empty and findings == []
