"""A scripted HTTP server on 127.0.0.1 for the delivery and handler tests: each request is
answered by `answer(request, attempt)`, where `attempt` counts the requests that carried the same
Idempotency-Key (or the same path when there is none), and every request is recorded."""
import http.server
import json
import threading
import time


class Request:
    def __init__(self, path, headers, body):
        self.path = path
        self.headers = headers
        self.body = body

    def json(self):
        return json.loads(self.body)


class ScriptedServer:
    """`with ScriptedServer(answer) as server:` serves on server.url until the block ends.

    `answer(request, attempt)` returns (status, headers, body) or the string "hang" (the server
    waits `hang_seconds` before closing the connection without an answer)."""

    def __init__(self, answer, hang_seconds=3.0):
        self.answer = answer
        self.hang_seconds = hang_seconds
        self.requests = []
        self.attempts = {}
        self.lock = threading.Lock()
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 (the name http.server calls)
                length = int(self.headers.get("Content-Length", "0"))
                body = self.rfile.read(length).decode("utf-8")
                request = Request(self.path, dict(self.headers), body)
                key = self.headers.get("Idempotency-Key") or self.path
                with outer.lock:
                    outer.requests.append(request)
                    outer.attempts[key] = outer.attempts.get(key, 0) + 1
                    attempt = outer.attempts[key]
                reply = outer.answer(request, attempt)
                if reply == "hang":
                    time.sleep(outer.hang_seconds)
                    self.close_connection = True
                    return
                status, headers, text = reply
                data = text.encode("utf-8")
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):  # quiet
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()
