"""Load benchmark of the plan page: see bench/README.md.

    python bench/run.py [--db postgresql|sqlite] [--clients N] [--duration S]

1. makes (or keeps) a large data set on the real schema, and a small one for the scale check,
2. counts SQL queries per plan page in-process for clients with 5, 20 and 60 steps,
3. serves the app with gunicorn on 127.0.0.1 (with the reference page of bench/reference.py beside it) and
   weighs the first page load (gzip level 6),
4. loads it with wrk, in one run: the bare route (/healthz), the reference page, the plan page of random
   signed-in clients, a check-off POST that alternates done / not-done, a contended booking and "Who viewed my
   data" of a client with 10,000 access-log rows; then the plan page on the small and the large data set in
   alternating rounds,
5. prints a markdown table and writes JSON and markdown to bench/results/.

Every load is bounded in time (-d) and in requests (BENCH_MAX_REQUESTS per wrk thread), and only hits 127.0.0.1.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import os
import re
import resource
import runpy
import signal
import subprocess
import sys
import time
import urllib.request
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
RESULTS = BENCH / "results"
sys.path.insert(0, str(ROOT))

SECRET_KEY = "bench-secret-key-fixed-for-the-benchmark-only"
DEFAULT_URLS = {
    "postgresql": "postgresql+psycopg://postgres@127.0.0.1:5432/bench",
    "sqlite": f"sqlite:///{ROOT / 'instance' / 'bench.sqlite3'}",
}
DEFAULT_CLIENTS = {"postgresql": 100_000, "sqlite": 10_000}
SMALL_URLS = {
    "postgresql": "postgresql+psycopg://postgres@127.0.0.1:5432/bench_small",
    "sqlite": f"sqlite:///{ROOT / 'instance' / 'bench-small.sqlite3'}",
}
# gunicorn as in production: the project's gunicorn.conf.py, which the command line below only repeats
PRODUCTION = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
# The plan page against the reference page of the same run; capacity: ten times the national peak of about
# 42 plan pages a second (300,000 jobseekers, a tenth of them in the busiest hour, five pages each).
TARGETS = {"reference_ratio_min": 2.0, "page_rps_min": 420, "queries_max": 3, "scale_latency_ratio_max": 1.1,
           "page_weight_max_kb": 40}
SMALL_CLIENTS = 1000


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--db", choices=("postgresql", "sqlite"), default="postgresql")
    p.add_argument("--url", help="SQLAlchemy URL of the bench database (default: a `bench` database / file)")
    p.add_argument("--clients", type=int, help="clients in the data set (default 100000 PostgreSQL, 10000 SQLite)")
    p.add_argument("--steps", type=int, default=20, help="steps per client (default 20)")
    p.add_argument("--regenerate", action="store_true", help="make the data set anew even if it is there")
    p.add_argument("--duration", type=int, default=15, help="seconds per measured scenario (default 15)")
    p.add_argument("--warmup", type=int, default=3, help="seconds of warm-up per scenario (default 3)")
    p.add_argument("--connections", type=int, default=50, help="wrk connections (default 50)")
    p.add_argument("--wrk-threads", type=int, default=2, help="wrk threads (default 2)")
    p.add_argument("--max-requests", type=int, default=500_000, help="cap on responses per wrk thread")
    p.add_argument("--cookies", type=int, default=2000, help="signed-in clients the load picks from (default 2000)")
    p.add_argument("--workers", type=int, default=PRODUCTION["workers"],
                   help=f"gunicorn workers (default {PRODUCTION['workers']}, as gunicorn.conf.py)")
    p.add_argument("--worker-class", default=PRODUCTION["worker_class"],
                   help=f"gunicorn worker class (default {PRODUCTION['worker_class']})")
    p.add_argument("--worker-threads", type=int, default=PRODUCTION["threads"],
                   help=f"threads per gthread worker (default {PRODUCTION['threads']})")
    p.add_argument("--port", type=int, default=8765)
    p.add_argument("--instructions", type=int, default=200,
                   help="requests per path for valgrind's instruction counts (0: do not count)")
    p.add_argument("--scenarios", default="bare,reference,page,caseload,overview,viewed,toggle,book",
                   help="which loads to run, comma-separated")
    p.add_argument("--scale-rounds", type=int, default=2,
                   help=f"alternating rounds of the plan page on {SMALL_CLIENTS:,} and on --clients clients "
                        "(0: no scale check)")
    p.add_argument("--booking-slots", type=int, default=100,
                   help="slots the booking clients compete for (default 100)")
    p.add_argument("--booking-clients", type=int, default=6000,
                   help="clients who each press Book once (default 6000; a thread stops when its share is used)")
    args = p.parse_args(argv)
    args.url = args.url or DEFAULT_URLS[args.db]
    args.clients = args.clients or DEFAULT_CLIENTS[args.db]
    return args


def bench_environment(url: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update({
        "PORTAL_SECRET_KEY": SECRET_KEY,
        "DATABASE_URL": url,
        # the cookies are made once per scenario; a long idle time-out keeps them valid for the whole run
        "PORTAL_SESSION_IDLE_MINUTES": "1440",
        # No scenario signs in, so the sign-in counters play no part; without them several gunicorn workers
        # need no Redis (gunicorn.conf.py refuses to start them with counters in each process's memory).
        "PORTAL_RATELIMIT_ENABLED": env.get("PORTAL_RATELIMIT_ENABLED", "0"),
        "PYTHONPATH": str(ROOT) + os.pathsep + env.get("PYTHONPATH", ""),
    })
    return env


# ---------------------------------------------------------------------------------------------------------
# Signed-in cookies without signing in (argon2 would dominate the load)


class CookieMaker:
    """Flask session cookies and CSRF form tokens made with the app's own session interface."""

    def __init__(self, app: Any) -> None:
        from itsdangerous import URLSafeTimedSerializer

        self.app = app
        with app.test_request_context():
            self.session_serializer = app.session_interface.get_signing_serializer(app)
        self.csrf_serializer = URLSafeTimedSerializer(app.config.get("WTF_CSRF_SECRET_KEY") or app.secret_key,
                                                      salt="wtf-csrf-token")
        self.cookie_name = app.config["SESSION_COOKIE_NAME"]

    def make(self, user_id: Any, session_version: int, **more: Any) -> tuple[str, str]:
        raw = hashlib.sha1(os.urandom(64)).hexdigest()
        value = self.session_serializer.dumps({
            "_user_id": f"{user_id}:{session_version}",
            "_fresh": True,
            "seen": int(time.time()),
            "since": int(time.time()),
            "csrf_token": raw,
            **more,
        })
        return value, self.csrf_serializer.dumps(raw)

    def write_staff_file(self, path: Path, staff: list[dict[str, Any]], overview: bool) -> int:
        """Lines for the caseload (the scenario's path) or the overview (a client of the caseworker's own)."""
        lines = []
        for member in staff:
            value, token = self.make(member["id"], member["session_version"])
            where = f"/staff/clients/{member['client_id']}" if overview else "-"
            lines.append(f"{self.cookie_name}={value}; lang=fi\t{token}\t{where}\n")
        path.write_text("".join(lines))
        return len(lines)

    def write_data_file(self, path: Path, clients: list[dict[str, Any]]) -> int:
        lines = []
        for client in clients:
            if not client["todo_steps"]:
                continue
            value, token = self.make(client["id"], client["session_version"])
            cookie = f"{self.cookie_name}={value}; lang={client['locale'] or 'fi'}"
            lines.append(f"{cookie}\t{token}\t{client['todo_steps'][0]}\n")
        path.write_text("".join(lines))
        return len(lines)


