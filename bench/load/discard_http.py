#!/usr/bin/env python3
"""A line-protocol endpoint that accepts every write and keeps nothing (bench/load.sh --telemetry discard).

usage: discard_http.py PORT
Answers POST /write and /api/v2/write with 204 after reading the body, counts lines and bytes,
and GET /stats with them as JSON. It isolates the server's own cost from the time-series store's.
"""
import json
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

stats = {"requests": 0, "bytes": 0}


class Discard(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        stats["requests"] += 1
        stats["bytes"] += len(body)
        self.send_response(204)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def do_GET(self):
        payload = json.dumps(stats).encode() if self.path.startswith("/stats") else b""
        self.send_response(200 if self.path.startswith(("/stats", "/ping")) else 404)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, *args):
        pass


ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), Discard).serve_forever()
