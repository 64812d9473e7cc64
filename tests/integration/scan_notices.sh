# Run-level notices are said once each: printed as warnings by the console summary and kept in
# every report. A model with no price costs $0 in the budget, so budget.max_usd cannot stop its
# calls: scan says so, once per agent that calls it. No agent review is said once, not twice.
. tests/integration/lib.sh

R=$TMP/repo
new_repo "$R"
printf 'def f(x):\n    return x\n' > "$R/app.py"
commit "$R" base
printf 'def f(x):\n    return x + 1\n' > "$R/app.py"
commit "$R" head

python3 - "$TMP/script.json" <<'PY'
import json, sys
json.dump({"rules": [{"contains": "tribunal's finder", "reply": {"tool_calls": [{"name": "report_findings",
           "id": "f", "input": {"findings": []}}], "stop": "tool_use"}}]}, open(sys.argv[1], "w"))
PY
start_fake "$TMP/script.json"
export ANTHROPIC_BASE_URL=$FAKE_URL ANTHROPIC_API_KEY=test-key
printf 'version: 1\nagents:\n  finder: {model: my-unpriced-model}\n  patcher: {enabled: false}\n' > "$TMP/p.yml"
expect_rc 0 "$TRIBUNAL" scan --repo "$R" --out "$TMP/o" --policy "$TMP/p.yml"
expect_in "$OUT" "warning: no price for model 'my-unpriced-model' (agents.finder): budget.max_usd cannot limit it"
F=$TMP/o/findings.json
jq -e '[.run.notices[] | select(startswith("no price for model"))] == ["no price for model '"'my-unpriced-model'"' (agents.finder): budget.max_usd cannot limit it; add it under prices"]' \
	"$F" >/dev/null || die "notices: $(jq -c .run.notices "$F")"
[ "$(printf '%s\n' "$OUT" | grep -c 'no price for model')" -eq 1 ] || die "the price warning is not printed once"

# with a price in the policy, no notice
printf 'version: 1\nagents:\n  finder: {model: my-unpriced-model}\n  patcher: {enabled: false}\nprices: {my-unpriced-model: {input: 1, output: 2}}\n' > "$TMP/p2.yml"
expect_rc 0 "$TRIBUNAL" scan --repo "$R" --out "$TMP/o2" --policy "$TMP/p2.yml"
jq -e '[.run.notices[] | select(startswith("no price"))] | length == 0' "$TMP/o2/findings.json" >/dev/null \
	|| die "a priced model was warned about"

# no agent: one warning, on stderr (it used to be printed twice, then only on stdout)
unset ANTHROPIC_API_KEY
"$TRIBUNAL" scan --repo "$R" --out "$TMP/o3" >"$TMP/o3.stdout" 2>"$TMP/o3.stderr" || die "scan without a key failed"
[ "$(grep -c 'NO AGENT REVIEWED THIS CODE' "$TMP/o3.stderr")" -eq 1 ] || die "the no-agent warning is not said once on stderr:
$(cat "$TMP/o3.stderr")"
grep -q 'NO AGENT REVIEWED THIS CODE' "$TMP/o3.stdout" && die "the no-agent warning is on stdout too"
"$TRIBUNAL" scan --quiet --repo "$R" --out "$TMP/o3q" >/dev/null 2>"$TMP/o3q.stderr" || die "quiet scan failed"
[ ! -s "$TMP/o3q.stderr" ] || die "--quiet still printed: $(cat "$TMP/o3q.stderr")"
jq -e '[.run.notices[] | select(startswith("NO AGENT REVIEWED"))] | length == 1' "$TMP/o3/findings.json" >/dev/null \
	|| die "the no-agent notice is missing from findings.json"
validate_reports "$TMP/o"
validate_reports "$TMP/o3"
