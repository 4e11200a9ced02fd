#!/usr/bin/env python
"""API list benchmark (DESIGN §7): p95 of the contract list at a large hub against a small one.

    python bench/api.py [--small 10000] [--large 1000000] [--councils 400] [--requests 40]
                        [--limit 50] [--database-url URL]

Builds two hubs with bench/alignment.py's builder (same shape as the alignment benchmark:
``--councils`` councils, register-shaped contracts, a few thousand in alignable categories),
each in a fresh migrated database, outside every timing (1,000,000 contracts take a few
minutes; progress is printed). For each hub it serves the app with werkzeug's threaded server
on 127.0.0.1 (a random free port) and, through one keep-alive HTTP connection with an
officer's bearer token, requests every query below ``--requests`` times: the first page, and
as many cursor pages (a ``next`` cursor taken from the middle of the list, so keyset pages
deep in a big list are timed too). Each query is warmed up once before timing.

Prints p50/p95 in milliseconds per query per size and the ratio large ÷ small of each
query's p95, then the worst query's ratio, and on its LAST line the ratio of the p95 over
every request (all queries and cursor pages together), the figure issue 8 item 9 measured:
``api p95 ratio: X.XX (overall p95 of every request, large / small; target <= 2.0)``.

Databases: SQLite files in a temporary directory by default; with ``--database-url`` (a
PostgreSQL server, e.g. ``postgresql+psycopg://postgres@127.0.0.1:5432/postgres``) fresh
databases created on that server (ANALYZEd after the bulk load, as autovacuum would) and
dropped (``WITH (FORCE)``) at the end, even on failure.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import shutil
import statistics
import sys
import tempfile
import threading
import time
from typing import Any
from urllib.parse import quote, urlencode

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
PLATFORM = os.path.join(ROOT, "platform")
for path in (PLATFORM, HERE):
    if path not in sys.path:
        sys.path.insert(0, path)

from alignment import HubBuilder, alignable_categories, hub_rows  # noqa: E402
from bench_support import Databases, make_app  # noqa: E402


def percentile(values: list[float], pct: float) -> float:
    """Nearest-rank percentile (p95 of 40 samples is the 38th smallest)."""
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * pct // 100))
    return ordered[int(rank) - 1]


def build_hub(dbs: Databases, workdir: str, size: int, councils: int) -> tuple[str, list[str]]:
    url = dbs.fresh(f"api{size}")
    categories = alignable_categories(url, workdir)
    builder = HubBuilder(url)
    alignable = min(5000, size // 20)
    started = time.perf_counter()
    progress = {"n": 0}

    def rows() -> Any:
        for row in hub_rows(builder, size, alignable, categories, councils):
            progress["n"] += 1
            if progress["n"] % 100_000 == 0:
                dt = time.perf_counter() - started
                print(f"    {progress['n']:>9,} rows generated ({dt:.0f} s)", flush=True)
            yield row

    n = builder.build(rows, councils, dbs.dialect)
    dt = time.perf_counter() - started
    print(f"  built {n:,} contracts over {councils} councils ({dbs.dialect}) in {dt:.1f} s",
          flush=True)  # fmt: skip
    return url, categories


def officer_and_reference(url: str, workdir: str) -> tuple[str, str]:
    """An officer's bearer token, and the reference of the contract a third of the way in."""
    from sqlalchemy import func, select

    from procurehub.accounts import service as accounts
    from procurehub.contracts.models import Contract
    from procurehub.extensions import db

    app = make_app(url, workdir)
    with app.app_context():
        accounts.add_user("bench@example.org", "B00000", ("officer",), password="api load timing")
        token = accounts.create_token(accounts.get_user("bench@example.org"))
        db.session.commit()
        third = db.session.scalar(select(func.max(Contract.id))) // 3
        reference = db.session.scalar(select(Contract.reference).where(Contract.id == third))
        db.session.remove()
        db.engine.dispose()
    return token, reference


