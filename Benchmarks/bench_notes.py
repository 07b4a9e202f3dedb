#!/usr/bin/env python3
"""Phone-note intake benchmarks for issue 2, with a baseline measured in the same run.

1. Folder ingest: N generated notes (default 10,000) through `letterbox ingest notes DIR`
   into a fresh store: notes/s and peak RSS, median of --runs runs.
2. Start-up: one note through `letterbox ingest notes FILE`, process start to exit,
   median of 20 runs into an existing store.

Baseline: a minimal Python equivalent of the same durable work (read the file, SHA-256,
insert the raw bytes and a row into SQLite in WAL mode with synchronous=FULL, one
transaction per batch of 256), so the ratio shows what Letterbox's extra work costs.

Usage: swift build -c release && python3 Benchmarks/bench_notes.py [--count 10000] [--runs 3]
"""
import argparse, hashlib, os, random, shutil, sqlite3, statistics, subprocess, sys, tempfile, time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# LETTERBOX_BIN=path measures another build (an earlier commit, side by side).
BIN = os.environ.get("LETTERBOX_BIN") or os.path.join(ROOT, ".build", "release", "letterbox")

FIRST = ["Sandra", "Daniel", "Joan", "Tomasz", "Amira", "Hamza", "Grace", "Peter", "Zoë", "Gwenllïan", "Kwame", "Rachel"]
LAST = ["Okafor", "Price", "Whitaker", "Nowak", "Haddad", "Ali", "Adeyemi", "Lindqvist", "Brontë", "Prŷs", "Mensah", "Green"]
TOPICS = [
    ("Kitchen tap leak", "The kitchen tap has leaked since January and water is getting into the cupboard."),
    ("Mould in bedroom", "Black mould has come back on the outside wall of the back bedroom."),
    ("Thanks to caretaker", "The caretaker cleared the path after the storm and checked on older residents."),
    ("Lift out of order", "The lift has been broken for six days and a wheelchair user cannot leave the flat."),
    ("Service charge", "The service charge went up but the communal cleaning has not happened."),
    ("Missed appointment", "Nobody came to the gas safety check and nobody called to say why."),
]


def make_notes(folder, count, seed=2):
    rng = random.Random(seed)
    os.makedirs(folder, exist_ok=True)
    for i in range(count):
        subject, text = rng.choice(TOPICS)
        name = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
        day, month, hour, minute = rng.randint(1, 28), rng.randint(1, 12), rng.randint(8, 18), rng.randint(0, 59)
        note = (
            f"Caller: {name}\nPhone: 07700 9{i:05d}\nPostcode: LS{rng.randint(1, 29)} {rng.randint(1, 9)}AB\n"
            f"Tenancy ref: T-{100000 + i}\nTaken by: Priya\nCall date: {day:02d}/{month:02d}/2026 {hour:02d}:{minute:02d}\n"
            f"Subject: {subject}\n\n{text}\nNote number {i}.\n" + "More detail from the call. " * rng.randint(2, 20) + "\n"
        )
        with open(os.path.join(folder, f"note-{i:06d}.txt"), "w", encoding="utf-8", newline="\r\n" if i % 3 == 0 else "\n") as f:
            f.write(note)


