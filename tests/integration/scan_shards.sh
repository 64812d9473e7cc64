# scan --shard I/N on three jobs, then tribunal merge: the same findings, not-reviewed units,
# gate and SARIF results as one job that scanned everything.
. tests/integration/lib.sh

R=$TMP/repo
new_repo "$R"
printf 'version: 1\nbudget: {unit_tokens: 1000}\ngate: {max_findings: {medium: 2}}\nagents: {patcher: {enabled: false}}\n' > "$R/.tribunal.yml"
for i in 0 1 2 3 4 5; do
	mkdir -p "$R/m$i"
	{ echo "def h$i(req):"; for k in $(seq 1 40); do echo "    v$k = req.args.get('k$k')  # field $k"; done; echo "    return None"; } > "$R/m$i/h.py"
done
commit "$R" base
for i in 0 1 2 3 4 5; do sed -i 's/    return None/    return v1/' "$R/m$i/h.py"; done
commit "$R" head

python3 - "$TMP/script.json" <<'PY'
import json, sys
rules = [{"contains": ["tribunal's verifier", "in m%d" % i], "reply": {"tool_calls": [{"name": "report_verdict", "id": "v",
          "input": {"verdict": "confirmed" if i % 2 == 0 else "rejected", "exploitable": True, "mitigated": False,
                    "consistent": True, "severity": "medium", "confidence": 0.9, "reason": "vote %d" % i}}],
          "stop": "tool_use"}} for i in range(6)]
rules += [{"contains": ["tribunal's finder", "## File: m%d/h.py" % i], "reply": {"tool_calls": [{"name": "report_findings",
           "id": "f", "input": {"findings": [{"path": "m%d/h.py" % i, "start_line": 42, "end_line": 42,
           "category": "xss", "severity": "medium", "confidence": 0.9, "title": "reflected value in m%d" % i,
           "description": "d"}]}}], "stop": "tool_use"}} for i in range(6)]
json.dump({"rules": rules}, open(sys.argv[1], "w"))
PY
start_fake "$TMP/script.json"
export ANTHROPIC_BASE_URL=$FAKE_URL ANTHROPIC_API_KEY=test-key

units=$("$TRIBUNAL" plan --json --repo "$R" | jq .totals.units)
[ "$units" -ge 3 ] || die "expected several units, got $units"
expect_rc 1 "$TRIBUNAL" scan --repo "$R" --out "$TMP/full"
for i in 1 2 3; do
	"$TRIBUNAL" scan --repo "$R" --out "$TMP/s$i" --shard "$i/3" >/dev/null 2>&1 || true
	jq -e --arg s "$i/3" '.run.shard == $s' "$TMP/s$i/findings.json" >/dev/null || die "shard $i not recorded"
done
expect_rc 1 "$TRIBUNAL" merge "$TMP/s1" "$TMP/s2" "$TMP/s3" --out "$TMP/merged" --repo "$R"

norm() {
	jq -S 'del(.run.scan_id, .run.started_at, .run.duration_ms, .run.shard, .tool) |
		.findings |= map(del(.unit))' "$1"
}
diff -u <(norm "$TMP/full/findings.json") <(norm "$TMP/merged/findings.json") >&2 \
	|| die "merged findings.json differs from one job's"
jq -e '.run.gate.result == "fail" and (.run.gate.reasons | any(test("max_findings.medium")))' "$TMP/merged/findings.json" \
	>/dev/null || die "the merged gate was not recomputed over all shards: $(jq -c .run.gate "$TMP/merged/findings.json")"
diff -u <(jq -S '.runs[0].results | map(del(.properties.unit))' "$TMP/full/results.sarif") \
	<(jq -S '.runs[0].results | map(del(.properties.unit))' "$TMP/merged/results.sarif") >&2 \
	|| die "merged SARIF results differ from one job's"
validate_reports "$TMP/merged"

# without the repository, the shards' verdicts are combined, and the reports say so
(cd "$TMP" && "$TRIBUNAL" merge s1 s2 s3 --out "$TMP/merged2") >/dev/null 2>&1 || true
grep -q "combined from the shards" "$TMP/merged2/summary.md" || die "the combined gate is not explained"
# merge refuses shards of different merge requests and bad input
mkdir -p "$TMP/bogus" && echo '{"schema_version": 1}' > "$TMP/bogus/findings.json"
expect_rc 2 "$TRIBUNAL" merge "$TMP/s1" "$TMP/bogus" --out "$TMP/m3"
expect_rc 2 "$TRIBUNAL" merge "$TMP/s1"
expect_in "$OUT" "--out DIR"
# every shard exactly once
expect_rc 2 "$TRIBUNAL" merge "$TMP/s1" "$TMP/s2" --out "$TMP/m4" --repo "$R"
expect_in "$OUT" "every shard is needed"
expect_rc 2 "$TRIBUNAL" merge "$TMP/s1" "$TMP/s2" "$TMP/s2" --out "$TMP/m5" --repo "$R"
expect_in "$OUT" "given twice"
expect_rc 2 "$TRIBUNAL" merge "$TMP/s1" "$TMP/full" "$TMP/s3" --out "$TMP/m6" --repo "$R"
expect_in "$OUT" "is not the output of 'tribunal scan --shard I/N'"
# a hostile shard record: its range becomes revision expressions, so it must be two full object ids
for edit in 'del(.run.head)' '.run.head = "main"' '.run.base = "HEAD~1"' '.skipped = [{"path": "../../etc/passwd", "reason": "binary"}]'; do
	rm -rf "$TMP/evil" && mkdir -p "$TMP/evil"
	jq "$edit" "$TMP/s2/findings.json" > "$TMP/evil/findings.json"
	expect_rc 2 "$TRIBUNAL" merge "$TMP/s1" "$TMP/evil" "$TMP/s3" --out "$TMP/m7" --repo "$R"
	expect_in "$OUT" "evil/findings.json: "
done
