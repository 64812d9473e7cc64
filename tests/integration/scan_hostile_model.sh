# A hostile or broken model: tool calls that try to leave the tree (../../etc/passwd, .git/config,
# a symlink out, a catastrophic regex), findings in files that do not exist or on line 999999,
# Markdown and HTML injected into titles, a model that loops on tools forever, a refusal, and a
# provider that returns garbage. Each ends in a clear outcome, and the findings already made (the
# leaked key) are kept every time.
. tests/integration/lib.sh

R=$TMP/repo
new_repo "$R"
printf 'def handler(req):\n    return "ok"\n' > "$R/app.py"
commit "$R" base
printf 'def handler(req):\n    name = req.args["name"]\n    return open("/srv/" + name).read()\n' > "$R/app.py"
printf 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaab\n' > "$R/data.txt"
ln -s /etc/passwd "$R/link.py"
printf 'TOKEN = "ghp_%s"\n' "$(head -c 400 /dev/urandom | tr -dc 'A-Za-z0-9' | head -c 36)" > "$R/ci.py"
commit "$R" head
export ANTHROPIC_API_KEY=sk-ant-test-hostile

script() {  # NAME: writes $TMP/NAME.json from the python below
	python3 - "$TMP/$1.json" "$1" <<'PY'
import json, sys
out, name = sys.argv[1], sys.argv[2]
def call(*calls):
    return {"tool_calls": [{"name": n, "input": a, "id": "c%d" % i} for i, (n, a) in enumerate(calls)],
            "stop": "tool_use"}
hostile_title = "@everyone ![x](http://evil.example/x.png) <script>alert(1)</script> </details> ``` [click](javascript:alert(1))"
rules = []
if name == "escape":
    rules = [
        {"contains": "tribunal's finder", "messages": 1, "reply": call(
            ("read_file", {"path": "../../etc/passwd"}), ("read_file", {"path": ".git/config"}),
            ("read_file", {"path": "link.py"}), ("list_files", {"directory": ".."}),
            ("search_code", {"pattern": "(a+)+$"}), ("read_file", {"path": "/etc/passwd"}),
            ("frobnicate", {"x": 1}))},
        {"contains": "tribunal's finder", "messages": 3, "reply": call(("report_findings", {"findings": [
            {"path": "nope/missing.py", "start_line": 1, "end_line": 2, "category": "xss", "severity": "high",
             "confidence": 0.9, "title": "ghost", "description": "a file that does not exist"},
            {"path": "app.py", "start_line": 999999, "end_line": 999999, "category": "path traversal",
             "severity": "high", "confidence": 0.9, "title": hostile_title,
             "description": "name reaches open()", "data_flow": [{"path": "../x", "line": 1}, {"path": "app.py", "line": 2}]},
            "not an object", {"path": "app.py"}]}))},
        {"contains": "tribunal's verifier", "reply": call(("report_verdict", {"verdict": "confirmed", "exploitable": True,
            "mitigated": False, "consistent": True, "severity": "high", "confidence": 0.9, "reason": "<img src=x onerror=alert(1)> real"}))},
        {"contains": "tribunal's patcher", "reply": call(("propose_patch", {"patch": "--- a/../../etc/passwd\n+++ b/../../etc/passwd\n@@ -1 +1 @@\n-root\n+evil\n", "explanation": "x"}))},
    ]
elif name == "loop":
    rules = [{"contains": "tribunal's finder", "reply": call(("list_files", {}))}]
elif name == "refuse":
    rules = [{"contains": "tribunal's finder", "reply": {"text": "I can't help with that.", "stop": "refusal"}}]
elif name == "garbage":
    rules = [{"contains": "tribunal's finder", "reply": {"fault": "invalid_json"}}]
elif name == "vrefuse":
    rules = [
        {"contains": "tribunal's finder", "reply": call(("report_findings", {"findings": [
            {"path": "app.py", "start_line": 1, "end_line": 1, "category": "path traversal", "severity": "critical",
             "confidence": 0.95, "title": "open() of a request path", "description": "name reaches open()"}]}))},
        {"contains": "tribunal's verifier", "reply": {"text": "I can't help with that.", "stop": "refusal"}},
    ]
elif name == "badreport":
    rules = [{"contains": "tribunal's finder", "reply": call(("report_findings", {"results": "none"}))}]
json.dump({"rules": rules}, open(out, "w"))
PY
}

secret_kept() {
	jq -e '[.findings[] | select(.rule_id == "secret-github-token" and .status == "unverified")] | length == 1' "$1" \
		>/dev/null || die "the leaked token finding was lost: $(jq -c '.findings' "$1")"
}

# 1. a model that tries to escape the tree and injects text
script escape
start_fake "$TMP/escape.json"
export ANTHROPIC_BASE_URL=$FAKE_URL
expect_rc 1 "$TRIBUNAL" scan --repo "$R" --out "$TMP/o1"
grep -q "root:x:0:0" "$TMP/fake.log" && die "/etc/passwd reached the model"
for refusal in "'..' segments are refused" "paths into .git are refused" "symbolic link" "absolute paths are refused" \
	"unknown tool 'frobnicate'"; do
	grep -q "$refusal" "$TMP/fake.log" || die "no tool error saying: $refusal"
done
F=$TMP/o1/findings.json
jq -e '[.findings[] | select(.title == "ghost")] | length == 0' "$F" >/dev/null || die "a finding in a missing file was kept"
jq -e '.findings[] | select(.category == "path-traversal") | .start_line == 3 and .end_line == 3 and
	.cwe == "CWE-22" and (.data_flow | length) == 1 and .status == "confirmed"' "$F" >/dev/null \
	|| die "line 999999 not clamped or flow not checked: $(jq -c '.findings' "$F")"
