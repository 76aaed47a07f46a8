"""The working documentation (RD) against the register (SPEC §10).

`sheets`: specification sheets of `projects/<code>/rd/*.pdf` read into lines (vector PDFs
from their text and ruling, scans and text drawn as curves through the OCR layer);
`references`: the шифр and sheets a register row's «Проектная документация» names;
`compare`: register materials against the specification (NOT_IN_DESIGN,
OVER_DESIGN_QUANTITY, RD_SHEET_NOT_FOUND); `draft`: a Материалы sheet from the
specification for `pto-pipeline init --from-rd`.
"""
