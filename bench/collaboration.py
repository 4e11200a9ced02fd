"""The collaboration's whole job as users feel it (DESIGN §7): 20 councils upload their
2,000-row registers one after another through the API, then the tender plan is computed.

Target: under 10 s end to end on this machine.

Each upload goes through ``POST /api/v1/uploads`` (Flask's test client by default, or a real
server on 127.0.0.1 with ``--server``), as an administrator's bearer token, and returns only
once the opportunities of the category groups it touched are recomputed (DESIGN §3): nothing
is left for later. Then ``GET /api/v1/tender-plan`` computes the plan of the whole hub. The
registers are the ingest benchmark's messy council register (title rows, mixed date formats,
``£1.2m``, ``2+1+1``...), 2,000 rows each, a different seed per council, written as ``.csv``
before any timing. Fresh database (SQLite file by default, or a new PostgreSQL database with
``--database-url``), dropped at the end.

Last line: ``collaboration: T s for N uploads and the plan (target < 10 s)``.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import threading
import time
from typing import Any

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
PLATFORM = os.path.join(ROOT, "platform")
if PLATFORM not in sys.path:
    sys.path.insert(0, PLATFORM)

import ingest  # noqa: E402
from bench_support import Databases, make_app  # noqa: E402

SEED = 20251127


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
    args = parser.parse_args()

    workdir = tempfile.mkdtemp(prefix="procurehub-bench-collaboration-")
    dbs = Databases(args.database_url, workdir)
    try:
        paths = []
        for i in range(args.councils):
            path = os.path.join(workdir, f"register-{i}.csv")
            ingest.write_csv(path, args.rows, seed=SEED + i)
            paths.append(path)
        url = dbs.fresh("collaboration")
        app = make_app(url, workdir)
        token = prepare(app, args.councils)
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
    print(f"{args.councils} councils x {args.rows:,} rows ({dbs.dialect}, "
          f"{'server on 127.0.0.1' if args.server else 'test client'})")  # fmt: skip
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
