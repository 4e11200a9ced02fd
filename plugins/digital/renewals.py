"""Renewal items the digital workstream gives the alignment engine."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from procurehub import toolkit as tk


def renewal_items(as_of: date) -> Iterator[tk.RenewalItem]:
    """The digital contracts in the hub (later: more sources of renewals)."""
    return tk.contract_renewal_items("digital")
