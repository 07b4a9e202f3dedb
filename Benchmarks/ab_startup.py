#!/usr/bin/env python3
"""One-process-per-submission start-up of two or more builds, interleaved run by run (the
machine is shared and noisy: only builds alternated in one run compare).

  python3 Benchmarks/ab_startup.py email BIN_A BIN_B [--runs 40]
      `ingest email < message`, each build into its own store, no server: the pipe on its own.
  python3 Benchmarks/ab_startup.py email-serve BIN_A BIN_B [--runs 40]
      the same, every build handing over to one `serve` (the first build's) on one store.
  python3 Benchmarks/ab_startup.py notes BIN_A BIN_B [--runs 30]
      `ingest notes FILE`, one generated note per process, each build into its own store.

Prints the median, p10 and p90 wall time per build. AB_SAMPLE=FILE pipes that message instead
of Samples/email/04-outlook-windows-1252.eml. Work goes to bench-out/ab/ (git-ignored).
"""
import argparse, os, shutil, statistics, subprocess, sys, time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "bench-out", "ab")
# AB_SAMPLE=FILE pipes another message (a large one: over 16 KB goes to the file of large blobs).
SAMPLE = os.environ.get("AB_SAMPLE") or os.path.join(ROOT, "Samples", "email", "04-outlook-windows-1252.eml")


def fresh(name):
    path = os.path.join(OUT, name)
    for suffix in ("", "-wal", "-shm", "-reserve", ".sock"):
        if os.path.exists(path + suffix):
            os.remove(path + suffix)
    return path


def note(i):
    path = os.path.join(OUT, "notes", f"note-{i:06d}.txt")
    with open(path, "w") as f:
        f.write(f"Call taken: 03/04/2026 10:{i % 60:02d}\nCaller: Tenant {i}\nPhone: 07700 900{i % 1000:03d}\n"
                f"Address: {i} Rose Court, Leeds LS1 4AB\n\nCaller said the kitchen tap has been leaking for a week "
                f"(call {i}) and asked when someone will come.\n")
    return path


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("what", choices=["email", "email-serve", "notes"])
    parser.add_argument("binaries", nargs="+")
    parser.add_argument("--runs", type=int, default=40)
    args = parser.parse_args()
    os.makedirs(os.path.join(OUT, "notes"), exist_ok=True)
    bins = [os.path.abspath(b) for b in args.binaries]
    raw = open(SAMPLE, "rb").read()
    server = None
    if args.what == "email-serve":
        shared = fresh("served.sqlite")
        port_file = os.path.join(OUT, "serve.port")
        if os.path.exists(port_file):
            os.remove(port_file)
        server = subprocess.Popen([bins[0], "serve", "--store", shared, "--port", "0", "--port-file", port_file],
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for _ in range(300):
            if os.path.exists(shared + ".sock"):
                break
            time.sleep(0.05)
        else:
            server.terminate()
            sys.exit("serve made no local socket (a build from before it?)")
        stores = {b: shared for b in bins}
    else:
        stores = {b: fresh(f"{i}-{os.path.basename(b)}.sqlite") for i, b in enumerate(bins)}
    try:
        for b in bins:  # create and migrate each store once
            if args.what == "notes":
                subprocess.run([b, "ingest", "notes", note(0), "--store", stores[b]], capture_output=True)
            else:
                subprocess.run([b, "ingest", "email", "--store", stores[b]], input=raw, capture_output=True, check=True)
        times = {b: [] for b in bins}
        for i in range(args.runs):
            for j, b in enumerate(bins if i % 2 == 0 else list(reversed(bins))):
                if args.what == "notes":
                    command, stdin = [b, "ingest", "notes", note(1 + i * len(bins) + j), "--store", stores[b]], None
                else:
                    stdin = raw.replace(b"Message-ID: <", f"Message-ID: <ab{time.time_ns()}.{i}.{j}.".encode(), 1)
                    command = [b, "ingest", "email", "--store", stores[b]]
                t0 = time.perf_counter()
                p = subprocess.run(command, input=stdin, capture_output=True)
                times[b].append(time.perf_counter() - t0)
                if p.returncode not in (0, 65):
                    sys.exit(f"{' '.join(command)} exited {p.returncode}: {p.stderr.decode()[-500:]}")
    finally:
        if server:
            server.terminate()
            server.wait()
    for b in bins:
        t = sorted(times[b])
        print(f"{statistics.median(t) * 1000:6.1f} ms median  p10 {t[len(t) // 10] * 1000:5.1f}  p90 {t[int(len(t) * 0.9)] * 1000:5.1f}  {b}")


if __name__ == "__main__":
    main()
