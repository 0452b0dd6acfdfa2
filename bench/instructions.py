"""Instructions per request, counted by valgrind: the same number on a busy machine and a quiet one.

    python bench/instructions.py [--db postgresql|sqlite] [--path /plan] [--requests 300] [--anonymous]

bench/run.py calls it for the bare route, the reference page and the plan page.

Timings on a shared 2-core machine move by 20 % from minute to minute, so a change worth 5 % cannot be seen in
them. valgrind's callgrind counts the instructions the Python process executes instead: it runs the app
in-process (Flask test client, signed-in cookies of bench clients, as profile_page.py does) once with no
measured requests and once with --requests of them, and prints the difference per request. It is about 50 times
slower than running natively, so a few hundred requests are enough. PostgreSQL's own work is not counted.

Needs Debian's valgrind and the data set made by bench/run.py.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.run import DEFAULT_URLS, SECRET_KEY  # noqa: E402


def _serve(args: argparse.Namespace) -> None:
    """The measured process: start the app, warm it up, then make `args.requests` requests."""
    from bench.run import CookieMaker

    os.environ.update({"PORTAL_SECRET_KEY": SECRET_KEY, "DATABASE_URL": args.url,
                       "PORTAL_SESSION_IDLE_MINUTES": "1440"})
    import sqlalchemy as sa

    from bench import dataset
    from bench.reference import create_app  # the portal, plus the reference page

    app = create_app()
    maker = CookieMaker(app)
    engine = sa.create_engine(args.url)
    clients = dataset.sample_clients(engine, 20, seed=7)
    engine.dispose()
    cookies = [maker.make(c["id"], c["session_version"])[0] for c in clients]
    test_client = app.test_client()

    def one(i: int) -> None:
        if not args.anonymous:
            test_client.set_cookie(maker.cookie_name, cookies[i % len(cookies)])
        response = test_client.get(args.path)
        assert response.status_code == 200, response.status_code

    for i in range(20):
        one(i)
    for i in range(args.requests):
        one(i)


def _count(url: str, path: str, requests: int, anonymous: bool) -> int:
    command = ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", sys.executable, __file__,
               "--serve", "--url", url, "--path", path, "--requests", str(requests)]
    if anonymous:
        command.append("--anonymous")
    done = subprocess.run(command, capture_output=True, text=True, check=True)
    found = re.search(r"Collected : (\d+)", done.stderr)
    if not found:
        raise SystemExit(f"valgrind printed no count:\n{done.stderr[-2000:]}")
    return int(found.group(1))


def count_per_request(url: str, path: str, requests: int, anonymous: bool = False) -> float:
    """Instructions one request to `path` takes: a run with `requests` of them less a run with none."""
    _count(url, path, 0, anonymous)  # a first run compiles the translations and fills caches on disk
    base, measured = _count(url, path, 0, anonymous), _count(url, path, requests, anonymous)
    return (measured - base) / requests


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--db", choices=("postgresql", "sqlite"), default="postgresql")
    p.add_argument("--url")
    p.add_argument("--path", default="/plan")
    p.add_argument("--requests", type=int, default=300)
    p.add_argument("--anonymous", action="store_true", help="send no session cookie (for /healthz)")
    p.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    args = p.parse_args()
    args.url = args.url or DEFAULT_URLS[args.db]
    if args.serve:
        _serve(args)
        return
    per_request = count_per_request(args.url, args.path, args.requests, args.anonymous)
    print(f"{args.path}: {per_request / 1e6:.2f} million instructions per request ({args.requests} requests)")


if __name__ == "__main__":
    main()