def queries(
    councils: int, categories: list[str], reference: str
) -> list[tuple[str, dict[str, str]]]:
    """Every filter of DESIGN §4 alone and in the combinations people use."""
    council = f"B{councils // 2:05d}"  # a council in the middle of the id range
    category = next((c for c in categories if c.startswith("waste.")), categories[0])
    after, before = "2026-01-01", "2026-12-31"
    return [
        ("unfiltered", {}),
        ("council", {"council": council}),
        ("workstream", {"workstream": "waste"}),
        ("category", {"category": category}),
        ("ends_after+ends_before", {"ends_after": after, "ends_before": before}),
        ("ends_after", {"ends_after": after}),
        ("q word", {"q": "care"}),
        ("q reference", {"q": reference}),
        ("council+workstream", {"council": council, "workstream": "waste"}),
        ("council+dates", {"council": council, "ends_after": after, "ends_before": before}),
        ("workstream+dates", {"workstream": "waste", "ends_after": after, "ends_before": before}),
        ("category+ends_after", {"category": category, "ends_after": after}),
        ("q+council", {"q": "care", "council": council}),
        ("q+dates", {"q": "home", "ends_after": after, "ends_before": before}),
    ]


class Server:
    """The app on 127.0.0.1 with werkzeug's threaded server, in a daemon thread."""

    def __init__(self, url: str, workdir: str) -> None:
        from werkzeug.serving import make_server

        self.app = make_app(url, workdir)
        self.httpd = make_server("127.0.0.1", 0, self.app, threaded=True)
        self.port = self.httpd.server_port
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        from procurehub.extensions import db

        self.httpd.shutdown()
        with self.app.app_context():
            db.session.remove()
            db.engine.dispose()


class Client:
    def __init__(self, port: int, token: str) -> None:
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        self.headers = {"Authorization": f"Bearer {token}", "Accept": "application/json"}

    def get(self, params: dict[str, str]) -> tuple[float, dict[str, Any]]:
        path = "/api/v1/contracts?" + urlencode(params, quote_via=quote)
        started = time.perf_counter()
        self.conn.request("GET", path, headers=self.headers)
        response = self.conn.getresponse()
        body = response.read()
        elapsed = (time.perf_counter() - started) * 1000
        if response.status != 200:
            raise SystemExit(f"GET {path} answered {response.status}: {body[:300]!r}")
        return elapsed, json.loads(body)


def middle_cursor(client: Client, params: dict[str, str], limit: int, pages: int = 8) -> str | None:
    """A `next` cursor a few pages in (untimed), so the cursor pages are not page 2 only."""
    cursor = None
    for _ in range(pages):
        _, body = client.get(
            {**params, "limit": str(limit), **({"cursor": cursor} if cursor else {})}
        )
        if not body["next"]:
            break
        cursor = body["next"]
    return cursor


def prepare(client: Client, params: dict[str, str], limit: int) -> tuple[dict, dict | None, int]:
    """The first page's parameters, a cursor page's (None if one page holds all), item count."""
    first = {**params, "limit": str(limit)}
    _, body = client.get(first)  # warm-up
    cursor = middle_cursor(client, params, limit)
    later = {**first, "cursor": cursor} if cursor else None
    if later:
        client.get(later)  # warm-up
    return first, later, len(body["items"])


