"""The collaboration's whole job as users feel it (DESIGN §7): 20 councils upload their
2,000-row registers one after another through the API, then the tender plan is computed.

Target: under 10 s end to end on this machine.

Each upload goes through ``POST /api/v1/uploads`` (Flask's test client by default, or a real
server on 127.0.0.1 with ``--server``), as an administrator's bearer token, and returns only
once the opportunities of the category groups it touched are recomputed (DESIGN §3): nothing
is left for later. Then ``GET /api/v1/tender-plan`` computes the plan of the whole hub.

The registers are the ingest benchmark's messy council register (title rows, mixed date and
money formats, ``£1.2m``, ``2+1+1``...), 2,000 rows each, written as ``.csv`` before any timing,
shaped like real registers (the default) or densely (``--dense``):

* real shape: rows of the ingest generator (one 20,000-row pool, each row classified by the
  import's own parser and classifier), picked per council so that it has 1-10 contracts
  (weights 1/k, mean 3.4: skewed to few) in each alignable category (``--category-share``:
  the chance a council has a category at all, default 1, every category) and the rest in
  subjects no workstream aligns. About 85 of 2,000 rows (4.2%) are alignable; the real public
  registers in ``data/real`` have 4.6% outside the digital catch-all (13.4% with it) and 1-5 per
  council per category; DESIGN §7's alignment hub has 1-10 (bench/README.md, Collaboration);
* ``--dense``: the ingest generator's register as it is, a different seed per council: about
  1,610 of 2,000 rows alignable (62 per council per category on average, up to ~400), so every
  upload joins most of the stored maximal sets. The shape of the figures before 2026-11-28.

Fresh database (SQLite file by default, or a new PostgreSQL database with ``--database-url``),
dropped at the end.

Last line: ``collaboration: T s for N uploads and the plan (target < 10 s)``.
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import shutil
import sys
import tempfile
import threading
import time
from datetime import date
from typing import Any

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
PLATFORM = os.path.join(ROOT, "platform")
if PLATFORM not in sys.path:
    sys.path.insert(0, PLATFORM)

import ingest  # noqa: E402
from bench_support import Databases, make_app  # noqa: E402

SEED = 20251127
POOL_ROWS = 20_000  # the real shape's pool: >= 4 rows of the rarest category, 3,700 of none
PER_CATEGORY = list(range(1, 11))  # contracts of a council in one category it has
PER_CATEGORY_WEIGHTS = [1.0 / k for k in PER_CATEGORY]  # skewed to few, as in real registers


def prepare(app: Any, councils: int) -> str:
    """Councils and one administrator (who may upload for any council); returns a token."""
    from procurehub.accounts import service as accounts
    from procurehub.extensions import db

    with app.app_context():
        for i in range(councils):
            accounts.add_council(f"S9{i:07d}", f"Bench Council {i + 1}", "Scotland")
        accounts.add_user("admin@bench.example", "S90000000", ("admin",), password="x" * 16)
        db.session.commit()
        token = accounts.create_token(accounts.get_user("admin@bench.example"))
        db.session.commit()
        db.session.remove()
    return token


def _write_register(path: str, rows: list[list[Any]]) -> None:
    """The ingest benchmark's CSV layout: title row, blank row, header, then the rows."""
    with open(path, "w", encoding="utf-8", newline="") as fh:
        out = csv.writer(fh)
        out.writerow([ingest.TITLE_ROW])
        out.writerow([])
        out.writerow(ingest.HEADINGS)
        out.writerows(rows)


def classified_pool(app: Any, workdir: str) -> tuple[list[list[Any]], dict[str, list[int]]]:
    """The ingest generator's rows as CSV cells, and their indexes by the category the import
    gives them (read, mapped, parsed and classified exactly as an upload of them would be)."""
    from sqlalchemy import select

    from procurehub.accounts.models import Council
    from procurehub.extensions import db
    from procurehub.ingest.pipeline import RowParser, plan_columns
    from procurehub.ingest.readers import read_register
    from procurehub.registers.service import build_classifier

    pool = [[ingest._csv_cell(v) for v in row] for row in ingest.register_rows(POOL_ROWS, SEED)]
    path = os.path.join(workdir, "pool.csv")
    _write_register(path, pool)
    buckets: dict[str, list[int]] = {}
    with app.app_context():
        source = read_register(path, display_name="pool.csv", max_bytes=ingest.CSV_MAX_BYTES)
        council = db.session.scalars(select(Council).order_by(Council.code)).first()
        parser = RowParser(
            plan_columns(source, None), build_classifier(council), today=date.today()
        )
        for index, (number, raw) in enumerate(source.iter_rows()):
            parsed = parser.parse(number, raw)
            if parsed.ok:
                buckets.setdefault(parsed.values["category"], []).append(index)
        db.session.remove()
    os.remove(path)
    return pool, buckets


