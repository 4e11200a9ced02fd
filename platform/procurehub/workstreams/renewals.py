"""What the alignment engine renews: every workstream's contracts (from the core) and the
plugins' own sources (vehicle replacements, system contract ends)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date

from sqlalchemy import select

from procurehub.accounts.models import Council
from procurehub.contracts.models import Contract
from procurehub.extensions import db
from procurehub.plugins import RenewalItem
from procurehub.workstreams.registry import all_categories, enabled_plugins


def contract_renewal_items(
    workstreams: Iterable[str], categories: Iterable[str] | None = None
) -> Iterator[RenewalItem]:
    """Contracts as renewal items (purchase orders and terminated contracts are not renewals).

    `categories` narrows the read to some categories, through the (workstream, category, end
    date) index: what an incremental alignment run after an upload needs.
    """
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
            Contract.workstream.in_(list(workstreams)),
            Contract.record_type != "purchase_order",
            Contract.status != "terminated",
        )
        .execution_options(yield_per=5000)
    )
    if categories is not None:
        stmt = stmt.where(Contract.category.in_(sorted(categories)))
    for row in db.session.execute(stmt):
        yield RenewalItem(
            "contract", row[0], row[1], row[2], row[3], row[4], row[5], row[6], row[7], row[8]
        )


def renewal_items(as_of: date, categories: Iterable[str] | None = None) -> Iterator[RenewalItem]:
    """Every enabled workstream's renewal items: its contracts, then its plugin's own sources.

    With `categories`, only the items of those categories (unknown categories are ignored).
    """
    plugins = enabled_plugins()
    if categories is None:
        for key, plugin in plugins.items():
            yield from contract_renewal_items([key])
            if plugin.renewal_items is not None:
                yield from plugin.renewal_items(as_of)
        return
    keep = set(categories) & set(all_categories())
    if not keep:
        return
    yield from contract_renewal_items(list(plugins), keep)
    for plugin in plugins.values():
        if plugin.renewal_items is not None:
            yield from (i for i in plugin.renewal_items(as_of) if i.category in keep)
