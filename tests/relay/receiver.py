#!/usr/bin/env python3
"""A webhook receiver for the relay's tests, on loopback: it verifies each request's Standard
Webhooks signature (docs/relay.md, Webhook sink) and answers as told.
  receiver.py <work dir> <secret> [<secret>...]
It writes its port to <work dir>/port, each event it answered 2xx to (the body) as one line of
<work dir>/received.ndjson, every attempt as {"id", "status", "time"} to attempts.ndjson, and
every request whose signature or headers were wrong to rejected.log (a test fails on any).
GET /control?mode=M&poison=ID,ID&flaky=N&stall_ms=T&delay_ms=D sets how it answers:
  mode ok (200), down (503 to everything), throttle (429, Retry-After: 1), stall (waits stall_ms)
  poison: the event ids answered 400; flaky: every Nth request answered 500 (0: none);
  delay_ms: every answer waits that long first (a slow receiver)."""
import base64
import hashlib
import hmac
import json
import os
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

WORK = sys.argv[1]
KEYS = [base64.b64decode(s[6:]) if s.startswith("whsec_") else s.encode() for s in sys.argv[2:]]
STATE = {"mode": "ok", "poison": set(), "flaky": 0, "stall_ms": 0, "delay_ms": 0, "count": 0}
LOCK = threading.Lock()


def append(name, line):
    with LOCK, open(os.path.join(WORK, name), "a") as out:
        out.write(line + "\n")


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def answer(self, status, headers=None, body=b""):
        self.send_response(status)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        url = urlparse(self.path)
        if url.path != "/control":
            return self.answer(404)
        query = parse_qs(url.query, keep_blank_values=True)
        with LOCK:
            if "mode" in query:
                STATE["mode"] = query["mode"][0]
            if "poison" in query:
                STATE["poison"] = set(p for p in query["poison"][0].split(",") if p)
            if "flaky" in query:
                STATE["flaky"] = int(query["flaky"][0])
            if "stall_ms" in query:
                STATE["stall_ms"] = int(query["stall_ms"][0])
            if "delay_ms" in query:
                STATE["delay_ms"] = int(query["delay_ms"][0])
        self.answer(200, body=b"ok\n")

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        event_id = self.headers.get("webhook-id", "")
        timestamp = self.headers.get("webhook-timestamp", "")
        signatures = self.headers.get("webhook-signature", "").split(" ")
        problem = None
        try:
            event = json.loads(body)
            content = f"{event_id}.{timestamp}.".encode() + body
            expected = {base64.b64encode(hmac.new(k, content, hashlib.sha256).digest()).decode()
                        for k in KEYS}
            given = {s[3:] for s in signatures if s.startswith("v1,")}
            if event.get("id") != event_id:
                problem = "webhook-id is not the event's id"
            elif abs(time.time() - int(timestamp)) > 300:
                problem = "webhook-timestamp is off by more than 5 minutes"
            elif not expected & given:
                problem = "no valid signature"
            elif self.headers.get("Content-Type") != "application/json":
                problem = "Content-Type is not application/json"
        except (ValueError, TypeError) as error:
            problem = f"unreadable: {error}"
        if problem:
            append("rejected.log", f"{event_id}: {problem}")
            return self.answer(401)
        with LOCK:
            STATE["count"] += 1
            mode, poison = STATE["mode"], event_id in STATE["poison"]
            flaky = STATE["flaky"] and STATE["count"] % STATE["flaky"] == 0
            stall = STATE["stall_ms"]
            delay = STATE["delay_ms"]
        time.sleep(delay / 1000)
        status, headers = 200, {}
        if mode == "down":
            status = 503
        elif mode == "throttle":
            status, headers = 429, {"Retry-After": "1"}
        elif mode == "stall":
            time.sleep(stall / 1000)
        elif poison:
            status = 400
        elif flaky:
            status = 500
        append("attempts.ndjson", json.dumps({"id": event_id, "status": status, "time": time.time(),
                                              "signatures": len(signatures)}))
        if 200 <= status < 300:
            append("received.ndjson", body.decode())
        self.answer(status, headers, b"{}" if status == 200 else b'{"error": "as told"}')


def main():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    with open(os.path.join(WORK, "port.tmp"), "w") as out:
        out.write(str(server.server_address[1]))
    os.rename(os.path.join(WORK, "port.tmp"), os.path.join(WORK, "port"))
    server.serve_forever()


if __name__ == "__main__":
    main()
