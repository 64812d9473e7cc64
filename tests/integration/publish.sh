# tribunal publish against a loopback fake of GitHub's and GitLab's APIs (tests/fake_forge.py):
# what is sent (auth header, paths, bodies), that a rerun posts nothing new, the 422 and 400
# fallbacks, retries on 429, errors with the variable or permission to fix, exit codes, --dry-run,
# and that the token never shows in the output.
. tests/integration/lib.sh

# start_forge: the fake on a free port; sets FORGE (its URL). lib.sh's cleanup stops it.
start_forge() {
	local i
	rm -f "$TMP/forge.port"
	python3 tests/fake_forge.py --port-file "$TMP/forge.port" --log "$TMP/forge.log" &
	FAKE_PID=$!
	for i in $(seq 1 400); do
		[ -s "$TMP/forge.port" ] && break
		sleep 0.025
	done
	[ -s "$TMP/forge.port" ] || die "the fake forge did not start"
	FORGE="http://127.0.0.1:$(cat "$TMP/forge.port")"
}
# forge_script JSON: new script, empty state and log
forge_script() { curl -sf -X PUT --data-binary "$1" "$FORGE/_fake/script" >/dev/null || die "forge script"; }
# forge_reset: empty log, state kept (the next run sees what the last one posted)
forge_reset() { curl -sf -X POST "$FORGE/_fake/reset" >/dev/null || die "forge reset"; }
forge_log() { curl -sf "$FORGE/_fake/log"; }
forge_state() { curl -sf "$FORGE/_fake/state"; }
# every output goes through here too, so that the token can be looked for in all of it
ALL=$TMP/all-output
run() {
	expect_rc "$@"
	printf '%s\n' "$OUT" >> "$ALL"
}

# ---- a scan's output: a committed GitHub token and a strcpy, found by the rules without a key
R=$TMP/repo
new_repo "$R"
printf 'int main(void)\n{\n\treturn 0;\n}\n' > "$R/main.c"
commit "$R" base
printf '#include <string.h>\n\nvoid copy(char *d, const char *s)\n{\n\tstrcpy(d, s);\n}\n' > "$R/copy.c"
printf 'token = "ghp_%s"\n' "$(head -c 400 /dev/urandom | tr -dc 'A-Za-z0-9' | head -c 36)" > "$R/conf.py"
commit "$R" head
HEAD_SHA=$(git -C "$R" rev-parse HEAD)
BASE_SHA=$(git -C "$R" rev-parse HEAD~1)
expect_rc 1 "$TRIBUNAL" scan --repo "$R" --base "$BASE_SHA" --head "$HEAD_SHA" --out "$TMP/o"
N=$(jq '.comments | length' "$TMP/o/github-review.json")
[ "$N" -ge 2 ] || die "the fixture should give at least 2 inline comments, got $N"
M=$(jq 'length' "$TMP/o/gitlab-discussions.json")
FPS=$(jq -r '.comments[].body | capture("tribunal:fingerprint=(?<f>[0-9a-f]+) -->\n$").f' "$TMP/o/github-review.json" | sort)
[ "$(printf '%s\n' "$FPS" | wc -l)" -eq "$N" ] || die "every comment should end with its marker"
FP1=$(printf '%s\n' "$FPS" | head -n 1)

start_forge
TOKEN="ghs_$(head -c 400 /dev/urandom | tr -dc 'A-Za-z0-9' | head -c 36)"
printf '{"pull_request": {"number": 7, "base": {"sha": "%s"}, "head": {"sha": "%s"}}}\n' "$BASE_SHA" "$HEAD_SHA" \
	> "$TMP/event.json"
gh() {
	env GITHUB_TOKEN="$TOKEN" GITHUB_API_URL="$FORGE" GITHUB_REPOSITORY=acme/widget \
		GITHUB_EVENT_PATH="$TMP/event.json" "$TRIBUNAL" publish github --from "$TMP/o" "$@"
}
SCRIPT='{"token": "'$TOKEN'"}'

# ---- GitHub: --dry-run sends nothing, and lists what it would post
forge_script "$SCRIPT"
run 0 gh --dry-run
expect_in "$OUT" "dry run"
expect_in "$OUT" "copy.c:5"
expect_in "$OUT" "acme/widget#7"
[ "$(forge_log | jq length)" -eq 0 ] || die "--dry-run sent requests: $(forge_log)"

