#!/usr/bin/env python3
"""Latency of every report endpoint of a running Chorus: each leaderboard and /kpis (and
the breakdowns, when the server has them), over the last 30 days and the last 365 days.

    report_latency.py BASE_URL API_KEY PID [REQUESTS]

Sequential requests on one keep-alive connection (a report is one person's page load, not
a flood): one warm-up per endpoint, then REQUESTS (default 15) timed ones. Prints a Markdown
table with p50 and p95 in milliseconds per endpoint and window, the baseline (an empty
authenticated list, `GET /api/v1/teams`, the floor of any API request) with each p50 as a
multiple of it, and the server's peak RSS (VmHWM of PID) at the end. Standard library only.
"""
import datetime
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
    print(f"\nslowest p50: {worst:.1f} ms")
    peak = rss_kb(pid, "VmHWM")
    if peak is not None:
        print(f"server peak RSS (VmHWM): {peak / 1024:.1f} MiB")


if __name__ == "__main__":
    main()
