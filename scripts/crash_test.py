#!/usr/bin/env python3
"""Crash test (issue 15, item 10): kill -9 the server under concurrent intakes and actions,
restart it, and check that every acknowledged write is there and that SQLite's
`PRAGMA integrity_check` is ok. Several trials on one data directory; exits 1 on any loss.

Usage: scripts/crash_test.py [--bin target/debug/otklik] [--trials 5] [--writers 6]
"""
import argparse
import http.client
import json
import os
import random
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time

CLOCK_START = "2026-03-16T10:00:00+03:00"


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


class Server:
    def __init__(self, binary, data, port, log):
        self.binary, self.data, self.port, self.log = binary, data, port, log
        self.proc = None

    def start(self):
        self.proc = subprocess.Popen(
            [self.binary, "serve", "--demo", "--clock-start", CLOCK_START,
             "--addr", f"127.0.0.1:{self.port}", "--data-dir", self.data],
            stdout=self.log, stderr=self.log)
        deadline = time.time() + 30
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise SystemExit("server exited at start; see its log")
            try:
                c = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
                c.request("GET", "/login")
                if c.getresponse().status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.1)
        raise SystemExit("server did not start")

    def kill9(self):
        os.kill(self.proc.pid, signal.SIGKILL)
        self.proc.wait()

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


class Client:
    def __init__(self, port, token):
        self.port, self.token = port, token
        self.conn = None

    def call(self, method, path, body=None):
        """(status, json) or None when the connection failed (not acknowledged)."""
        try:
            if self.conn is None:
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
            headers = {"Authorization": f"Bearer {self.token}"}
            data = None
            if body is not None:
                data = json.dumps(body).encode()
                headers["Content-Type"] = "application/json"
            self.conn.request(method, path, body=data, headers=headers)
            res = self.conn.getresponse()
            raw = res.read()
            return res.status, (json.loads(raw) if raw else None)
        except (OSError, http.client.HTTPException, ValueError):
            self.conn = None
            return None


def writer(port, token, executor_id, prefix, stop, acked, lock):
    """Takes messages in and acts on them until `stop`; records what was acknowledged."""
    client = Client(port, token)
    n = 0
    while not stop.is_set():
        n += 1
        ext = f"{prefix}-{n}"
        r = client.call("POST", "/api/v1/messages", {
            "external_id": ext, "network": "vk", "url": f"https://vk.com/wall-1_{n}",
            "author": "Краш Тест", "text": f"Сообщение {ext}",
            "detected_at": "2026-03-16T09:00:00+03:00"})
        if r is None:
            continue
        status, m = r
        if status not in (200, 201):
            continue
        with lock:
            acked["intake"][m["id"]] = ext
        step = random.random()
        r = client.call("POST", f"/api/v1/messages/{m['id']}/assign", {"executor_id": executor_id})
        if r and r[0] == 200:
            with lock:
                acked["assign"].add(m["id"])
            if step < 0.5:
                r = client.call("POST", f"/api/v1/messages/{m['id']}/set_urgent", {"urgent": True})
                if r and r[0] == 200:
                    with lock:
                        acked["urgent"].add(m["id"])


def integrity(db):
    conn = sqlite3.connect(db)
    try:
        return [row[0] for row in conn.execute("PRAGMA integrity_check")]
    finally:
        conn.close()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default="target/debug/otklik")
    ap.add_argument("--trials", type=int, default=5)
    ap.add_argument("--writers", type=int, default=6)
    ap.add_argument("--min-run", type=float, default=1.5)
    ap.add_argument("--max-run", type=float, default=4.0)
    ap.add_argument("--seed", type=int, default=None)
    args = ap.parse_args()
    random.seed(args.seed)

    data = tempfile.mkdtemp(prefix="otklik-crash-")
    log = open(os.path.join(data, "server.log"), "ab")
    port = free_port()
    server = Server(args.bin, data, port, log)
    started = time.time()
    lost_total = 0
    corrupt = 0
    try:
        server.start()
        token = subprocess.run(
            [args.bin, "token", "add", "--name", "crash test", "--role", "coordinator",
             "--data-dir", data], check=True, capture_output=True, text=True,
        ).stdout.strip().splitlines()[-1]
        c = Client(port, token)
        _, users = c.call("GET", "/api/v1/users?role=executor")
        executor_id = users[0]["id"]
        acked = {"intake": {}, "assign": set(), "urgent": set()}
        lock = threading.Lock()
        for trial in range(1, args.trials + 1):
            before = {k: len(v) for k, v in acked.items()}
            stop = threading.Event()
            threads = [threading.Thread(target=writer, args=(
                port, token, executor_id, f"t{trial}w{i}", stop, acked, lock))
                for i in range(args.writers)]
            for t in threads:
                t.start()
            time.sleep(random.uniform(args.min_run, args.max_run))
            server.kill9()
            stop.set()
            for t in threads:
                t.join()
            checks = integrity(os.path.join(data, "otklik.db"))
            server.start()
            c = Client(port, token)
            lost = []
            for mid, ext in acked["intake"].items():
                r = c.call("GET", f"/api/v1/messages/{mid}")
                if r is None or r[0] != 200 or r[1]["external_id"] != ext:
                    lost.append(("intake", mid))
                    continue
                m = r[1]
                if mid in acked["assign"] and m["status"] != "in_work":
                    lost.append(("assign", mid))
                if mid in acked["urgent"] and not m["urgent"]:
                    lost.append(("urgent", mid))
            new = {k: len(v) - before[k] for k, v in acked.items()}
            writes = sum(new.values())
            lost_total += len(lost)
            print(f"trial {trial}: killed after {writes} acknowledged writes "
                  f"({new['intake']} intakes, {new['assign']} assignments, {new['urgent']} urgent); "
                  f"all {sum(len(v) for v in acked.values())} so far checked: lost {len(lost)}; "
                  f"integrity_check: {', '.join(checks)}", flush=True)
            if lost:
                print(f"LOST: {lost[:20]}", file=sys.stderr)
            if checks != ["ok"]:
                print(f"INTEGRITY: {checks[:20]}", file=sys.stderr)
                corrupt += 1
        total = sum(len(v) for v in acked.values())
        print(f"crash test: {args.trials} kill -9 trials, {total} acknowledged writes, "
              f"{lost_total} lost, {corrupt} failed integrity checks, {time.time() - started:.0f} s")
    finally:
        server.stop()
        log.close()
        if lost_total == 0 and corrupt == 0:
            subprocess.run(["rm", "-rf", data])
        else:
            print(f"data kept in {data}", file=sys.stderr)
    sys.exit(1 if lost_total or corrupt else 0)


if __name__ == "__main__":
    main()
