#!/usr/bin/env python3
"""Email benchmarks for Letterbox, each against a baseline measured in the same run.

  python3 Benchmarks/bench_email.py mbox [--count 20000 --seed 7] [--runs 3]
      End to end (split, parse, normalise, dedupe, durable commit) on the generated corpus,
      against Python's standard email package parsing the same mbox (policy.default, every
      text part decoded: ../shared/corpora/bench_python_email.py). Medians, messages/s, MB/s,
      peak RSS, and the ratio.
  python3 Benchmarks/bench_email.py rss --mbox BIG.mbox
      Peak RSS importing one (large) mbox into a fresh store.
  python3 Benchmarks/bench_email.py pipe [--runs 30]
      `letterbox ingest email < message` per process, into an existing store, interleaved: on its
      own, and handing over to a running `serve` (local delivery socket); /bin/true as the floor.

Needs `swift build -c release`; LETTERBOX_BIN=path measures another build (for example the
self-contained one from `swift build -c release --static-swift-stdlib`, as README "Install"
recommends). Generated data goes to bench-out/ (git-ignored).
"""
import argparse, json, os, re, statistics, subprocess, sys, time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SHARED = os.path.join(os.path.dirname(ROOT), "shared", "corpora")
BIN = os.environ.get("LETTERBOX_BIN") or os.path.join(ROOT, ".build", "release", "letterbox")
OUT = os.path.join(ROOT, "bench-out")


def timed(cmd, stdin=None):
    """Wall seconds and peak RSS (KB) of a command, through GNU time."""
    t0 = time.perf_counter()
    p = subprocess.run(["/usr/bin/time", "-f", "RSSKB %M"] + cmd, stdin=stdin, capture_output=True, text=True)
    wall = time.perf_counter() - t0
    m = re.search(r"RSSKB (\d+)", p.stderr)
    if p.returncode not in (0, 65):
        sys.exit(f"failed ({p.returncode}): {' '.join(cmd)}\n{p.stderr[-2000:]}")
    return wall, int(m.group(1)) if m else 0, p


def fresh_store(name):
    os.makedirs(OUT, exist_ok=True)
    path = os.path.join(OUT, name)
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(path + suffix):
            os.remove(path + suffix)
    return path


def corpus(count, seed):
    os.makedirs(OUT, exist_ok=True)
    path = os.path.join(OUT, f"corpus-{count}-{seed}.mbox")
    if not os.path.exists(path):
        subprocess.run([sys.executable, os.path.join(SHARED, "gen_corpus.py"), "--count", str(count), "--seed", str(seed), "--mbox", path], check=True, stdout=subprocess.DEVNULL)
    return path


def bench_mbox(args):
    path = args.mbox or corpus(args.count, args.seed)
    size_mb = os.path.getsize(path) / 1e6
    ours, theirs, rss = [], [], []
    messages = None
    for run in range(args.runs):
        store = fresh_store("bench.sqlite")
        wall, kb, p = timed([BIN, "ingest", "mbox", "--store", store, path])
        ours.append(wall)
        rss.append(kb)
        summary = [l for l in p.stderr.strip().splitlines() if not l.startswith("RSSKB")]
        py = subprocess.run([sys.executable, os.path.join(SHARED, "bench_python_email.py"), "mbox", path], capture_output=True, text=True, check=True)
        stats = json.loads(py.stdout)
        messages = stats["messages"]
        theirs.append(stats["seconds"])
        print(f"run {run + 1}: letterbox {wall:.2f}s ({kb // 1024} MB peak), python email {stats['seconds']:.2f}s", file=sys.stderr)
    o, t = statistics.median(ours), statistics.median(theirs)
    print(json.dumps({
        "input": os.path.basename(path), "messages": messages, "mbox_mb": round(size_mb, 1), "runs": args.runs,
        "letterbox_median_s": round(o, 2), "letterbox_msgs_per_s": round(messages / o), "letterbox_mb_per_s": round(size_mb / o, 1),
        "letterbox_peak_rss_mb": max(rss) // 1024,
        "python_median_s": round(t, 2), "python_msgs_per_s": round(messages / t),
        "ratio_vs_python": round(t / o, 2), "letterbox_summary": summary[-1] if summary else "",
    }, indent=2))


def bench_rss(args):
    store = fresh_store("rss.sqlite")
    wall, kb, p = timed([BIN, "ingest", "mbox", "--store", store, args.mbox])
    print(json.dumps({"input": args.mbox, "mbox_gb": round(os.path.getsize(args.mbox) / 1e9, 2), "seconds": round(wall, 1),
                      "peak_rss_mb": kb // 1024, "summary": [l for l in p.stderr.strip().splitlines() if not l.startswith("RSSKB")][-1]}, indent=2))


def bench_pipe(args):
    """Interleaved: the pipe committing on its own (no server on its store), and the pipe
    handing over to a running `serve` on its local delivery socket (another store)."""
    sample = os.path.join(ROOT, "Samples", "email", "04-outlook-windows-1252.eml")
    direct = fresh_store("pipe.sqlite")
    served = fresh_store("pipe-served.sqlite")
    if os.path.exists(served + ".sock"):
        os.remove(served + ".sock")
    port_file = os.path.join(OUT, "pipe-serve.port")
    if os.path.exists(port_file):
        os.remove(port_file)
    server = subprocess.Popen([BIN, "serve", "--store", served, "--port", "0", "--port-file", port_file],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(300):
            if os.path.exists(port_file) and os.path.exists(served + ".sock"):
                break
            time.sleep(0.05)
        else:
            if not os.path.exists(port_file):
                sys.exit("serve did not start")
            served = None  # a build from before the local delivery socket: the direct path only
        stores = [store for store in (direct, served) if store]
        # Warm each store (create, migrate) once.
        for store in stores:
            with open(sample, "rb") as f:
                subprocess.run([BIN, "ingest", "email", "--store", store], stdin=f, capture_output=True, check=True)
        ours, handed, floor = [], [], []
        for i in range(args.runs):
            data = open(sample, "rb").read().replace(b"Message-ID: <", f"Message-ID: <run{i}.".encode(), 1)
            for store, times in zip(stores, (ours, handed)):
                t0 = time.perf_counter()
                p = subprocess.run([BIN, "ingest", "email", "--store", store], input=data, capture_output=True)
                times.append(time.perf_counter() - t0)
                assert p.returncode == 0 and p.stdout.startswith(b"accepted"), p.stderr
            t0 = time.perf_counter()
            subprocess.run(["/bin/true"], input=data, capture_output=True)
            floor.append(time.perf_counter() - t0)
    finally:
        server.terminate()
        server.wait()
    ms = lambda xs: round(statistics.median(xs) * 1000, 1)
    p90 = lambda xs: round(sorted(xs)[int(len(xs) * 0.9)] * 1000, 1)
    print(json.dumps({"runs": args.runs,
                      "direct_median_ms": ms(ours), "direct_p90_ms": p90(ours),
                      "handed_to_serve_median_ms": ms(handed) if handed else None,
                      "handed_to_serve_p90_ms": p90(handed) if handed else None,
                      "bin_true_median_ms": ms(floor), "target_ms": 20}, indent=2))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("what", choices=["mbox", "rss", "pipe"])
    parser.add_argument("--count", type=int, default=20000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--mbox")
    args = parser.parse_args()
    if not os.path.exists(BIN):
        sys.exit("build first: swift build -c release")
    {"mbox": bench_mbox, "rss": bench_rss, "pipe": bench_pipe}[args.what](args)


if __name__ == "__main__":
    main()