def real_shape_registers(
    app: Any, workdir: str, councils: int, rows: int, category_share: float
) -> list[str]:
    """One register per council shaped like real ones (module docstring); returns the paths."""
    from procurehub.contracts.fields import UNCLASSIFIED

    pool, buckets = classified_pool(app, workdir)
    others = buckets.pop(UNCLASSIFIED)
    paths = []
    for i in range(councils):
        rng = random.Random(SEED + i)
        chosen: list[list[Any]] = []
        for category in sorted(buckets):
            if rng.random() >= category_share:
                continue
            k = rng.choices(PER_CATEGORY, PER_CATEGORY_WEIGHTS)[0]
            bucket = buckets[category]
            picked = [pool[j] for j in rng.sample(bucket, min(k, len(bucket)))]
            for n in range(k - len(picked)):  # a rare category: the same subject again
                row = list(rng.choice(picked))
                row[0] = f"{row[0]}-{n + 2}"  # another contract: its own reference
                picked.append(row)
            chosen.extend(picked)
        if len(chosen) > rows or rows - len(chosen) > len(others):
            raise SystemExit(f"cannot shape {rows:,} rows from the pool")
        chosen.extend(pool[j] for j in rng.sample(others, rows - len(chosen)))
        rng.shuffle(chosen)
        path = os.path.join(workdir, f"register-{i}.csv")
        _write_register(path, chosen)
        paths.append(path)
    return paths


def dense_registers(workdir: str, councils: int, rows: int) -> list[str]:
    """The ingest benchmark's register as it is, a different seed per council."""
    paths = []
    for i in range(councils):
        path = os.path.join(workdir, f"register-{i}.csv")
        ingest.write_csv(path, rows, seed=SEED + i)
        paths.append(path)
    return paths


def hub_shape(app: Any) -> tuple[int, int, int]:
    """(alignable contracts stored, most of one council in one category, categories used)."""
    from sqlalchemy import func, select

    from procurehub.contracts.fields import UNCLASSIFIED
    from procurehub.contracts.models import Contract
    from procurehub.extensions import db

    with app.app_context():
        cells = db.session.execute(
            select(Contract.council_id, Contract.category, func.count())
            .where(Contract.category != UNCLASSIFIED)
            .group_by(Contract.council_id, Contract.category)
        ).all()
        db.session.remove()
    return (
        sum(n for _, _, n in cells),
        max((n for _, _, n in cells), default=0),
        len({c for _, c, _ in cells}),
    )


