#!/usr/bin/env python3
"""A loopback fake of the parts of GitHub's and GitLab's REST APIs `tribunal publish` uses
(Python 3 standard library only), for tests.

  GitHub (paths as under https://api.github.com):
    GET  /user
    GET  /repos/{owner}/{repo}/pulls/{n}/comments?per_page=&page=   review comments
    GET  /repos/{owner}/{repo}/pulls/{n}/reviews?per_page=&page=    reviews
    POST /repos/{owner}/{repo}/pulls/{n}/reviews                    creates a review and its comments
    PUT  /repos/{owner}/{repo}/pulls/{n}/reviews/{id}/dismissals    dismisses a CHANGES_REQUESTED review
                                      ("dismiss_status" in the script: answer that status instead)
    auth: "Authorization: Bearer TOKEN", else 401 {"message": "Bad credentials"}
  GitLab (under /api/v4):
    GET  /api/v4/user
    GET  /api/v4/projects/{id}/merge_requests/{iid}/discussions?per_page=&page=
    POST /api/v4/projects/{id}/merge_requests/{iid}/discussions    {body, position?} -> 201
    auth: "PRIVATE-TOKEN: TOKEN", else 401 {"message": "401 Unauthorized"}
Lists are paginated as the real APIs do (per_page default 30, at most 100; page from 1).

Start:
  python3 tests/fake_forge.py --port-file PORTFILE [--script FILE] [--log FILE]
It listens on 127.0.0.1 on a free port and writes the port to PORTFILE (atomically: wait for the
file, never sleep). It exits when its parent goes away, or on SIGTERM.

Script (JSON, from --script or PUT /_fake/script, which also resets the state and the log):
  "token": "..."                      the token both APIs accept (default "t0ken")
  "github_user": {"login": "tribunal-bot", "type": "Bot"}   who GET /user says the token is, and
                                      the author of what is posted; "github_user_status": 403 makes
                                      GET /user refuse (an installation token)
  "gitlab_user": {"id": 42, "username": "project_12_bot"}   the same for GitLab ("gitlab_user_status"
                                      likewise)
  "github": {"comments": [...], "reviews": [...], "filler_comments": N}
                                      what the pull request already holds (any owner/repo/number);
                                      filler_comments puts N comments by a human, without markers,
                                      before them
  "gitlab": {"discussions": [...], "filler_discussions": N}
  "diff_lines": {"path": [line, ...]} when given, a review comment on any other line (or start_line)
                                      gets 422 "Pull request review thread line must be part of the
                                      diff" and nothing is created
  "bad_positions": ["path", ...]      a GitLab discussion positioned on one of these new_paths gets
                                      400, as GitLab answers a line_code it cannot resolve
  "rules": [RULE, ...]                scripted answers tried first; RULE: {"method": "POST",
                                      "path": "substring of the path", "times": N, "status": 429,
                                      "retry_after": "1", "headers": {...}, "body": {...}}

Control endpoints:
  PUT  /_fake/script   replace the script; reset state, counters and the log
  POST /_fake/reset    clear the log only (the state stays: a second run sees the first's posts)
  GET  /_fake/log      every request: [{"seq", "t", "method", "path", "headers", "body"}]
                       (t: the server's monotonic clock, seconds; headers lower-cased)
  GET  /_fake/state    {"github": {"comments": [...], "reviews": [...]}, "gitlab": {"discussions": [...]}}
Every request is also appended to --log as a JSON line.
"""

import argparse
import json
import os
import re
import signal
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

GH_PULL = re.compile(r"^/repos/([A-Za-z0-9-]+)/([A-Za-z0-9._-]+)/pulls/([0-9]+)/(comments|reviews)$")
GH_DISMISS = re.compile(r"^/repos/([A-Za-z0-9-]+)/([A-Za-z0-9._-]+)/pulls/([0-9]+)/reviews/([0-9]+)/dismissals$")
GL_MR = re.compile(r"^/api/v4/projects/([0-9]+)/merge_requests/([0-9]+)/discussions$")
DIFF_422 = {"message": "Unprocessable Entity",
            "errors": ["Pull request review thread line must be part of the diff"],
            "documentation_url": "https://docs.github.com/rest/pulls/reviews#create-a-review-for-a-pull-request",
            "status": "422"}
POSITION_400 = {"message": "400 Bad request - Note {:line_code=>[\"can't be blank\", \"must be a valid line code\"]}"}
HUMAN = {"login": "octocat", "id": 1, "type": "User"}


