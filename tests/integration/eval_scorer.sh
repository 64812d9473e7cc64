# bench/eval without an API key: the scorer's unit tests (tests/eval/test_score.py), the evaluation
# set's own checks, and bench/eval/run.sh end to end with the real binary and the fake provider
# replaying the hand-written model replies of bench/eval/recorded. Those replies make a true
# positive, a false positive, a false negative, a true negative, an "uncertain" verdict and a
# duplicate, so the exact counts, precision and recall are known.
. tests/integration/lib.sh
. bench/eval/lib.sh

# ---- the scorer's matching rules ---------------------------------------------------------------
python3 tests/eval/test_score.py >"$TMP/unit.log" 2>&1 || { cat "$TMP/unit.log" >&2; die "tests/eval/test_score.py failed"; }

# ---- the evaluation set ------------------------------------------------------------------------
python3 bench/eval/score.py --check --json >"$TMP/check.json" || { cat "$TMP/check.json" >&2; die "score.py --check"; }
jq -e '.problems == [] and .summary.cases >= 30 and (.summary.languages | length) >= 6 and
	.summary.vulnerable == .summary.benign' "$TMP/check.json" >/dev/null || die "the set: $(jq -c . "$TMP/check.json")"

# tribunal reviews every file a truth finding names (none is skipped as generated, binary, ...):
# all cases side by side in one repository, base then head, and one plan
ALL=$TMP/all
new_repo "$ALL"
for c in bench/eval/cases/*/; do id=$(basename "$c"); mkdir -p "$ALL/$id"; cp -R "$c/base/." "$ALL/$id/"; done
commit "$ALL" base
for c in bench/eval/cases/*/; do id=$(basename "$c"); rm -rf "${ALL:?}/$id"; mkdir -p "$ALL/$id"; cp -R "$c/head/." "$ALL/$id/"; done
commit "$ALL" head
"$TRIBUNAL" plan --json --repo "$ALL" --base HEAD~1 --head HEAD >"$TMP/plan.json" || die "plan of all cases"
jq -e '.totals.files_skipped == 0' "$TMP/plan.json" >/dev/null || die "skipped: $(jq -c .skipped "$TMP/plan.json")"
jq -r '[.files[] | select(.unit != null) | .path] | .[]' "$TMP/plan.json" | sort >"$TMP/reviewed"
for t in bench/eval/cases/*/truth.json; do
	id=$(basename "$(dirname "$t")")
	jq -r --arg id "$id" '.findings[] | ., (.also // [])[] | "\($id)/\(.path)"' "$t"
done | sort -u >"$TMP/named"
missing=$(comm -23 "$TMP/named" "$TMP/reviewed")
[ -z "$missing" ] || die "truth files that tribunal does not review: $missing"

# ---- run.sh refuses to run without a provider --------------------------------------------------
expect_rc 2 sh bench/eval/run.sh "$TRIBUNAL"
expect_in "$OUT" "neither ANTHROPIC_API_KEY nor OPENAI_API_KEY is set"
expect_in "$OUT" "nothing was run"

# ---- run.sh with the recorded replies ----------------------------------------------------------
echo '{"rules": []}' >"$TMP/empty.json"
start_fake "$TMP/empty.json"
export ANTHROPIC_BASE_URL=$FAKE_URL ANTHROPIC_API_KEY=sk-ant-eval-dummy
expect_rc 2 env EVAL_CASES=no-such-case sh bench/eval/run.sh "$TRIBUNAL"
expect_in "$OUT" "no case 'no-such-case'"
expect_rc 2 env EVAL_RECORDED=bench/eval/recorded EVAL_CASES=py-ssrf-preview sh bench/eval/run.sh "$TRIBUNAL"
expect_in "$OUT" "no recording"

R=$TMP/out
expect_rc 0 env EVAL_RECORDED=bench/eval/recorded EVAL_OUT="$R" sh bench/eval/run.sh "$TRIBUNAL"
console=$OUT
expect_in "$console" "TP 2  FP 2  FN 2  (duplicates 1, not counted)"
expect_in "$console" "precision 0.500  recall 0.500  F1 0.500"
expect_in "$console" "vulnerable cases detected 2/4, benign cases without a false positive 1/2"
expect_in "$console" "tokens 14400 (input 12000, output 2400, cache read 0, cache write 0), cost \$0.0720"
expect_in "$console" "FP   c-memcpy-checked: src/record.c:27-28 CWE-120 [confirmed]"
cmp -s "$R/score.txt" <(printf '%s\n' "$console" | sed -n '/^case /,$p') || die "score.txt differs from what run.sh printed"
S=$R/score.json
for f in "$R"/*/findings.json; do
	jq -e '.run.agents_ran == true and .not_reviewed == [] and .run.models.finder == "claude-sonnet-4-5"' "$f" >/dev/null \
		|| die "$f: not reviewed through the fake provider: $(jq -c '.run, .not_reviewed' "$f")"
