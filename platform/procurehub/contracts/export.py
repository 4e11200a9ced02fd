"""Contracts out to CSV/XLSX (OCDS export lives beside the OCDS reader)."""

from __future__ import annotations

import sys
import tempfile
from collections.abc import Iterator
from typing import IO, Any

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from procurehub import exports
from procurehub.accounts.models import Council
from procurehub.contracts.fields import EXPORT_COLUMNS, flat_value
from procurehub.contracts.models import Contract
from procurehub.extensions import db


def contracts_query(council: str | None = None, workstream: str | None = None) -> Any:
    stmt = select(Contract).options(joinedload(Contract.council)).order_by(Contract.id)
    if council:
        stmt = stmt.join(Contract.council).where(Council.code == council)
    if workstream:
        stmt = stmt.where(Contract.workstream == workstream)
    return stmt


def contract_rows(stmt: Any) -> Iterator[list[Any]]:
    """Stream rows in batches so a million-contract export stays flat in memory."""
    for contract in db.session.scalars(stmt.execution_options(yield_per=2000)):
        yield [flat_value(getattr(contract, name)) for name in EXPORT_COLUMNS]


def export_contracts(
    fmt: str, output: str, *, council: str | None = None, workstream: str | None = None
) -> int:
    rows = contract_rows(contracts_query(council, workstream))
    if fmt == "csv":
        if output == "-":
            return exports.write_csv(sys.stdout, EXPORT_COLUMNS, rows)
        with open(output, "w", newline="", encoding="utf-8") as handle:
            return exports.write_csv(handle, EXPORT_COLUMNS, rows)
    if fmt == "xlsx":
        return exports.write_xlsx(output, EXPORT_COLUMNS, rows)
    if fmt == "ocds":
        return _export_ocds(output, contracts_query(council, workstream))
    raise ValueError(f"unknown export format {fmt!r}")


def _export_ocds(output: str, stmt: Any) -> int:
    """An OCDS 1.1 release package, streamed so a whole hub fits in flat memory."""
    from procurehub.ingest.ocds_export import write_release_package

    names = dict(db.session.execute(select(Council.code, Council.name)).all())
    contracts = (
        {name: getattr(c, name) for name in EXPORT_COLUMNS}
        for c in db.session.scalars(stmt.execution_options(yield_per=2000))
    )
    if output == "-":
        return write_release_package(sys.stdout, contracts, council_names=names)
    with open(output, "w", encoding="utf-8") as handle:
        return write_release_package(handle, contracts, council_names=names)


#: The formats the contract list offers: (file extension, media type).
FORMATS = {
    "csv": ("csv", "text/csv"),
    "xlsx": ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "ocds": ("json", "application/json"),
}


def write_export(fmt: str, stmt: Any) -> IO[bytes]:
    """The contracts `stmt` selects, in `fmt` (csv, xlsx or ocds), as a rewound binary file.

    Written to a spooled file (memory up to 16 MB, then disk), so a whole hub's export keeps
    the web worker's memory flat. Every cell goes through the exports module (formula
    neutralisation); OCDS is the same release package as `procurehub export contracts`.
    """
    if fmt not in FORMATS:
        raise ValueError(f"unknown export format {fmt!r}")
    stmt = stmt.options(joinedload(Contract.council)).order_by(Contract.id)
    target: Any = tempfile.SpooledTemporaryFile(max_size=16 * 1024 * 1024)  # noqa: SIM115 - sent, then closed by Flask
    if fmt == "xlsx":
        exports.write_xlsx(target, EXPORT_COLUMNS, contract_rows(stmt))
    else:
        import io

        text = io.TextIOWrapper(target, encoding="utf-8", newline="", write_through=True)
        if fmt == "csv":
            exports.write_csv(text, EXPORT_COLUMNS, contract_rows(stmt))
        else:
            from procurehub.ingest.ocds_export import write_release_package

            names = dict(db.session.execute(select(Council.code, Council.name)).all())
            contracts = (
                {name: getattr(c, name) for name in EXPORT_COLUMNS}
                for c in db.session.scalars(stmt.execution_options(yield_per=2000))
            )
            write_release_package(text, contracts, council_names=names)
        text.flush()
        text.detach()  # leave the binary file open for sending
    target.seek(0)
    return target
