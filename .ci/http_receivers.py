"""Real HTTP servers for the outbox's tests (issue 17, ADR 0020), on this machine only.

    python http_receivers.py --port P --out DIR gateway --user U --password W --token T
    python http_receivers.py --port P --out DIR webhook

gateway: an SMS gateway with two request shapes. POST /form takes a form (To, From, Body,
StatusCallback) with HTTP basic authentication; POST /json takes JSON (to, from, text,
callback_url) with a bearer token. Each message taken is a line of DIR/received.jsonl; the
answer names the gateway's id, and a delivery report is then posted to the callback in the
shape of the request (form: MessageSid, MessageStatus, ErrorCode; JSON: data.id,
data.status, data.error_code), its outcome a line of DIR/reports.jsonl.

webhook: a receiver at POST /hook that verifies Standard Webhooks signatures with the
`standardwebhooks` package and the secret in DIR/secret. Each request is a line of
DIR/received.jsonl with whether its signature verified; a bad one is answered 400.

The file DIR/mode, read at each request, makes either answer otherwise: `ok` (the default),
`undelivered` (the gateway reports failure), `error500`, `reject` (400), `gone` (410),
`garbage` (bytes that are not HTTP), `hang` (no answer for 30 s). It prints "ready" once
listening and stops when its standard input closes.
"""
import argparse
import base64
import itertools
import json
import os
import sys
import threading
import time
import urllib.parse
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

LOCK = threading.Lock()
COUNTER = itertools.count(1)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--out", required=True)
    sub = p.add_subparsers(dest="role", required=True)
    g = sub.add_parser("gateway")
    g.add_argument("--user", required=True)
    g.add_argument("--password", required=True)
    g.add_argument("--token", required=True)
    sub.add_parser("webhook")
    a = p.parse_args()

    def mode():
        try:
            with open(os.path.join(a.out, "mode")) as f:
                return f.read().strip() or "ok"
        except FileNotFoundError:
            return "ok"

    def record(name, entry):
        with LOCK, open(os.path.join(a.out, name), "a") as f:
            f.write(json.dumps(entry) + "\n")

    def report(callback, shape, sid, status, error):
        """The gateway's delivery report, posted after its answer."""
        if shape == "form":
            fields = {"MessageSid": sid, "MessageStatus": status}
            if error:
                fields["ErrorCode"] = error
            data = urllib.parse.urlencode(fields).encode()
            ctype = "application/x-www-form-urlencoded"
        else:
            body = {"data": {"id": sid, "status": status}}
            if error:
                body["data"]["error_code"] = int(error)
            data = json.dumps(body).encode()
            ctype = "application/json"
        req = urllib.request.Request(callback, data=data, headers={"Content-Type": ctype})
        try:
            with urllib.request.urlopen(req, timeout=10) as r:
                outcome = r.status
        except urllib.error.HTTPError as e:
            outcome = e.code
        except Exception as e:  # noqa: BLE001 - recorded for the test to read
            outcome = str(e)
        record("reports.jsonl", {"sid": sid, "status": status, "answer": outcome})

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args):
            pass

        def answer(self, status, body):
            data = json.dumps(body).encode() if body is not None else b""
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.send_header("Connection", "close")
            self.end_headers()
            self.wfile.write(data)

        def misbehave(self, m):
            """True when the mode answered (or did not answer) for the request."""
            if m == "garbage":
                self.wfile.write(b"\x00\x01 this is not HTTP\r\n\r\n")
                self.close_connection = True
                return True
            if m == "hang":
                time.sleep(30)
                self.close_connection = True
                return True
            if m == "error500":
                self.answer(500, {"error": "the gateway is down"})
                return True
            if m == "reject":
                self.answer(400, {"error": "invalid destination number"})
                return True
            if m == "gone":
                self.answer(410, {"error": "no such endpoint"})
                return True
            return False

        def do_POST(self):
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length)
            m = mode()
            if a.role == "webhook":
                return self.webhook(raw, m)
            return self.gateway(raw, m)

        def webhook(self, raw, m):
            if self.path != "/hook":
                return self.answer(404, {"error": "not found"})
            from standardwebhooks.webhooks import Webhook

            headers = {k.lower(): v for k, v in self.headers.items()}
            try:
                with open(os.path.join(a.out, "secret")) as f:
                    secret = f.read().strip()
                payload = Webhook(secret).verify(raw, headers)
                valid, error = True, None
            except Exception as e:  # noqa: BLE001 - any failure to verify is recorded
                payload, valid, error = None, False, f"{type(e).__name__}: {e}"
            record(
                "received.jsonl",
                {
                    "id": headers.get("webhook-id"),
                    "valid": valid,
                    "error": error,
                    "payload": payload,
                    "mode": m,
                },
            )
            if not valid:
                return self.answer(400, {"error": "bad signature"})
            if self.misbehave(m):
                return
            self.answer(204, None)

        def gateway(self, raw, m):
            if self.path == "/form":
                expected = "Basic " + base64.b64encode(
                    f"{a.user}:{a.password}".encode()
                ).decode()
                if self.headers.get("Authorization") != expected:
                    return self.answer(401, {"error": "authentication required"})
                f = dict(urllib.parse.parse_qsl(raw.decode()))
                msg = {
                    "shape": "form",
                    "to": f.get("To"),
                    "from": f.get("From"),
                    "body": f.get("Body"),
                    "callback": f.get("StatusCallback"),
                }
            elif self.path == "/json":
                if self.headers.get("Authorization") != f"Bearer {a.token}":
                    return self.answer(401, {"error": "authentication required"})
                try:
                    j = json.loads(raw)
                except ValueError:
                    return self.answer(400, {"error": "not JSON"})
                msg = {
                    "shape": "json",
                    "to": j.get("to"),
                    "from": j.get("from"),
                    "body": j.get("text"),
                    "callback": j.get("callback_url"),
                }
            else:
                return self.answer(404, {"error": "not found"})
            if self.misbehave(m):
                return
            if not msg["to"] or not msg["body"]:
                return self.answer(400, {"error": "to and body are required"})
            sid = f"SM{next(COUNTER):06}"
            msg["sid"] = sid
            record("received.jsonl", msg)
            self.answer(201, {"sid": sid} if msg["shape"] == "form" else {"id": sid})
            if msg["callback"]:
                status, error = ("undelivered", "30003") if m == "undelivered" else ("delivered", None)
                threading.Thread(
                    target=report, args=(msg["callback"], msg["shape"], sid, status, error)
                ).start()

    server = ThreadingHTTPServer(("127.0.0.1", a.port), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    print("ready", flush=True)
    sys.stdin.read()
    server.shutdown()


if __name__ == "__main__":
    main()