jq -e '.findings[] | select(.category == "path-traversal") | .patch.applies == false and (.patch.dropped | length) > 0' \
	"$F" >/dev/null || die "a patch outside the tree was not refused: $(jq -c '.findings[] | .patch' "$F")"
secret_kept "$F"
# hostile text is neutralized in every human-facing output
for f in summary.md github-review.json gitlab-discussions.json; do
	grep -q '@everyone' "$TMP/o1/$f" && die "$f pings @everyone"
	grep -q '!\[x\](http' "$TMP/o1/$f" && die "$f loads a remote image"
	grep -q '<script>' "$TMP/o1/$f" && die "$f carries a script tag"
done
grep -q '<script>' "$TMP/o1/report.html" && die "report.html carries a script tag"
grep -q '<img src=x' "$TMP/o1/report.html" && die "report.html carries the injected img"
validate_reports "$TMP/o1"

# 2. a model that loops on tools forever: bounded, unit not reviewed, on_error: fail exits 3
script loop
start_fake "$TMP/loop.json"
export ANTHROPIC_BASE_URL=$FAKE_URL
printf 'version: 1\non_error: fail\nagents: {finder: {max_turns: 3}}\n' > "$TMP/fail.yml"
expect_rc 3 "$TRIBUNAL" scan --repo "$R" --out "$TMP/o2" --policy "$TMP/fail.yml"
[ "$(wc -l < "$TMP/fake.log")" -le 6 ] || die "the tool loop was not bounded: $(wc -l < "$TMP/fake.log") requests"
jq -e '.not_reviewed[0].reason | test("malformed report")' "$TMP/o2/findings.json" >/dev/null \
	|| die "loop: $(jq -c .not_reviewed "$TMP/o2/findings.json")"
secret_kept "$TMP/o2/findings.json"

# 3. a refusal is never counted as clean
script refuse
start_fake "$TMP/refuse.json"
export ANTHROPIC_BASE_URL=$FAKE_URL
expect_rc 1 "$TRIBUNAL" scan --repo "$R" --out "$TMP/o3"
jq -e '.not_reviewed[0].reason | test("^model refused")' "$TMP/o3/findings.json" >/dev/null \
	|| die "refusal: $(jq -c .not_reviewed "$TMP/o3/findings.json")"
expect_in "$(cat "$TMP/o3/summary.md")" "model refused"
secret_kept "$TMP/o3/findings.json"

# 4. a provider answering garbage; 5. a report in the wrong shape (told once, then given up)
script garbage
start_fake "$TMP/garbage.json"
export ANTHROPIC_BASE_URL=$FAKE_URL
expect_rc 1 "$TRIBUNAL" scan --repo "$R" --out "$TMP/o4"
jq -e '.not_reviewed[0].reason | test("provider error")' "$TMP/o4/findings.json" >/dev/null \
	|| die "garbage: $(jq -c .not_reviewed "$TMP/o4/findings.json")"
secret_kept "$TMP/o4/findings.json"
script badreport
start_fake "$TMP/badreport.json"
export ANTHROPIC_BASE_URL=$FAKE_URL
expect_rc 1 "$TRIBUNAL" scan --repo "$R" --out "$TMP/o5"
[ "$(wc -l < "$TMP/fake.log")" -eq 2 ] || die "a malformed report should be retried exactly once"
grep -q "was malformed" "$TMP/fake.log" || die "the model was not told its report was malformed"
jq -e '.not_reviewed[0].reason | test("malformed report")' "$TMP/o5/findings.json" >/dev/null \
	|| die "bad report: $(jq -c .not_reviewed "$TMP/o5/findings.json")"
secret_kept "$TMP/o5/findings.json"

# 6. a budget too small for one call: not reviewed, "budget exhausted", nothing sent
script escape
start_fake "$TMP/escape.json"
export ANTHROPIC_BASE_URL=$FAKE_URL
printf 'version: 1\nbudget: {max_tokens: 1000}\n' > "$TMP/tiny.yml"
expect_rc 1 "$TRIBUNAL" scan --repo "$R" --out "$TMP/o6" --policy "$TMP/tiny.yml"
jq -e '.not_reviewed[0].reason | test("^budget exhausted")' "$TMP/o6/findings.json" >/dev/null \
	|| die "budget: $(jq -c .not_reviewed "$TMP/o6/findings.json")"
[ ! -s "$TMP/fake.log" ] || die "a call was sent although the budget could not cover it"
secret_kept "$TMP/o6/findings.json"

# 7. a verifier that refuses: the claim stays unverified with the reason, does not gate (only a
# confirmed one does), the reports say so, and on_error: fail turns the gap into exit 3
script vrefuse
start_fake "$TMP/vrefuse.json"
export ANTHROPIC_BASE_URL=$FAKE_URL
expect_rc 1 "$TRIBUNAL" scan --repo "$R" --out "$TMP/o7"
jq -e '.findings[] | select(.source == "finder") | .status == "unverified" and .gating == false and
	(.verification.reason | startswith("not verified: "))' "$TMP/o7/findings.json" >/dev/null \
	|| die "verifier refusal: $(jq -c '[.findings[] | select(.source == "finder")]' "$TMP/o7/findings.json")"
jq -e '.run.notices | any(startswith("Not fully verified"))' "$TMP/o7/findings.json" >/dev/null \
	|| die "no notice for the unverified claim: $(jq -c .run.notices "$TMP/o7/findings.json")"
secret_kept "$TMP/o7/findings.json"
expect_rc 3 "$TRIBUNAL" scan --repo "$R" --out "$TMP/o8" --policy "$TMP/fail.yml"
