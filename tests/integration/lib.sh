# Shared helpers for integration tests (sourced by bash). Test scripts may use the git CLI to
# build fixtures; the product itself never shells out.
set -euo pipefail
: "${TRIBUNAL:?set TRIBUNAL to the tribunal binary}"
ROOT=$(pwd)
VALIDATE=${VALIDATE:-$ROOT/../shared/validate/validate}
TMP=$(mktemp -d)
FAKE_PID=
cleanup() {
	[ -z "$FAKE_PID" ] || kill "$FAKE_PID" 2>/dev/null || true
	rm -rf "$TMP"
}
trap cleanup EXIT

# No CI variables from the machine running the tests may leak into them.
unset GITHUB_ACTIONS GITHUB_EVENT_PATH GITHUB_BASE_REF GITHUB_SHA GITHUB_STEP_SUMMARY GITLAB_CI \
	CI_MERGE_REQUEST_DIFF_BASE_SHA CI_MERGE_REQUEST_TARGET_BRANCH_SHA CI_COMMIT_SHA \
	CI_MERGE_REQUEST_IID CHANGE_TARGET CHANGE_ID GIT_COMMIT ANTHROPIC_API_KEY OPENAI_API_KEY \
	ANTHROPIC_BASE_URL OPENAI_BASE_URL GIT_DIR GIT_WORK_TREE 2>/dev/null || true

# Fixed identity and dates: the same fixture always has the same SHAs, so golden files can hold them.
export GIT_AUTHOR_NAME=Fixture GIT_AUTHOR_EMAIL=fixture@example.com
export GIT_COMMITTER_NAME=Fixture GIT_COMMITTER_EMAIL=fixture@example.com
export GIT_AUTHOR_DATE="2026-01-01T00:00:00Z" GIT_COMMITTER_DATE="2026-01-01T00:00:00Z"
# the validators' npm cache lives in the real home; tests get a throw-away one
export VALIDATE_CACHE=${VALIDATE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/validate-tools}
export GIT_CONFIG_NOSYSTEM=1 HOME=$TMP

die() { echo "FAIL: $*" >&2; exit 1; }

# new_repo DIR: an empty repository on branch main
new_repo() {
	git init -q -b main "$1"
	git -C "$1" config core.autocrlf false
}

# commit DIR MESSAGE: commits everything in the working tree
commit() {
	git -C "$1" add -A
	git -C "$1" commit -q --allow-empty -m "$2"
}

# expect_rc WANT CMD...: runs CMD, fails unless it exits with WANT; output in $OUT
expect_rc() {
	local want=$1 rc=0
	shift
	OUT=$("$@" 2>&1) || rc=$?
	[ "$rc" -eq "$want" ] || die "expected exit $want, got $rc from: $*
$OUT"
}

# expect_in TEXT NEEDLE: fails unless NEEDLE occurs in TEXT
expect_in() {
	case $1 in *"$2"*) ;; *) die "expected to find '$2' in:
$1" ;; esac
}

# golden NAME FILE: compares FILE with tests/golden/NAME; UPDATE_GOLDEN=1 rewrites it
golden() {
	local want=$ROOT/tests/golden/$1
	if [ "${UPDATE_GOLDEN:-}" = 1 ]; then
		mkdir -p "$(dirname "$want")"
		cp "$2" "$want"
		return 0
	fi
	[ -f "$want" ] || die "missing golden file tests/golden/$1 (run with UPDATE_GOLDEN=1)"
	diff -u "$want" "$2" >&2 || die "output differs from tests/golden/$1"
}

# plan_json REPO [ARGS...]: plan --json without the parts that change between versions
plan_json() {
	local repo=$1
	shift
	"$TRIBUNAL" plan --json --repo "$repo" "$@" | jq -S 'del(.tool, .estimate)'
}

# start_fake SCRIPT.json: the loopback fake model provider (tests/fake_provider.py) on a free
# port; sets FAKE_URL. Every request it receives is logged to $TMP/fake.log.
start_fake() {
	local i
	[ -z "$FAKE_PID" ] || { kill "$FAKE_PID" 2>/dev/null; wait "$FAKE_PID" 2>/dev/null || true; }
	rm -f "$TMP/fake.port"
	: > "$TMP/fake.log"
	python3 tests/fake_provider.py --port-file "$TMP/fake.port" --script "$1" --log "$TMP/fake.log" &
	FAKE_PID=$!
	for i in $(seq 1 400); do
		[ -s "$TMP/fake.port" ] && break
		sleep 0.025
	done
	[ -s "$TMP/fake.port" ] || die "the fake provider did not start"
	FAKE_URL="http://127.0.0.1:$(cat "$TMP/fake.port")"
}

# validate_reports DIR: every machine-readable report through the official validators
validate_reports() {
	local d=$1
	"$VALIDATE" sarif "$d/results.sarif" >&2 || die "results.sarif fails validation"
	"$VALIDATE" junit "$d/junit.xml" >&2 || die "junit.xml fails validation"
	"$VALIDATE" gitlab-sast "$d/gl-sast-report.json" >&2 || die "gl-sast-report.json fails validation"
	"$VALIDATE" codequality "$d/gl-code-quality-report.json" >&2 || die "gl-code-quality-report.json fails validation"
	[ "$VALIDATE" = /bin/true ] || python3 tests/tools/findings_schema.py docs/findings.schema.json \
		"$d/findings.json" >&2 || die "findings.json does not match docs/findings.schema.json"
}
