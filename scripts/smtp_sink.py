#!/usr/bin/env python3
"""A local SMTP sink for the tests: accepts every message on loopback and writes each one
as a file (<n>.eml) into a directory. Prints "ready <port>" once it listens.

Usage: smtp_sink.py DIR [PORT]   (PORT 0 or absent: a free port)
"""
import asyncio
import os
import socket
import sys

from aiosmtpd.controller import Controller


class Save:
    def __init__(self, folder):
        self.folder = folder
        self.count = 0

    async def handle_DATA(self, server, session, envelope):
        self.count += 1
        path = os.path.join(self.folder, f"{self.count}.eml")
        tmp = path + ".tmp"
        with open(tmp, "wb") as f:
            f.write(b"X-Envelope-To: " + ",".join(envelope.rcpt_tos).encode() + b"\r\n")
            f.write(envelope.original_content or envelope.content)
        os.replace(tmp, path)
        return "250 Message accepted for delivery"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main():
    folder = sys.argv[1]
    port = int(sys.argv[2]) if len(sys.argv) > 2 and sys.argv[2] != "0" else free_port()
    os.makedirs(folder, exist_ok=True)
    controller = Controller(Save(folder), hostname="127.0.0.1", port=port)
    controller.start()
    print(f"ready {port}", flush=True)
    try:
        # Runs until the test kills it (or stdin closes).
        sys.stdin.read()
    finally:
        controller.stop()


if __name__ == "__main__":
    main()
