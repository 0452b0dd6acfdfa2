"""gunicorn's settings for the portal, in production and in bench/run.py. gunicorn reads this file from the
directory it starts in, so `gunicorn 'portal:create_app()'` in the project's root uses it.

Two worker processes per core, one request thread in each. Measured with bench/run.py on 2 cores, four runs of
each alternating: 4 workers with 1 thread each served the plan page 8 % more requests per second than 4 workers
with 4 threads (1,739 against 1,604 on average) and the check-off 8 % more (437 against 403). Threads of one
process share Python's interpreter lock: a request coming back from the database must win it back from the
others, and that costs more than the wait. gthread rather than sync keeps HTTP connections alive.

With the database across a network (a longer wait per request), raise PORTAL_THREADS or WEB_CONCURRENCY.
"""

import os

workers = int(os.environ.get("WEB_CONCURRENCY") or 2 * (os.cpu_count() or 1))
worker_class = "gthread"
threads = int(os.environ.get("PORTAL_THREADS") or 1)
keepalive = 5
