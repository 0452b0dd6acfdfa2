"""gunicorn's settings for the portal, in production and in bench/run.py. gunicorn reads this file from the
directory it starts in, so `gunicorn 'portal:create_app()'` in the project's root uses it.

Two worker processes per core, two request threads in each. Measured with bench/run.py on 2 cores, in alternating
runs (one run differs from the next by up to 10 %), requests per second on average:

| workers × threads | runs | plan page | check-off | bare route |
|---|---:|---:|---:|---:|
| 4 × 4 | 4 | 1,604 | 403 | 4,898 |
| 4 × 2 | 3 | 1,734 | 473 | 4,899 |
| 4 × 1 | 7 | 1,733 | 423 | 4,282 |

Threads of one process share Python's interpreter lock, and a request coming back from the database must win it
back from the others: with four threads that costs the plan page 8 %. With one thread, a check-off waiting for its
commit holds up its whole process, and the connections a process happened to accept wait behind each other (the
bare route fell to 2,851 requests/s in one run). gthread rather than sync keeps HTTP connections alive.

With the database across a network (a longer wait per request), raise PORTAL_THREADS or WEB_CONCURRENCY.

More than one worker process needs REDIS_URL: the sign-in counters must be shared, or each process would allow
the whole limit on its own. Without it gunicorn refuses to start (on_starting below).
"""

import os

workers = int(os.environ.get("WEB_CONCURRENCY") or 2 * (os.cpu_count() or 1))
worker_class = "gthread"
threads = int(os.environ.get("PORTAL_THREADS") or 2)
keepalive = 5


def on_starting(server):  # type: ignore[no-untyped-def]
    from portal.config import unshared_counters

    refusal = unshared_counters(server.cfg.workers)
    if refusal:
        raise SystemExit(f"Not starting: {refusal}")
