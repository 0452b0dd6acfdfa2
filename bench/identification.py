"""Time the sign-in journey's legs against a running `bash scripts/demo-oidc` (no browser: plain HTTP).

    .venv/bin/python bench/identification.py [--portal http://127.0.0.1:5000] [--runs 20]

Legs: the portal's start (302 to the provider), the provider's page and its answer (the person identifies),
and the portal's return (token request to the provider, ID token checks, session). The portal's own log says
how much of its return was the token request ("Signed in through ...: token request N ms").
"""

from __future__ import annotations

import argparse
import statistics
import time
from urllib.parse import urlsplit

import requests


def journey(portal: str, sub: str) -> dict[str, float]:
    browser = requests.Session()
    legs = {}
    began = time.perf_counter()
    start = browser.get(f"{portal}/sign-in/suomifi", allow_redirects=False)
    legs["portal: start"] = time.perf_counter() - began
    authorize = start.headers["Location"]
    began = time.perf_counter()
    browser.get(authorize)
    answer = browser.post(authorize, data={"sub": sub}, allow_redirects=False)
    legs["provider: page and answer"] = time.perf_counter() - began
    back = urlsplit(answer.headers["Location"])
    began = time.perf_counter()
    returned = browser.get(f"{portal}{back.path}?{back.query}", allow_redirects=False)
    legs["portal: return (token request, checks)"] = time.perf_counter() - began
    assert returned.status_code == 302 and returned.headers["Location"] == "/", returned.status_code
    return legs


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--portal", default="http://127.0.0.1:5000")
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--sub", default="aino")
    args = parser.parse_args()
    runs = [journey(args.portal, args.sub) for _ in range(args.runs)]
    for leg in runs[0]:
        times = sorted(run[leg] * 1000 for run in runs)
        print(f"{leg:40} first {runs[0][leg] * 1000:6.1f} ms   median {statistics.median(times):6.1f} ms   "
              f"max {times[-1]:6.1f} ms")


if __name__ == "__main__":
    main()
