"""Small frames of the stage tables for matching tests: works, materials, documents."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from pto_pipeline.domain import tables


def works(*acts: tuple[str, dt.date, dt.date]) -> pd.DataFrame:
    rows = [
        {"act_number": a, "work_name": f"Работы {a}", "start_date": s, "end_date": e}
        for a, s, e in acts
    ]
    return pd.DataFrame(rows, columns=tables.WORK_COLUMNS)


def materials(*lines: tuple) -> pd.DataFrame:
    """(act, material[, quantity, unit]) in register order."""
    rows, counters = [], {}
    for act, material, *rest in lines:
        counters[act] = counters.get(act, 0) + 1
        quantity, unit = [*rest, None, None][:2]
        rows.append(
            {
                "act_number": act,
                "material": material,
                "quantity": quantity,
                "unit": unit,
                "sheet_row": len(rows) + 2,
                "line_no": counters[act],
            }
        )
    return pd.DataFrame(rows, columns=tables.MATERIAL_COLUMNS)


def document(doc_id: str, doc_type: str, product: str, **fields) -> dict:
    row = dict.fromkeys(tables.DOCUMENT_COLUMNS)
    row.update(
        document_id=doc_id,
        sha256=doc_id,
        source_file=f"{doc_id}.pdf",
        doc_type=doc_type,
        doc_number=f"№{doc_id}",
        product_name=product,
        status="ok",
    )
    row.update(fields)
    return row


def documents(*rows: dict) -> pd.DataFrame:
    return pd.DataFrame(list(rows), columns=tables.DOCUMENT_COLUMNS)


def line(coverage: pd.DataFrame, act: str, line_no: int = 1) -> pd.DataFrame:
    return coverage[(coverage["act_number"] == act) & (coverage["line_no"] == line_no)]


def codes(findings) -> list[str]:
    return sorted(f.code for f in findings)
