#!/usr/bin/env python3
"""Peak memory of `letterbox serve` under hostile bodies, at the default limits (issue 15, item 2).

    swift build -c release --product letterbox
    python3 Benchmarks/bench_hostile.py [--forms 4] [--file-mb 9.9]

Starts the release server on a fresh store, then at once: FORMS multipart posts to /feedback
with five photos of FILE_MB each (the form's own limit), a 50 MB JSON post, a 5 MB urlencoded
post and a 60 MB chunked post. Prints each answer and the server's peak RSS (VmHWM) before and
after. LETTERBOX_BIN names another build; extra settings go in the environment (LETTERBOX_*).
"""
import argparse, json, os, socket, sys, tempfile, threading, time

from bench_server import start_server  # the same binary (LETTERBOX_BIN) and start-up


def peak_mb(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) // 1024
    return 0


def exchange(port, data):
    s = socket.create_connection(("127.0.0.1", port), timeout=300)
    try:
        try:
            s.sendall(data)
        except (BrokenPipeError, ConnectionResetError):
            pass
        chunks = []
        while True:
            try:
                chunk = s.recv(65536)
            except ConnectionResetError:
                break
            if not chunk:
                break
            chunks.append(chunk)
        reply = b"".join(chunks)
        return int(reply.split(b" ", 2)[1]) if reply.startswith(b"HTTP/1.1 ") else -1
    finally:
        s.close()


def post(port, path, body, content_type, chunked=False):
    head = f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nContent-Type: {content_type}\r\n"
    if chunked:
        parts = [head.encode() + b"Transfer-Encoding: chunked\r\n\r\n"]
        for i in range(0, len(body), 1 << 20):
            piece = body[i:i + (1 << 20)]
            parts.append(f"{len(piece):x}\r\n".encode() + piece + b"\r\n")
        parts.append(b"0\r\n\r\n")
        return exchange(port, b"".join(parts))
    return exchange(port, head.encode() + f"Content-Length: {len(body)}\r\n\r\n".encode() + body)


def multipart(boundary, index, files, size):
    out = [f"--{boundary}\r\nContent-Disposition: form-data; name=\"message\"\r\n\r\nDamp in every room, photos {index} attached.\r\n".encode(),
           f"--{boundary}\r\nContent-Disposition: form-data; name=\"name\"\r\n\r\nPat Jones\r\n".encode()]
    for f in range(files):
        out.append(f"--{boundary}\r\nContent-Disposition: form-data; name=\"attachments\"; filename=\"photo{f}.jpg\"\r\nContent-Type: image/jpeg\r\n\r\n".encode())
        out.append(os.urandom(size))
        out.append(b"\r\n")
    out.append(f"--{boundary}--\r\n".encode())
    return b"".join(out)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--forms", type=int, default=4)
    parser.add_argument("--file-mb", type=float, default=9.9)
    args = parser.parse_args()
    folder = tempfile.mkdtemp(prefix="letterbox-hostile-")
    env = dict(os.environ)
    env.setdefault("LETTERBOX_FORM_RATE_LIMIT", "0")
    server, port = start_server(folder, os.path.join(folder, "s.sqlite"), env)
    try:
        idle = peak_mb(server.pid)
        boundary = "----LetterboxHostile"
        size = int(args.file_mb * 1_000_000)
        jobs = [("form %d" % i, "/feedback", multipart(boundary, i, 5, size), f"multipart/form-data; boundary={boundary}", False) for i in range(args.forms)]
        jobs.append(("json 50 MB", "/api/v1/feedback", b'{"message":"' + b"a" * 50_000_000 + b'"}', "application/json", False))
        jobs.append(("urlencoded 5 MB", "/feedback", b"message=" + b"a" * 5_000_000, "application/x-www-form-urlencoded", False))
        jobs.append(("chunked 60 MB", "/feedback", b"b" * 60_000_000, f"multipart/form-data; boundary={boundary}", True))
        answers = {}
        started = time.time()

        def run(job):
            began = time.time()
            status = post(port, job[1], job[2], job[3], job[4])
            answers[job[0]] = "%d after %.1f s" % (status, time.time() - began)

        threads = [threading.Thread(target=run, args=(j,)) for j in jobs]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        elapsed = time.time() - started
        print(json.dumps({"answers": answers, "form_body_mb": round(len(jobs[0][2]) / 1e6, 1) if args.forms else 0,
                          "idle_peak_rss_mb": idle, "peak_rss_mb": peak_mb(server.pid), "seconds": round(elapsed, 1)}, indent=2))
    finally:
        server.terminate()
        server.wait()


if __name__ == "__main__":
    sys.exit(main())
