#!/usr/bin/env python3
"""letterbox serve under wrk: SMS callbacks with and without group commit, and form posts.

Each configuration runs RUNS times on a fresh store; medians are printed, with the ratio of
group commit to one commit per request measured in the same run. After each run the store is
checked: it must hold a submission for every 200 wrk counted (answers come only after the commit).

    python3 Benchmarks/bench_server.py [--runs 3] [--seconds 30] [--connections 16] [--realistic]
    LETTERBOX_BIN=.build/release/letterbox (default) must be built first:
        swift build -c release --product letterbox
"""
import argparse
import os
import re
import sqlite3
import statistics
import subprocess
import tempfile
import time

root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
binary = os.environ.get("LETTERBOX_BIN", os.path.join(root, ".build/release/letterbox"))
corpus = os.path.join(os.path.dirname(root), "shared/corpora/sms/kannel-mo.xml")


def parse_wrk(text):
    def seconds(value, unit):
        return float(value) * {"us": 1e-6, "ms": 1e-3, "s": 1.0, "m": 60.0}[unit]
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1))
    latency = {}
    for pct in ("50", "99"):
        m = re.search(rf"\s{pct}(?:\.000)?%\s+([\d.]+)(us|ms|s|m)\b", text)
        latency[pct] = seconds(*m.groups()) * 1000 if m else float("nan")
    total = int(re.search(r"(\d+) requests in", text).group(1))
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
    errors = re.search(r"Socket errors: (.*)", text)
    return rate, latency["50"], latency["99"], total, int(non2xx.group(1)) if non2xx else 0, errors.group(1) if errors else ""


def start_server(folder, store, env):
    """`letterbox serve` on a free port in FOLDER; returns the process and its port."""
    port_file = os.path.join(folder, "port")
    server = subprocess.Popen([binary, "serve", "--port", "0", "--port-file", port_file, "--store", store],
                              env=env, cwd=folder, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(200):
        if os.path.exists(port_file) and open(port_file).read().strip():
            break
        time.sleep(0.1)
    return server, int(open(port_file).read().strip())


def run(kind, group_commit, seconds, connections):
    folder = tempfile.mkdtemp(prefix="letterbox-bench-")
    store = os.path.join(folder, "letterbox.sqlite")
    env = {k: v for k, v in os.environ.items() if not k.startswith("LETTERBOX_")}
    env["LETTERBOX_SERVER_GROUP_COMMIT"] = "true" if group_commit else "false"
    env["LETTERBOX_LOG_LEVEL"] = "warning"
    env["LETTERBOX_FORM_RATE_LIMIT"] = "0"
    server, port = start_server(folder, store, env)
    try:
        script = os.path.join(root, "Benchmarks/wrk", {"sms": "kannel.lua", "sms-realistic": "kannel-realistic.lua", "form": "form.lua", "form-realistic": "form-realistic.lua"}[kind])
        out = subprocess.run(["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", "-s", script, f"http://127.0.0.1:{port}"],
                             env={**os.environ, "KANNEL_XML": corpus}, capture_output=True, text=True, check=True).stdout
    finally:
        server.terminate()
        server.wait(timeout=30)
    rate, p50, p99, total, non2xx, errors = parse_wrk(out)
    db = sqlite3.connect(store)
    stored = db.execute("SELECT COUNT(*) FROM raw_submissions WHERE disposition = 'accepted'").fetchone()[0]
    db.close()
    return {"rate": rate, "p50": p50, "p99": p99, "total": total, "non2xx": non2xx, "errors": errors, "stored": stored}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seconds", type=int, default=30)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--realistic", action="store_true", help="also many senders, each text different (Benchmarks/wrk/*-realistic.lua)")
    args = parser.parse_args()
    configs = [("sms", True, "SMS callbacks, group commit"), ("sms", False, "SMS callbacks, one commit per request"),
               ("form", True, "form posts, group commit")]
    if args.realistic:
        # Many senders, each text different, some follow-ups and resent duplicates; the flood of
        # one body above stays as the worst case.
        configs += [("sms-realistic", True, "SMS callbacks, realistic traffic"), ("form-realistic", True, "form posts, realistic traffic")]
    results = {label: [] for _, _, label in configs}
    for index in range(args.runs):
        for kind, group, label in configs:
            r = run(kind, group, args.seconds, args.connections)
            results[label].append(r)
            print(f"run {index + 1} {label}: {r['rate']:.0f}/s p50 {r['p50']:.2f} ms p99 {r['p99']:.2f} ms; "
                  f"{r['total']} requests, {r['non2xx']} non-2xx, stored {r['stored']}{'; socket errors ' + r['errors'] if r['errors'] else ''}", flush=True)
    print(f"\nmedians over {args.runs} runs, {args.connections} connections, {args.seconds} s each (wrk -t2):")
    medians = {}
    for _, _, label in configs:
        rows = results[label]
        medians[label] = statistics.median(r["rate"] for r in rows)
        print(f"  {label:42s} {medians[label]:8.0f}/s   p50 {statistics.median(r['p50'] for r in rows):6.2f} ms   p99 {statistics.median(r['p99'] for r in rows):7.2f} ms")
    ratio = medians["SMS callbacks, group commit"] / medians["SMS callbacks, one commit per request"]
    print(f"  group commit / one commit per request: {ratio:.2f}x")


if __name__ == "__main__":
    main()
