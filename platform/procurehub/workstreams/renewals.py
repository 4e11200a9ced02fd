"""What the alignment engine renews: every workstream's contracts (from the core) and the
plugins' own sources (vehicle replacements, system contract ends)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from sqlalchemy import select

from procurehub.accounts.models import Council
from procurehub.contracts.models import Contract
from procurehub.extensions import db
from procurehub.plugins import RenewalItem
from procurehub.workstreams.registry import enabled_plugins


def contract_renewal_items(workstream: str) -> Iterator[RenewalItem]:
    """A workstream's contracts as renewal items (purchase orders and terminated contracts are not renewals)."""
    stmt = (
        select(
            Contract.id,
            Council.code,
            Contract.category,
            Contract.end_date,
            Contract.max_end_date,
            Contract.collaboration_interest,
            Contract.reference,
            Contract.title,
            Contract.value_total,
        )
        .join(Council, Contract.council_id == Council.id)
        .where(
            Contract.workstream == workstream,
            Contract.record_type != "purchase_order",
            Contract.status != "terminated",
        )
        .execution_options(yield_per=5000)
    )
    for row in db.session.execute(stmt):
        yield RenewalItem(
            "contract", row[0], row[1], row[2], row[3], row[4], row[5], row[6], row[7], row[8]
        )


def renewal_items(as_of: date) -> Iterator[RenewalItem]:
    """Every enabled workstream's renewal items: its contracts, then its plugin's own sources."""
    for plugin in enabled_plugins().values():
        yield from contract_renewal_items(plugin.key)
        if plugin.renewal_items is not None:
            yield from plugin.renewal_items(as_of)
