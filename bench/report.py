#!/usr/bin/env python3
"""Print the Markdown summary of bench/redirect.sh from its result files.

    report.py BARE_RESULT [CHORUS_RESULT]
    report.py --summary BARE_RESULT... -- CHORUS_RESULT...   (medians over rounds)

Each result file holds `key=value` tokens: the BENCH line printed by random_slug.lua's
done() plus what redirect.sh adds (rss_peak_kb, rss_end_kb, clicks_* counts).
"""
import os
import statistics
import sys

# bench/flood.sh sets the one-client flood's target (issue: >= 0.40 of bare302).
TARGET_RATIO = float(os.environ.get("BENCH_TARGET_RATIO", "0.50"))
TARGET_P99_MS = 10.0


def load(path):
    out = {}
    with open(path) as f:
        for tok in f.read().split():
            if "=" in tok:
                k, v = tok.split("=", 1)
                try:
                    out[k] = float(v) if "." in v else int(v)
                except ValueError:
                    out[k] = v
    return out


def ms(us):
    return f"{us / 1000:.2f}"


def mib(kb):
    return f"{kb / 1024:.1f}" if isinstance(kb, (int, float)) else "n/a"


def errors(r):
    return sum(int(r.get(k, 0)) for k in ("err_connect", "err_read", "err_write", "err_status", "err_timeout"))


