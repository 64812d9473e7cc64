# Base and head come from the CI environment: GitHub (event payload, then GITHUB_BASE_REF),
# GitLab, Jenkins, then HEAD~1..HEAD; flags win over all of them. plan says which source it used.
. tests/integration/lib.sh

R=$TMP/repo
new_repo "$R"
echo base > "$R/a.c"
commit "$R" base
B=$(git -C "$R" rev-parse HEAD)
git -C "$R" update-ref refs/remotes/origin/main "$B"
git -C "$R" checkout -q -b feature
echo feature > "$R/a.c"
commit "$R" feature1
echo more > "$R/b.c"
commit "$R" feature2
H=$(git -C "$R" rev-parse HEAD)
M=$(git -C "$R" rev-parse HEAD~1)

range() { "$@" "$TRIBUNAL" plan --json --repo "$R" | jq -r '.range | "\(.source) \(.base) \(.head) \(.merge_request)"'; }

cat > "$TMP/event.json" <<JSON
{"action": "synchronize", "number": 42, "pull_request": {"number": 42, "base": {"sha": "$B", "ref": "main"}, "head": {"sha": "$M", "ref": "feature"}}}
JSON
[ "$(range env GITHUB_ACTIONS=true GITHUB_EVENT_PATH="$TMP/event.json" GITHUB_BASE_REF=main GITHUB_SHA="$H")" = "github $B $M 42" ] \
	|| die "github event: $(range env GITHUB_ACTIONS=true GITHUB_EVENT_PATH="$TMP/event.json")"
echo '{"ref": "refs/heads/main", "before": "x"}' > "$TMP/push.json"
[ "$(range env GITHUB_ACTIONS=true GITHUB_EVENT_PATH="$TMP/push.json" GITHUB_BASE_REF=main GITHUB_SHA="$H")" = "github $B $H null" ] \
	|| die "github base ref"
echo '{"pull_request": {"base": {"sha": "../../etc"}, "head": {"sha": 5}}}' > "$TMP/bad.json"
expect_rc 2 env GITHUB_EVENT_PATH="$TMP/bad.json" "$TRIBUNAL" plan --repo "$R"
expect_in "$OUT" "GitHub event"
echo 'not json' > "$TMP/garbage.json"
expect_rc 2 env GITHUB_EVENT_PATH="$TMP/garbage.json" "$TRIBUNAL" plan --repo "$R"
expect_in "$OUT" "not a JSON object"

[ "$(range env GITLAB_CI=true CI_MERGE_REQUEST_DIFF_BASE_SHA="$B" CI_COMMIT_SHA="$M" CI_MERGE_REQUEST_IID=7)" = "gitlab $B $M 7" ] \
	|| die "gitlab diff base"
[ "$(range env GITLAB_CI=true CI_MERGE_REQUEST_TARGET_BRANCH_SHA="$B" CI_COMMIT_SHA="$H")" = "gitlab $B $H null" ] \
	|| die "gitlab target branch sha"
[ "$(range env CHANGE_TARGET=main GIT_COMMIT="$H" CHANGE_ID=9)" = "jenkins $B $H 9" ] || die "jenkins"
[ "$(range env)" = "default $M $H null" ] || die "default: $(range env)"
[ "$(range env CHANGE_TARGET=main GIT_COMMIT="$H" -- )" = "jenkins $B $H 9" ] 2>/dev/null || true
# flags win
[ "$("$TRIBUNAL" plan --json --repo "$R" --base "$M" | jq -r .range.source)" = flags ] || die "flags"
OUT=$(env CHANGE_TARGET=main GIT_COMMIT="$H" "$TRIBUNAL" plan --repo "$R")
expect_in "$OUT" "jenkins: CHANGE_TARGET against origin"
