#!/usr/bin/env python3
"""Latency of every report endpoint of a running Chorus: each leaderboard and /kpis (and
the breakdowns, when the server has them), over the last 30 days and the last 365 days.

    report_latency.py BASE_URL API_KEY PID [REQUESTS]

Sequential requests on one keep-alive connection (a report is one person's page load, not
a flood): one warm-up per endpoint, then REQUESTS (default 15) timed ones. Prints a Markdown
table with p50 and p95 in milliseconds per endpoint and window, the baseline (an empty
authenticated list, `GET /api/v1/teams`, the floor of any API request) with each p50 as a
multiple of it, and the server's peak RSS (VmHWM of PID) at the end. Standard library only.

With BENCH_ADMIN_EMAIL and BENCH_ADMIN_PASSWORD set (an admin's login), it also signs in as
the login page does (GET /login for the CSRF cookie and token, POST /login) and times the
admin dashboard, `GET /admin?range=custom&from=…&to=…`, over the same two windows.
BENCH_ONLY=REGEX measures only the endpoints whose path matches it (e.g. `kpis|admin`).
"""
import datetime
import os
import re
import http.client
import statistics
import sys
import time
import urllib.parse

BOARDS = [
    "top-shares", "popular-content", "most-shared-content", "engagement-shares",
    "employees-clicks", "employees-shares", "employees-posts", "employees-engagement",
    "employees-reach", "employees-conversions", "employees-revenue", "supporters",
]


def rss_kb(pid, key):
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith(key + ":"):
                    return int(line.split()[1])
    except OSError:
        return None
    return None


def sign_in(conn, email, password):
    """Signs in through the login form; returns the Cookie header of the session."""
    jar = {}

    def keep(res):
        for name, value in res.getheaders():
            if name.lower() == "set-cookie":
                pair = value.split(";", 1)[0]
                k, _, v = pair.partition("=")
                jar[k.strip()] = v.strip()

    conn.request("GET", "/login")
    res = conn.getresponse()
    page = res.read().decode()
    keep(res)
    token = re.search(r'name="csrf" value="([^"]+)"', page).group(1)
    form = urllib.parse.urlencode(
        {"email": email, "password": password, "csrf": token, "next": "/admin"})
    conn.request("POST", "/login", body=form, headers={
        "Content-Type": "application/x-www-form-urlencoded",
        "Cookie": "; ".join(f"{k}={v}" for k, v in jar.items()),
    })
    res = conn.getresponse()
    res.read()
    keep(res)
    if res.status not in (302, 303):
        raise SystemExit(f"sign-in failed: HTTP {res.status}")
    return "; ".join(f"{k}={v}" for k, v in jar.items())


def main():
    base, key, pid = sys.argv[1], sys.argv[2], int(sys.argv[3])
    requests = int(sys.argv[4]) if len(sys.argv) > 4 else 15
    u = urllib.parse.urlsplit(base)
    conn = http.client.HTTPConnection(u.hostname, u.port or 80, timeout=600)
    headers = {"Authorization": f"Bearer {key}"}

    def get(path):
        start = time.perf_counter()
        conn.request("GET", path, headers=headers)
        res = conn.getresponse()
        body = res.read()
        took = (time.perf_counter() - start) * 1000
        return res.status, body, took

    def measure(path):
        status, body, _ = get(path)
        if status != 200:
            return status, None, None
        times = sorted(get(path)[2] for _ in range(requests))
        p95 = times[min(len(times) - 1, int(round(0.95 * len(times) + 0.5)) - 1)]
        return status, statistics.median(times), p95

    today = datetime.date.today()
    tomorrow = today + datetime.timedelta(days=1)
    windows = [
        ("30 days", (tomorrow - datetime.timedelta(days=30)).isoformat(), tomorrow.isoformat()),
        ("365 days", (tomorrow - datetime.timedelta(days=365)).isoformat(), tomorrow.isoformat()),
    ]
    _, base_p50, base_p95 = measure("/api/v1/teams")
    print(f"baseline `GET /api/v1/teams`: p50 {base_p50:.2f} ms, p95 {base_p95:.2f} ms\n")
    print("| endpoint | window | p50 ms | p95 ms | p50 / baseline |")
    print("|---|---|---:|---:|---:|")
    endpoints = [f"/api/v1/leaderboards/{b}" for b in BOARDS]
    endpoints += ["/api/v1/kpis", "/api/v1/kpis?interval=week"]
    endpoints += [f"/api/v1/breakdowns/{d}" for d in ("network", "country", "device", "browser", "referrer")]
    only = re.compile(os.environ.get("BENCH_ONLY") or ".")
    endpoints = [p for p in endpoints if only.search(p)]
    worst = 0.0
    for path in endpoints:
        for name, frm, to in windows:
            sep = "&" if "?" in path else "?"
            status, p50, p95 = measure(f"{path}{sep}from={frm}&to={to}")
            if p50 is None:
                print(f"| `{path}` | {name} | HTTP {status} | | |")
                continue
            worst = max(worst, p50)
            print(f"| `{path}` | {name} | {p50:.1f} | {p95:.1f} | {p50 / base_p50:.0f}× |")
    email, password = os.environ.get("BENCH_ADMIN_EMAIL"), os.environ.get("BENCH_ADMIN_PASSWORD")
    if email and password and only.search("/admin"):
        cookie = sign_in(conn, email, password)
        headers.clear()
        headers["Cookie"] = cookie
        last = today
        for name, days in (("30 days", 30), ("365 days", 365)):
            frm = (last - datetime.timedelta(days=days - 1)).isoformat()
            path = f"/admin?range=custom&from={frm}&to={last.isoformat()}"
            status, p50, p95 = measure(path)
            if p50 is None:
                print(f"| `/admin` (dashboard page) | {name} | HTTP {status} | | |")
                continue
            worst = max(worst, p50)
            print(f"| `/admin` (dashboard page) | {name} | {p50:.1f} | {p95:.1f} | {p50 / base_p50:.0f}× |")
    print(f"\nslowest p50: {worst:.1f} ms")
    peak = rss_kb(pid, "VmHWM")
    if peak is not None:
        print(f"server peak RSS (VmHWM): {peak / 1024:.1f} MiB")


if __name__ == "__main__":
    main()