def main():
    rows = [("bare actix-web 302", load(sys.argv[1]))]
    chorus = load(sys.argv[2]) if len(sys.argv) > 2 else None
    if chorus:
        rows.append(("Chorus", chorus))
    print("| server | req/s | p50 ms | p90 ms | p99 ms | p99.9 ms | max ms | responses < 400 | errors | peak RSS MiB |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for name, r in rows:
        print(f"| {name} | {r['rps']:,.0f} | {ms(r['p50_us'])} | {ms(r['p90_us'])} | {ms(r['p99_us'])} "
              f"| {ms(r['p999_us'])} | {ms(r['max_us'])} | {r['ok']:,} | {errors(r)} | {mib(r.get('rss_peak_kb'))} |")
    print()
    for name, r in rows:
        if "cpu_s" not in r:
            continue
        secs = r["duration_us"] / 1e6
        line = f"- {name}: process CPU {100 * r['cpu_s'] / secs:.0f} % of one core over the run"
        if r.get("writer_cpu_s"):
            line += f", click-writer thread {100 * r['writer_cpu_s'] / secs:.0f} %"
        if r["ok"]:
            line += (f"; bytes written per response: {r['wchar_delta'] / r['ok'] / 1024:.1f} KiB "
                     f"by write calls, {r['write_bytes_delta'] / r['ok'] / 1024:.1f} KiB to storage")
        print(line)
    others = []
    for name, r in rows:
        if "machine_busy_s" in r and "cpu_s" in r:
            secs = r["duration_us"] / 1e6
            other = max(0.0, r["machine_busy_s"] - r["cpu_s"] - r["wrk_cpu_s"])
            others.append(f"{name} run: wrk {100 * r['wrk_cpu_s'] / secs:.0f} %, "
                          f"other processes {100 * other / secs:.0f} %")
    if others:
        print(f"- CPU besides the server (of one core; other processes should be near 0): {'; '.join(others)}")
    if not chorus:
        return
    bare = rows[0][1]
    ratio = chorus["rps"] / bare["rps"]
    p99 = chorus["p99_us"] / 1000
    print(f"- req/s ratio Chorus / bare: **{ratio:.2f}** "
          f"(target >= {TARGET_RATIO:.2f}: {'met' if ratio >= TARGET_RATIO else 'MISSED'})")
    print(f"- Chorus p99: **{p99:.2f} ms** (target <= {TARGET_P99_MS:.0f} ms: "
          f"{'met' if p99 <= TARGET_P99_MS else 'MISSED'})")
    secs = chorus["duration_us"] / 1e6
    if "drain_s" in chorus:
        print(f"- every answered click committed **{chorus['drain_s']} s** after wrk stopped "
              f"(GET /metrics chorus_clicks_pending = 0); RSS MiB before the run / peak / after: "
              f"{mib(chorus.get('rss_start_kb'))} / {mib(chorus.get('rss_peak_kb'))} / {mib(chorus.get('rss_end_kb'))}")
    if chorus.get("writer_batches"):
        print(f"- writer (GET /metrics): {chorus['writer_committed']:,} clicks "
              f"({chorus['writer_committed'] / secs:,.0f}/s) in {chorus['writer_batches']:,} batches committed during the run, "
              f"{chorus['writer_committed'] / chorus['writer_batches']:.1f} clicks per batch on average "
              f"({1000 * secs / chorus['writer_batches']:.2f} ms per batch); spooled "
              f"{chorus['writer_spooled']}, failed {chorus['writer_failed']}")
    if "clicks_before" not in chorus:
        print(f"- click rows: not counted ({chorus.get('clicks_note', 'not a SQLite database').replace('_', ' ')}; "
              f"count them in the database)")
        return
    during = chorus["clicks_end"] - chorus["clicks_before"]
    stored = chorus["clicks_settled"] - chorus["clicks_before"]
    ok = chorus["ok"]
    print(f"- writer: {during:,} click rows committed during the {secs:.1f} s run = "
          f"**{during / secs:,.0f} rows/s**; {chorus['clicks_settled'] - chorus['clicks_end']:,} more "
          f"committed after wrk stopped")
    diff = stored - ok
    if diff < 0:
        verdict = f"MISMATCH: {-diff:,} answered clicks missing from the database"
    elif during < ok:
        verdict = (f"all stored in the end, but {ok - during:,} answered clicks were not yet committed "
                   f"when wrk stopped (not commit-before-answer)")
    elif diff <= chorus.get("connections", 0) + errors(chorus):
        verdict = (f"match (+{diff} = requests in flight when wrk stopped, which the server "
                   f"answered and logged but wrk no longer counted)")
    else:
        verdict = f"MISMATCH: {diff:,} more clicks stored than requests in flight could explain"
    print(f"- clicks stored for the run: {stored:,}; responses < 400 reported by wrk: {ok:,} -> {verdict}")
    if "clicks_kinds" in chorus:
        print(f"- click kinds in the database (whole run incl. warm-up): {chorus['clicks_kinds'].replace(',', ' ')}")


def summary(bare_paths, chorus_paths):
    """Medians over alternating rounds: the machine's drift hits both servers alike."""
    bare = [load(p) for p in bare_paths]
    chorus = [load(p) for p in chorus_paths]
    med = lambda rs, k: statistics.median(r[k] for r in rs)
    print(f"#### Summary: medians of {len(chorus)} rounds")
    print()
    print("| server | req/s (median) | req/s per round | p99 ms (median) | p99 ms per round | peak RSS MiB (last round) |")
    print("|---|---:|---|---:|---|---:|")
    for name, rs in (("bare actix-web 302", bare), ("Chorus", chorus)):
        rps = " / ".join(f"{r['rps']:,.0f}" for r in rs)
        p99s = " / ".join(ms(r["p99_us"]) for r in rs)
        print(f"| {name} | {med(rs, 'rps'):,.0f} | {rps} | {med(rs, 'p99_us') / 1000:.2f} | {p99s} "
              f"| {mib(rs[-1].get('rss_peak_kb'))} |")
    print()
    ratios = [c["rps"] / b["rps"] for b, c in zip(bare, chorus)]
    ratio = med(chorus, "rps") / med(bare, "rps")
    p99 = med(chorus, "p99_us") / 1000
    per_round = " / ".join(f"{r:.2f}" for r in ratios)
    print(f"- req/s ratio of the medians, Chorus / bare: **{ratio:.2f}** "
          f"(per round: {per_round}; "
          f"target >= {TARGET_RATIO:.2f}: {'met' if ratio >= TARGET_RATIO else 'MISSED'})")
    print(f"- Chorus p99, median of the rounds: **{p99:.2f} ms** (target <= {TARGET_P99_MS:.0f} ms: "
          f"{'met' if p99 <= TARGET_P99_MS else 'MISSED'})")
    drains = [r["drain_s"] for r in chorus if isinstance(r.get("drain_s"), (int, float))]
    if drains:
        print(f"- every answered click committed within **{max(drains):.2f} s** after wrk stopped "
              f"(worst round; per round: {' / '.join(f'{d:.2f}' for d in drains)})")
    if all("rss_start_kb" in r for r in chorus):
        print("- Chorus RSS MiB before each round / peak so far / after: "
              + "; ".join(f"{mib(r['rss_start_kb'])} / {mib(r.get('rss_peak_kb'))} / {mib(r.get('rss_end_kb'))}"
                          for r in chorus))
    if all("writer_committed" in r for r in chorus):
        rows = statistics.median(r["writer_committed"] / (r["duration_us"] / 1e6) for r in chorus)
        print(f"- writer: median {rows:,.0f} click rows committed per second during the runs")


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--summary":
        args = sys.argv[2:]
        cut = args.index("--")
        summary(args[:cut], args[cut + 1:])
    else:
        main()
