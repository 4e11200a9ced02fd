"""How real registers are shaped: the evidence for bench/collaboration.py's default registers.

    python bench/real_registers.py [DIR]     # default: shared/data/real beside the checkout

Reads every contract file in DIR (CSV and OCDS JSON; the taxonomy seed and the van list are
not contract registers) exactly as an upload would (``read_register``, the column mapping,
``RowParser`` with the hub's classifier built from the plugins' categories), and prints per
file: rows, buyers, how many rows land in an alignable category (any category but
``unclassified``), the counts per category, and how many contracts one buyer has in one
category. Nothing is stored (a scratch SQLite hub in a temporary directory only supplies the
plugins' categories).
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from collections import Counter, defaultdict
from datetime import date

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
PLATFORM = os.path.join(ROOT, "platform")
if PLATFORM not in sys.path:
    sys.path.insert(0, PLATFORM)

from bench_support import Databases, make_app  # noqa: E402

NOT_REGISTERS = ("taxonomy_", "electric_vans_")
# beside /work/main, or beside /work/wt/NAME (a worktree)
DEFAULT_DIRS = [os.path.join(ROOT, *[".."] * up, "shared", "data", "real") for up in (1, 2)]


def main() -> None:
    found = [d for d in DEFAULT_DIRS if os.path.isdir(d)]
    if len(sys.argv) < 2 and not found:
        raise SystemExit("give the folder of the real registers (shared/data/real)")
    folder = sys.argv[1] if len(sys.argv) > 1 else found[0]
    files = sorted(
        f
        for f in os.listdir(folder)
        if f.endswith((".csv", ".json")) and not f.startswith(NOT_REGISTERS)
    )
    workdir = tempfile.mkdtemp(prefix="procurehub-real-registers-")
    try:
        app = make_app(Databases(None, workdir).fresh("real"), workdir)
        with app.app_context():
            report(folder, files)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def report(folder: str, files: list[str]) -> None:
    from procurehub.contracts.fields import UNCLASSIFIED
    from procurehub.ingest.buyers import BuyerColumns
    from procurehub.ingest.classify import Classifier, rules_from_specs
    from procurehub.ingest.pipeline import RowParser, plan_columns
    from procurehub.ingest.readers import read_register
    from procurehub.workstreams.registry import all_categories

    categories = all_categories().values()
    classifier = Classifier(
        rules_from_specs([(plugin.key, spec) for plugin, spec in categories]),
        {},
        {plugin.key: (plugin.title, *plugin.label_names) for plugin, _ in categories},
    )
    print(f"{len(all_categories())} alignable categories in the hub")
    rows_all = alignable_all = catch_all = 0
    for name in files:
        source = read_register(os.path.join(folder, name), display_name=name)
        mapping = plan_columns(source, None)
        buyers = BuyerColumns.from_mapping(mapping)
        parser = RowParser(mapping, classifier, today=date.today())
        per_category: Counter[str] = Counter()
        cells: defaultdict[str, Counter[str]] = defaultdict(Counter)
        rows_by_buyer: Counter[str] = Counter()
        for number, raw in source.iter_rows():
            category = parser.parse(number, raw).values.get("category") or UNCLASSIFIED
            buyer = buyers.read(raw) if buyers is not None else None
            who = (buyer.name or "/".join(buyer.identifiers)) if buyer else "(the uploader)"
            rows_by_buyer[who] += 1
            per_category[category] += 1
            if category != UNCLASSIFIED:
                cells[who][category] += 1
        rows = sum(per_category.values())
        alignable = rows - per_category[UNCLASSIFIED]
        councils = [b for b in rows_by_buyer if "council" in b.lower()]
        council_rows = sum(rows_by_buyer[b] for b in councils)
        council_alignable = sum(sum(cells[b].values()) for b in councils if b in cells)
        depth = Counter(n for c in cells.values() for n in c.values())
        print(f"\n{name}: {rows} rows, {len(rows_by_buyer)} buyers")
        print(f"  alignable: {alignable} ({100 * alignable / max(rows, 1):.1f}%); councils' rows: "
              f"{council_alignable} of {council_rows} ({len(councils)} councils)")  # fmt: skip
        print("  per category:", dict(per_category.most_common()))
        print("  contracts of one buyer in one category -> how often:", dict(sorted(depth.items())))
        rows_all += rows
        alignable_all += alignable
        catch_all += per_category["digital.other_software"]
    print(f"\nall files: {alignable_all} of {rows_all} rows alignable "
          f"({100 * alignable_all / max(rows_all, 1):.1f}%); without the digital catch-all "
          f"(digital.other_software, {catch_all} rows): "
          f"{100 * (alignable_all - catch_all) / max(rows_all, 1):.1f}%")  # fmt: skip


if __name__ == "__main__":
    main()
