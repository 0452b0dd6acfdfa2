"""Profile one route in-process with the Flask test client (pyinstrument, or cProfile with --cprofile).

    python bench/profile_page.py [--db postgresql|sqlite] [--path /plan] [--requests 2000] [--cprofile]

Uses the data set made by bench/run.py (run it once first) and a signed-in cookie of a random bench client.
Also prints the mean time per request, which is the number to compare before and after a change.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.run import DEFAULT_URLS, SECRET_KEY, CookieMaker  # noqa: E402


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--db", choices=("postgresql", "sqlite"), default="postgresql")
    p.add_argument("--url")
    p.add_argument("--path", default="/plan")
    p.add_argument("--requests", type=int, default=2000)
    p.add_argument("--cprofile", action="store_true")
    p.add_argument("--time-only", action="store_true", help="only time it, no profile")
    p.add_argument("--htmx", action="store_true", help="send HX-Request: true")
    p.add_argument("--anonymous", action="store_true", help="send no session cookie")
    args = p.parse_args()
    url = args.url or DEFAULT_URLS[args.db]
    os.environ.update({"PORTAL_SECRET_KEY": SECRET_KEY, "DATABASE_URL": url, "PORTAL_SESSION_IDLE_MINUTES": "1440"})

    import sqlalchemy as sa

    from bench import dataset
    from portal import create_app

    app = create_app()
    maker = CookieMaker(app)
    engine = sa.create_engine(url)
    clients = dataset.sample_clients(engine, 50, seed=7)
    engine.dispose()
    test_client = app.test_client()
    cookies = [maker.make(c["id"], c["session_version"])[0] for c in clients]
    headers = {"HX-Request": "true"} if args.htmx else {}

    def one(i: int) -> None:
        if not args.anonymous:
            test_client.set_cookie(maker.cookie_name, cookies[i % len(cookies)])
        response = test_client.get(args.path, headers=headers)
        assert response.status_code == 200, response.status_code

    for i in range(50):
        one(i)
    started, cpu = time.perf_counter(), time.process_time()
    for i in range(args.requests):
        one(i)
    per = (time.perf_counter() - started) / args.requests
    cpu_per = (time.process_time() - cpu) / args.requests
    print(f"{args.path}: {per * 1e6:.0f} µs per request, {cpu_per * 1e6:.0f} µs of it CPU in this process "
          f"(no profiler), {1 / per:.0f} req/s in one thread")

    if args.time_only:
        return
    if args.cprofile:
        import cProfile
        import pstats

        profiler = cProfile.Profile()
        profiler.enable()
        for i in range(args.requests):
            one(i)
        profiler.disable()
        stats = pstats.Stats(profiler).sort_stats(os.environ.get("SORT", "cumulative"))
        stats.print_stats(int(os.environ.get("TOP", "60")))
        if os.environ.get("CALLERS"):
            stats.print_callers(os.environ["CALLERS"])
    else:
        from pyinstrument import Profiler

        profiler = Profiler(interval=0.0002)
        profiler.start()
        for i in range(args.requests):
            one(i)
        profiler.stop()
        print(profiler.output_text(unicode=True, color=False, show_all=False))


if __name__ == "__main__":
    main()