# ---- GitHub: the first run lists, then posts one review with every comment
run 0 gh
expect_in "$OUT" "posted a review (REQUEST_CHANGES) with $N inline comments"
L=$(forge_log)
[ "$(printf '%s' "$L" | jq -r '[.[] | .method + " " + (.path | sub("\\?.*"; ""))] | join(",")')" = \
	"GET /user,GET /repos/acme/widget/pulls/7/comments,GET /repos/acme/widget/pulls/7/reviews,POST /repos/acme/widget/pulls/7/reviews" ] \
	|| die "requests: $(printf '%s' "$L" | jq -c '[.[] | .method + " " + .path]')"
printf '%s' "$L" | jq -e --arg t "Bearer $TOKEN" 'all(.[]; .headers.authorization == $t and
	.headers.accept == "application/vnd.github+json" and (.headers["private-token"] == null))' >/dev/null \
	|| die "the auth or accept header is wrong: $(printf '%s' "$L" | jq -c '[.[] | .headers | del(.authorization)]')"
printf '%s' "$L" | jq -e '.[1].path | endswith("?per_page=100&page=1")' >/dev/null || die "not paginated by 100"
printf '%s' "$L" | jq -r '.[3].body' > "$TMP/posted.json"
jq -e --arg h "$HEAD_SHA" --argjson n "$N" '.commit_id == $h and .event == "REQUEST_CHANGES" and (.comments | length) == $n
	and (.body | test("<!-- tribunal:review -->"))' "$TMP/posted.json" >/dev/null || die "posted review: $(jq -c 'del(.body)' "$TMP/posted.json")"
jq -S '.comments' "$TMP/posted.json" > "$TMP/a.json"
jq -S '.comments' "$TMP/o/github-review.json" > "$TMP/b.json"
cmp -s "$TMP/a.json" "$TMP/b.json" || die "the comments were not posted as the scan wrote them"

# ---- GitHub: a second run finds every marker and posts nothing
forge_reset
run 0 gh
expect_in "$OUT" "nothing new to post"
[ "$(forge_log | jq '[.[] | select(.method == "POST")] | length')" -eq 0 ] || die "the rerun posted again"

# ---- GitHub: a new commit with one more finding: only that one is posted
printf 'import os\n\ndef run(cmd):\n    return os.system("ls " + cmd)\n' > "$R/tool.py"
commit "$R" more
HEAD2=$(git -C "$R" rev-parse HEAD)
expect_rc 1 "$TRIBUNAL" scan --repo "$R" --base "$BASE_SHA" --head "$HEAD2" --out "$TMP/o2"
N2=$(jq '.comments | length' "$TMP/o2/github-review.json")
[ "$N2" -gt "$N" ] || die "the second scan should have more inline comments ($N2 vs $N)"
forge_reset
run 0 gh --from "$TMP/o2"
expect_in "$OUT" "with $((N2 - N)) inline comment"
expect_in "$OUT" "$N already there were skipped"
forge_log | jq -r '[.[] | select(.method == "POST")][0].body' | jq -r '.comments[].body' > "$TMP/new.txt"
for f in $FPS; do ! grep -q "$f" "$TMP/new.txt" || die "finding $f was posted twice"; done

# ---- GitHub: the fix passes the gate: tribunal's earlier requests for changes are dismissed, so
# that they no longer block the pull request (a refusal is said, never fatal)
git -C "$R" rm -q conf.py tool.py
printf '#include <string.h>\n\nvoid copy(char *d, const char *s, size_t n)\n{\n\tstrncpy(d, s, n);\n}\n' > "$R/copy.c"
commit "$R" fixed
HEAD3=$(git -C "$R" rev-parse HEAD)
expect_rc 0 "$TRIBUNAL" scan --repo "$R" --base "$BASE_SHA" --head "$HEAD3" --out "$TMP/o3"
jq -e '.event == "COMMENT"' "$TMP/o3/github-review.json" >/dev/null || die "a passing gate should comment, not request changes"
forge_state | jq '.github' > "$TMP/gh-state.json"
[ "$(jq '[.reviews[] | select(.state == "CHANGES_REQUESTED")] | length' "$TMP/gh-state.json")" -eq 2 ] \
	|| die "expected two earlier requests for changes: $(jq -c '[.reviews[] | .state]' "$TMP/gh-state.json")"
