#!/usr/bin/env python3
"""SMS callbacks under wrk: one `letterbox serve` on SQLite, one on PostgreSQL, and two on one
PostgreSQL (issue 16), interleaved round by round in one session (the machine is shared and
noisy: only figures from the same run compare).

The load is the same in every configuration: 16 connections in all (two wrk processes of 8, one
per instance, for two instances), Kannel post-xml callbacks as wrk/kannel-realistic.lua makes
them (many senders, each text different, follow-ups and resent duplicates), and the flood of one
body from one sender (wrk/kannel.lua) as the worst case. After each run the store must hold an
accepted submission for every 200 wrk counted.

PostgreSQL is a throwaway server from Debian's package, on a Unix socket, with fsync on (as a
landlord would run it), started once for the session; each run gets a new database.

    python3 Benchmarks/bench_instances.py [--rounds 3] [--seconds 10]
    LETTERBOX_BIN=.build/release/letterbox (default) must be built first.
"""
import argparse
import glob
import os
import shutil
import sqlite3
import statistics
import subprocess
import tempfile
import time

from bench_server import binary, corpus, parse_wrk, root, start_server


class Postgres:
    def __init__(self):
        versions = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
        if not versions:
            raise SystemExit("PostgreSQL is not installed: apt-get install postgresql")
        self.bin = os.path.dirname(versions[-1])
        self.folder = tempfile.mkdtemp(prefix="letterbox-pg-")
        self.port = 25000 + os.getpid() % 10000
        if os.getuid() == 0:
            shutil.chown(self.folder, "postgres")
        self.sh(f"{self.bin}/initdb -D {self.folder}/data -U postgres -A trust -E UTF8 > {self.folder}/initdb.log 2>&1")
        self.sh(f"{self.bin}/pg_ctl -D {self.folder}/data -l {self.folder}/pg.log -w -o \"-k {self.folder} -p {self.port} -c listen_addresses='' -c max_connections=100\" start > /dev/null")

    def sh(self, command):
        if os.getuid() == 0:
            command = f"su postgres -s /bin/sh -c '{command}'"
        subprocess.run(command, shell=True, check=True, cwd=self.folder)

    def url(self, database):
        return f"postgres://postgres@/{database}?host={self.folder}&port={self.port}"

    def create(self, database):
        self.sh(f"{self.bin}/createdb -h {self.folder} -p {self.port} -U postgres {database}")

    def count(self, database):
        out = subprocess.run(["psql", "-X", "-At", "-h", self.folder, "-p", str(self.port), "-U", "postgres", "-d", database, "-c",
                              "SELECT count(*) FROM raw_submissions WHERE disposition = 'accepted'"], capture_output=True, text=True, check=True)
        return int(out.stdout.strip())

    def stop(self):
        self.sh(f"{self.bin}/pg_ctl -D {self.folder}/data -m fast -w stop > /dev/null")
        shutil.rmtree(self.folder, ignore_errors=True)


def run(kind, backend, instances, seconds, postgres, number):
    folder = tempfile.mkdtemp(prefix="letterbox-bench-")
    env = {k: v for k, v in os.environ.items() if not k.startswith("LETTERBOX_")}
    env["LETTERBOX_LOG_LEVEL"] = "warning"
    if backend == "sqlite":
        store = os.path.join(folder, "letterbox.sqlite")
    else:
        database = f"bench{number}"
        postgres.create(database)
        store = postgres.url(database)
        # The schema first, so that the instances do not race to create it at start-up.
        subprocess.run([binary, "store", "check", "--store", store], env=env, capture_output=True, check=True)
    servers = []
    for index in range(instances):
        instance_folder = os.path.join(folder, f"i{index}")
        os.makedirs(instance_folder)
        servers.append(start_server(instance_folder, store, env))
    script = os.path.join(root, "Benchmarks/wrk", {"sms": "kannel.lua", "sms-realistic": "kannel-realistic.lua"}[kind])
    try:
        per = 16 // instances
        loads = [subprocess.Popen(["wrk", "-t1" if instances > 1 else "-t2", f"-c{per}", f"-d{seconds}s", "--latency", "-s", script,
                                   f"http://127.0.0.1:{port}"], env={**os.environ, "KANNEL_XML": corpus, "WRK_THREAD_BASE": str(index * 50)},
                                  stdout=subprocess.PIPE, text=True) for index, (_, port) in enumerate(servers)]
        outs = [load.communicate()[0] for load in loads]
    finally:
        for server, _ in servers:
            server.terminate()
            server.wait(timeout=30)
    parsed = [parse_wrk(out) for out in outs]
    rate = sum(p[0] for p in parsed)
    p99 = max(p[2] for p in parsed)
    total = sum(p[3] for p in parsed)
    non2xx = sum(p[4] for p in parsed)
    if backend == "sqlite":
        db = sqlite3.connect(store)
        stored = db.execute("SELECT COUNT(*) FROM raw_submissions WHERE disposition = 'accepted'").fetchone()[0]
        db.close()
    else:
        stored = postgres.count(database)
    shutil.rmtree(folder, ignore_errors=True)
    return {"rate": rate, "p99": p99, "total": total, "non2xx": non2xx, "stored": stored}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=int, default=10)
    args = parser.parse_args()
    postgres = Postgres()
    configs = [(kind, backend, n) for kind in ("sms-realistic", "sms") for backend, n in (("sqlite", 1), ("postgres", 1), ("postgres", 2))]
    results = {config: [] for config in configs}
    number = 0
    try:
        for round_number in range(args.rounds):
            for kind, backend, n in configs:
                number += 1
                r = run(kind, backend, n, args.seconds, postgres, number)
                results[(kind, backend, n)].append(r)
                print(f"round {round_number + 1} {kind:13s} {backend:8s} x{n}: {r['rate']:.0f}/s p99 {r['p99']:.1f} ms; "
                      f"{r['total']} requests, {r['non2xx']} non-2xx, stored {r['stored']}", flush=True)
    finally:
        postgres.stop()
    print(f"\nmedians over {args.rounds} rounds, 16 connections in all, {args.seconds} s each:")
    for config in configs:
        rows = results[config]
        kind, backend, n = config
        print(f"  {kind:13s} {backend:8s} x{n}: {statistics.median(r['rate'] for r in rows):6.0f}/s   p99 {statistics.median(r['p99'] for r in rows):7.1f} ms")


if __name__ == "__main__":
    main()
