from datetime import date

import pytest

from pto_pipeline.domain.dates import find_dates, parse_ru_date


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("12.03.2026", date(2026, 3, 12)),
        ("1.3.2026", date(2026, 3, 1)),
        ("12.03.26", date(2026, 3, 12)),
        ("18.11:2025", date(2025, 11, 18)),  # the second dot read as a colon
        ("31.12.99", date(1999, 12, 31)),
        ("12,03.2026", date(2026, 3, 12)),  # OCR comma
        ("12. 03. 2026", date(2026, 3, 12)),  # OCR spacing
        ("12.O3.2O26", date(2026, 3, 12)),  # OCR letter O in digit positions
        ("12/03/2026", date(2026, 3, 12)),
        ("2026-03-12", date(2026, 3, 12)),
        ("«12» марта 2026 г.", date(2026, 3, 12)),
        ("12 марта 2026 года", date(2026, 3, 12)),
        ("<<05>> мая 2025г.", date(2025, 5, 5)),
        ('"1" сентября 2023 г.', date(2023, 9, 1)),
        ("12 мapтa 2026", date(2026, 3, 12)),  # Latin look-alikes in the month
        ("  19.03.2026  ", date(2026, 3, 19)),
        ("«Об» июля 2030 г.", date(2030, 7, 6)),  # quoted day with OCR'd digits
    ],
)
def test_parse_ru_date_accepts_document_forms(text, expected):
    assert parse_ru_date(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "31.02.2026",  # no such day
        "32.01.2026",
        "12.13.2026",
        "12/03-24",  # a batch number, not a date
        "12/03/24",  # slashes with a two-digit year: batch-like, not accepted
        "26-000518",
        "ГОСТ 7473-2010",
        "12.03.2026 и 13.03.2026",  # two dates are not one date
        "",
        "марта 2026",
        "Об июля 2030",  # OCR'd digits are trusted only inside the day's quotes
    ],
)
def test_parse_ru_date_rejects_non_dates(text):
    assert parse_ru_date(text) is None


def test_find_dates_returns_offsets_of_each_date_in_running_text():
    text = "Срок действия с 20.12.2022 по «19» декабря 2025 г. включительно"
    found = find_dates(text)
    assert [d for d, _, _ in found] == [date(2022, 12, 20), date(2025, 12, 19)]
    start, end = found[1][1], found[1][2]
    assert text[start:end] == "«19» декабря 2025 г."
    assert text[found[0][1] : found[0][2]] == "20.12.2022"


def test_find_dates_ignores_batch_numbers_standards_and_registration_numbers():
    text = (
        "Партия № 12/03-24, ГОСТ 7473-2010, ТУ 5745-001-12345678-2015, "
        "ЕАЭС RU С-RU.АЖ56.В.00954/21, время 10:45"
    )
    assert find_dates(text) == []


def test_find_dates_is_fast_enough_for_thousands_of_pages():
    import time

    page = "Документ о качестве № 26-000518 от 19.03.2026, действителен по 19.12.2025. " * 20
    started = time.perf_counter()
    for _ in range(200):
        find_dates(page)
    assert time.perf_counter() - started < 2.0