# ---------------------------------------------------------------------------------------------------------
# SQL queries per page, in-process


def count_queries(app: Any, maker: CookieMaker, probes: dict[int, dict[str, Any]]) -> dict[str, Any]:
    from sqlalchemy import event

    from portal.extensions import db

    statements: list[str] = []

    def before_cursor_execute(conn, cursor, statement, parameters, context, executemany):  # type: ignore[no-untyped-def]
        statements.append(statement)

    out: dict[str, Any] = {"page": {}, "statements": {}}
    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", before_cursor_execute)
    try:
        client = app.test_client()
        for steps, probe in sorted(probes.items()):
            value, _ = maker.make(probe["id"], probe["session_version"])
            client.set_cookie(maker.cookie_name, value)
            client.get("/plan")  # the first request of a process also compiles templates and SQL
            statements.clear()
            response = client.get("/plan")
            html = response.get_data(as_text=True)
            shown = html.count('<li class="task ')
            if response.status_code != 200 or shown != steps:
                raise SystemExit(f"plan page of the {steps}-step client: HTTP {response.status_code}, "
                                 f"{shown} steps shown")
            out["page"][steps] = len(statements)
            out["statements"][steps] = list(statements)
    finally:
        event.remove(engine, "before_cursor_execute", before_cursor_execute)
    counts = set(out["page"].values())
    out["constant"] = len(counts) == 1
    out["per_page"] = max(counts)
    return out


