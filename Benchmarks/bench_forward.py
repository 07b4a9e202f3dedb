#!/usr/bin/env python3
"""Webhook delivery benchmark: N events queued while the receiver is down, then the time for
`letterbox forward` to deliver them all to a local receiver that verifies every signature
(Standard Webhooks). Prints events per second; run after `swift build -c release`.

    python3 Benchmarks/bench_forward.py --events 5000 --runs 3
"""
import argparse, base64, hashlib, hmac, http.server, json, os, subprocess, sys, tempfile, threading, time

SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
KEY = base64.b64decode(SECRET[6:])


class Receiver(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    seen = set()
    bad = 0
    lock = threading.Lock()

    def do_POST(self):
        body = self.rfile.read(int(self.headers["content-length"]))
        msg_id, ts, sig = self.headers["webhook-id"], self.headers["webhook-timestamp"], self.headers["webhook-signature"]
        mac = base64.b64encode(hmac.new(KEY, f"{msg_id}.{ts}.".encode() + body, hashlib.sha256).digest()).decode()
        ok = any(part == "v1," + mac for part in sig.split(" "))
        with Receiver.lock:
            if ok:
                Receiver.seen.add(msg_id)
            else:
                Receiver.bad += 1
        self.send_response(204 if ok else 401)
        self.send_header("content-length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--binary", default=os.environ.get("LETTERBOX_BIN", ".build/release/letterbox"))
    args = parser.parse_args()
    rates = []
    for run in range(args.runs):
        folder = tempfile.mkdtemp(prefix="bench-forward-")
        mbox = os.path.join(folder, "in.mbox")
        with open(mbox, "w") as out:
            for i in range(args.events):
                out.write(f"From t{i}@tenant.example Mon Nov 30 09:00:00 2026\nFrom: Tenant {i} <t{i}@tenant.example>\n"
                          f"To: complaints@housing.example\nSubject: Repair {i}\nMessage-ID: <bench-{run}-{i}@tenant.example>\n"
                          f"Date: Mon, 30 Nov 2026 09:00:00 +0000\n\nThe repair at flat {i} has not been done after {i % 9 + 2} visits.\n\n")
        store = os.path.join(folder, "letterbox.sqlite")
        subprocess.run([args.binary, "ingest", "mbox", mbox, "--store", store], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
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
