#!/bin/sh
# agents benchmark (issue 6): a 20-unit merge request against the fake provider answering in
# 500 ms, at concurrency 8: wall time against the ideal, and a re-scan after a commit touching
# one of the 20 files, which must send <= 10 % of the first scan's input tokens (review cache).
# The ideal: every unit needs a finder call then a verifier call (patcher off), so the critical
# path is 2 x 500 ms, and 40 calls at concurrency 8 need at least ceil(40/8) x 500 ms; the ideal is
# the larger of the two.
set -eu
: "${TRIBUNAL:?}"
cd "$(dirname "$0")/.."
W=$(mktemp -d)
trap 'kill $FAKE 2>/dev/null; rm -rf "$W"' EXIT
export GIT_AUTHOR_NAME=Bench GIT_AUTHOR_EMAIL=b@example.com GIT_COMMITTER_NAME=Bench \
	GIT_COMMITTER_EMAIL=b@example.com GIT_AUTHOR_DATE=2026-01-01T00:00:00Z GIT_COMMITTER_DATE=2026-01-01T00:00:00Z
R=$W/repo
git init -q -b main "$R"
python3 - "$R" "$W/script.json" base <<'PY'
import json, os, sys
root, script, phase = sys.argv[1], sys.argv[2], sys.argv[3]
rules = []
for i in range(20):
    d = os.path.join(root, "svc%02d" % i)
    os.makedirs(d, exist_ok=True)
    body = ["def handler_%d(req):" % i] + ["    v%d = req.args.get('k%d', '')  # field %d" % (k, k, k) for k in range(40)]
    body += ["    return v0"]
    if phase == "base":
        body = body[:2] + ["    return None"]
    open(os.path.join(d, "handler.py"), "w").write("\n".join(body) + "\n")
    rules.append({"contains": ["tribunal's finder", "## File: svc%02d/handler.py" % i], "reply": {
        "tool_calls": [{"name": "report_findings", "id": "f", "input": {"findings": [{
            "path": "svc%02d/handler.py" % i, "start_line": 2, "end_line": 3, "category": "xss", "cwe": "CWE-79",
            "severity": "medium", "confidence": 0.9, "title": "reflected input in handler %d" % i,
            "description": "d"}]}}], "stop": "tool_use"}})
rules.append({"contains": "tribunal's verifier", "reply": {"tool_calls": [{"name": "report_verdict", "id": "v",
    "input": {"verdict": "confirmed", "exploitable": True, "mitigated": False, "consistent": True,
              "severity": "medium", "confidence": 0.9, "reason": "r"}}], "stop": "tool_use"}})
json.dump({"rules": rules}, open(script, "w"))
PY
git -C "$R" add -A && git -C "$R" commit -qm base
python3 - "$R" "$W/script.json" head <<'PY'
import json, os, sys
root, phase = sys.argv[1], sys.argv[3]
for i in range(20):
    d = os.path.join(root, "svc%02d" % i)
    body = ["def handler_%d(req):" % i] + ["    v%d = req.args.get('k%d', '')  # field %d" % (k, k, k) for k in range(40)]
    open(os.path.join(d, "handler.py"), "w").write("\n".join(body + ["    return v0"]) + "\n")
PY
git -C "$R" add -A && git -C "$R" commit -qm head
printf 'version: 1\nbudget: {concurrency: 8, unit_tokens: 1000}\nagents: {patcher: {enabled: false}}\n' > "$W/policy.yml"

python3 tests/fake_provider.py --port-file "$W/port" --script "$W/script.json" --latency-ms 500 --log "${FAKE_LOG:-/dev/null}" &
FAKE=$!
i=0
while [ ! -s "$W/port" ] && [ $i -lt 400 ]; do sleep 0.025; i=$((i + 1)); done
export ANTHROPIC_BASE_URL="http://127.0.0.1:$(cat "$W/port")" ANTHROPIC_API_KEY=bench-key
units=$("$TRIBUNAL" plan --json --repo "$R" --policy "$W/policy.yml" | jq .totals.units)

s=$(date +%s.%N)
"$TRIBUNAL" scan --repo "$R" --policy "$W/policy.yml" --out "$W/o1" --cache-dir "$W/cache" --quiet >/dev/null || true
e=$(date +%s.%N)
wall=$(awk "BEGIN{print $e - $s}")
calls=$(wc -l < "$W/o1/audit.jsonl")
ideal=$(awk -v u="$units" 'BEGIN{c=2*0.5; w=int((2*u+7)/8)*0.5; print (c>w)?c:w}')
ratio=$(awk "BEGIN{print $wall / $ideal}")
in1=$(jq '.run.tokens | .input + .cache_read + .cache_write' "$W/o1/findings.json")
confirmed=$(jq '[.findings[] | select(.status == "confirmed")] | length' "$W/o1/findings.json")

# a new commit touching one of the 20 files: only its unit is reviewed again
sed -i 's/# field 7$/# field seven/' "$R/svc05/handler.py"
git -C "$R" commit -qam "touch one file"
"$TRIBUNAL" scan --repo "$R" --policy "$W/policy.yml" --out "$W/o2" --cache-dir "$W/cache" --quiet >/dev/null || true
in2=$(jq '.run.tokens | .input + .cache_read + .cache_write' "$W/o2/findings.json")
share=$(awk "BEGIN{print 100 * $in2 / $in1}")

printf 'agents: %s units, %s model calls, %s confirmed findings\n' "$units" "$calls" "$confirmed"
printf 'wall %.2f s, ideal %.2f s (max of critical path 1.0 s and %s calls / 8 x 0.5 s): ratio %.2f (must be <= 1.25)\n' \
	"$wall" "$ideal" "$((2 * units))" "$ratio"
printf 're-scan after touching 1 of 20 files: %s of %s input tokens = %.1f %% (must be <= 10 %%)\n' "$in2" "$in1" "$share"
ok=$(awk "BEGIN{print ($ratio <= 1.25 && $share <= 10) ? 1 : 0}")
[ "$units" -eq 20 ] && [ "$ok" = 1 ]
