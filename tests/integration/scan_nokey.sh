# Without a provider key, scan still runs the diff and the rules, writes every report, and says
# loudly in each that no agent reviewed the code; require_agents: true turns that into exit 3.
# Also: --format picks a subset, --dry-run calls nothing, an empty diff passes with a note.
. tests/integration/lib.sh

R=$TMP/repo
new_repo "$R"
printf 'import os\n\ndef run(cmd):\n    return 0\n' > "$R/tool.py"
commit "$R" base
printf 'import os\n\ndef run(cmd):\n    return os.system("ls " + cmd)\n' > "$R/tool.py"
printf 'password = "%s"\ntoken = "ghp_%s"\n' "Xq7Lm2Pz9Rk4Tw8Yb3Nc6Vd1" \
	"$(head -c 400 /dev/urandom | tr -dc 'A-Za-z0-9' | head -c 36)" > "$R/conf.py"
commit "$R" head

expect_rc 1 "$TRIBUNAL" scan --repo "$R" --out "$TMP/o"
expect_in "$OUT" "NO AGENT REVIEWED THIS CODE"
expect_in "$OUT" "ANTHROPIC_API_KEY"
for f in summary.md results.sarif junit.xml report.html github-review.json gitlab-discussions.json; do
	grep -q "NO AGENT REVIEWED THIS CODE" "$TMP/o/$f" || die "$f does not say that no agent reviewed the code"
done
F=$TMP/o/findings.json
jq -e '.run.agents_ran == false and .not_reviewed[0].reason == "no credentials: ANTHROPIC_API_KEY is not set"' "$F" \
	>/dev/null || die "run record: $(jq -c '{run: .run.agents_ran, nr: .not_reviewed}' "$F")"
# the dangerous API hint becomes a finding on its own when no agent reviews the unit
jq -e '[.findings[] | select(.source == "rule" and .cwe == "CWE-78")] | length >= 1' "$F" >/dev/null \
	|| die "os.system with concatenation was not reported: $(jq -c '[.findings[] | {rule_id, cwe}]' "$F")"
jq -e '[.findings[] | select(.cwe == "CWE-798")] | length == 2' "$F" >/dev/null || die "the secrets were not reported: $(jq -c '[.findings[] | {rule_id, start_line, cwe}]' "$F")"
# the token (a precise format) gates; the heuristic hints (lower confidence) do not
jq -e '[.findings[] | select(.gating)] | map(.rule_id) == ["secret-github-token"]' "$F" >/dev/null \
	|| die "gating: $(jq -c '[.findings[] | {rule_id, gating, confidence}]' "$F")"
# a built-in rule is described as one, with its fix, in SARIF
jq -e '.runs[0].tool.driver.rules[] | select(.id == "rule/secret-github-token") |
	(.fullDescription.text | startswith("tribunal rule secret-github-token: ")) and (.help.text | test("Fix: "))
	and (.properties.tags | index("deterministic-rule"))' "$TMP/o/results.sarif" >/dev/null \
	|| die "the SARIF rule of a built-in rule: $(jq -c '.runs[0].tool.driver.rules' "$TMP/o/results.sarif")"
grep -q "built-in default policy (no .tribunal.yml)" "$TMP/o/summary.md" || die "the summary does not say the default policy decided"
[ ! -s "$TMP/o/audit.jsonl" ] || die "audit.jsonl has lines although no model was called"
validate_reports "$TMP/o"

printf 'version: 1\nrequire_agents: true\n' > "$TMP/strict.yml"
expect_rc 3 "$TRIBUNAL" scan --repo "$R" --out "$TMP/o2" --policy "$TMP/strict.yml"
[ -s "$TMP/o2/findings.json" ] || die "exit 3 must still write the reports"

# monitor mode never fails the job, but still writes every report with the verdict
printf 'version: 1\nmode: monitor\n' > "$TMP/monitor.yml"
expect_rc 0 "$TRIBUNAL" scan --repo "$R" --out "$TMP/o3" --policy "$TMP/monitor.yml"
jq -e '.run.gate.result == "fail"' "$TMP/o3/findings.json" >/dev/null || die "monitor mode lost the verdict"
grep -q "mode: monitor" "$TMP/o3/summary.md" || die "the summary does not say the gate is not enforced"