def run(cmd, env=None):
    """Runs a command; returns (seconds, peak RSS in MB, exit status)."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    return elapsed, usage.ru_maxrss / 1024.0, proc.returncode


BASELINE = r'''
import hashlib, os, sqlite3, sys
store, paths = sys.argv[1], sys.argv[2:]
files = []
for p in paths:
    if os.path.isdir(p):
        files += sorted(os.path.join(p, n) for n in os.listdir(p) if not n.startswith("."))
    else:
        files.append(p)
db = sqlite3.connect(store, isolation_level=None)
db.execute("PRAGMA journal_mode=WAL"); db.execute("PRAGMA synchronous=FULL")
db.execute("CREATE TABLE IF NOT EXISTS raw (id INTEGER PRIMARY KEY, sha TEXT UNIQUE, data BLOB)")
db.execute("CREATE TABLE IF NOT EXISTS rec (id INTEGER PRIMARY KEY, raw INTEGER, caller TEXT, body TEXT)")
for i in range(0, len(files), 256):
    batch = []
    for f in files[i:i + 256]:
        data = open(f, "rb").read()
        batch.append((hashlib.sha256(data).hexdigest(), data))
    db.execute("BEGIN")
    for sha, data in batch:
        db.execute("INSERT OR IGNORE INTO raw (sha, data) VALUES (?, ?)", (sha, data))
    db.execute("COMMIT")
    db.execute("BEGIN")
    for sha, data in batch:
        text = data.decode("utf-8")
        head, _, body = text.replace("\r\n", "\n").partition("\n\n")
        fields = dict(l.split(":", 1) for l in head.split("\n") if ":" in l)
        db.execute("INSERT INTO rec (raw, caller, body) VALUES ((SELECT id FROM raw WHERE sha=?), ?, ?)",
                   (sha, fields.get("Caller", "").strip(), body.strip()))
    db.execute("COMMIT")
'''


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--count", type=int, default=10000)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--startup-runs", type=int, default=20)
    args = ap.parse_args()
    if not os.path.exists(BIN):
        sys.exit(f"{BIN} not found: run `swift build -c release` first")
    work = tempfile.mkdtemp(prefix="letterbox-bench-")
    notes = os.path.join(work, "notes")
    make_notes(notes, args.count)
    size_mb = sum(os.path.getsize(os.path.join(notes, n)) for n in os.listdir(notes)) / 1e6
    baseline_py = os.path.join(work, "baseline.py")
    open(baseline_py, "w").write(BASELINE)
    env = {k: v for k, v in os.environ.items() if not k.startswith("LETTERBOX_")}

    def fresh(name):
        path = os.path.join(work, name)
        for suffix in ("", "-wal", "-shm"):
            if os.path.exists(path + suffix):
                os.remove(path + suffix)
        return path

    print(f"Folder ingest: {args.count} notes, {size_mb:.1f} MB, {args.runs} runs each, fresh store each run")
    lb, py = [], []
    for _ in range(args.runs):
        t, rss, code = run([BIN, "ingest", "notes", notes, "--store", fresh("lb.sqlite")], env)
        assert code == 0, f"letterbox exited {code}"
        lb.append((t, rss))
        t, rss, code = run([sys.executable, baseline_py, fresh("py.sqlite"), notes])
        assert code == 0
        py.append((t, rss))
    lb_t = statistics.median(t for t, _ in lb)
    py_t = statistics.median(t for t, _ in py)
    print(f"  letterbox : median {lb_t:.2f} s = {args.count / lb_t:,.0f} notes/s, peak RSS {max(r for _, r in lb):.0f} MB")
    print(f"  baseline  : median {py_t:.2f} s = {args.count / py_t:,.0f} notes/s, peak RSS {max(r for _, r in py):.0f} MB (minimal Python)")
    print(f"  ratio     : letterbox runs at {py_t / lb_t:.2f}x the baseline's rate")

    one = os.path.join(notes, "note-000042.txt")
    store = fresh("startup.sqlite")
    run([BIN, "ingest", "notes", notes + "/note-000001.txt", "--store", store], env)  # create the store first
    pystore = fresh("startup-py.sqlite")
    run([sys.executable, baseline_py, pystore, notes + "/note-000001.txt"])
    lbs, pys, trues = [], [], []
    for i in range(args.startup_runs):
        note = os.path.join(notes, f"note-{i + 100:06d}.txt")
        lbs.append(run([BIN, "ingest", "notes", note, "--store", store], env)[0])
        pys.append(run([sys.executable, baseline_py, pystore, note])[0])
        trues.append(run(["/bin/true"])[0])
    print(f"One note per process, {args.startup_runs} runs (each a new note into an existing store):")
    print(f"  letterbox : median {statistics.median(lbs) * 1000:.1f} ms (target < 30 ms)")
    print(f"  baseline  : median {statistics.median(pys) * 1000:.1f} ms (minimal Python)")
    print(f"  /bin/true : median {statistics.median(trues) * 1000:.1f} ms (process start floor)")
    print(f"  ratio     : letterbox takes {statistics.median(lbs) / statistics.median(pys):.2f}x the baseline's time")
    shutil.rmtree(work)


if __name__ == "__main__":
    main()
