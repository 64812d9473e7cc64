# A finder that keeps calling tools while each reply reports a large usage: past
# agents.finder.max_conversation_tokens it is asked once to report what it has (the same nudge as
# the turn limit), it reports, and its findings are kept. One that ignores the nudge is given up
# on after the same grace as the turn limit, with the findings already made kept.
. tests/integration/lib.sh

R=$TMP/repo
new_repo "$R"
printf 'def handler(req):\n    return "ok"\n' > "$R/app.py"
commit "$R" base
printf 'def handler(req):\n    name = req.args["name"]\n    return open("/srv/" + name).read()\n' > "$R/app.py"
printf 'TOKEN = "ghp_%s"\n' "$(head -c 400 /dev/urandom | tr -dc 'A-Za-z0-9' | head -c 36)" > "$R/ci.py"
commit "$R" head
export ANTHROPIC_API_KEY=sk-ant-test-token-limit
NUDGE="You have used this conversation's token budget"

script() {  # NAME: writes $TMP/NAME.json
	python3 - "$TMP/$1.json" "$1" "$NUDGE" <<'PY'
import json, sys
out, name, nudge = sys.argv[1], sys.argv[2], sys.argv[3]
big = {"input": 30000, "output": 500, "cache_read": 0, "cache_write": 0}
def call(n, a, cid):
    return {"tool_calls": [{"name": n, "input": a, "id": cid}], "stop": "tool_use", "usage": big}
finding = {"path": "app.py", "start_line": 3, "end_line": 3, "category": "path traversal", "cwe": "CWE-22",
           "severity": "high", "confidence": 0.9, "title": "Path traversal through name",
           "description": "name from the request reaches open()."}
tools = {"contains": "tribunal's finder", "reply": call("list_files", {}, "t1")}
rules = []
told = {"obeys": nudge, "turns": "You have used your tool turns"}
if name in told:
    rules.append({"contains": ["tribunal's finder", told[name]],
                  "reply": call("report_findings", {"findings": [finding]}, "r1")})
rules += [tools,
          {"contains": "tribunal's verifier", "reply": call("report_verdict", {"verdict": "confirmed",
           "exploitable": True, "mitigated": False, "consistent": True, "severity": "high",
           "confidence": 0.9, "reason": "name is not checked."}, "v1")}]
json.dump({"rules": rules}, open(out, "w"))
PY
}

printf 'version: 1\non_error: fail\nagents:\n  finder: {max_conversation_tokens: 50000}\n  patcher: {enabled: false}\n' \
	> "$TMP/policy.yml"
# finder requests in the fake's log, and how often the nudge occurs in the last one
finder_requests() { grep -c "tribunal's finder" "$TMP/fake.log" || true; }
nudges_in_last() {
	grep "tribunal's finder" "$TMP/fake.log" | tail -n 1 | grep -o "$NUDGE" | wc -l
}

# 1. the finder is told once, after the reply that crossed 50000 tokens (the second), and reports
script obeys
start_fake "$TMP/obeys.json"
export ANTHROPIC_BASE_URL=$FAKE_URL
expect_rc 1 "$TRIBUNAL" scan --repo "$R" --out "$TMP/o1" --policy "$TMP/policy.yml"
[ "$(finder_requests)" -eq 3 ] || die "expected 3 finder requests, got $(finder_requests)"
[ "$(nudges_in_last)" -eq 1 ] || die "the nudge was sent $(nudges_in_last) times"
# (counted, not grep -q: an early exit in a pipefail pipe would hide a match)
[ "$(grep "tribunal's finder" "$TMP/fake.log" | sed -n 1,2p | grep -c "$NUDGE")" -eq 0 ] || die "the nudge came before the limit"
F=$TMP/o1/findings.json
jq -e '.run.units.not_reviewed == 0' "$F" >/dev/null || die "a unit was not reviewed: $(jq -c .not_reviewed "$F")"
jq -e '[.findings[] | select(.source == "finder" and .cwe == "CWE-22" and .status == "confirmed")] | length == 1' \
	"$F" >/dev/null || die "the finder's report was lost: $(jq -c '.findings' "$F")"
jq -e '[.findings[] | select(.rule_id == "secret-github-token")] | length == 1' "$F" >/dev/null \
	|| die "the leaked token finding was lost"

# 2. a finder that ignores the nudge: the same grace as the turn limit, then not reviewed
script ignores
start_fake "$TMP/ignores.json"
export ANTHROPIC_BASE_URL=$FAKE_URL
expect_rc 3 "$TRIBUNAL" scan --repo "$R" --out "$TMP/o2" --policy "$TMP/policy.yml"
[ "$(finder_requests)" -eq 5 ] || die "the tool loop was not bounded by tokens: $(finder_requests) requests"
[ "$(nudges_in_last)" -eq 1 ] || die "the nudge was sent $(nudges_in_last) times"
F=$TMP/o2/findings.json
jq -e '.not_reviewed[0].reason | test("malformed report: the model kept calling tools")' "$F" >/dev/null \
	|| die "ignores: $(jq -c .not_reviewed "$F")"
jq -e '[.findings[] | select(.rule_id == "secret-github-token")] | length == 1' "$F" >/dev/null \
	|| die "the leaked token finding was lost"

# 3. under the limit nothing changes: the default (200000) lets the same finder run to max_turns
printf 'version: 1\nagents:\n  finder: {max_turns: 4}\n  patcher: {enabled: false}\n' > "$TMP/turns.yml"
script turns
start_fake "$TMP/turns.json"
export ANTHROPIC_BASE_URL=$FAKE_URL
expect_rc 1 "$TRIBUNAL" scan --repo "$R" --out "$TMP/o3" --policy "$TMP/turns.yml"
grep -q "$NUDGE" "$TMP/fake.log" && die "the token nudge was sent under the limit"
grep -q "You have used your tool turns" "$TMP/fake.log" || die "the turn limit did not nudge"
jq -e '.run.units.not_reviewed == 0' "$TMP/o3/findings.json" >/dev/null || die "turns: a unit was not reviewed"
