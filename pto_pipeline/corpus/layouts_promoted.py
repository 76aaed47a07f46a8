"""Layouts once reserved for the unseen-layout evaluation, now development layouts.

Each failed on the reserved set; the mechanism it exposed was fixed, and it moved here
(its code stays beside the reserved ones it shares building blocks with). New layouts
were reserved in their place.
"""

from pto_pipeline.corpus.reserved_layouts import (
    cert_gost_r_two_columns,
    other_transfer_act,
    refusal_date_first,
)

LAYOUTS = {
    "gost_r_cert": {"cert_gost_r_two_columns": cert_gost_r_two_columns},
    "refusal": {"refusal_date_first": refusal_date_first},
    "covering_letter": {"other_transfer_act": other_transfer_act},
}
