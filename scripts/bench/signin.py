#!/usr/bin/env python3
"""Sign-in abuse, measured against a running binary (issue 15, items 3 and 4).

  flood: N parallel sign-ins of unknown logins; the server's resident memory (peak from
         /proc/PID/status VmHWM, and settled a few seconds after) and the answers.
  guess: 40 parallel wrong passwords for `admin`, the right one (demo) at position 30;
         whether it signs in and how the 40 were answered.

Each run starts its own server (`--demo`, temporary data dir) so the figures do not mix.
Usage: signin.py flood|guess --bin target/debug/otklik [-n 500] [--distinct-addresses]
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
import urllib.parse

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


def start(binary, distinct):
    data = tempfile.mkdtemp(prefix="otklik-bench-")
    port = free_port()
    env = dict(os.environ, OTKLIK_LOG="warn")
    if distinct:
        # Trust X-Forwarded-For, as behind a proxy: every request a different client.
        env["OTKLIK_CLIENT_IP_HEADER"] = "X-Forwarded-For"
    proc = subprocess.Popen(
        [binary, "serve", "--demo", "--addr", f"127.0.0.1:{port}", "--data-dir", data],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    for _ in range(300):
        try:
            c = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            c.request("GET", "/login")
            if c.getresponse().status == 200:
                return proc, port, data
        except OSError:
            time.sleep(0.1)
    raise SystemExit("server did not start")


def sign_in(port, login, password, address, out, i, barrier):
    body = urllib.parse.urlencode({"login": login, "password": password})
    headers = {
        "Content-Type": "application/x-www-form-urlencoded",
        "Accept": "application/json",
        "Origin": f"http://127.0.0.1:{port}",
        "X-Forwarded-For": address,
    }
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    barrier.wait()
    try:
        conn.request("POST", "/serverfn/login", body=body, headers=headers)
        res = conn.getresponse()
        res.read()
        cookie = res.getheader("Set-Cookie") or ""
        signed_in = res.status < 400 and "otklik_session=" in cookie
        out[i] = (res.status, signed_in)
    except OSError as e:
        out[i] = (f"error {e.__class__.__name__}", False)


def parallel(port, attempts):
    out = [None] * len(attempts)
    barrier = threading.Barrier(len(attempts))
    threads = [threading.Thread(target=sign_in, args=(port, *a, out, i, barrier))
               for i, a in enumerate(attempts)]
    for t in threads:
        t.start()
    return threads, out


def flood(args):
    proc, port, data = start(args.bin, args.distinct_addresses)
    try:
        time.sleep(1)
        before = rss(proc.pid, "VmRSS")
        attempts = [(f"flood-{i}", "wrong password", f"10.{i // 65536 % 256}.{i // 256 % 256}.{i % 256}")
                    for i in range(args.n)]
        started = time.time()
        threads, out = parallel(port, attempts)
        peak_seen = 0
        while any(t.is_alive() for t in threads):
            peak_seen = max(peak_seen, rss(proc.pid, "VmRSS"))
            time.sleep(0.01)
        took = time.time() - started
        peak = rss(proc.pid, "VmHWM")
        time.sleep(5)
        after = rss(proc.pid, "VmRSS")
        answers = collections.Counter(str(s) for s, _ in out)
        print(f"flood of {args.n} parallel sign-ins ({'distinct addresses' if args.distinct_addresses else 'one address'}): "
              f"RSS before {before / MIB:.0f} MB, peak {peak / MIB:.0f} MB, 5 s after {after / MIB:.0f} MB; "
              f"{took:.1f} s; answers {dict(answers)}")
    finally:
        proc.terminate()
        proc.wait()
        subprocess.run(["rm", "-rf", data])


def guess(args):
    proc, port, data = start(args.bin, False)
    try:
        attempts = [("admin", "demo" if i == 29 else f"guess-{i}", "192.0.2.1") for i in range(40)]
        threads, out = parallel(port, attempts)
        for t in threads:
            t.join()
        answers = collections.Counter(str(s) for s, _ in out)
        print(f"40 parallel guesses, the right password at position 30: "
              f"{'SIGNED IN' if out[29][1] else 'not signed in'} (answer {out[29][0]}); answers {dict(answers)}")
    finally:
        proc.terminate()
        proc.wait()
        subprocess.run(["rm", "-rf", data])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("mode", choices=["flood", "guess"])
    ap.add_argument("--bin", default="target/debug/otklik")
    ap.add_argument("-n", type=int, default=500)
    ap.add_argument("--distinct-addresses", action="store_true")
    args = ap.parse_args()
    flood(args) if args.mode == "flood" else guess(args)


if __name__ == "__main__":
    main()