done

# per case: id tp fp fn duplicates tokens
check_cases() {
	local file=$1 want=$2 got
	got=$(jq -r '.cases[] | "\(.id) \(.tp) \(.fp) \(.fn) \(.duplicates) \(.tokens.total)"' "$file")
	[ "$got" = "$want" ] || die "per-case counts of $file:
$got
want:
$want"
}
check_cases "$S" "c-memcpy-checked 0 1 0 0 1800
go-path-join 0 0 1 0 2400
java-xxe-import 0 0 1 0 1800
js-execfile-const 0 0 0 0 1800
py-sqli-fstring 1 0 0 0 3600
rb-open-redirect 1 1 0 1 3000"
# tokens per case are findings.json's run.tokens
for id in $(jq -r '.cases[].id' "$S"); do
	want=$(jq '.run.tokens | .input + .output + .cache_read + .cache_write' "$R/$id/findings.json")
	got=$(jq --arg id "$id" '.cases[] | select(.id == $id) | .tokens.total' "$S")
	[ "$want" = "$got" ] || die "$id: tokens $got, findings.json says $want"
done

# totals: tp fp fn, then precision, recall, F1 in thousandths
check_totals() {
	local file=$1 want=$2 got
	got=$(jq -r '.totals | "\(.tp) \(.fp) \(.fn) " +
		([.precision, .recall, .f1] | map(if . == null then "-" else (. * 1000 | round | tostring) end) | join(" "))' "$file")
	[ "$got" = "$want" ] || die "totals of $file: $got, want $want"
}
check_totals "$S" "2 2 2 500 500 500"
jq -e '.totals | .detected == 2 and .clean == 1 and .duplicates == 1 and .tokens.total == 14400 and
	(.cost_usd * 10000 | round) == 720 and .cost_unknown_cases == 0 and .incomplete_cases == 0' "$S" >/dev/null \
	|| die "totals: $(jq -c .totals "$S")"
jq -e '.cases[] | select(.id == "py-sqli-fstring") | .precision == 1 and .recall == 1 and .f1 == 1 and
	.matches[0].finding.cwe == "CWE-89"' "$S" >/dev/null || die "py-sqli-fstring: $(jq -c '.cases[4]' "$S")"
jq -e '.cases[] | select(.id == "js-execfile-const") | .precision == null and .recall == null and .predicted == 0' \
	"$S" >/dev/null || die "the true negative"

# the same outputs under the scorer's options
score() { python3 bench/eval/score.py --out "$R" --json "$@" >"$TMP/s.json" || die "score.py $*"; }
score --include-uncertain          # the XXE (CWE-827, one line past the range) now counts
check_totals "$TMP/s.json" "3 2 1 600 750 667"
score --strict-duplicates          # the second report of the redirect is a false positive
check_totals "$TMP/s.json" "2 3 2 400 500 444"
score --include-uncertain --tolerance 0   # and without the slack the XXE is in the wrong place
check_totals "$TMP/s.json" "2 3 2 400 500 444"
jq -e '.cases[] | select(.id == "java-xxe-import") | .fp == 1 and .fn == 1' "$TMP/s.json" >/dev/null \
	|| die "java-xxe-import at tolerance 0"

# EVAL_POLICY and EVAL_SCORE_ARGS: without a verifier every candidate stays unverified, which
# counts only with --include-unverified
printf 'version: 1\nmode: monitor\nagents:\n  verifier: {enabled: false}\n  patcher: {enabled: false}\n' >"$TMP/noverify.yml"
expect_rc 0 env EVAL_RECORDED=bench/eval/recorded EVAL_OUT="$TMP/out2" EVAL_CASES=py-sqli-fstring \
	EVAL_POLICY="$TMP/noverify.yml" EVAL_SCORE_ARGS=--include-unverified sh bench/eval/run.sh "$TRIBUNAL"
jq -e '[.findings[].status] == ["unverified", "unverified"] and
	all(.findings[]; .verification.reason == "not verified: the verifier is disabled by the policy")' \
	"$TMP/out2/py-sqli-fstring/findings.json" >/dev/null \
	|| die "statuses without a verifier: $(jq -c '[.findings[].status]' "$TMP/out2/py-sqli-fstring/findings.json")"
check_totals "$TMP/out2/score.json" "1 1 0 500 1000 667"
python3 bench/eval/score.py --out "$TMP/out2" --json >"$TMP/s.json"
check_totals "$TMP/s.json" "0 0 1 - 0 0"
