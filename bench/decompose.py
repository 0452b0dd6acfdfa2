"""Where a plan page's time goes, by leaving parts out, in-process (Flask test client, signed-in bench clients).

    python bench/decompose.py [--db postgresql|sqlite] [--requests 1500] [--rounds 5]

Measures the CPU this process spends per request, in alternating rounds (the median is printed), for:

- `bare`: GET /healthz, no cookie: what every request costs;
- `page, read kept`: GET /plan with the page's one database read done once per client and then kept, so the
  request makes no round trip: the signed-in request and the page itself;
- `page, read kept, waiting`: the same, sleeping --wait-us (about the read's round trip) where the read waits;
- `page`: GET /plan as served;
- `read alone`: the same read called in a tight loop, with nothing else in between.

`page` minus `page, read kept` is what the read really costs a request. It comes out at two to three times
`read alone`: while a request waits for the database, the processor runs PostgreSQL (or idles), and the request's
own code and data are then cold when it goes on. Uses the data set made by bench/run.py.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.run import DEFAULT_URLS, SECRET_KEY, CookieMaker  # noqa: E402


def _with_read_kept(app: Any, wait: float = 0.0) -> Any:
    """The app with the plan page's read (the session user and the plan) kept per client after its first time;
    with `wait`, each request still sleeps that long where the read would wait for the database."""
    from flask import g

    from portal.plan import queries

    kept: dict[uuid.UUID, Any] = {}
    served = app.view_functions["plan.index"]

    def read_once(user_id: uuid.UUID) -> Any:
        if user_id not in kept:
            kept[user_id] = queries.signed_in_user_with_plan_summary(user_id)
        if wait:
            time.sleep(wait)
        user, g.plan_summary = kept[user_id]
        return user

    def view() -> Any:
        return served()

    view.load_user_with = read_once  # type: ignore[attr-defined]
    app.view_functions["plan.index"] = view
    return app


def read_kept_app() -> Any:
    """For gunicorn (bench/run.py --read-kept): the app with the plan page's read kept per client in each process,
    to see what the page would serve with no round trip. An experiment, not something to serve."""
    from portal import create_app

    return _with_read_kept(create_app())


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--db", choices=("postgresql", "sqlite"), default="postgresql")
    p.add_argument("--url")
    p.add_argument("--requests", type=int, default=1500, help="requests per round and scenario")
    p.add_argument("--rounds", type=int, default=5)
    p.add_argument("--wait-us", type=int, default=150, help="how long `page, read kept, waiting` sleeps")
    p.add_argument("--clients", type=int, default=200, help="signed-in clients the requests cycle through")
    args = p.parse_args()
    url = args.url or DEFAULT_URLS[args.db]
    os.environ.update({"PORTAL_SECRET_KEY": SECRET_KEY, "DATABASE_URL": url, "PORTAL_SESSION_IDLE_MINUTES": "1440"})

    import sqlalchemy as sa

    from bench import dataset
    from portal import create_app
    from portal.plan import queries

    served, kept = create_app(), _with_read_kept(create_app())
    kept_and_waiting = _with_read_kept(create_app(), wait=args.wait_us / 1e6)
    maker = CookieMaker(served)
    engine = sa.create_engine(url)
    clients = dataset.sample_clients(engine, args.clients, seed=11)
    engine.dispose()
    cookies = [maker.make(c["id"], c["session_version"])[0] for c in clients]

    def requests(app: Any, path: str, signed_in: bool) -> Callable[[int], None]:
        client = app.test_client()
        client.set_cookie("lang", "fi")

        def run(n: int) -> None:
            for i in range(n):
                if signed_in:
                    client.set_cookie(maker.cookie_name, cookies[i % len(cookies)])
                assert client.get(path).status_code == 200

        return run

    def read_alone(n: int) -> None:
        with served.test_request_context("/plan"):
            for i in range(n):
                queries.signed_in_user_with_plan_summary(clients[i % len(clients)]["id"])

    scenarios = {
        "bare": requests(served, "/healthz", signed_in=False),
        "page, read kept": requests(kept, "/plan", signed_in=True),
        "page, read kept, waiting": requests(kept_and_waiting, "/plan", signed_in=True),
        "page": requests(served, "/plan", signed_in=True),
        "read alone": read_alone,
    }
    for run in scenarios.values():
        run(len(cookies) + 100)  # every client's stencils, kept reads and pooled connections made
    cpu: dict[str, list[float]] = {name: [] for name in scenarios}
    for _ in range(args.rounds):
        for name, run in scenarios.items():
            started = time.process_time()
            run(args.requests)
            cpu[name].append((time.process_time() - started) / args.requests * 1e6)
    median = {name: statistics.median(values) for name, values in cpu.items()}

    print(f"CPU of this process per request, median of {args.rounds} rounds of {args.requests} ({args.db}):")
    for name, value in median.items():
        print(f"  {name:26s} {value:7.0f} µs")
    print(f"  the read, in a request (page - page, read kept): {median['page'] - median['page, read kept']:.0f} µs"
          f" against {median['read alone']:.0f} µs alone")
    print(f"  sleeping {args.wait_us} µs instead of the read costs: "
          f"{median['page, read kept, waiting'] - median['page, read kept']:.0f} µs of CPU")
    print(f"  the rest of the page (page, read kept - bare):    {median['page, read kept'] - median['bare']:.0f} µs")


if __name__ == "__main__":
    main()