# --format picks a subset; an unknown name is a usage error
expect_rc 1 "$TRIBUNAL" scan --repo "$R" --out "$TMP/o4" --format sarif,junit
[ "$(ls "$TMP/o4" | sort | tr '\n' ' ')" = "junit.xml results.sarif " ] || die "--format wrote: $(ls "$TMP/o4")"
expect_rc 2 "$TRIBUNAL" scan --repo "$R" --out "$TMP/o5" --format sarfi
expect_in "$OUT" "did you mean 'sarif'"

# --dry-run with a key: no request is sent (there is no server at this address)
expect_rc 1 env ANTHROPIC_API_KEY=k ANTHROPIC_BASE_URL=http://127.0.0.1:9 "$TRIBUNAL" scan --repo "$R" --out "$TMP/o6" --dry-run
jq -e '.not_reviewed[0].reason | test("dry run")' "$TMP/o6/findings.json" >/dev/null || die "dry run not recorded"

# an empty diff passes, with a note
expect_rc 0 "$TRIBUNAL" scan --repo "$R" --base main --head main --out "$TMP/o7"
jq -e '.findings == [] and .run.gate.result == "pass"' "$TMP/o7/findings.json" >/dev/null || die "empty diff"
grep -q "changes no files" "$TMP/o7/summary.md" || die "the empty diff is not explained"
expect_rc 0 "$TRIBUNAL" plan --json --repo "$R" --base main --head main
printf '%s\n' "$OUT" | jq -e '.notes == ["the merge request changes no files: nothing to review, the gate passes"]' \
	>/dev/null || die "plan --json does not explain the empty diff: $OUT"

# content the merge request controls cannot hide a secret: a file that was minified in the base
# and still is gets skipped by the agents, but its added lines still go through the secret rules
M=$TMP/min
new_repo "$M"
printf '// %s\n' "$(head -c 9000 /dev/zero | tr '\0' 'y')" > "$M/a.js"
commit "$M" base
{ printf 'const t = "ghp_%s";\n' "$(head -c 400 /dev/urandom | tr -dc 'A-Za-z0-9' | head -c 36)"
  printf '// %s\n' "$(head -c 9000 /dev/zero | tr '\0' 'x')"; } > "$M/a.js"
printf 'x = 1\n' > "$M/empty.py" && git -C "$M" add empty.py && git -C "$M" commit -qm e && : > "$M/empty.py"
commit "$M" head
expect_rc 1 "$TRIBUNAL" scan --repo "$M" --base main~2 --head main --out "$TMP/om"
jq -e '.skipped[] | select(.path == "a.js" and .reason == "generated")' "$TMP/om/findings.json" >/dev/null \
	|| die "the minified file was not skipped"
jq -e '[.findings[] | select(.rule_id == "secret-github-token" and .path == "a.js" and .gating)] | length == 1' \
	"$TMP/om/findings.json" >/dev/null || die "a secret hid in a minified file: $(jq -c .findings "$TMP/om/findings.json")"
jq -e '.run.notices | any(test("secrets in them were still checked"))' "$TMP/om/findings.json" >/dev/null \
	|| die "the skipped-for-content notice is missing"
# --dry-run is not a failure of the scan: on_error: fail does not turn it into exit 3
printf 'version: 1\non_error: fail\n' > "$TMP/onerr.yml"
expect_rc 1 env ANTHROPIC_API_KEY=k "$TRIBUNAL" scan --repo "$M" --base main~2 --head main --out "$TMP/od" --dry-run --policy "$TMP/onerr.yml"

# --prompts DIR: the agents' prompts from files; their hashes are recorded; a missing one is an error
mkdir -p "$TMP/prompts"
for a in finder verifier patcher; do printf 'You are a custom %s. {{NONCE}}\n' "$a" > "$TMP/prompts/$a.md"; done
expect_rc 1 "$TRIBUNAL" scan --repo "$R" --out "$TMP/op" --prompts "$TMP/prompts"
h=$(printf 'You are a custom finder. {{NONCE}}\n' | sha256sum | cut -c1-64)
jq -e --arg h "$h" '.run.prompts.finder == $h' "$TMP/op/findings.json" >/dev/null || die "the custom prompt's hash is not recorded"
rm "$TMP/prompts/verifier.md"
expect_rc 2 "$TRIBUNAL" scan --repo "$R" --out "$TMP/op2" --prompts "$TMP/prompts"
expect_in "$OUT" "verifier.md"
