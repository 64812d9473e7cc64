#!/usr/bin/env python3
"""A loopback fake model provider for tribunal's tests (Python 3 standard library only).

It speaks both wire formats tribunal uses:
  POST .../v1/messages          Anthropic Messages
  POST .../chat/completions     OpenAI-compatible chat completions
and answers every request from a script, so tests can play normal replies, tool calls (parallel
too), cut-off and refused replies, and every error and network fault tribunal must survive.

Start:
  python3 tests/fake_provider.py --port-file PORTFILE [--script FILE] [--log FILE]
                                 [--latency-ms N] [--fail-every N --fail-status S --retry-after SEC]
It listens on 127.0.0.1 on a free port and writes the port number to PORTFILE (atomically: wait
for the file, never sleep). It exits when its parent process goes away, or on SIGTERM/SIGINT.

Script (JSON, from --script or PUT /_fake/script, which also resets the counters):
  {"rules": [RULE, ...], "default": REPLY}
A request takes the first RULE that matches and still has uses left; else "default"; else a
plain text reply "ok". RULE fields, all optional:
  "provider": "anthropic" | "openai"       the wire format of the request
  "path": "/v1/messages"                   the request path ends with this
  "contains": "s" | ["s", ...]             the body holds every substring (e.g. an agent's prompt
                                           marker, a unit's file name, a tool result)
  "not_contains": "s" | ["s", ...]         the body holds none of them
  "messages": N                            the conversation has N turns (system excluded; OpenAI
                                           tool messages + the user message after them are one):
                                           1 = first turn, 3 = after one tool round trip, ...
  "times": N                               use this rule at most N times
  "reply": REPLY                           the answer (each use)
  "replies": [REPLY, ...]                  answers in order, one per use (a FIFO); then the rule
                                           is spent
REPLY fields, all optional:
  "status": 200                            HTTP status; errors get a provider-shaped error body
  "text": "..."                            assistant text
  "tool_calls": [{"name": "read_file", "input": {...}, "id": "toolu_1"}, ...]
                                           several = parallel calls; "arguments": "raw text"
                                           instead of "input" sends it verbatim (OpenAI)
  "stop": "end_turn" | "tool_use" | "max_tokens" | "refusal" | "other:<raw value>"
  "usage": {"input": N, "output": N, "cache_read": N, "cache_write": N}
  "error": {"type": "...", "message": "..."}   error body of a non-2xx status
  "retry_after": "0.2"  "retry_after_ms": "200"  "headers": {...}  "request_id": "..."
  "latency_ms": N                          answer after N ms (else --latency-ms)
  "fault": "hang"          never answer (until the client goes away)
           "truncate"      announce the full length, send half the body, close
           "drop"          close the connection without any answer (on a reused keep-alive
                           connection libcurl resends once by itself: the fake sees two requests)
           "invalid_json"  200 with a body that is not JSON
           "html"          an nginx-style HTML error page (status defaults to 502)
  "body": "...", "content_type": "..."     a raw body instead of a generated one

Bench mode: --fail-every N answers every Nth request (counted over all requests) with
--fail-status (default 429) and a retry-after of --retry-after seconds, at once.

Control endpoints (GET/PUT/POST on the same port):
  PUT  /_fake/script   replace the script, reset counters and the request log
  POST /_fake/reset    clear the request log and counters
  GET  /_fake/log      every request received: [{"seq","t","method","path","headers","body"}]
                       (t: the server's monotonic clock in seconds, when the request arrived)
  GET  /_fake/stats    {"requests": N, "max_concurrent": N}
Every request body (and its headers) is also appended to --log as JSON lines, so tests can grep
what tribunal sent for secrets.
"""

import argparse
import json
import os
import select
import signal
import socket
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

HTML_PAGE = ("<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n"
             "<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n"
             "</body>\r\n</html>\r\n")

