#!/usr/bin/env python3
"""Memory and time that hostile input costs a running Chorus (issue 10's measurements).

    hostile_input.py CHORUS_BIN [CHORUS_BIN ...]

For each binary: starts it on a fresh SQLite file in a temporary directory (loopback, a
free port), creates one share through the API, then sends, measuring the server's RSS
(VmRSS) before and after each step:
  1. 2 000 requests for distinct 60 KB unknown slugs, half on /{slug}, half on
     /qr/{slug}.svg;
  2. 1 000 clicks on the real link, each with its own 30 KB user agent;
  3. one conversion with 100 000 six-character touchpoints (a ~900 KB body), timed, and
     its status.
Prints one Markdown table row per binary. Standard library only; every step is bounded.
"""
import http.client
import json
import os
import random
import socket
import string
import subprocess
import sys
import tempfile
import time


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def rss_mib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


class Client:
    def __init__(self, port, key=None):
        self.port, self.key = port, key
        self.conn = None

    def request(self, method, path, body=None, headers=None):
        for attempt in range(3):
            try:
                if self.conn is None:
                    self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
                h = dict(headers or {})
                if self.key:
                    h["Authorization"] = f"Bearer {self.key}"
                data = None
                if body is not None:
                    data = json.dumps(body).encode()
                    h["Content-Type"] = "application/json"
                self.conn.request(method, path, body=data, headers=h)
                res = self.conn.getresponse()
                payload = res.read()
                if res.getheader("Connection", "").lower() == "close":
                    self.conn.close()
                    self.conn = None
                return res.status, payload
            except (ConnectionError, http.client.HTTPException, OSError):
                if self.conn:
                    self.conn.close()
                self.conn = None
                if attempt == 2:
                    raise
        raise RuntimeError("unreachable")


def measure(binary):
    work = tempfile.mkdtemp(prefix="chorus-hostile.")
    port = free_port()
    env = dict(os.environ, CHORUS_BIND=f"127.0.0.1:{port}",
               CHORUS_DATABASE_URL=f"sqlite://{work}/chorus.db",
               CHORUS_SPOOL_DIR=f"{work}/spool")
    subprocess.run([binary, "migrate"], env=env, cwd=work, check=True, capture_output=True)
    key = subprocess.run([binary, "apikey", "create", "--name", "hostile"], env=env, cwd=work,
                         check=True, capture_output=True, text=True).stdout.strip().splitlines()[-1]
    log = open(f"{work}/chorus.log", "w")
    server = subprocess.Popen([binary, "serve"], env=env, cwd=work, stdout=log, stderr=log)
    try:
        api = Client(port, key)
        for _ in range(300):
            try:
                if api.request("GET", "/healthz")[0] == 200:
                    break
            except OSError:
                pass
            time.sleep(0.1)
        _, emp = api.request("POST", "/api/v1/employees", {"email": "h@example.com", "name": "H"})
        _, content = api.request("POST", "/api/v1/content", {"title": "t", "url": "https://example.com/"})
        _, share = api.request("POST", "/api/v1/shares", {
            "employee_id": json.loads(emp)["id"], "content_id": json.loads(content)["id"],
            "network": "linkedin"})
        slug = json.loads(share)["slug"]
        web = Client(port)
        rng = random.Random(7)
        alphabet = string.ascii_letters + string.digits
        row = {"binary": binary}
        row["start"] = rss_mib(server.pid)
        for i in range(2000):
            long_slug = "".join(rng.choice(alphabet) for _ in range(16)) * (60 * 1024 // 16)
            path = f"/{long_slug}" if i % 2 == 0 else f"/qr/{long_slug}.svg"
            web.request("GET", path)
        row["slugs"] = rss_mib(server.pid)
        statuses = set()
        for i in range(1000):
            ua = f"Mozilla/5.0 {i} " + "".join(rng.choice(alphabet) for _ in range(30 * 1024))
            status, _ = web.request("GET", f"/{slug}", headers={"User-Agent": ua})
            statuses.add(status)
        row["agents"] = rss_mib(server.pid)
        row["agent_statuses"] = sorted(statuses)
        touch = [f"{i:06d}" for i in range(100_000)]  # ~900 KB: under the API-wide 1 MiB limit
        started = time.monotonic()
        status, _ = api.request("POST", "/api/v1/conversions", {"kind": "lead", "touchpoints": touch})
        row["conversion_s"] = time.monotonic() - started
        row["conversion_status"] = status
        row["end"] = rss_mib(server.pid)
        return row
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()


def main():
    print("| binary | RSS MiB at start | after 2 000 × 60 KB slugs | after 1 000 × 30 KB agents (statuses) "
          "| 100 000-touchpoint conversion | RSS MiB at end |")
    print("|---|---:|---:|---:|---:|---:|")
    for binary in sys.argv[1:]:
        r = measure(binary)
        print(f"| {r['binary']} | {r['start']:.1f} | {r['slugs']:.1f} | {r['agents']:.1f} ({r['agent_statuses']}) "
              f"| {r['conversion_status']} in {r['conversion_s']:.2f} s | {r['end']:.1f} |", flush=True)


if __name__ == "__main__":
    main()
