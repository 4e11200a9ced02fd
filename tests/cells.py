"""What the register cell-parser tests share: any cell a reader can give, and checks on results."""

from __future__ import annotations

import ast
import sys
from datetime import UTC
from pathlib import Path

from hypothesis import strategies as st

from procurehub.ingest.text import Parsed

# Every kind of value python-calamine, openpyxl, pandas or the csv module puts in a cell.
any_cell = st.one_of(
    st.none(),
    st.text(),
    st.text(alphabet="0123456789/-.,:+() £$kKmMbnxXyYearsonthTtZ\u00a0"),
    st.floats(allow_nan=True, allow_infinity=True),
    st.integers(),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.booleans(),
    st.dates(),
    st.datetimes(),
    st.datetimes(timezones=st.just(UTC)),
    st.decimals(allow_nan=True, allow_infinity=True),
)


def quoted(raw: object) -> str:
    return f'"{raw}"'


def check_result(result: object) -> None:
    """A parser's answer is a Parsed whose problem, if any, is a non-empty message."""
    assert isinstance(result, Parsed)
    assert result.problem is None or (isinstance(result.problem, str) and result.problem)


def third_party_imports(module_file: str) -> set[str]:
    """Top-level packages a module imports that are neither the standard library nor the hub's
    own pure modules (import-linter checks that those stay free of Flask and SQLAlchemy)."""
    tree = ast.parse(Path(module_file).read_text(encoding="utf-8"))
    imported = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imported.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            if node.module.startswith(("procurehub.ingest.", "procurehub.renewal_dates")):
                continue
            imported.add(node.module.split(".")[0])
    return imported - set(sys.stdlib_module_names) - {"__future__"}
