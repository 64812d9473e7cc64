# Functions shared by bench/eval/run.sh and tests/integration/eval_scorer.sh (POSIX sh; sourced).

# eval_git ARGS...: git with a fixed identity and dates (the same case always gives the same SHAs)
# and without the caller's hooks or commit signing.
eval_git() {
	GIT_AUTHOR_NAME=Eval GIT_AUTHOR_EMAIL=eval@example.com \
	GIT_COMMITTER_NAME=Eval GIT_COMMITTER_EMAIL=eval@example.com \
	GIT_AUTHOR_DATE=2026-01-01T00:00:00Z GIT_COMMITTER_DATE=2026-01-01T00:00:00Z \
		git -c core.hooksPath=/dev/null -c commit.gpgsign=false -c core.autocrlf=false "$@"
}

# eval_build_repo CASE_DIR REPO: a fresh repository at REPO on branch main with two commits,
# CASE_DIR/base then CASE_DIR/head (each a full tree): HEAD~1..HEAD is the merge request.
eval_build_repo() {
	if [ ! -d "$1/base" ] || [ ! -d "$1/head" ]; then
		echo "eval: $1 needs base/ and head/" >&2
		return 2
	fi
	rm -rf "$2"
	mkdir -p "$2"
	eval_git init -q -b main "$2" || return
	cp -R "$1/base/." "$2/" || return
	eval_git -C "$2" add -A || return
	eval_git -C "$2" commit -q --allow-empty -m "base" || return
	find "$2" -mindepth 1 -maxdepth 1 ! -name .git -exec rm -rf {} + || return
	cp -R "$1/head/." "$2/" || return
	eval_git -C "$2" add -A || return
	eval_git -C "$2" commit -q --allow-empty -m "merge request" || return
}

# eval_scan TRIBUNAL REPO OUT POLICY: reviews HEAD~1..HEAD of REPO into OUT (findings.json, with
# tribunal's stderr in OUT/scan.log); returns tribunal's exit status. POLICY may be empty.
eval_scan() {
	mkdir -p "$3" || return 2
	if [ -n "$4" ]; then
		"$1" scan --repo "$2" --base HEAD~1 --head HEAD --out "$3" --format json --policy "$4" \
			>"$3/scan.log" 2>&1
	else
		"$1" scan --repo "$2" --base HEAD~1 --head HEAD --out "$3" --format json >"$3/scan.log" 2>&1
	fi
}

# eval_replay_load URL FILE: loads a recorded script into tests/fake_provider.py at URL
# (PUT URL/_fake/script, which also resets its counters and request log).
eval_replay_load() {
	if command -v curl >/dev/null 2>&1; then
		curl -fsS -o /dev/null -X PUT -H 'Content-Type: application/json' --data-binary "@$2" "$1/_fake/script" && return
	else
		python3 - "$1/_fake/script" "$2" <<-'PY' && return
		import sys, urllib.request
		with open(sys.argv[2], "rb") as fh:
		    body = fh.read()
		req = urllib.request.Request(sys.argv[1], data=body, method="PUT", headers={"Content-Type": "application/json"})
		urllib.request.urlopen(req, timeout=10).read()
		PY
	fi
	echo "eval: could not load $2 into the fake provider at $1" >&2
	return 1
}
