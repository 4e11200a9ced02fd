"""An import report as text for a terminal: what was understood, what was rejected and why."""

from __future__ import annotations

from typing import Any

from procurehub.registers.report import REPORT_COUNTS

MAX_LINES = 20


def format_import_report(report: dict[str, Any]) -> str:
    lines = [report.get("message", "")]
    if report.get("sheet"):
        lines.append(
            f"Sheet: {report['sheet']} (of {', '.join(report.get('sheets') or [])}); "
            f"header on row {report.get('header_row')}"
        )
    counts = ", ".join(f"{key.replace('_', ' ')}: {report[key]}" for key in REPORT_COUNTS)
    lines.append(counts)
    if report.get("mapping"):
        lines.append("Columns:")
        for m in report["mapping"]:
            target = m["field"] or "kept in extra"
            lines.append(f"  {m['heading']!s:40} -> {target} ({m['how']})")
    for title, key, count_key in (
        ("Errors", "errors", "error_count"),
        ("Warnings", "warnings", "warning_count"),
    ):
        items = report.get(key) or []
        if not items:
            continue
        lines.append(f"{title} ({report.get(count_key, len(items))}):")
        for item in items[:MAX_LINES]:
            where = f"row {item['row']}" if item.get("row") else "file"
            if item.get("column"):
                where += f", column '{item['column']}'"
            lines.append(f"  {where}: {item['message']}")
        if len(items) > MAX_LINES:
            lines.append(
                f"  … and {report.get(count_key, len(items)) - MAX_LINES} more (use --json for all)"
            )
    for item in (report.get("missing") or [])[:MAX_LINES]:
        lines.append(
            f"  not in this file: {item.get('reference') or '(no reference)'} {item.get('title')}"
        )
    return "\n".join(line for line in lines if line is not None)
