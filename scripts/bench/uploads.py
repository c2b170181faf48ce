#!/usr/bin/env python3
"""Large uploads (issue 15, item 5): N parallel uploads of SIZE MiB (an MP4 header, then
zeros) by a token of ROLE — an observer may not upload, a coordinator may; the server's
resident memory before, at its peak (VmHWM) and after, and the answers. Starts its own
server (`--demo`, temporary data dir).
Usage: uploads.py --bin target/debug/otklik [-n 8] [--mib 99] [--role observer|coordinator]
"""
import argparse
import collections
import http.client
import os
import socket
import subprocess
import tempfile
import threading
import time

MIB = 1024 * 1024


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def rss(pid, field):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1]) * 1024
    return 0


def upload(port, token, mib, out, i):
    boundary = "bench-boundary"
    head = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"big.mp4\"\r\n"
            f"Content-Type: video/mp4\r\n\r\n").encode()
    tail = f"\r\n--{boundary}--\r\n".encode()
    chunk = b"\0" * MIB
    # An MP4 `ftyp` box first, so that the content is a video to the server.
    mp4 = b"\0\0\0\x20ftypisom\0\0\x02\0isomiso2avc1mp41"
    first = mp4 + chunk[len(mp4):]
    length = len(head) + mib * MIB + len(tail)
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    try:
        conn.putrequest("POST", "/api/v1/messages/1/attachments")
        conn.putheader("Authorization", f"Bearer {token}")
        conn.putheader("Content-Type", f"multipart/form-data; boundary={boundary}")
        conn.putheader("Content-Length", str(length))
        conn.endheaders()
        conn.send(head)
        for n in range(mib):
            conn.send(first if n == 0 else chunk)
        conn.send(tail)
        res = conn.getresponse()
        out[i] = res.status
    except OSError:
        # The server answered early and closed: read what it said.
        try:
            out[i] = conn.getresponse().status
        except Exception as e:  # noqa: BLE001 - any failure is reported as such
            out[i] = f"error {e.__class__.__name__}"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default="target/debug/otklik")
    ap.add_argument("-n", type=int, default=8)
    ap.add_argument("--mib", type=int, default=99)
    ap.add_argument("--role", default="observer")
    args = ap.parse_args()
    data = tempfile.mkdtemp(prefix="otklik-bench-")
    port = free_port()
    proc = subprocess.Popen(
        [args.bin, "serve", "--demo", "--addr", f"127.0.0.1:{port}", "--data-dir", data],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=dict(os.environ, OTKLIK_LOG="warn"))
    try:
        for _ in range(300):
            try:
                c = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
                c.request("GET", "/login")
                if c.getresponse().status == 200:
                    break
            except OSError:
                time.sleep(0.1)
        token = subprocess.run([args.bin, "token", "add", "--name", "bench", "--role", args.role,
                                "--data-dir", data], check=True, capture_output=True,
                               text=True).stdout.strip().splitlines()[-1]
        time.sleep(1)
        before = rss(proc.pid, "VmRSS")
        out = [None] * args.n
        threads = [threading.Thread(target=upload, args=(port, token, args.mib, out, i)) for i in range(args.n)]
        started = time.time()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        took = time.time() - started
        peak = rss(proc.pid, "VmHWM")
        time.sleep(3)
        after = rss(proc.pid, "VmRSS")
        print(f"{args.n} parallel {args.mib} MiB uploads by a token of {args.role}: RSS before {before / MIB:.0f} MB, "
              f"peak {peak / MIB:.0f} MB, 3 s after {after / MIB:.0f} MB; {took:.1f} s; "
              f"answers {dict(collections.Counter(str(s) for s in out))}")
    finally:
        proc.terminate()
        proc.wait()
        subprocess.run(["rm", "-rf", data])


if __name__ == "__main__":
    main()