forge_reset
run 0 gh --from "$TMP/o3"
expect_in "$OUT" "dismissed 2 earlier requests for changes"
[ "$(forge_log | jq '[.[] | select(.method == "PUT" and (.path | test("/reviews/[0-9]+/dismissals$")))] | length')" -eq 2 ] \
	|| die "dismissals: $(forge_log | jq -c '[.[] | .method + " " + .path]')"
[ "$(forge_state | jq '[.github.reviews[] | select(.state == "CHANGES_REQUESTED")] | length')" -eq 0 ] \
	|| die "a request for changes is still standing"
forge_script "$(jq -n --arg t "$TOKEN" '{token: $t, dismiss_status: 403, github: {reviews: [{id: 77,
	user: {login: "tribunal-bot", type: "Bot"}, state: "CHANGES_REQUESTED", commit_id: "x",
	body: "old\n<!-- tribunal:review -->"}]}}')"
run 0 gh --from "$TMP/o3"
expect_in "$OUT" "could not dismiss tribunal's earlier request for changes (review 77, HTTP 403)"

# ---- GitHub: markers count only from the token's own account, on every page of the listing
SEEDED=$(jq -n --arg t "$TOKEN" --arg fp "$FP1" --arg other "$(printf '%s\n' "$FPS" | sed -n 2p)" '{token: $t,
	github: {filler_comments: 150, comments: [
		{id: 1, user: {login: "mallory", type: "User"}, body: ("quoting\n<!-- tribunal:fingerprint=" + $fp + " -->")},
		{id: 2, user: {login: "echo-bot[bot]", type: "Bot"}, body: ("<!-- tribunal:fingerprint=" + $fp + " -->")}]},
	rules: []} | .github.comments += [range(0; 120) | {id: (500 + .), user: {login: "octocat", type: "User"}, body: "x"}]
	| .github.comments += [{id: 9999, user: {login: "tribunal-bot", type: "Bot"},
		body: ("earlier\n<!-- tribunal:fingerprint=" + $other + " -->\n")}]')
forge_script "$SEEDED"
run 0 gh
forge_log | jq -r '[.[] | .path | select(test("/comments"))] | join(" ")' > "$TMP/pages"
expect_in "$(cat "$TMP/pages")" "page=3"
! grep -q "page=4" "$TMP/pages" || die "listing went past the last short page: $(cat "$TMP/pages")"
forge_log | jq -r '[.[] | select(.method == "POST")][0].body' | jq -r '.comments[].body' > "$TMP/posted.txt"
grep -q "$FP1" "$TMP/posted.txt" || die "a marker quoted by another user or bot silenced finding $FP1"
! grep -q "$(printf '%s\n' "$FPS" | sed -n 2p)" "$TMP/posted.txt" || die "a marker on page 3 was not seen"
expect_in "$OUT" "with $((N - 1)) inline comment"

# ---- GitHub: a marker in code quoted by tribunal's own comment (a suggestion block) is not one
forge_script "$(jq -n --arg t "$TOKEN" --arg fp "$FP1" '{token: $t, github: {comments: [
	{id: 1, user: {login: "tribunal-bot", type: "Bot"},
	 body: ("```suggestion\n// <!-- tribunal:fingerprint=" + $fp + " -->\n```\n<!-- tribunal:fingerprint=00000000 -->\n")}]}}')"
run 0 gh
expect_in "$OUT" "with $N inline comments"

# ---- GitHub: an installation token cannot read /user: then bot accounts' markers count, still
# not a user's
forge_script "$(jq -n --arg t "$TOKEN" --arg fp "$FP1" --arg fp2 "$(printf '%s\n' "$FPS" | sed -n 2p)" '{token: $t,
	github_user_status: 403, github: {comments: [
	{id: 1, user: {login: "github-actions[bot]", type: "Bot"}, body: ("<!-- tribunal:fingerprint=" + $fp + " -->")},
	{id: 2, user: {login: "mallory", type: "User"}, body: ("<!-- tribunal:fingerprint=" + $fp2 + " -->")}]}}')"
