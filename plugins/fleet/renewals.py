"""Renewal items the fleet workstream gives the alignment engine."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from procurehub import toolkit as tk


def renewal_items(as_of: date) -> Iterator[tk.RenewalItem]:
    """The fleet contracts in the hub (later: more sources of renewals)."""
    return tk.contract_renewal_items("fleet")