ANTHROPIC_ERRORS = {
    400: ("invalid_request_error", "invalid request"),
    401: ("authentication_error", "invalid x-api-key"),
    403: ("permission_error", "your API key does not have permission to use the specified resource"),
    404: ("not_found_error", "model not found"),
    413: ("request_too_large", "Request exceeds the maximum allowed number of bytes."),
    429: ("rate_limit_error", "Number of request tokens has exceeded your per-minute rate limit"),
    500: ("api_error", "Internal server error"),
    529: ("overloaded_error", "Overloaded"),
}
OPENAI_ERRORS = {
    400: ("invalid_request_error", None, "invalid request"),
    401: ("invalid_request_error", "invalid_api_key", "Incorrect API key provided."),
    404: ("invalid_request_error", "model_not_found", "The model does not exist or you do not have access to it."),
    413: ("invalid_request_error", "request_too_large", "Request too large."),
    429: ("requests", "rate_limit_exceeded", "Rate limit reached for requests"),
    500: ("server_error", None, "The server had an error while processing your request."),
    529: ("server_error", None, "Overloaded"),
}
STOP_OPENAI = {"end_turn": "stop", "tool_use": "tool_calls", "max_tokens": "length",
               "refusal": "content_filter"}


class State:
    def __init__(self, args):
        self.lock = threading.Lock()
        self.args = args
        self.script = {"rules": []}
        self.uses = {}
        self.log = []
        self.count = 0
        self.in_flight = 0
        self.max_concurrent = 0
        self.log_file = open(args.log, "a", encoding="utf-8") if args.log else None
        if args.script:
            with open(args.script, encoding="utf-8") as f:
                self.set_script(json.load(f))

    def set_script(self, script):
        if not isinstance(script, dict):
            raise ValueError("a script is a JSON object")
        with self.lock:
            self.script = script
            self.uses = {}
            self.count = 0
            self.log = []

    def record(self, handler, body):
        entry = {"seq": 0, "t": time.monotonic(), "method": handler.command, "path": handler.path,
                 "headers": {k.lower(): v for k, v in handler.headers.items()},
                 "body": body.decode("utf-8", "replace")}
        with self.lock:
            self.count += 1
            entry["seq"] = self.count
            self.log.append(entry)
            if self.log_file:
                self.log_file.write(json.dumps(entry) + "\n")
                self.log_file.flush()
            return self.count

    def choose(self, provider, path, body_text, n_messages):
        with self.lock:
            for i, rule in enumerate(self.script.get("rules", [])):
                if not matches(rule, provider, path, body_text, n_messages):
                    continue
                used = self.uses.get(i, 0)
                if "replies" in rule:
                    if used >= len(rule["replies"]):
                        continue
                    reply = rule["replies"][used]
                else:
                    if "times" in rule and used >= rule["times"]:
                        continue
                    reply = rule.get("reply", {})
                self.uses[i] = used + 1
                return reply
            return self.script.get("default", {"text": "ok"})


def as_list(v):
    return v if isinstance(v, list) else [v]


def matches(rule, provider, path, body_text, n_messages):
    if "provider" in rule and rule["provider"] != provider:
        return False
    if "path" in rule and not path.split("?")[0].endswith(rule["path"]):
        return False
    if "contains" in rule and not all(s in body_text for s in as_list(rule["contains"])):
        return False
    if "not_contains" in rule and any(s in body_text for s in as_list(rule["not_contains"])):
        return False
    if "messages" in rule and rule["messages"] != n_messages:
        return False
    return True


def count_messages(req):
    """Turns of the conversation, the same for both wire formats: system messages are not
    counted, and a run of OpenAI `tool` messages plus the user message after them is one turn
    (as Anthropic's single user message holding the tool results)."""
    msgs = req.get("messages") if isinstance(req, dict) else None
    if not isinstance(msgs, list):
        return 0
    n, prev = 0, None
    for m in msgs:
        role = m.get("role") if isinstance(m, dict) else None
        if role in ("system", "developer"):
            continue
        role = "user" if role == "tool" else role
        if role != prev:
            n += 1
        prev = role
    return n