class State:
    def __init__(self, args):
        self.lock = threading.Lock()
        self.args = args
        self.log_file = open(args.log, "a", encoding="utf-8") if args.log else None
        self.set_script({})
        if args.script:
            with open(args.script, encoding="utf-8") as f:
                self.set_script(json.load(f))

    def set_script(self, script):
        if not isinstance(script, dict):
            raise ValueError("a script is a JSON object")
        with self.lock:
            self.script = script
            self.uses = {}
            self.log = []
            self.count = 0
            self.next_id = 1000
            gh = script.get("github", {})
            # fillers first: the scripted comments land on the last pages
            self.gh_comments = [{"id": 1 + i, "user": HUMAN, "body": "looks fine %d" % i, "path": "x.c",
                                 "line": 1} for i in range(gh.get("filler_comments", 0))]
            self.gh_comments += list(gh.get("comments", []))
            self.gh_reviews = list(gh.get("reviews", []))
            gl = script.get("gitlab", {})
            self.gl_discussions = [{"id": "f%d" % i, "individual_note": True,
                                    "notes": [{"id": i + 1, "body": "ok %d" % i, "system": False,
                                               "author": {"id": 1, "username": "human"}}]}
                                   for i in range(gl.get("filler_discussions", 0))]
            self.gl_discussions += list(gl.get("discussions", []))

    def new_id(self):
        self.next_id += 1
        return self.next_id

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

    def scripted(self, method, path):
        with self.lock:
            for i, rule in enumerate(self.script.get("rules", [])):
                if rule.get("method", method) != method or rule.get("path", "") not in path:
                    continue
                if "times" in rule and self.uses.get(i, 0) >= rule["times"]:
                    continue
                self.uses[i] = self.uses.get(i, 0) + 1
                return rule
        return None