run 0 gh
expect_in "$OUT" "with $((N - 1)) inline comment"
forge_log | jq -r '[.[] | select(.method == "POST")][0].body' | jq -r '.comments[].body' > "$TMP/posted.txt"
grep -q "$(printf '%s\n' "$FPS" | sed -n 2p)" "$TMP/posted.txt" || die "a user's marker counted without /user"
# in GitHub Actions only github-actions[bot]'s markers count then, not another bot's; an app token
# names its bot with TRIBUNAL_GITHUB_LOGIN
BOTS=$(jq -n --arg t "$TOKEN" --arg fp "$FP1" --arg fp2 "$(printf '%s\n' "$FPS" | sed -n 2p)" '{token: $t,
	github_user_status: 403, github: {comments: [
	{id: 1, user: {login: "github-actions[bot]", type: "Bot"}, body: ("<!-- tribunal:fingerprint=" + $fp + " -->")},
	{id: 2, user: {login: "helpful[bot]", type: "Bot"}, body: ("<!-- tribunal:fingerprint=" + $fp2 + " -->")}]}}')
forge_script "$BOTS"
run 0 env GITHUB_ACTIONS=true GITHUB_TOKEN="$TOKEN" GITHUB_API_URL="$FORGE" GITHUB_REPOSITORY=acme/widget \
	GITHUB_EVENT_PATH="$TMP/event.json" "$TRIBUNAL" publish github --from "$TMP/o"
forge_log | jq -r '[.[] | select(.method == "POST")][0].body' | jq -r '.comments[].body' > "$TMP/posted.txt"
! grep -q "$FP1" "$TMP/posted.txt" || die "github-actions[bot]'s marker did not count in Actions"
grep -q "$(printf '%s\n' "$FPS" | sed -n 2p)" "$TMP/posted.txt" || die "another bot's marker counted in Actions"
forge_script "$BOTS"
run 0 env GITHUB_ACTIONS=true TRIBUNAL_GITHUB_LOGIN='helpful[bot]' GITHUB_TOKEN="$TOKEN" GITHUB_API_URL="$FORGE" \
	GITHUB_REPOSITORY=acme/widget GITHUB_EVENT_PATH="$TMP/event.json" "$TRIBUNAL" publish github --from "$TMP/o"
forge_log | jq -r '[.[] | select(.method == "POST")][0].body' | jq -r '.comments[].body' > "$TMP/posted.txt"
grep -q "$FP1" "$TMP/posted.txt" || die "with TRIBUNAL_GITHUB_LOGIN, github-actions[bot]'s marker still counted"
! grep -q "$(printf '%s\n' "$FPS" | sed -n 2p)" "$TMP/posted.txt" || die "TRIBUNAL_GITHUB_LOGIN's marker did not count"

# ---- GitHub: 422 for a line outside the diff: once more, the comments in the review body
forge_script "$(jq -n --arg t "$TOKEN" '{token: $t, diff_lines: {}}')"
run 0 gh
expect_in "$OUT" "with $N comments in its body"
forge_log | jq '[.[] | select(.method == "POST")]' > "$TMP/posts.json"
[ "$(jq length "$TMP/posts.json")" -eq 2 ] || die "expected 2 POSTs after a 422, got $(jq length "$TMP/posts.json")"
jq -r '.[1].body' "$TMP/posts.json" > "$TMP/fold.json"
jq -e '(.comments // []) == [] and (.body | endswith("<!-- tribunal:review -->\n"))' "$TMP/fold.json" >/dev/null \
	|| die "the second POST must carry no inline comment"
for f in $FPS; do jq -e --arg f "$f" '.body | contains("tribunal:fingerprint=" + $f)' "$TMP/fold.json" >/dev/null \
	|| die "finding $f is missing from the folded review body"; done
# and its markers count: the rerun posts nothing
forge_reset
run 0 gh
expect_in "$OUT" "nothing new to post"

# ---- GitHub: 429 with Retry-After is waited out and retried
forge_script "$(jq -n --arg t "$TOKEN" '{token: $t, rules: [{method: "POST", path: "/reviews", times: 1, status: 429,
	retry_after: "1", body: {message: "API rate limit exceeded"}}]}')"
run 0 gh
forge_log | jq '[.[] | select(.method == "POST")]' > "$TMP/posts.json"
[ "$(jq length "$TMP/posts.json")" -eq 2 ] || die "the 429 was not retried once"
jq -e '.[1].t - .[0].t >= 0.9' "$TMP/posts.json" >/dev/null || die "Retry-After: 1 was not honoured"
# a wait longer than publish's bound fails at once with exit 3
forge_script "$(jq -n --arg t "$TOKEN" '{token: $t, rules: [{method: "GET", path: "/comments", status: 429,
	retry_after: "3600", body: {message: "API rate limit exceeded"}}]}')"
