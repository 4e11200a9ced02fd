#!/usr/bin/env python
"""Alignment benchmark (DESIGN §7): a full renewal-alignment run against the raw read, in one run.

    python bench/alignment.py [--contracts 1000000] [--councils 400] [--alignable N]
                              [--database-url URL] [--profile FILE]
    python bench/alignment.py --stress [N] [--stress-councils 400] [--stress-span-years Y]

Default mode
    Builds a hub shaped like real registers in a fresh, migrated database (outside every
    timing): ``--councils`` councils, then ``--contracts`` contracts inserted with SQLAlchemy
    Core ``insert(Contract)`` executemany in batches of 10,000 inside one transaction. A few
    thousand of them (``--alignable``, default 5,000) are in categories the plugins align
    (every ``waste.*``, ``fleet.*`` and ``digital.*`` key, 1–10 per council per category
    where a council has that category at all); the rest are ``unclassified`` (social care,
    transport, works...). End dates spread over ten years around the as-of date, realistic
    extension options (``[]``, ``[12]``, ``[12, 12]``, ``[24]``...), ``max_end_date`` = end +
    options, 1% without an end date, 10% of councils' answers "no" to collaboration.
    Then, in the same process:
      (a) baseline: ``SELECT council.code, contract.category, contract.end_date,
          contract.max_end_date FROM contract JOIN council`` with every row fetched into
          Python (``.all()``), best of 2;
      (b) ``run_alignment(as_of)`` on an empty opportunity table (plugins' renewal items,
          the sweep, storing opportunities, members and events, commit);
      (c) a second ``run_alignment(as_of)`` with everything already stored (reported, not in
          the ratio).
      (d) the tender plan of the whole hub (``tender_plan.current_plan``, what the API and the
          pages compute on demand), best of 2;
      (e) one council's ``--upload-rows``-row register (the ingest benchmark's messy register)
          through ``import_contracts``, which recomputes the opportunities of the groups it
          touched before returning; that recompute is timed on its own;
      (f) a full ``run_alignment`` after the upload (everything stored), for the ratio of (e);
      (g) another council's comparable register (another seed) stored *without* the
          recompute, then a full ``run_alignment`` that absorbs it: the same job done by a
          full run, so ``incremental ratio`` = (e) / (g) must be below 1.
    Last lines: ``incremental ratio: X.XX``, ``alignment ratio: X.XX (target <= 3.0)`` where
    ratio = (b) / (a), and ``plan ratio: X.XX (target <= 2.0)`` where ratio = (d) / (b).

Stress mode (``--stress [N]``, default N = 200,000)
    A separate hub of N contracts, ALL in alignable categories, at high density: many
    councils, day-granular end dates, overlapping windows (a few hundred members per
    opportunity at the default span). The full alignment runs in a child process with a
    streaming JSON consumer like ``procurehub alignment run --json`` (``on_opportunity``
    json-dumps ``opportunity_json(opp, id)`` to /dev/null). The child samples its RSS as
    opportunities stream out, so growth with the number of opportunities shows. Reports
    time, peak RSS (``getrusage(RUSAGE_CHILDREN).ru_maxrss``) and the opportunity count.
    Last line: ``stress: N opportunities, T s, peak RSS M MB``.

Databases: an SQLite file in a temporary directory by default; with ``--database-url`` (a
PostgreSQL server, e.g. ``postgresql+psycopg://postgres@127.0.0.1:5432/postgres``) a fresh
database created on that server and dropped (``WITH (FORCE)``) at the end, even on failure.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import pstats
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
PLATFORM = os.path.join(ROOT, "platform")
if PLATFORM not in sys.path:
    sys.path.insert(0, PLATFORM)

from bench_support import Databases, make_app  # noqa: E402
from sqlalchemy import create_engine, func, insert, select, text  # noqa: E402

AS_OF = date(2025, 4, 1)
BATCH = 10_000
SEED = 20250401

# Extension options as registers write them (after parsing), with rough frequencies.
EXTENSIONS: list[tuple[list[int], int]] = [
    ([], 30),
    ([12], 20),
    ([12, 12], 25),
    ([24], 8),
    ([12, 12, 12], 5),
    ([6], 4),
    ([6, 6], 4),
    ([36], 2),
    ([12, 24], 2),
]
INTEREST: list[tuple[str, int]] = [("yes", 35), ("maybe", 25), ("unknown", 30), ("no", 10)]
OTHER_SUBJECTS = [
    "Care at home framework",
    "Residential care placements",
    "Supported living services",
    "Home to school transport",
    "Local bus services (supported)",
    "Road resurfacing works",
    "Street lighting maintenance",
    "Building repairs and maintenance",
    "Electrical works framework",
    "Legal services",
    "Agency staff",
    "Catering supplies",
    "Office furniture",
    "Janitorial supplies",
    "Insurance services",
    "Grounds maintenance",
    "Print and mail services",
    "Energy supply",
    "Telecoms",
    "Construction of primary school",
]
REGIONS = ["Scotland", "North East", "North West", "Yorkshire", "Midlands", "South East",
           "South West", "London", "East", "Wales"]  # fmt: skip


def _weighted(rng: random.Random, table: list[tuple[Any, int]]) -> Any:
    return rng.choices([v for v, _ in table], weights=[w for _, w in table])[0]


# ------------------------------------------------------------------------------ app, databases


def alignable_categories(url: str, workdir: str) -> list[str]:
    """Full keys of the categories the enabled plugins own (waste.*, fleet.*, digital.*)."""
    from procurehub.workstreams.registry import all_categories

    app = make_app(url, workdir)
    return sorted(all_categories(app))


# ------------------------------------------------------------------------------ building the hub


class HubBuilder:
    """Generates and bulk-inserts councils and contracts (Core executemany, one transaction)."""

    def __init__(self, url: str, seed: int = SEED) -> None:
        self.url = url
        self.rng = random.Random(seed)
        self.now = datetime(2025, 3, 31, 12, 0, 0)
        self.council_ids: list[int] = []
        self.council_codes: list[str] = []
        self._add_months_cache: dict[tuple[date, int], date] = {}

    def add_months(self, d: date, months: int) -> date:
        from procurehub.renewal_dates import add_months

        key = (d, months)
        r = self._add_months_cache.get(key)
        if r is None:
            r = self._add_months_cache[key] = add_months(d, months)
        return r

    def councils(self, conn: Any, n: int) -> None:
        from procurehub.accounts.models import Council

        rows = [
            {
                "code": f"B{i:05d}",
                "name": f"Bench Council {i}",
                "region": REGIONS[i % len(REGIONS)],
                "created_at": self.now,
            }
            for i in range(n)
        ]
        conn.execute(insert(Council), rows)
        got = conn.execute(select(Council.id, Council.code).order_by(Council.id)).all()
        self.council_ids = [r[0] for r in got]
        self.council_codes = [r[1] for r in got]

    # dates -----------------------------------------------------------------------------
    def end_date(self, lo: date, span_days: int, month_end_share: float) -> date:
        d = lo + timedelta(days=self.rng.randrange(span_days))
        if self.rng.random() < month_end_share:  # registers love month ends
            d = self.add_months(d.replace(day=1), 1) - timedelta(days=1)
        return d

    def row(
        self,
        council_index: int,
        seq: int,
        workstream: str,
        category: str,
        title: str,
        end: date | None,
        interest: str,
    ) -> dict[str, Any]:
        rng = self.rng
        periods = _weighted(rng, EXTENSIONS) if end is not None else []
        max_end = self.add_months(end, sum(periods)) if end is not None else None
        value = Decimal(rng.randrange(5_000, 20_000_000)) if rng.random() < 0.95 else None
        code = self.council_codes[council_index]
        return {
            "council_id": self.council_ids[council_index],
            "reference": f"{code}/{seq:07d}",
            "title": title,
            "workstream": workstream,
            "category": category,
            "record_type": "contract",
            "status": "active",
            "collaboration_interest": interest,
            "start_date": None if end is None else end - timedelta(days=365 * rng.randint(1, 7)),
            "end_date": end,
            "max_end_date": max_end,
            "extension_periods_months": periods,
            "cpv_codes": [],
            "extra": {},
            "value_total": value,
            "created_at": self.now,
            "updated_at": self.now,
        }

    def insert_rows(self, conn: Any, rows: Iterator[dict[str, Any]]) -> int:
        from procurehub.contracts.models import Contract

        stmt = insert(Contract)
        batch: list[dict[str, Any]] = []
        n = 0
        for r in rows:
            batch.append(r)
            if len(batch) >= BATCH:
                conn.execute(stmt, batch)
                n += len(batch)
                batch = []
        if batch:
            conn.execute(stmt, batch)
            n += len(batch)
        return n

    def build(self, rows_fn: Any, councils: int, dialect: str) -> int:
        engine = create_engine(self.url)
        try:
            with engine.begin() as conn:
                if dialect == "sqlite":  # build only: this connection is thrown away after
                    conn.exec_driver_sql("PRAGMA synchronous=OFF")
                self.councils(conn, councils)
                n = self.insert_rows(conn, rows_fn())
            if dialect == "postgresql":  # what autovacuum would do after a bulk load
                with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                    conn.exec_driver_sql("ANALYZE")
        finally:
            engine.dispose()
        return n


def hub_rows(b: HubBuilder, contracts: int, alignable_target: int, categories: list[str],
             councils: int) -> Iterator[dict[str, Any]]:  # fmt: skip
    """Real-register shape: per council, its alignable contracts mixed into its other ones."""
    rng = b.rng
    lo = AS_OF - timedelta(days=365 * 2)
    span = 365 * 10
    # 1..10 per council per category where the council has the category, skewed to few.
    counts = list(range(1, 11))
    weights = [1.0 / k for k in counts]
    mean = sum(k * w for k, w in zip(counts, weights, strict=True)) / sum(weights)
    p = min(1.0, alignable_target / (councils * len(categories) * mean))
    alignable_per_council: list[list[str]] = [[] for _ in range(councils)]
    for c in range(councils):
        for cat in categories:
            if rng.random() < p:
                alignable_per_council[c].extend([cat] * rng.choices(counts, weights)[0])
    total_alignable = sum(map(len, alignable_per_council))
    others = max(0, contracts - total_alignable)
    base, extra = divmod(others, councils)
    seq = 0
    for c in range(councils):
        # a council's answer is mostly one value across its register
        council_interest = _weighted(rng, INTEREST)
        kinds: list[str | None] = list(alignable_per_council[c])
        kinds.extend([None] * (base + (1 if c < extra else 0)))
        rng.shuffle(kinds)
        for cat in kinds:
            seq += 1
            end = b.end_date(lo, span, 0.7) if rng.random() >= 0.01 else None
            interest = council_interest if rng.random() < 0.8 else _weighted(rng, INTEREST)
            if cat is None:
                title = OTHER_SUBJECTS[seq % len(OTHER_SUBJECTS)]
                yield b.row(c, seq, "unclassified", "unclassified", title, end, interest)
            else:
                yield b.row(c, seq, cat.split(".", 1)[0], cat, f"{cat} contract", end, interest)


def stress_rows(b: HubBuilder, n: int, categories: list[str], councils: int,
                span_years: float) -> Iterator[dict[str, Any]]:  # fmt: skip
    """Every contract alignable, day-granular ends over `span_years`: dense, overlapping windows."""
    rng = b.rng
    lo = AS_OF - timedelta(days=180)
    span = max(1, int(365 * span_years))
    for seq in range(1, n + 1):
        c = rng.randrange(councils)
        cat = categories[seq % len(categories)]
        end = b.end_date(lo, span, 0.0)
        interest = _weighted(rng, INTEREST[:3])  # nobody says no: maximal density
        yield b.row(c, seq, cat.split(".", 1)[0], cat, f"{cat} contract", end, interest)


# ------------------------------------------------------------------------------ measuring


def baseline_read() -> tuple[float, int]:
    from procurehub.accounts.models import Council
    from procurehub.contracts.models import Contract
    from procurehub.extensions import db

    stmt = select(Council.code, Contract.category, Contract.end_date, Contract.max_end_date).join(
        Council, Contract.council_id == Council.id
    )
    t = time.perf_counter()
    rows = db.session.execute(stmt).all()
    dt = time.perf_counter() - t
    n = len(rows)
    del rows
    db.session.rollback()
    return dt, n


def timed_run(profile: cProfile.Profile | None = None) -> tuple[float, Any]:
    from procurehub.alignment.store import run_alignment
    from procurehub.extensions import db

    t = time.perf_counter()
    cpu = time.process_time()
    if profile is not None:
        profile.enable()
    result = run_alignment(AS_OF)
    if profile is not None:
        profile.disable()
    dt = time.perf_counter() - t
    CPU_SECONDS.append(time.process_time() - cpu)
    db.session.remove()
    return dt, result


#: CPU seconds of each timed run, in order (the machine is shared: wall times suffer more).
CPU_SECONDS: list[float] = []


def stored_counts() -> dict[str, int]:
    from procurehub.alignment.models import Opportunity, OpportunityEvent, OpportunityMember
    from procurehub.extensions import db

    out = {
        "opportunities": db.session.scalar(select(func.count()).select_from(Opportunity)),
        "active opportunities": db.session.scalar(
            select(func.count()).select_from(Opportunity).where(Opportunity.active.is_(True))
        ),
        "members": db.session.scalar(select(func.count()).select_from(OpportunityMember)),
        "events": db.session.scalar(select(func.count()).select_from(OpportunityEvent)),
    }
    db.session.rollback()
    return out


def alignable_count() -> int:
    from procurehub.alignment.store import renewal_items
    from procurehub.extensions import db

    n = sum(1 for _ in renewal_items(AS_OF))
    db.session.rollback()
    return n


def clear_opportunities() -> None:
    from procurehub.extensions import db

    for table in ("opportunity_event", "opportunity_member", "opportunity", "alignment_run"):
        db.session.execute(text(f"DELETE FROM {table}"))
    db.session.commit()


def stage_breakdown() -> dict[str, float]:
    """Info only: reading renewal items alone, and the pure engine over them (no storing)."""
    from procurehub.alignment.engine import find_opportunities
    from procurehub.alignment.store import category_settings, renewal_items
    from procurehub.extensions import db

    t = time.perf_counter()
    items = list(renewal_items(AS_OF))
    read = time.perf_counter() - t
    settings, compatible = category_settings()
    t = time.perf_counter()
    found = 0
    members = 0
    for opp in find_opportunities(items, as_of=AS_OF, settings=settings, compatible=compatible):
        found += 1
        members += len(opp.members)
    engine = time.perf_counter() - t
    db.session.rollback()
    return {"read_items": read, "engine": engine, "engine_found": found,
            "engine_members": members}  # fmt: skip


def timed_plan() -> tuple[float, str]:
    """The tender plan of the whole hub as the API and the pages compute it (on demand)."""
    from procurehub.alignment.tender_plan import current_plan
    from procurehub.extensions import db

    best, info = float("inf"), ""
    for _ in range(2):
        t = time.perf_counter()
        plan = current_plan(AS_OF)
        best = min(best, time.perf_counter() - t)
        placed = sum(len(w.items) for w in plan.waves)
        info = f"{len(plan.waves)} waves holding {placed} items, {len(plan.alone)} alone"
        db.session.rollback()
    return best, info


def timed_upload(workdir: str, rows: int, nth: int = 7, refresh: bool = True) -> dict[str, Any]:
    """The `nth` council uploads a register of `rows` rows (the ingest benchmark's messy
    register, seeded by `nth`): `import_contracts` stores it and recomputes the opportunities of
    the groups it touched. The recompute is timed on its own by wrapping the hook the importer
    calls. With `refresh` False nothing is recomputed (a full run is then timed absorbing it)."""
    import ingest

    from procurehub.accounts.models import Council
    from procurehub.alignment import freshness
    from procurehub.extensions import db
    from procurehub.registers import service as registers

    path = os.path.join(workdir, f"upload-{nth}.csv")
    ingest.write_csv(path, rows, seed=SEED + nth)
    council = db.session.scalar(select(Council).order_by(Council.id).offset(nth).limit(1))
    timing: dict[str, Any] = {}

    def timed_refresh(upload_id: int | None) -> Any:
        if not refresh:
            timing.update(refresh_s=0.0, refresh_cpu=0.0, scope=0, found=0)
            return None
        t = time.perf_counter()
        cpu = time.process_time()
        categories = freshness.upload_categories(upload_id) if upload_id else set()
        result = freshness.refresh_categories(categories, AS_OF)
        timing["refresh_s"] = time.perf_counter() - t
        timing["refresh_cpu"] = time.process_time() - cpu
        timing["scope"] = len(result.categories or []) if result else 0
        timing["found"] = result.found if result else 0
        return result

    original = registers.refresh_after_upload
    registers.refresh_after_upload = timed_refresh
    try:
        t = time.perf_counter()
        report = registers.import_contracts(
            path, display_name="register.csv", council=council, user=None, today=AS_OF
        )
        timing["upload_s"] = time.perf_counter() - t
    finally:
        registers.refresh_after_upload = original
    if report["status"] != "stored":
        raise SystemExit(f"the benchmark upload was not stored: {report['message']}")
    db.session.remove()
    return timing


def bench_default(args: argparse.Namespace, workdir: str, dbs: Databases) -> None:
    url = dbs.fresh("hub")
    categories = alignable_categories(url, workdir)
    alignable = args.alignable if args.alignable is not None else min(5000, args.contracts // 20)
    b = HubBuilder(url)
    t = time.perf_counter()
    n = b.build(
        lambda: hub_rows(b, args.contracts, alignable, categories, args.councils),
        args.councils,
        dbs.dialect,
    )
    build_s = time.perf_counter() - t
    print(f"built hub: {args.councils} councils, {n:,} contracts ({dbs.dialect}) in "
          f"{build_s:.1f} s ({n / build_s:,.0f} rows/s)", flush=True)  # fmt: skip

    from procurehub.alignment import store  # noqa: F401  (import before timing)
    from procurehub.extensions import db

    app = make_app(url, workdir)
    with app.app_context():
        # warm up: compile the statements and load plugin modules, read nothing big
        store.category_settings()
        db.session.rollback()
        base = []
        for _ in range(2):
            dt, rows = baseline_read()
            base.append(dt)
            print(f"  baseline read: {rows:,} rows in {dt:.2f} s", flush=True)
        baseline = min(base)
        items = alignable_count()

        run1, r1 = timed_run()
        counts1 = stored_counts()
        print(f"  run 1 (empty opportunity table): {run1:.2f} s, found {r1.found}", flush=True)
        run2, r2 = timed_run()
        counts2 = stored_counts()
        print(f"  run 2 (everything stored): {run2:.2f} s, found {r2.found}", flush=True)
        stages = stage_breakdown()
        plan_s, plan_info = timed_plan()
        print(f"  tender plan: {plan_s:.2f} s ({plan_info})", flush=True)
        upload = timed_upload(workdir, args.upload_rows)
        print(f"  one council's {args.upload_rows:,}-row upload: {upload['upload_s']:.2f} s in all, "
              f"of which the incremental recompute {upload['refresh_s']:.2f} s "
              f"({upload['scope']} categories, {upload['found']} opportunities)", flush=True)  # fmt: skip
        run3, r3 = timed_run()
        print(f"  run 3 (full, after the upload): {run3:.2f} s, found {r3.found}", flush=True)
        # The same job done by a full run: another council's comparable upload, not
        # recomputed, then a full run that absorbs it (what the incremental run replaces).
        other = timed_upload(workdir, args.upload_rows, nth=8, refresh=False)
        run4, r4 = timed_run()
        print(f"  run 4 (full, absorbing another council's {args.upload_rows:,}-row upload "
              f"stored in {other['upload_s']:.2f} s without a recompute): {run4:.2f} s, "
              f"found {r4.found}, created/changed/closed {r4.created}/{r4.changed}/{r4.closed}",
              flush=True)  # fmt: skip

        prof_text = None
        if args.profile:
            clear_opportunities()
            prof = cProfile.Profile()
            dt, _ = timed_run(prof)
            prof.dump_stats(args.profile)
            s = io.StringIO()
            pstats.Stats(prof, stream=s).sort_stats("cumulative").print_stats(30)
            prof_text = f"profiled run 1 again (cProfile, {dt:.2f} s):\n" + s.getvalue()
        db.session.remove()
        db.engine.dispose()

    ratio = run1 / baseline
    gaps = sum(r1.gaps.values())
    print()
    print(f"hub: {n:,} contracts, {args.councils} councils, {dbs.dialect}, as of {AS_OF}")
    print(f"{'':44}{'run 1':>14}{'run 2':>14}")
    print(f"{'alignable renewal items (read by plugins)':44}{items:>14,}{items:>14,}")
    print(f"{'  of which without end date (gaps)':44}{gaps:>14,}{sum(r2.gaps.values()):>14,}")
    print(f"{'opportunities found':44}{r1.found:>14,}{r2.found:>14,}")
    print(f"{'  created / changed / closed':44}{f'{r1.created}/{r1.changed}/{r1.closed}':>14}"
          f"{f'{r2.created}/{r2.changed}/{r2.closed}':>14}")  # fmt: skip
    print(f"{'opportunity rows stored':44}{counts1['opportunities']:>14,}"
          f"{counts2['opportunities']:>14,}")  # fmt: skip
    print(f"{'member rows stored':44}{counts1['members']:>14,}{counts2['members']:>14,}")
    print(f"{'event rows stored':44}{counts1['events']:>14,}{counts2['events']:>14,}")
    print(f"{'seconds':44}{run1:>14.2f}{run2:>14.2f}")
    print(f"baseline read (best of 2): {baseline:.2f} s  ({', '.join(f'{x:.2f}' for x in base)})")
    print(f"info: read renewal items alone {stages['read_items']:.2f} s; pure engine over them "
          f"{stages['engine']:.2f} s ({stages['engine_found']} opportunities, "
          f"{stages['engine_members']} members)")  # fmt: skip
    print(f"info: run 2 / baseline = {run2 / baseline:.2f}")
    if prof_text:
        print(prof_text)
    print(f"tender plan: {plan_s:.2f} s ({plan_info})")
    print(f"incremental recompute after one council's {args.upload_rows:,}-row upload: "
          f"{upload['refresh_s']:.2f} s over {upload['scope']} categories "
          f"(upload with it {upload['upload_s']:.2f} s); / run 1 = "
          f"{upload['refresh_s'] / run1:.2f}, / run 3 (full, all stored) = "
          f"{upload['refresh_s'] / run3:.2f}")  # fmt: skip
    print(f"full run absorbing a comparable upload (run 4): {run4:.2f} s")
    cpu1, _cpu2, cpu3, cpu4 = CPU_SECONDS[:4]
    print(f"CPU seconds: run 1 {cpu1:.2f}, run 3 {cpu3:.2f}, run 4 {cpu4:.2f}, incremental "
          f"{upload['refresh_cpu']:.2f} (incremental / run 4 = "
          f"{upload['refresh_cpu'] / cpu4:.2f}); load average {os.getloadavg()[0]:.1f}")  # fmt: skip
    print(f"incremental ratio: {upload['refresh_s'] / run4:.2f} (incremental recompute / "
          f"full run absorbing a comparable upload; must be < 1)")  # fmt: skip
    print(f"alignment ratio: {ratio:.2f} (target <= 3.0)")
    print(f"plan ratio: {plan_s / run1:.2f} (target <= 2.0)")


# ------------------------------------------------------------------------------ stress


def _rss_kib() -> int:
    with open("/proc/self/statm") as f:
        pages = int(f.read().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") // 1024


def child_stress(url: str, workdir: str) -> None:
    """In the child process: full alignment with a streaming JSON consumer; prints one JSON line."""
    from procurehub.alignment.store import opportunity_json, run_alignment
    from procurehub.extensions import db

    app = make_app(url, workdir)
    samples: list[tuple[int, int]] = []
    count = 0
    members = 0
    with open(os.devnull, "w") as sink, app.app_context():
        rss_before = _rss_kib()

        def emit(opp: Any, stored_id: int) -> None:
            nonlocal count, members
            sink.write(json.dumps(opportunity_json(opp, stored_id)))
            count += 1
            members += len(opp.members)
            if count == 1 or count % 2000 == 0:
                samples.append((count, _rss_kib()))

        t = time.perf_counter()
        result = run_alignment(AS_OF, on_opportunity=emit)
        seconds = time.perf_counter() - t
        samples.append((count, _rss_kib()))
        db.session.remove()
    print(json.dumps({
        "seconds": seconds,
        "found": result.found,
        "created": result.created,
        "emitted": count,
        "members": members,
        "rss_before_kib": rss_before,
        "samples": samples,
        "self_maxrss_kib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
    }), flush=True)  # fmt: skip


def bench_stress(args: argparse.Namespace, workdir: str, dbs: Databases) -> None:
    n = args.stress
    url = dbs.fresh("stress")
    categories = alignable_categories(url, workdir)
    span_years = args.stress_span_years or max(10.0, 10.0 * n / 50_000)
    b = HubBuilder(url, seed=SEED + 1)
    t = time.perf_counter()
    built = b.build(
        lambda: stress_rows(b, n, categories, args.stress_councils, span_years),
        args.stress_councils,
        dbs.dialect,
    )
    build_s = time.perf_counter() - t
    print(f"built stress hub: {args.stress_councils} councils, {built:,} contracts, all in "
          f"{len(categories)} alignable categories, ends over {span_years:g} years "
          f"({dbs.dialect}) in {build_s:.1f} s", flush=True)  # fmt: skip
    t = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, os.path.abspath(__file__), "--child-stress", url, "--workdir", workdir],
        stdout=subprocess.PIPE,
        text=True,
        check=False,
    )
    wall = time.perf_counter() - t
    peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    if proc.returncode != 0:
        raise SystemExit(f"stress child failed ({proc.returncode}):\n{proc.stdout}")
    s = json.loads(proc.stdout.strip().splitlines()[-1])
    samples = s["samples"]
    print(f"  child wall {wall:.1f} s; run_alignment {s['seconds']:.1f} s; "
          f"{s['found']:,} opportunities, {s['members']:,} members "
          f"({s['members'] / max(1, s['found']):.0f} per opportunity)")  # fmt: skip
    print(f"  RSS before run {s['rss_before_kib'] / 1024:.0f} MB; as opportunities stream:")
    step = max(1, len(samples) // 10)
    for c, kib in samples[::step] + ([samples[-1]] if (len(samples) - 1) % step else []):
        print(f"    after {c:>9,} opportunities: {kib / 1024:8.0f} MB")
    if len(samples) >= 3:
        # from the first sample after a batch was stored (the sample at opportunity 1 is taken
        # before any storing buffers exist) to the end of the run
        first, last = samples[1], samples[-1]
        grown = (last[1] - first[1]) / 1024
        per_k = grown / max(1, (last[0] - first[0])) * 1000
        print(f"  growth from {first[0]:,} to {last[0]:,} opportunities: {grown:+.0f} MB "
              f"({per_k:+.2f} MB per 1,000 opportunities)")  # fmt: skip
    print(f"stress: {s['found']} opportunities, {s['seconds']:.1f} s, peak RSS {peak_mb:.0f} MB")


# ------------------------------------------------------------------------------ main


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--contracts", type=int, default=1_000_000)
    parser.add_argument("--councils", type=int, default=400)
    parser.add_argument("--alignable", type=int, default=None,
                        help="target number of contracts in alignable categories "
                             "(default min(5000, contracts/20))")  # fmt: skip
    parser.add_argument("--database-url", help="PostgreSQL server URL (default: SQLite file)")
    parser.add_argument("--upload-rows", type=int, default=2000,
                        help="rows of the one council's upload timed for the incremental "
                             "recompute (default 2,000)")  # fmt: skip
    parser.add_argument("--profile", metavar="FILE",
                        help="also cProfile a run on an empty opportunity table (after the "
                             "measured ones), dump to FILE and print the top")  # fmt: skip
    parser.add_argument("--stress", type=int, nargs="?", const=200_000, default=None,
                        metavar="N", help="stress mode with N contracts (default 200,000)")  # fmt: skip
    parser.add_argument("--stress-councils", type=int, default=400)
    parser.add_argument("--stress-span-years", type=float, default=None,
                        help="years the stress end dates spread over "
                             "(default max(10, 10*N/50000): constant density)")  # fmt: skip
    parser.add_argument("--child-stress", metavar="URL", help=argparse.SUPPRESS)
    parser.add_argument("--workdir", help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.child_stress:
        child_stress(args.child_stress, args.workdir)
        return

    workdir = tempfile.mkdtemp(prefix="procurehub-bench-alignment-")
    dbs = Databases(args.database_url, workdir)
    try:
        if args.stress is not None:
            bench_stress(args, workdir, dbs)
        else:
            bench_default(args, workdir, dbs)
    finally:
        dbs.drop_all()
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