def measure(
    hubs: dict[int, tuple[Client, list[tuple[str, dict[str, str]]]]], requests: int, limit: int
) -> dict[int, dict[str, dict[str, Any]]]:
    """Every query on both hubs, requests alternating between them.

    Alternating makes a busy machine slow both sizes alike; timing one hub after the other
    would put whatever else the machine did in between into the ratio.
    """
    results: dict[int, dict[str, dict[str, Any]]] = {size: {} for size in hubs}
    sizes = list(hubs)
    names = [name for name, _ in hubs[sizes[0]][1]]
    for index, name in enumerate(names):
        plans = {}
        for size, (client, qs) in hubs.items():
            plans[size] = prepare(client, qs[index][1], limit)
            results[size][name] = {"first": [], "cursor": [], "items": plans[size][2]}
        for _ in range(requests):
            for size, (client, _qs) in hubs.items():
                first, later, _n = plans[size]
                results[size][name]["first"].append(client.get(first)[0])
                if later and all(p[1] for p in plans.values()):
                    results[size][name]["cursor"].append(client.get(later)[0])
        line = f"    {name:<24}"
        for size in sizes:
            r = results[size][name]
            line += (
                f" | {size:>9,}: {r['items']:>3} items, p95 {percentile(r['first'], 95):6.1f} ms"
            )
            if r["cursor"]:
                line += f", cursor {percentile(r['cursor'], 95):6.1f} ms"
        print(line, flush=True)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--small", type=int, default=10_000)
    parser.add_argument("--large", type=int, default=1_000_000)
    parser.add_argument("--councils", type=int, default=400)
    parser.add_argument("--requests", type=int, default=40, help="timed requests per query")
    parser.add_argument("--limit", type=int, default=50, help="page size (the API default)")
    parser.add_argument("--database-url", help="PostgreSQL server URL (default: SQLite file)")
    args = parser.parse_args()

    import logging

    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # no access log per request
    workdir = tempfile.mkdtemp(prefix="procurehub-bench-api-")
    dbs = Databases(args.database_url, workdir)
    names: list[str] = []
    servers: list[Server] = []
    try:
        hubs: dict[int, tuple[Client, list[tuple[str, dict[str, str]]]]] = {}
        for size in (args.small, args.large):
            print(f"hub of {size:,} contracts:", flush=True)
            url, categories = build_hub(dbs, workdir, size, args.councils)
            token, reference = officer_and_reference(url, workdir)
            qs = queries(args.councils, categories, reference)
            names = [name for name, _ in qs]
            servers.append(Server(url, workdir))
            hubs[size] = (Client(servers[-1].port, token), qs)
        print(f"timing: {args.requests} requests per query and size, alternating sizes",
              flush=True)  # fmt: skip
        measured = measure(hubs, args.requests, args.limit)
    finally:
        for server in servers:
            server.stop()
        dbs.drop_all()
        shutil.rmtree(workdir, ignore_errors=True)

    small, large = measured[args.small], measured[args.large]
    print()
    print(f"contract list, {dbs.dialect}, {args.requests} requests per query and as many "
          f"cursor pages, limit {args.limit}, milliseconds")  # fmt: skip
    head = f"{'query':<30}{'p50 small':>10}{'p95 small':>10}{'p50 large':>10}{'p95 large':>10}"
    print(head + f"{'ratio':>8}")
    ratios: dict[str, float] = {}
    for name in names:
        for kind in ("first", "cursor"):
            s, lg = small[name][kind], large[name][kind]
            if not s or not lg:
                continue
            label = name if kind == "first" else f"{name} (cursor page)"
            ratio = percentile(lg, 95) / percentile(s, 95)
            ratios[label] = ratio
            print(
                f"{label:<30}{statistics.median(s):>10.1f}{percentile(s, 95):>10.1f}"
                f"{statistics.median(lg):>10.1f}{percentile(lg, 95):>10.1f}{ratio:>8.2f}"
            )
    every_small = [t for r in small.values() for t in r["first"] + r["cursor"]]
    every_large = [t for r in large.values() for t in r["first"] + r["cursor"]]
    worst = max(ratios, key=lambda k: ratios[k])
    p95_small, p95_large = percentile(every_small, 95), percentile(every_large, 95)
    print(f"overall p95: {p95_small:.1f} ms at {args.small:,}, {p95_large:.1f} ms at "
          f"{args.large:,}")  # fmt: skip
    print(f"worst query p95 ratio: {ratios[worst]:.2f} ({worst})")
    print(f"api p95 ratio: {p95_large / p95_small:.2f} (overall p95 of every request, "
          f"large / small; target <= 2.0)")  # fmt: skip


if __name__ == "__main__":
    main()