run 3 gh
expect_in "$OUT" "asked to wait 3600 s"
# so does a rate limit that resets at the end of time (x-ratelimit-reset * 1000 must not overflow),
# and a Retry-After too large to be a date
forge_script "$(jq -n --arg t "$TOKEN" '{token: $t, rules: [{method: "GET", path: "/comments", status: 403,
	headers: {"x-ratelimit-remaining": "0", "x-ratelimit-reset": "9223372036854775807"},
	body: {message: "API rate limit exceeded"}}]}')"
run 3 gh
expect_in "$OUT" "HTTP 403 to GET /repos/acme/widget/pulls/7/comments and asked to wait 10000000 s"
[ "$(forge_log | jq '[.[] | select(.path | test("/comments"))] | length')" -eq 1 ] || die "an endless reset was retried"
forge_script "$(jq -n --arg t "$TOKEN" '{token: $t, rules: [{method: "GET", path: "/comments", status: 429,
	retry_after: "99999999999999999999", body: {message: "API rate limit exceeded"}}]}')"
run 3 gh
expect_in "$OUT" "asked to wait 10000000 s"
# a server error is retried with backoff until the attempts run out
forge_script "$(jq -n --arg t "$TOKEN" '{token: $t, rules: [{method: "GET", path: "/user", times: 1, status: 502}]}')"
run 0 gh
[ "$(forge_log | jq '[.[] | select(.path == "/user")] | length')" -eq 2 ] || die "a 502 was not retried"
# but a POST answered 502 is not sent again: the platform may have posted it all the same
forge_script "$(jq -n --arg t "$TOKEN" '{token: $t, rules: [{method: "POST", path: "/reviews", times: 1, status: 502}]}')"
run 3 gh
[ "$(forge_log | jq '[.[] | select(.method == "POST")] | length')" -eq 1 ] || die "a POST answered 502 was sent again"
expect_in "$OUT" "HTTP 502"
expect_in "$OUT" "a rerun skips what was posted"

# ---- GitHub: 401 and 403 name the permission; exit 3; the token is never printed
forge_script '{"token": "something-else"}'
run 3 gh
expect_in "$OUT" "HTTP 401"
expect_in "$OUT" "pull-requests: write"
forge_script "$(jq -n --arg t "$TOKEN" '{token: $t, rules: [{method: "POST", path: "/reviews", status: 403,
	body: {message: "Resource not accessible by integration"}}]}')"
run 3 gh
expect_in "$OUT" "HTTP 403"
expect_in "$OUT" "pull-requests: write"
expect_in "$OUT" "Resource not accessible by integration"
# a server that echoes the token back in its error: the message shows [token] instead
forge_script "$(jq -n --arg t "$TOKEN" '{token: $t, rules: [{method: "GET", path: "/user", status: 401,
	body: {message: ("Bad credentials: Authorization: Bearer " + $t)}}]}')"
run 3 gh
expect_in "$OUT" "Authorization: Bearer [token]"

# ---- GitHub: configuration and input errors: exit 2, naming what to fix, nothing sent
forge_script "$SCRIPT"
run 2 env -u GITHUB_TOKEN GITHUB_API_URL="$FORGE" GITHUB_REPOSITORY=acme/widget GITHUB_EVENT_PATH="$TMP/event.json" \
	"$TRIBUNAL" publish github --from "$TMP/o"
expect_in "$OUT" "GITHUB_TOKEN is not set"
expect_in "$OUT" "pull-requests: write"
run 2 env GITHUB_TOKEN="$TOKEN" GITHUB_API_URL="$FORGE" GITHUB_EVENT_PATH="$TMP/event.json" \
	"$TRIBUNAL" publish github --from "$TMP/o"
expect_in "$OUT" "GITHUB_REPOSITORY is not set"
run 2 env GITHUB_TOKEN="$TOKEN" GITHUB_API_URL="$FORGE" GITHUB_REPOSITORY="acme/../etc" \
	GITHUB_EVENT_PATH="$TMP/event.json" "$TRIBUNAL" publish github --from "$TMP/o"
expect_in "$OUT" "GITHUB_REPOSITORY is not owner/name"
run 2 env GITHUB_TOKEN="$TOKEN" GITHUB_API_URL="$FORGE" GITHUB_REPOSITORY=acme/widget \
	"$TRIBUNAL" publish github --from "$TMP/o"
