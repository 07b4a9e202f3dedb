#!/usr/bin/env python3
"""Webhook delivery benchmarks, against a local receiver that verifies every signature
(Standard Webhooks). Run after `swift build -c release`.

    python3 Benchmarks/bench_forward.py drain --events 5000 --runs 3
        N events queued while the receiver is down, then the time for `letterbox forward` to
        deliver them all: events per second.
    python3 Benchmarks/bench_forward.py rt --events 200
        A private Request Tracker 5 (`--max-workers 2`, SQLite; Debian's request-tracker5): the
        time for `letterbox forward` to make one ticket per case, and Letterbox's own CPU time
        as a share of it (the rest is RT).
    python3 Benchmarks/bench_forward.py latency --rate 100 --seconds 20
        `letterbox serve` with the webhook configured, web-form posts (JSON API, a different
        sender and text each) at a steady rate: latency from the event's commit to its receipt.
"""
import argparse, base64, hashlib, hmac, http.server, json, os, subprocess, sys, tempfile, threading, time

SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
KEY = base64.b64decode(SECRET[6:])


class Receiver(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    seen = set()
    bad = 0
    latencies = []
    lock = threading.Lock()

    def do_POST(self):
        body = self.rfile.read(int(self.headers["content-length"]))
        msg_id, ts, sig = self.headers["webhook-id"], self.headers["webhook-timestamp"], self.headers["webhook-signature"]
        mac = base64.b64encode(hmac.new(KEY, f"{msg_id}.{ts}.".encode() + body, hashlib.sha256).digest()).decode()
        ok = any(part == "v1," + mac for part in sig.split(" "))
        with Receiver.lock:
            if ok:
                Receiver.seen.add(msg_id)
                stamp = json.loads(body)["timestamp"]
                created = time.mktime(time.strptime(stamp[:19], "%Y-%m-%dT%H:%M:%S")) - time.timezone
                if "." in stamp:
                    created += float("0." + stamp[20:-1])
                Receiver.latencies.append(time.time() - created)
            else:
                Receiver.bad += 1
        self.send_response(204 if ok else 401)
        self.send_header("content-length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


def latency(args):
    import urllib.request
    folder = tempfile.mkdtemp(prefix="bench-forward-latency-")
    server = ReceiverServer(("127.0.0.1", 0), Receiver)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    config = os.path.join(folder, "letterbox.yaml")
    with open(config, "w") as out:
        out.write(f"form:\n  rateLimit: 0\nforward:\n  destinations: [crm]\n  crm:\n    type: webhook\n"
                  f"    url: http://127.0.0.1:{server.server_port}/hook\n    secret: {SECRET}\n")
    port_file = os.path.join(folder, "port")
    serve = subprocess.Popen([args.binary, "serve", "--port", "0", "--port-file", port_file, "--store", os.path.join(folder, "s.sqlite"),
                              "--config", config], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(200):
            if os.path.exists(port_file) and open(port_file).read().strip():
                break
            time.sleep(0.05)
        port = int(open(port_file).read())
        Receiver.seen, Receiver.latencies = set(), []
        total = int(args.rate * args.seconds)
        start = time.monotonic()
        for i in range(total):
            due = start + i / args.rate
            pause = due - time.monotonic()
            if pause > 0:
                time.sleep(pause)
            body = json.dumps({"kind": "complaint", "name": f"Tenant {i}", "email": f"t{i}@tenant.example",
                               "subject": f"Repair {i}", "message": f"The repair at flat {i} was missed {i % 7 + 2} times."}).encode()
            request = urllib.request.Request(f"http://127.0.0.1:{port}/api/v1/feedback", data=body, headers={"Content-Type": "application/json"})
            urllib.request.urlopen(request).read()
        deadline = time.monotonic() + 30
        while len(Receiver.seen) < total and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        serve.terminate()
        serve.wait()
        server.shutdown()
    values = sorted(Receiver.latencies)
    assert len(Receiver.seen) == total and Receiver.bad == 0, (len(Receiver.seen), total, Receiver.bad)
    pick = lambda q: values[min(len(values) - 1, int(q * len(values)))] * 1000
    print(f"{total} records at {args.rate}/s: commit to receipt p50 {pick(0.5):.0f} ms, p90 {pick(0.9):.0f} ms, p99 {pick(0.99):.0f} ms, max {values[-1] * 1000:.0f} ms")


class ReceiverServer(http.server.ThreadingHTTPServer):
    # The default listen backlog of 5 resets connections when 64 arrive at once.
    request_queue_size = 256
    daemon_threads = True


def make_store(folder, events, run=0):
    mbox = os.path.join(folder, "in.mbox")
    with open(mbox, "w") as out:
        for i in range(events):
            out.write(f"From t{i}@tenant.example Mon Nov 30 09:00:00 2026\nFrom: Tenant {i} <t{i}@tenant.example>\n"
                      f"To: complaints@housing.example\nSubject: Repair {i}\nMessage-ID: <bench-{run}-{i}@tenant.example>\n"
                      f"Date: Mon, 30 Nov 2026 09:00:00 +0000\n\nThe repair at flat {i} has not been done after {i % 9 + 2} visits.\n\n")
    return mbox


def rt(args):
    import socket
    folder = tempfile.mkdtemp(prefix="bench-forward-rt-")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with open(os.path.join(folder, "RT_SiteConfig.pm"), "w") as out:
        out.write(f"Set($rtname, 'bench'); Set($Organization, 'bench'); Set($DatabaseType, 'SQLite');\n"
                  f"Set($DatabaseName, '{folder}/rt.db'); Set($WebPath, ''); Set($WebPort, {port}); Set($WebDomain, '127.0.0.1');\n"
                  f"Set($WebBaseURL, 'http://127.0.0.1:{port}'); Set($MailCommand, 'testfile'); Set($LogToSTDERR, 'error'); Set($LogToSyslog, undef); 1;\n")
    with open(os.path.join(folder, "data.pl"), "w") as out:
        out.write("@Queues = ({ Name => 'Complaints' });\n@CustomFields = (map { { Name => $_, Type => 'FreeformSingle', "
                  "LookupType => 'RT::Queue-RT::Ticket', Queue => ['Complaints'] } } ('Letterbox reference', 'Channel', 'Kind'));\n1;\n")
    env = dict(os.environ, RT_SITE_CONFIG=os.path.join(folder, "RT_SiteConfig.pm"), RT_SITE_CONFIG_DIR=os.path.join(folder, "conf.d"))
    os.makedirs(os.path.join(folder, "conf.d"))
    for action in (["--action", "init", "--skip-create"], ["--action", "insert", "--datafile", os.path.join(folder, "data.pl")]):
        subprocess.run(["rt-setup-database-5"] + action, env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    server = subprocess.Popen(["/usr/share/request-tracker5/libexec/rt-server", "--host", "127.0.0.1", "--port", str(port), "--max-workers", "2"],
                              env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        import urllib.request
        for _ in range(600):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=1)
                break
            except Exception:
                time.sleep(0.1)
        store = os.path.join(folder, "letterbox.sqlite")
        subprocess.run([args.binary, "ingest", "mbox", make_store(folder, args.events), "--store", store], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        config = os.path.join(folder, "letterbox.yaml")
        with open(config, "w") as out:
            out.write(f"forward:\n  destinations: [rt]\n  timeoutSeconds: 60\n  batch: 4\n  rt:\n    type: request-tracker\n"
                      f"    url: http://127.0.0.1:{port}\n    user: root\n    password: password\n    queue: Complaints\n")
        before = os.times()
        start = time.monotonic()
        subprocess.run([args.binary, "forward", "--store", store, "--config", config], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        seconds = time.monotonic() - start
        after = os.times()
        cpu = (after.children_user - before.children_user) + (after.children_system - before.children_system)
        print(f"{args.events} tickets in {seconds:.1f} s = {args.events / seconds:.1f} tickets/s; Letterbox's CPU time {cpu:.2f} s "
              f"= {100 * cpu / seconds:.1f}% of the wall time (the rest is RT)")
    finally:
        subprocess.run(["pkill", "-9", "-f", f"rt-server --host 127.0.0.1 --port {port} "])


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("mode", choices=["drain", "latency", "rt"], nargs="?", default="drain")
    parser.add_argument("--events", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--rate", type=float, default=100)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--binary", default=os.environ.get("LETTERBOX_BIN", ".build/release/letterbox"))
    args = parser.parse_args()
    if args.mode == "latency":
        return latency(args)
    if args.mode == "rt":
        return rt(args)
    rates = []
    for run in range(args.runs):
        folder = tempfile.mkdtemp(prefix="bench-forward-")
        mbox = make_store(folder, args.events, run)
        store = os.path.join(folder, "letterbox.sqlite")
        subprocess.run([args.binary, "ingest", "mbox", mbox, "--store", store], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        server = ReceiverServer(("127.0.0.1", 0), Receiver)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        config = os.path.join(folder, "letterbox.yaml")
        with open(config, "w") as out:
            out.write(f"forward:\n  destinations: [crm]\n  crm:\n    type: webhook\n    url: http://127.0.0.1:{server.server_port}/hook\n    secret: {SECRET}\n")
        Receiver.seen, Receiver.bad = set(), 0
        start = time.monotonic()
        subprocess.run([args.binary, "forward", "--store", store, "--config", config], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        seconds = time.monotonic() - start
        server.shutdown()
        assert len(Receiver.seen) == args.events and Receiver.bad == 0, (len(Receiver.seen), Receiver.bad)
        rates.append(args.events / seconds)
        print(f"run {run + 1}: {args.events} events delivered and verified in {seconds:.2f} s = {args.events / seconds:.0f} events/s")
    rates.sort()
    print(f"median: {rates[len(rates) // 2]:.0f} events/s (drain of {args.events} queued events)")


if __name__ == "__main__":
    sys.exit(main())