def usage_of(reply, body_len, text):
    u = reply.get("usage", {})
    return (u.get("input", max(1, body_len // 4)), u.get("output", max(1, len(text) // 4)),
            u.get("cache_read", 0), u.get("cache_write", 0))


def anthropic_body(reply, req, seq, body_len):
    text = reply.get("text", "" if reply.get("tool_calls") else "ok")
    content = []
    if text:
        content.append({"type": "text", "text": text})
    for i, call in enumerate(reply.get("tool_calls", [])):
        content.append({"type": "tool_use", "id": call.get("id", "toolu_fake_%d_%d" % (seq, i)),
                        "name": call["name"], "input": call.get("input", {})})
    stop = reply.get("stop", "tool_use" if reply.get("tool_calls") else "end_turn")
    if stop.startswith("other:"):
        stop = stop[6:]
    inp, out, cr, cw = usage_of(reply, body_len, text)
    return {"id": "msg_fake_%d" % seq, "type": "message", "role": "assistant",
            "model": req.get("model", "fake") if isinstance(req, dict) else "fake",
            "content": content, "stop_reason": stop, "stop_sequence": None,
            "usage": {"input_tokens": inp, "output_tokens": out,
                      "cache_creation_input_tokens": cw, "cache_read_input_tokens": cr}}


def openai_body(reply, req, seq, body_len):
    calls = reply.get("tool_calls", [])
    text = reply.get("text", "" if calls else "ok")
    msg = {"role": "assistant", "content": text if text else None}
    if calls:
        msg["tool_calls"] = []
        for i, call in enumerate(calls):
            args = call["arguments"] if "arguments" in call else json.dumps(call.get("input", {}))
            msg["tool_calls"].append({"id": call.get("id", "call_fake_%d_%d" % (seq, i)), "type": "function",
                                      "function": {"name": call["name"], "arguments": args}})
    stop = reply.get("stop", "tool_use" if calls else "end_turn")
    finish = stop[6:] if stop.startswith("other:") else STOP_OPENAI.get(stop, stop)
    inp, out, cr, _ = usage_of(reply, body_len, text)
    return {"id": "chatcmpl-fake-%d" % seq, "object": "chat.completion", "created": 0,
            "model": req.get("model", "fake") if isinstance(req, dict) else "fake",
            "choices": [{"index": 0, "message": msg, "finish_reason": finish}],
            "usage": {"prompt_tokens": inp + cr, "completion_tokens": out, "total_tokens": inp + cr + out,
                      "prompt_tokens_details": {"cached_tokens": cr}}}


def error_body(provider, status, reply, seq):
    err = reply.get("error")
    if provider == "anthropic":
        etype, emsg = ANTHROPIC_ERRORS.get(status, ("api_error", "error"))
        if err:
            etype, emsg = err.get("type", etype), err.get("message", emsg)
        return {"type": "error", "error": {"type": etype, "message": emsg}, "request_id": "req_fake_%d" % seq}
    etype, code, emsg = OPENAI_ERRORS.get(status, ("server_error", None, "error"))
    if err:
        etype, code, emsg = err.get("type", etype), err.get("code", code), err.get("message", emsg)
    return {"error": {"message": emsg, "type": etype, "param": None, "code": code}}


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True
    server_version = "fake-provider"
    sys_version = ""

    def log_message(self, fmt, *args):
        pass

    def send_all(self, status, body, content_type="application/json", headers=None, close=False):
        if isinstance(body, str):
            body = body.encode("utf-8")
        lines = ["HTTP/1.1 %d %s" % (status, self.responses.get(status, ("Status",))[0]),
                 "Content-Type: " + content_type, "Content-Length: %d" % len(body)]
        for k, v in (headers or {}).items():
            lines.append("%s: %s" % (k, v))
        if close:
            lines.append("Connection: close")
            self.close_connection = True
        # one write: no Nagle/delayed-ACK stall between headers and body
        self.wfile.write(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body)
        self.wfile.flush()

    def read_body(self):
        n = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(n) if n > 0 else b""

    def do_GET(self):
        st = self.server.state
        self.read_body()
        if self.path == "/_fake/log":
            with st.lock:
                self.send_all(200, json.dumps(st.log))
        elif self.path == "/_fake/stats":
            with st.lock:
                self.send_all(200, json.dumps({"requests": st.count, "max_concurrent": st.max_concurrent}))
        else:
            self.send_all(404, json.dumps({"error": "not found"}))

    def do_PUT(self):
        self.do_POST()

    def do_POST(self):
        st = self.server.state
        body = self.read_body()
        if self.path.startswith("/_fake/"):
            return self.control(body)
        with st.lock:
            st.in_flight += 1
            st.max_concurrent = max(st.max_concurrent, st.in_flight)
        try:
            self.answer(body)
        finally:
            with st.lock:
                st.in_flight -= 1

    def control(self, body):
        st = self.server.state
        try:
            if self.path == "/_fake/script":
                st.set_script(json.loads(body.decode("utf-8")))
            elif self.path == "/_fake/reset":
                with st.lock:
                    st.log, st.uses, st.count, st.max_concurrent = [], {}, 0, 0
            else:
                return self.send_all(404, json.dumps({"error": "unknown control path"}))
        except (ValueError, UnicodeDecodeError) as e:
            return self.send_all(400, json.dumps({"error": str(e)}))
        self.send_all(200, "{}")

    def answer(self, body):
        st = self.server.state
        args = st.args
        path = self.path.split("?")[0]
        if path.endswith("/v1/messages"):
            provider = "anthropic"
        elif path.endswith("/chat/completions"):
            provider = "openai"
        else:
            return self.send_all(404, json.dumps({"error": {"message": "unknown path %s" % path}}))
        seq = st.record(self, body)
        text = body.decode("utf-8", "replace")
        try:
            req = json.loads(text)
        except ValueError:
            req = {}
        if args.fail_every and seq % args.fail_every == 0:
            reply = {"status": args.fail_status, "retry_after": args.retry_after, "latency_ms": 0}
        else:
            reply = st.choose(provider, path, text, count_messages(req))
        latency = reply.get("latency_ms", args.latency_ms)
        if latency:
            time.sleep(latency / 1000.0)
        fault = reply.get("fault")
        if fault == "hang":
            return self.hang()
        if fault == "drop":
            return self.drop_connection()
        headers = dict(reply.get("headers", {}))
        rid = reply.get("request_id", ("req_fake_%d" if provider == "anthropic" else "fake-%d") % seq)
        headers["request-id" if provider == "anthropic" else "x-request-id"] = rid
        if "retry_after" in reply:
            headers["retry-after"] = str(reply["retry_after"])
        if "retry_after_ms" in reply:
            headers["retry-after-ms"] = str(reply["retry_after_ms"])
        status = reply.get("status", 502 if fault == "html" else 200)
        if fault == "html":
            return self.send_all(status, HTML_PAGE, "text/html", headers)
        if fault == "invalid_json":
            return self.send_all(status, '{"id": "msg_broken", "content": [', "application/json", headers)
        if "body" in reply:
            return self.send_all(status, reply["body"], reply.get("content_type", "application/json"), headers)
        if status >= 300:
            out = error_body(provider, status, reply, seq)
        elif provider == "anthropic":
            out = anthropic_body(reply, req, seq, len(body))
        else:
            out = openai_body(reply, req, seq, len(body))
        data = json.dumps(out).encode("utf-8")
        if fault == "truncate":
            head = ("HTTP/1.1 %d OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n"
                    % (status, len(data))).encode("latin-1")
            self.wfile.write(head + data[: len(data) // 2])
            self.wfile.flush()
            return self.drop_connection()
        return self.send_all(status, data, "application/json", headers)

    def drop_connection(self):
        self.close_connection = True
        try:
            self.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        return None

    def hang(self):
        """Answer nothing until the client closes the connection (or 120 s pass)."""
        self.close_connection = True
        end = time.monotonic() + 120
        sock = self.connection
        while time.monotonic() < end:
            r, _, _ = select.select([sock], [], [], 0.05)
            if r:
                try:
                    if not sock.recv(1, socket.MSG_PEEK):
                        return
                except OSError:
                    return
                return


class Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 256
    allow_reuse_address = True


def watch_parent(ppid):
    while True:
        if os.getppid() != ppid:
            os._exit(0)
        time.sleep(0.2)


def main():
    ap = argparse.ArgumentParser(description="loopback fake model provider for tests")
    ap.add_argument("--port-file", required=True)
    ap.add_argument("--script")
    ap.add_argument("--log")
    ap.add_argument("--latency-ms", type=int, default=0)
    ap.add_argument("--fail-every", type=int, default=0)
    ap.add_argument("--fail-status", type=int, default=429)
    ap.add_argument("--retry-after", default="1")
    args = ap.parse_args()

    server = Server(("127.0.0.1", 0), Handler)
    server.state = State(args)
    tmp = args.port_file + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        f.write("%d\n" % server.server_address[1])
    os.rename(tmp, args.port_file)

    signal.signal(signal.SIGTERM, lambda *_: os._exit(0))
    threading.Thread(target=watch_parent, args=(os.getppid(),), daemon=True).start()
    try:
        server.serve_forever(poll_interval=0.05)
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