expect_in "$OUT" "--pr N"
run 2 gh --pr 7x
expect_in "$OUT" "--pr expects a number"
run 2 env GITHUB_TOKEN="$TOKEN" GITHUB_API_URL="http://user:pw@127.0.0.1:9" GITHUB_REPOSITORY=acme/widget \
	"$TRIBUNAL" publish github --from "$TMP/o" --pr 7
expect_in "$OUT" "GITHUB_API_URL must not hold a user name or password"
run 2 env GITHUB_TOKEN="bad
token" GITHUB_API_URL="$FORGE" GITHUB_REPOSITORY=acme/widget "$TRIBUNAL" publish github --from "$TMP/o" --pr 7
expect_in "$OUT" "GITHUB_TOKEN holds a space or a control character"
run 2 gh --from "$TMP/nowhere"
expect_in "$OUT" "github-review.json"
mkdir -p "$TMP/bad" && printf '{"event": "APPROVE", "body": "x"}' > "$TMP/bad/github-review.json"
run 2 gh --from "$TMP/bad"
expect_in "$OUT" "tribunal never approves"
printf '{"event": ' > "$TMP/bad/github-review.json"
run 2 gh --from "$TMP/bad"
expect_in "$OUT" "not valid JSON"
run 2 "$TRIBUNAL" publish bitbucket --from "$TMP/o"
run 2 "$TRIBUNAL" publish github
expect_in "$OUT" "--from DIR is required"
run 2 gh --mr 3
[ "$(forge_log | jq length)" -eq 0 ] || die "a configuration error still sent requests"

# ---- GitLab
GLTOKEN="glpat-$(head -c 400 /dev/urandom | tr -dc 'A-Za-z0-9' | head -c 20)"
gl() {
	env GITLAB_TOKEN="$GLTOKEN" CI_API_V4_URL="$FORGE/api/v4" CI_PROJECT_ID=12 CI_MERGE_REQUEST_IID=5 \
		"$TRIBUNAL" publish gitlab --from "$TMP/o" "$@"
}
GLSCRIPT=$(jq -n --arg t "$GLTOKEN" '{token: $t}')
forge_script "$GLSCRIPT"
run 0 gl --dry-run
expect_in "$OUT" "merge request !5"
expect_in "$OUT" "(general discussion)"
[ "$(forge_log | jq length)" -eq 0 ] || die "gitlab --dry-run sent requests"

run 0 gl
expect_in "$OUT" "posted $M discussions"
L=$(forge_log)
[ "$(printf '%s' "$L" | jq -r '[.[] | .method + " " + (.path | sub("\\?.*"; ""))] | unique | join(",")')" = \
	"GET /api/v4/projects/12/merge_requests/5/discussions,GET /api/v4/user,POST /api/v4/projects/12/merge_requests/5/discussions" ] \
	|| die "gitlab requests: $(printf '%s' "$L" | jq -c '[.[] | .method + " " + .path]')"
printf '%s' "$L" | jq -e --arg t "$GLTOKEN" 'all(.[]; .headers["private-token"] == $t and .headers.authorization == null)' \
	>/dev/null || die "the PRIVATE-TOKEN header is wrong"
printf '%s' "$L" | jq '[.[] | select(.method == "POST") | .body | fromjson]' > "$TMP/gl.json"
[ "$(jq length "$TMP/gl.json")" -eq "$M" ] || die "expected $M discussions posted"
jq -e --arg h "$HEAD_SHA" '[.[] | select(.position)] | length >= 2 and all(.[]; .position.head_sha == $h and
	.position.position_type == "text" and (.body | test("tribunal:fingerprint=[0-9a-f]+ -->\n$")))' "$TMP/gl.json" \
	>/dev/null || die "positioned discussions: $(jq -c '[.[] | .position]' "$TMP/gl.json")"
jq -e '.[-1] | (.position == null) and (.body | test("<!-- tribunal:summary -->\n<!-- tribunal:body=[0-9a-f]{64} -->\n$"))' \
	"$TMP/gl.json" >/dev/null || die "the summary should be posted last, with its own marker"
forge_reset
run 0 gl
expect_in "$OUT" "nothing new to post"
[ "$(forge_log | jq '[.[] | select(.method == "POST")] | length')" -eq 0 ] || die "the gitlab rerun posted again"