def count_staff_queries(app: Any, maker: CookieMaker, staff: list[dict[str, Any]]) -> dict[str, list[int]]:
    """SQL statements of the caseload and the overview, for two caseworkers each: the same number whatever the
    caseload or the client holds."""
    from sqlalchemy import event

    from portal.extensions import db

    statements: list[str] = []

    def record(conn, cursor, statement, parameters, context, executemany):  # type: ignore[no-untyped-def]
        if not statement.lstrip().upper().startswith(("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE")):
            statements.append(statement)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", record)
    out: dict[str, list[int]] = {"caseload": [], "overview": []}
    try:
        client = app.test_client()
        for member in staff[:2]:
            value, _ = maker.make(member["id"], member["session_version"])
            client.set_cookie(maker.cookie_name, value)
            for name, path in (("caseload", "/staff/clients"), ("overview", f"/staff/clients/{member['client_id']}")):
                client.get(path)
                statements.clear()
                response = client.get(path)
                if response.status_code != 200:
                    raise SystemExit(f"{path}: HTTP {response.status_code}")
                out[name].append(len(statements))
    finally:
        event.remove(engine, "before_cursor_execute", record)
    return out


# ---------------------------------------------------------------------------------------------------------
# gunicorn


def start_gunicorn(args: argparse.Namespace, env: dict[str, str], port: int | None = None
                   ) -> subprocess.Popen[bytes]:
    port = port or args.port
    command = [
        sys.executable, "-m", "gunicorn",
        "--config", str(ROOT / "gunicorn.conf.py"),
        "--bind", f"127.0.0.1:{port}",
        "--workers", str(args.workers),
        "--worker-class", args.worker_class,
        "--threads", str(args.worker_threads),
        "--log-level", "warning",
        "bench.reference:create_app()",
    ]
    server = subprocess.Popen(command, cwd=ROOT, env=env, start_new_session=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"gunicorn exited with {server.returncode}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as r:
                if r.status == 200:
                    return server
        except OSError:
            time.sleep(0.3)
    stop_gunicorn(server)
    raise SystemExit("gunicorn did not answer /healthz within 60 s")


def stop_gunicorn(server: subprocess.Popen[bytes]) -> None:
    if server.poll() is None:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


TICKS = os.sysconf("SC_CLK_TCK")


def _process_cpu(pid: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / TICKS
    except (OSError, IndexError, ValueError):
        return 0.0


def server_cpu_seconds(server: subprocess.Popen[bytes]) -> float:
    """CPU time of the gunicorn master and its workers so far (from /proc)."""
    pids = [server.pid]
    try:
        pids += [int(p) for p in Path(f"/proc/{server.pid}/task/{server.pid}/children").read_text().split()]
    except OSError:
        pass
    return sum(_process_cpu(pid) for pid in pids)


def postgres_cpu_seconds() -> float:
    """CPU time of every PostgreSQL process on this machine so far (the database is part of the system under
    test; whatever else it serves at the same time is counted too)."""
    total = 0.0
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if (entry / "comm").read_text().strip() == "postgres":
                    total += _process_cpu(int(entry.name))
            except OSError:
                pass
    return total


def machine_busy_seconds() -> float:
    """CPU time spent by the whole machine (all cores) so far, from /proc/stat."""
    fields = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0)
    return (sum(fields[:8]) - idle) / TICKS


# ---------------------------------------------------------------------------------------------------------
# Page weight


def page_weight(port: int, cookie: str) -> dict[str, Any]:
    def fetch(path: str) -> bytes:
        request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", headers={"Cookie": cookie})
        with urllib.request.urlopen(request, timeout=10) as r:
            if r.status != 200:
                raise SystemExit(f"{path}: HTTP {r.status}")
            return r.read()

    html = fetch("/plan")
    assets = re.findall(rb'<(?:link rel="stylesheet" href|script src)="([^"]+)"', html)
    parts = {"/plan (HTML)": html} | {a.decode().replace("&amp;", "&"): fetch(a.decode().replace("&amp;", "&"))
                                      for a in assets}
    out = {"files": {}, "total_raw": 0, "total_gzip": 0}
    for name, body in parts.items():
        compressed = len(gzip.compress(body, compresslevel=6))
        out["files"][name] = {"raw": len(body), "gzip": compressed}
        out["total_raw"] += len(body)
        out["total_gzip"] += compressed
    return out


# ---------------------------------------------------------------------------------------------------------
# wrk


SCENARIOS = {
    "bare": ("GET /healthz", "/healthz"),
    "reference": ("GET /bench/reference/plan (plain Flask)", "/bench/reference/plan"),
    "page": ("GET /plan", "/plan"),
    "caseload": ("GET /staff/clients (a caseworker's 500 clients)", "/staff/clients"),
    "overview": ("GET /staff/clients/<id> (a client's overview)", "/staff/clients"),
    "toggle": ("POST /plan/steps/<id>/done|not-done (htmx)", "/plan"),
    "book": ("POST /appointments/book/check (contended)", "/appointments/book/check"),
    "viewed": ("GET /sharing/log (10,000 log rows)", "/sharing/log"),
}
# Scenarios wrk runs as "page": one GET of the path for a random line of the data file
PAGE_LIKE = {"reference", "viewed", "caseload", "overview"}  # GET loads like the plan page's




def run_wrk(args: argparse.Namespace, mode: str, seconds: int, data_file: Path | None,
            server: subprocess.Popen[bytes], port: int | None = None) -> dict[str, Any]:
    env = dict(os.environ)
    env.update({
        "BENCH_MODE": "page" if mode in PAGE_LIKE else mode,
        "BENCH_PATH": SCENARIOS[mode][1],
        "BENCH_THREADS": str(args.wrk_threads),
        "BENCH_MAX_REQUESTS": str(args.max_requests),
        "BENCH_DATA": str(data_file or ""),
    })
    command = [
        "wrk", "-t", str(args.wrk_threads), "-c", str(args.connections), "-d", f"{seconds}s",
        "--timeout", "10s", "--latency", "-s", str(BENCH / "wrk" / "bench.lua"),
        f"http://127.0.0.1:{port or args.port}{SCENARIOS[mode][1]}",
    ]
    before_children = resource.getrusage(resource.RUSAGE_CHILDREN)
    before_server, before_pg, before_all = server_cpu_seconds(server), postgres_cpu_seconds(), machine_busy_seconds()
    started = time.monotonic()
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=seconds + 60)
    wall = time.monotonic() - started
    after_children = resource.getrusage(resource.RUSAGE_CHILDREN)
    server_cpu = server_cpu_seconds(server) - before_server
    pg_cpu = postgres_cpu_seconds() - before_pg
    all_cpu = machine_busy_seconds() - before_all
    line = next((ln for ln in done.stdout.splitlines() if ln.startswith("BENCH_RESULT ")), None)
    if done.returncode != 0 or line is None:
        raise SystemExit(f"wrk failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
    result = json.loads(line.removeprefix("BENCH_RESULT "))
    if mode == "book":  # wrk counts every 4xx as an error; "just taken" (409) is an answer, not an error
        result["errors"]["status"] -= result["taken"]
    seconds_measured = result["duration_us"] / 1e6
    result["rps"] = result["requests"] / seconds_measured if seconds_measured else 0.0
    wrk_cpu = (after_children.ru_utime - before_children.ru_utime) + (after_children.ru_stime - before_children.ru_stime)
    result["wrk_cpu_percent"] = 100 * wrk_cpu / wall
    result["server_cpu_percent"] = 100 * server_cpu / wall
    result["postgres_cpu_percent"] = 100 * pg_cpu / wall
    # whatever else the machine did meanwhile (kernel network work included): high means a noisy run
    result["other_cpu_percent"] = max(0.0, 100 * (all_cpu - wrk_cpu - server_cpu - pg_cpu) / wall)
    result["machine_cpu_percent"] = 100 * all_cpu / wall
    result["wrk_text"] = done.stdout
    return result


# ---------------------------------------------------------------------------------------------------------
# Scale: the same page on a small and a large data set


def scale_check(args: argparse.Namespace, maker: CookieMaker, large_clients: list[dict[str, Any]],
                work: Path) -> dict[str, Any]:
    """The plan page on SMALL_CLIENTS clients and on the large data set, in alternating rounds (each with its
    own gunicorn, both running throughout), so that the machine's drift hits both alike."""
    import sqlalchemy as sa

    from bench import dataset

    small_url = SMALL_URLS[args.db]
    dataset.ensure(small_url, SMALL_CLIENTS, steps=args.steps)
    engine = sa.create_engine(small_url)
    small_clients = dataset.sample_clients(engine, min(args.cookies, SMALL_CLIENTS // 2), seed=3)
    engine.dispose()
    files = {"small": work / "scale-small.tsv", "large": work / "scale-large.tsv"}
    maker.write_data_file(files["small"], small_clients)
    maker.write_data_file(files["large"], large_clients)
    ports = {"small": args.port + 1, "large": args.port}
    servers = {"large": start_gunicorn(args, bench_environment(args.url), ports["large"])}
    try:
        servers["small"] = start_gunicorn(args, bench_environment(small_url), ports["small"])
        results: dict[str, list[dict[str, Any]]] = {"small": [], "large": []}
        for size in ("small", "large"):
            run_wrk(args, "page", args.warmup, files[size], servers[size], ports[size])
        for round_ in range(args.scale_rounds):
            for size in (("small", "large") if round_ % 2 == 0 else ("large", "small")):
                print(f"scale: {size} data set, round {round_ + 1}…", flush=True)
                results[size].append(run_wrk(args, "page", args.duration, files[size], servers[size], ports[size]))
    finally:
        for server in servers.values():
            stop_gunicorn(server)

    def mean(size: str, key: str) -> float:
        return sum(r["latency_us"][key] for r in results[size]) / len(results[size])

    return {
        "small_clients": SMALL_CLIENTS, "large_clients": args.clients, "rounds": args.scale_rounds,
        "seconds": args.duration, "small_mean_us": mean("small", "mean"), "large_mean_us": mean("large", "mean"),
        "small_p50_us": mean("small", "p50"), "large_p50_us": mean("large", "p50"),
        "ratio": mean("large", "mean") / mean("small", "mean"),
    }


# ---------------------------------------------------------------------------------------------------------
# Report


def ms(us: float) -> str:
    return f"{us / 1000:.2f}"


def markdown(report: dict[str, Any]) -> str:
    cfg = report["config"]
    scen = report["scenarios"]
    bare, reference = scen.get("bare"), scen.get("reference")
    lines = [
        f"## Plan page benchmark — {cfg['db']} {report['dataset']['clients']:,} clients × "
        f"{report['dataset']['steps_per_client']} steps",
        "",
        f"{report['started']} · gunicorn `{cfg['gunicorn']}` · wrk `-t{cfg['wrk_threads']} -c{cfg['connections']} "
        f"-d{cfg['duration']}s` (warm-up {cfg['warmup']} s each) · {os.cpu_count()} cores",
        "",
        "| scenario | req/s | p50 ms | p95 ms | p99 ms | req/s vs bare | vs reference | non-2xx | errors "
        "| CPU: gunicorn | PostgreSQL | wrk | other |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for mode, r in scen.items():
        lat = r["latency_us"]
        errors = sum(r["errors"].values())
        ratio = f"{r['rps'] / bare['rps']:.0%}" if bare else "–"
        versus = f"{r['rps'] / reference['rps']:.2f}×" if reference else "–"
        lines.append(
            f"| {SCENARIOS[mode][0]} | {r['rps']:,.0f} | {ms(lat['p50'])} | {ms(lat['p95'])} | {ms(lat['p99'])} | "
            f"{ratio} | {versus} | {r['non_2xx']} | {errors} | {r['server_cpu_percent']:.0f}% | "
            f"{r['postgres_cpu_percent']:.0f}% | {r['wrk_cpu_percent']:.0f}% | {r['other_cpu_percent']:.0f}% |"
        )
    q = report["queries"]
    w = report["page_weight"]
    noisy = [m for m, r in scen.items() if r["other_cpu_percent"] > 15]
    lines += [
        "",
        f"CPU is the share of one core ({os.cpu_count()} cores = {100 * (os.cpu_count() or 1)}%)."
        + (f" ⚠ Something else used the CPU during {', '.join(noisy)}: those numbers are unreliable."
           if noisy else ""),
        "",
        "SQL queries per plan page: " + ", ".join(f"{k} steps → {v}" for k, v in q["page"].items())
        + (" (constant)" if q["constant"] else " (NOT constant)")
        + ("".join(f"; {name}: {', '.join(map(str, counts))} for two caseworkers" for name, counts
                   in q["staff"].items()) if q.get("staff") else ""),
        "",
        *([viewed_line(report)] if "viewed_queries" in report else []),
        *([booking_line(report)] if "booking" in report else []),
        *([scale_line(report)] if "scale" in report else []),
        *([instructions_line(report)] if report.get("instructions") else []),
        f"First page load (gzip -6): {w['total_gzip'] / 1024:.1f} KB ("
        + ", ".join(f"{name} {f['gzip'] / 1024:.1f} KB" for name, f in w["files"].items()) + ")",
        "",
        "| target | wanted | measured | |",
        "|---|---|---|---|",
    ]
    for name, wanted, measured, ok in report["targets"]:
        lines.append(f"| {name} | {wanted} | {measured} | {'✅' if ok else '❌'} |")
    return "\n".join(lines) + "\n"


def booking_line(report: dict[str, Any]) -> str:
    b, r = report["booking"], report["scenarios"]["book"]
    seconds = r["duration_us"] / 1e6
    return (f"Booking under contention: {r['requests'] - r['replays']:,} clients pressed Book for "
            f"{b['slots']} free times in {seconds:.1f} s ({(r['requests'] - r['replays']) / seconds:,.0f} presses/s); "
            f"{b['bookings']} booked, {r['taken']:,} answered \"just taken\" (409), {r['non_2xx']} other answers; "
            f"p95 of the booking POST {ms(r['latency_us']['p95'])} ms; seats held twice: {b['double_bookings']}.\n")


def viewed_line(report: dict[str, Any]) -> str:
    v = report["viewed_queries"]
    return ("SQL queries per \"Who viewed my data\" page: " + ", ".join(f"{k} → {n}" for k, n in v["page"].items())
            + (" (constant)" if v["constant"] else " (NOT constant)") + ".\n")


def scale_line(report: dict[str, Any]) -> str:
    sc = report["scale"]
    return (f"Scale: the plan page on {sc['large_clients']:,} clients against {sc['small_clients']:,}, "
            f"{sc['rounds']} alternating rounds of {sc['seconds']} s each: mean latency "
            f"{ms(sc['large_mean_us'])} ms against {ms(sc['small_mean_us'])} ms (ratio {sc['ratio']:.2f}), p50 "
            f"{ms(sc['large_p50_us'])} ms against {ms(sc['small_p50_us'])} ms.\n")


def instructions_line(report: dict[str, Any]) -> str:
    counts = report["instructions"]
    return ("Instructions per request (valgrind, in-process): " + ", ".join(
        f"{path} {count / 1e6:.1f} M" for path, count in counts.items()) + ".\n")


def judge(report: dict[str, Any]) -> list[tuple[str, str, str, bool]]:
    out = []
    scen = report["scenarios"]
    if "reference" in scen and "page" in scen:
        ratio = scen["page"]["rps"] / scen["reference"]["rps"]
        out.append(("plan page throughput / reference page's", f"≥ {TARGETS['reference_ratio_min']:.0f}×",
                    f"{ratio:.2f}×", ratio >= TARGETS["reference_ratio_min"]))
    if "page" in scen:
        rps = scen["page"]["rps"]
        out.append((f"plan page at {report['config']['connections']} connections", f"≥ {TARGETS['page_rps_min']}/s",
                    f"{rps:,.0f}/s", rps >= TARGETS["page_rps_min"]))
    counts = report.get("instructions") or {}
    if "/plan" in counts and "/bench/reference/plan" in counts:
        share = counts["/plan"] / counts["/bench/reference/plan"]
        out.append(("plan page instructions / reference page's", "≤ 50 %", f"{share:.0%}", share <= 0.5))
    q = report["queries"]
    out.append(("SQL queries per plan page, constant", f"≤ {TARGETS['queries_max']}", str(q["per_page"]),
                q["constant"] and q["per_page"] <= TARGETS["queries_max"]))
    if "viewed_queries" in report:
        v = report["viewed_queries"]
        out.append(("SQL queries per \"Who viewed my data\" page, constant", f"≤ {TARGETS['queries_max']}",
                    str(v["per_page"]), v["constant"] and v["per_page"] <= TARGETS["queries_max"]))
    if "scale" in report:
        ratio = report["scale"]["ratio"]
        out.append((f"latency, {report['scale']['large_clients']:,} / {SMALL_CLIENTS:,} clients",
                    f"≤ {TARGETS['scale_latency_ratio_max']}", f"{ratio:.2f}",
                    ratio <= TARGETS["scale_latency_ratio_max"]))
    if "booking" in report:
        b = report["booking"]
        out.append(("seats held twice after the booking load", "0", str(b["double_bookings"]),
                    b["double_bookings"] == 0))
    kb = report["page_weight"]["total_gzip"] / 1024
    out.append(("first page load, gzip", f"≤ {TARGETS['page_weight_max_kb']} KB", f"{kb:.1f} KB",
                kb <= TARGETS["page_weight_max_kb"]))
    return out


# ---------------------------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    for tool in ("wrk",):
        if subprocess.run(["which", tool], capture_output=True).returncode != 0:
            raise SystemExit(f"{tool} is not installed (apt-get install {tool})")
    RESULTS.mkdir(parents=True, exist_ok=True)
    env = bench_environment(args.url)
    os.environ.update({k: env[k] for k in ("PORTAL_SECRET_KEY", "DATABASE_URL", "PORTAL_SESSION_IDLE_MINUTES")})

    from bench import booking, dataset, viewed

    if args.db == "sqlite":
        (ROOT / "instance").mkdir(exist_ok=True)
    info = dataset.ensure(args.url, args.clients, steps=args.steps, force=args.regenerate)
    modes = [m for m in args.scenarios.split(",") if m]
    viewed_clients = viewed.ensure(args.url) if "viewed" in modes else {}

    import sqlalchemy as sa

    from portal import create_app

    app = create_app()
    maker = CookieMaker(app)
    engine = sa.create_engine(args.url)
    probes = dataset.probe_clients(engine)
    # disjoint samples: the warm-up's check-offs must not leave the measured steps already done
    sample = dataset.sample_clients(engine, 2 * args.cookies, seed=int(time.time()))
    warm_clients, measured_clients = sample[: len(sample) // 2], sample[len(sample) // 2:]
    if "book" in modes:
        bookers = dataset.sample_clients(engine, args.booking_clients + 500, seed=int(time.time()) + 1)
        warm_bookers, bookers = bookers[:500], bookers[500:]
        warm_slots = booking.publish_slots(engine, 20)
        booking_slots = booking.publish_slots(engine, args.booking_slots)
    engine.dispose()
    queries = count_queries(app, maker, probes)
    print(f"SQL queries per plan page: {queries['page']}", flush=True)
    staff = []
    if {"caseload", "overview"} & set(modes):
        from bench import teams

        teams.ensure(args.url)
        staff_engine = sa.create_engine(args.url)
        staff = teams.caseworkers(staff_engine, 200)
        staff_engine.dispose()
        queries["staff"] = count_staff_queries(app, maker, staff)
        print(f"SQL queries per caseload and overview: {queries['staff']}", flush=True)
    viewed_queries = viewed.count_queries(app, maker, viewed_clients) if viewed_clients else None
    if viewed_queries:
        print(f"SQL queries per 'who viewed my data' page: {viewed_queries['page']}", flush=True)

    gunicorn = (f"-w {args.workers} -k {args.worker_class}"
                + (f" --threads {args.worker_threads}" if args.worker_class == "gthread" else ""))
    report: dict[str, Any] = {
        "started": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "config": {"db": args.db, "url": re.sub(r"//[^@/]*@", "//", args.url), "gunicorn": gunicorn,
                   "wrk_threads": args.wrk_threads, "connections": args.connections, "duration": args.duration,
                   "warmup": args.warmup, "cookies": args.cookies, "max_requests_per_thread": args.max_requests},
        "dataset": info,
        "queries": queries,
        "scenarios": {},
    }
    if viewed_queries:
        report["viewed_queries"] = viewed_queries
    work = RESULTS / "tmp"
    work.mkdir(exist_ok=True)
    answers_engine = sa.create_engine(args.url)
    server = start_gunicorn(args, env)
    try:
        value, _ = maker.make(measured_clients[0]["id"], measured_clients[0]["session_version"])
        report["page_weight"] = page_weight(args.port, f"{maker.cookie_name}={value}")
        # warm every worker on every path first, then measure each scenario with fresh cookies
        warm_file = work / "warm.tsv"
        maker.write_data_file(warm_file, warm_clients)
        staff_files = {}
        for mode in ("caseload", "overview"):
            if mode in modes:
                staff_files[mode] = work / f"{mode}.tsv"
                maker.write_staff_file(staff_files[mode], staff, overview=mode == "overview")
        if "book" in modes:
            warm_book_file = work / "warm-book.tsv"
            booking.write_data_file(maker, answers_engine, warm_book_file, warm_bookers, warm_slots, seed=1)
        if "viewed" in modes:
            viewed_file = work / "viewed.tsv"
            viewed.write_data_file(maker, viewed_file, viewed_clients["large"])
        warm_files = {"book": warm_book_file if "book" in modes else None,
                      "viewed": viewed_file if "viewed" in modes else None}
        for mode in modes:
            if args.warmup:
                run_wrk(args, mode, args.warmup, warm_files.get(mode) or staff_files.get(mode) or warm_file, server)
        for mode in modes:
            data_file = work / f"{mode}.tsv"
            if mode == "book":
                booking.write_data_file(maker, answers_engine, data_file, bookers, booking_slots, seed=2)
            elif mode in staff_files:
                data_file = staff_files[mode]
            elif mode == "viewed":
                viewed.write_data_file(maker, data_file, viewed_clients["large"])
            else:
                maker.write_data_file(data_file, measured_clients)
            print(f"measuring {mode} for {args.duration} s…", flush=True)
            report["scenarios"][mode] = run_wrk(args, mode, args.duration, data_file, server)
        if "book" in modes:
            report["booking"] = booking.held_twice(sa.create_engine(args.url), booking_slots)
    finally:
        stop_gunicorn(server)

    if args.scale_rounds:
        report["scale"] = scale_check(args, maker, measured_clients, work)
    if args.instructions:
        from bench.instructions import count_per_request

        report["instructions"] = {
            path: count_per_request(args.url, path, args.instructions, anonymous=path == "/healthz")
            for path in ("/healthz", "/bench/reference/plan", "/plan")
        }

    report["targets"] = judge(report)
    text = markdown(report)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    (RESULTS / f"{stamp}-{args.db}.json").write_text(json.dumps(report, indent=2, default=str))
    (RESULTS / f"{stamp}-{args.db}.md").write_text(text)
    (RESULTS / f"latest-{args.db}.md").write_text(text)
    print()
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