class Client:
    """The API through Flask's test client, or a real HTTP server on 127.0.0.1."""

    def __init__(self, app: Any, token: str, server: bool) -> None:
        self.headers = {"Authorization": f"Bearer {token}"}
        self.server = None
        if server:
            import requests
            from werkzeug.serving import make_server

            self.server = make_server("127.0.0.1", 0, app, threaded=True)
            threading.Thread(target=self.server.serve_forever, daemon=True).start()
            self.base = f"http://127.0.0.1:{self.server.server_port}"
            self.http = requests.Session()
        else:
            self.test = app.test_client()

    def upload(self, path: str, council: str) -> dict[str, Any]:
        with open(path, "rb") as fh:
            if self.server is None:
                r = self.test.post(
                    "/api/v1/uploads",
                    data={"file": (fh, "register.csv"), "council": council},
                    headers=self.headers,
                    content_type="multipart/form-data",
                )
                status, body = r.status_code, r.get_json()
            else:
                r = self.http.post(
                    f"{self.base}/api/v1/uploads",
                    files={"file": ("register.csv", fh)},
                    data={"council": council},
                    headers=self.headers,
                    timeout=600,
                )
                status, body = r.status_code, r.json()
        if status != 201:
            raise SystemExit(f"upload for {council} failed ({status}): {body}")
        return body

    def plan(self) -> dict[str, Any]:
        if self.server is None:
            r = self.test.get("/api/v1/tender-plan", headers=self.headers)
            return r.get_json()
        return self.http.get(f"{self.base}/api/v1/tender-plan", headers=self.headers).json()

    def close(self) -> None:
        if self.server is not None:
            self.server.shutdown()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--councils", type=int, default=20)
    parser.add_argument("--rows", type=int, default=2000)
    parser.add_argument("--database-url", help="PostgreSQL server URL (default: SQLite file)")
    parser.add_argument("--server", action="store_true", help="a real server on 127.0.0.1")
    parser.add_argument(
        "--dense",
        action="store_true",
        help="the old dense shape (the figures before 2026-11-28): the ingest benchmark's "
        "register as it is, ~1,610 of 2,000 rows alignable (62 per council per category on "
        "average, up to ~400), every upload joining most stored maximal sets; default: real "
        "registers' shape, 1-10 per council per category, ~85 of 2,000 rows alignable",
    )
    parser.add_argument(
        "--category-share",
        type=float,
        default=1.0,
        help="real shape: the chance a council has contracts in a given alignable category "
        "(default 1: every council in every category, so every upload touches every group)",
    )
    args = parser.parse_args()

    workdir = tempfile.mkdtemp(prefix="procurehub-bench-collaboration-")
    dbs = Databases(args.database_url, workdir)
    try:
        url = dbs.fresh("collaboration")
        app = make_app(url, workdir)
        token = prepare(app, args.councils)
        if args.dense:
            paths = dense_registers(workdir, args.councils, args.rows)
        else:
            paths = real_shape_registers(
                app, workdir, args.councils, args.rows, args.category_share
            )
        client = Client(app, token, args.server)
        # warm-up outside the timing: imports, statement compilation
        client.plan()
        per_upload = []
        found = []
        load_start = os.getloadavg()[0]
        cpu0 = time.process_time()
        t0 = time.perf_counter()
        for i, path in enumerate(paths):
            t = time.perf_counter()
            report = client.upload(path, f"S9{i:07d}")
            per_upload.append(time.perf_counter() - t)
            found.append(report["created"])
        uploads_s = time.perf_counter() - t0
        t = time.perf_counter()
        plan = client.plan()
        plan_s = time.perf_counter() - t
        total = time.perf_counter() - t0
        cpu = time.process_time() - cpu0
        load_end = os.getloadavg()[0]
        client.close()
        alignable, most, categories = hub_shape(app)
        with app.app_context():
            from sqlalchemy import func, select

            from procurehub.alignment.models import Opportunity
            from procurehub.extensions import db

            opportunities = db.session.scalar(
                select(func.count()).select_from(Opportunity).where(Opportunity.active.is_(True))
            )
            db.session.remove()
            db.engine.dispose()
    finally:
        dbs.drop_all()
        shutil.rmtree(workdir, ignore_errors=True)

    placed = sum(len(w["items"]) for w in plan["waves"])
    shape = "dense shape" if args.dense else f"real shape, category share {args.category_share:g}"
    print(f"{args.councils} councils x {args.rows:,} rows, {shape} ({dbs.dialect}, "
          f"{'server on 127.0.0.1' if args.server else 'test client'})")  # fmt: skip
    print(f"  alignable contracts stored: {alignable:,} in {categories} categories "
          f"(at most {most} of one council in one category)")  # fmt: skip
    print(f"  uploads (each with its incremental alignment): {uploads_s:.2f} s "
          f"(first {per_upload[0]:.2f} s, last {per_upload[-1]:.2f} s, "
          f"slowest {max(per_upload):.2f} s); {sum(found):,} contracts stored")  # fmt: skip
    print(f"  active opportunities after the last upload: {opportunities:,}")
    print(f"  tender plan: {plan_s:.2f} s ({len(plan['waves'])} waves holding {placed:,} "
          f"contracts, {len(plan['alone']):,} alone)")  # fmt: skip
    print(f"  CPU time of this process: {cpu:.2f} s (with the test client the server's work is "
          f"in it); load average {load_start:.1f} -> {load_end:.1f}")  # fmt: skip
    print(f"collaboration: {total:.2f} s for {args.councils} uploads and the plan (target < 10 s)")


if __name__ == "__main__":
    main()