# a position GitLab refuses: that discussion goes without one
BADPATH=$(jq -r '[.[] | select(.position)][0].position.new_path' "$TMP/o/gitlab-discussions.json")
forge_script "$(jq -n --arg t "$GLTOKEN" --arg p "$BADPATH" '{token: $t, bad_positions: [$p]}')"
run 0 gl
expect_in "$OUT" "without a position"
forge_log | jq '[.[] | select(.method == "POST") | .body | fromjson]' > "$TMP/gl.json"
[ "$(jq length "$TMP/gl.json")" -gt "$M" ] || die "a refused position was not posted again"
jq -e --arg p "$BADPATH" '[.[] | select(.position == null and (.body | test("tribunal:fingerprint")) and
	(.body | test("tribunal:summary") | not))] | length >= 1' "$TMP/gl.json" >/dev/null \
	|| die "the refused discussion was not posted without a position"

# markers count only in the token's account's notes; when GitLab will not say whose token it is,
# nothing is posted rather than trusting anyone's
SPOOF=$(jq '[.[] | .body | capture("tribunal:fingerprint=(?<f>[0-9a-f]+) -->").f] | map({individual_note: true,
	notes: [{id: 7, body: ("<!-- tribunal:fingerprint=" + . + " -->"), author: {id: 1, username: "mallory"}}]})' \
	"$TMP/o/gitlab-discussions.json")
forge_script "$(jq -n --arg t "$GLTOKEN" --argjson d "$SPOOF" '{token: $t, gitlab: {discussions: $d}}')"
run 0 gl
expect_in "$OUT" "posted $M discussions"
forge_script "$(jq -n --arg t "$GLTOKEN" --argjson d "$SPOOF" '{token: $t, gitlab_user_status: 403, gitlab: {discussions: $d}}')"
run 3 gl
expect_in "$OUT" "GET /user"
[ "$(forge_log | jq '[.[] | select(.method == "POST")] | length')" -eq 0 ] || die "posted without knowing whose markers count"

# 429 is retried on GitLab too
forge_script "$(jq -n --arg t "$GLTOKEN" '{token: $t, rules: [{method: "POST", path: "/discussions", times: 1,
	status: 429, retry_after: "1"}]}')"
run 0 gl
[ "$(forge_log | jq '[.[] | select(.method == "POST")] | length')" -eq $((M + 1)) ] || die "gitlab 429 not retried"

# errors: a job token only, a bad token, a missing project
forge_script "$GLSCRIPT"
run 2 env CI_JOB_TOKEN=jobtoken CI_API_V4_URL="$FORGE/api/v4" CI_PROJECT_ID=12 CI_MERGE_REQUEST_IID=5 \
	"$TRIBUNAL" publish gitlab --from "$TMP/o"
expect_in "$OUT" "CI_JOB_TOKEN cannot post"
expect_in "$OUT" "project access token with the api scope"
expect_in "$OUT" "GITLAB_TOKEN"
run 2 env GITLAB_TOKEN="$GLTOKEN" CI_API_V4_URL="$FORGE/api/v4" CI_MERGE_REQUEST_IID=5 "$TRIBUNAL" publish gitlab --from "$TMP/o"
expect_in "$OUT" "CI_PROJECT_ID is not set"
run 2 env GITLAB_TOKEN="$GLTOKEN" CI_PROJECT_ID=12 CI_MERGE_REQUEST_IID=5 "$TRIBUNAL" publish gitlab --from "$TMP/o"
expect_in "$OUT" "CI_API_V4_URL is not set"
run 2 env GITLAB_TOKEN="$GLTOKEN" CI_API_V4_URL="$FORGE/api/v4" CI_PROJECT_ID=12 "$TRIBUNAL" publish gitlab --from "$TMP/o"
expect_in "$OUT" "--mr N"
[ "$(forge_log | jq length)" -eq 0 ] || die "a gitlab configuration error still sent requests"
run 3 env GITLAB_TOKEN="wrong-token" CI_API_V4_URL="$FORGE/api/v4" CI_PROJECT_ID=12 CI_MERGE_REQUEST_IID=5 \
	"$TRIBUNAL" publish gitlab --from "$TMP/o"
expect_in "$OUT" "HTTP 401"
expect_in "$OUT" "api scope"

# ---- no output ever held a token
! grep -qF "$TOKEN" "$ALL" || die "the GitHub token was printed"
! grep -qF "$GLTOKEN" "$ALL" || die "the GitLab token was printed"
true