def page_of(items, query):
    q = parse_qs(query)
    try:
        per = min(max(int(q.get("per_page", ["30"])[0]), 1), 100)
        page = max(int(q.get("page", ["1"])[0]), 1)
    except ValueError:
        per, page = 30, 1
    return items[(page - 1) * per: page * per]


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True
    server_version = "fake-forge"
    sys_version = ""

    def log_message(self, fmt, *args):
        pass

    def send(self, status, obj, headers=None):
        body = (obj if isinstance(obj, str) else json.dumps(obj)).encode("utf-8")
        lines = ["HTTP/1.1 %d %s" % (status, self.responses.get(status, ("Status",))[0]),
                 "Content-Type: application/json; charset=utf-8", "Content-Length: %d" % len(body)]
        for k, v in (headers or {}).items():
            lines.append("%s: %s" % (k, v))
        self.wfile.write(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body)
        self.wfile.flush()

    def read_body(self):
        n = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(n) if n > 0 else b""

    def do_GET(self):
        self.handle_any()

    def do_PUT(self):
        self.handle_any()

    def do_POST(self):
        self.handle_any()

    def control(self, path, body):
        st = self.server.state
        if self.command == "GET" and path == "/_fake/log":
            with st.lock:
                return self.send(200, st.log)
        if self.command == "GET" and path == "/_fake/state":
            with st.lock:
                return self.send(200, {"github": {"comments": st.gh_comments, "reviews": st.gh_reviews},
                                       "gitlab": {"discussions": st.gl_discussions}})
        if path == "/_fake/script":
            try:
                st.set_script(json.loads(body.decode("utf-8")))
            except (ValueError, UnicodeDecodeError) as e:
                return self.send(400, {"error": str(e)})
            return self.send(200, {})
        if path == "/_fake/reset":
            with st.lock:
                st.log, st.count = [], 0
            return self.send(200, {})
        return self.send(404, {"error": "unknown control path"})

    def handle_any(self):
        st = self.server.state
        body = self.read_body()
        url = urlsplit(self.path)
        path = url.path
        if path.startswith("/_fake/"):
            return self.control(path, body)
        st.record(self, body)
        rule = st.scripted(self.command, path)
        if rule:
            headers = dict(rule.get("headers", {}))
            if "retry_after" in rule:
                headers["Retry-After"] = str(rule["retry_after"])
            return self.send(rule.get("status", 200), rule.get("body", {"message": "scripted"}), headers)
        token = st.script.get("token", "t0ken")
        if path.startswith("/api/v4/"):
            if self.headers.get("PRIVATE-TOKEN") != token:
                return self.send(401, {"message": "401 Unauthorized"})
            return self.gitlab(path, url.query, body)
        if self.headers.get("Authorization") != "Bearer " + token:
            return self.send(401, {"message": "Bad credentials",
                                   "documentation_url": "https://docs.github.com/rest"})
        return self.github(path, url.query, body)

    def github(self, path, query, body):
        st = self.server.state
        user = st.script.get("github_user", {"login": "tribunal-bot", "id": 9, "type": "Bot"})
        if path == "/user" and self.command == "GET":
            status = st.script.get("github_user_status", 200)
            if status != 200:
                return self.send(status, {"message": "Resource not accessible by integration"})
            return self.send(200, user)
        m = GH_DISMISS.match(path)
        if m and self.command == "PUT":
            try:
                req = json.loads(body.decode("utf-8"))
            except ValueError:
                return self.send(400, {"message": "Problems parsing JSON"})
            if not isinstance(req, dict) or not isinstance(req.get("message"), str) or not req["message"]:
                return self.send(422, {"message": "Unprocessable Entity", "errors": ["message is missing"]})
            if st.script.get("dismiss_status", 200) != 200:
                return self.send(st.script["dismiss_status"], {"message": "Must have admin rights to Repository."})
            with st.lock:
                for r in st.gh_reviews:
                    if str(r.get("id")) == m.group(4):
                        if r.get("state") != "CHANGES_REQUESTED":
                            return self.send(422, {"message": "Can not dismiss a commented pull request review"})
                        r["state"] = "DISMISSED"
                        return self.send(200, r)
            return self.send(404, {"message": "Not Found"})
        m = GH_PULL.match(path)
        if not m:
            return self.send(404, {"message": "Not Found"})
        what = m.group(4)
        if self.command == "GET":
            with st.lock:
                return self.send(200, page_of(st.gh_comments if what == "comments" else st.gh_reviews, query))
        if self.command != "POST" or what != "reviews":
            return self.send(404, {"message": "Not Found"})
        try:
            req = json.loads(body.decode("utf-8"))
        except ValueError:
            return self.send(400, {"message": "Problems parsing JSON"})
        if not isinstance(req, dict) or req.get("event") not in ("COMMENT", "REQUEST_CHANGES", "APPROVE") \
                or not isinstance(req.get("body"), str):
            return self.send(422, {"message": "Unprocessable Entity", "errors": ["bad review"]})
        if len(req["body"]) > 65536:
            return self.send(422, {"message": "Unprocessable Entity",
                                   "errors": ["Body is too long (maximum is 65536 characters)"]})
        comments = req.get("comments", [])
        lines = st.script.get("diff_lines")
        if lines is not None:
            for c in comments:
                ok = lines.get(c.get("path"), [])
                if c.get("line") not in ok or ("start_line" in c and c["start_line"] not in ok):
                    return self.send(422, DIFF_422)
        with st.lock:
            rid = st.new_id()
            review = {"id": rid, "user": user, "body": req["body"], "commit_id": req.get("commit_id"),
                      "state": "CHANGES_REQUESTED" if req["event"] == "REQUEST_CHANGES" else "COMMENTED"}
            st.gh_reviews.append(review)
            for c in comments:
                st.gh_comments.append(dict(c, id=st.new_id(), pull_request_review_id=rid, user=user,
                                           commit_id=req.get("commit_id")))
        return self.send(200, review)

    def gitlab(self, path, query, body):
        st = self.server.state
        user = st.script.get("gitlab_user", {"id": 42, "username": "project_12_bot"})
        if path == "/api/v4/user" and self.command == "GET":
            status = st.script.get("gitlab_user_status", 200)
            if status != 200:
                return self.send(status, {"message": "403 Forbidden"})
            return self.send(200, user)
        if not GL_MR.match(path):
            return self.send(404, {"message": "404 Not found"})
        if self.command == "GET":
            with st.lock:
                return self.send(200, page_of(st.gl_discussions, query))
        if self.command != "POST":
            return self.send(405, {"message": "405 Method Not Allowed"})
        try:
            req = json.loads(body.decode("utf-8"))
        except ValueError:
            return self.send(400, {"message": "400 Bad request"})
        if not isinstance(req, dict) or not isinstance(req.get("body"), str) or not req["body"]:
            return self.send(400, {"error": "body is missing"})
        pos = req.get("position")
        if pos is not None:
            if not isinstance(pos, dict) or pos.get("new_path") in st.script.get("bad_positions", []):
                return self.send(400, POSITION_400)
        with st.lock:
            note = {"id": st.new_id(), "body": req["body"], "author": user, "system": False,
                    "position": pos}
            d = {"id": "%040x" % st.new_id(), "individual_note": pos is None, "notes": [note]}
            st.gl_discussions.append(d)
        return self.send(201, d)


class Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True


def watch_parent(ppid):
    while True:
        if os.getppid() != ppid:
            os._exit(0)
        time.sleep(0.2)


def main():
    ap = argparse.ArgumentParser(description="loopback fake of GitHub's and GitLab's review APIs")
    ap.add_argument("--port-file", required=True)
    ap.add_argument("--script")
    ap.add_argument("--log")
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
