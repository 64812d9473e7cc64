#!/bin/sh
# The evaluation: runs tribunal on every case of bench/eval/cases with the real model provider the
# environment configures, then scores the findings against the cases' truth (bench/eval/score.py).
#
#   sh bench/eval/run.sh path/to/tribunal          (make eval)
#
# Needs ANTHROPIC_API_KEY or OPENAI_API_KEY (exit 2 without either). Knobs (environment):
#   EVAL_CASES     case ids to run, separated by commas or spaces (default: all)
#   EVAL_POLICY    a policy file passed to every scan with --policy (default: one written here:
#                  the key's provider for finder and verifier, EVAL_MODEL, patcher off, mode monitor)
#   EVAL_MODEL     the model of the written policy (default claude-sonnet-4-5, or gpt-4.1 when only
#                  OPENAI_API_KEY is set)
#   EVAL_OUT       where <case>/findings.json, score.txt and score.json go (default build/eval-out)
#   EVAL_JOBS      cases scanned at the same time (default 4)
#   EVAL_SCORE_ARGS  extra score.py options, e.g. "--include-uncertain"
#   EVAL_NO_KEY=1  run without an API key (a self-hosted server whose EVAL_POLICY says no_key: true)
#   EVAL_RECORDED  a directory of recorded model replies, DIR/<case>.json in tests/fake_provider.py's
#                  script format: each is loaded into the fake provider at EVAL_FAKE_URL (default
#                  ANTHROPIC_BASE_URL) before its case is scanned; only recorded cases run, one at a
#                  time. This is how tests/integration/eval_scorer.sh runs this script without a key.
# Exit status: 0 when every case was scanned and scored, 1 when some scans failed (the others are
# still scored), 2 on a usage or setup problem.
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=bench/eval/lib.sh
. "$HERE/lib.sh"

# ---- one case (run by xargs below, possibly several at a time) -----------------------------------
if [ "${1:-}" = --one ]; then
	TRIBUNAL=$2 id=$3
	out=$EVAL__OUT/$id
	rm -rf "$out"
	mkdir -p "$out"
	start=$(date +%s)
	if [ -n "${EVAL_RECORDED:-}" ] && ! eval_replay_load "$EVAL__FAKE_URL" "$EVAL_RECORDED/$id.json"; then
		echo replay >"$out/failed"
		exit 0
	fi
	if ! eval_build_repo "$EVAL__CASES/$id" "$EVAL__WORK/$id" >"$out/build.log" 2>&1; then
		echo "eval: $id: could not build its repository (see $out/build.log)" >&2
		echo build >"$out/failed"
		exit 0
	fi
	rc=0
	eval_scan "$TRIBUNAL" "$EVAL__WORK/$id" "$out" "$EVAL__POLICY" || rc=$?
	rm -rf "${EVAL__WORK:?}/$id"
	echo "$rc" >"$out/exit"
	case $rc in
	0 | 1 | 3) [ -f "$out/findings.json" ] || { echo "no findings.json" >"$out/failed"; rc=x; } ;;
	*) echo "exit $rc" >"$out/failed" ;;
	esac
	echo "eval: $id: tribunal exited $rc in $(($(date +%s) - start))s" >&2
	exit 0
fi

# ---- setup ---------------------------------------------------------------------------------------
[ $# -eq 1 ] || { echo "usage: sh bench/eval/run.sh path/to/tribunal" >&2; exit 2; }
case $1 in /*) TRIBUNAL=$1 ;; *) TRIBUNAL=$(pwd)/$1 ;; esac
[ -x "$TRIBUNAL" ] || { echo "eval: $TRIBUNAL is not an executable (build it with make)" >&2; exit 2; }
command -v git >/dev/null || { echo "eval: git is needed to build the cases' repositories" >&2; exit 2; }
command -v python3 >/dev/null || { echo "eval: python3 is needed for the scorer" >&2; exit 2; }

if [ -z "${ANTHROPIC_API_KEY:-}" ] && [ -z "${OPENAI_API_KEY:-}" ] && [ "${EVAL_NO_KEY:-}" != 1 ]; then
	cat >&2 <<-'EOF'
	eval: no model provider is configured: neither ANTHROPIC_API_KEY nor OPENAI_API_KEY is set.
	eval: the evaluation measures the agents' review and needs a real model; nothing was run.
	eval: set one of the keys (a self-hosted OpenAI-compatible server: EVAL_POLICY with no_key: true
	eval: and EVAL_NO_KEY=1). See bench/eval/README.md.
	EOF
	exit 2
fi

if [ "${EVAL_NO_KEY:-}" = 1 ] && [ -z "${EVAL_POLICY:-}" ]; then
	echo "eval: EVAL_NO_KEY=1 needs EVAL_POLICY: a policy whose agents use a server without a key (no_key: true)" >&2
	exit 2
fi

CASES=$HERE/cases
OUT=${EVAL_OUT:-$HERE/../../build/eval-out}
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
WORK=$(mktemp -d "${TMPDIR:-/tmp}/tribunal-eval.XXXXXX")
trap 'rm -rf "$WORK"' EXIT INT TERM
mkdir -p "$WORK/repos"

if [ -n "${EVAL_POLICY:-}" ]; then
	[ -f "$EVAL_POLICY" ] || { echo "eval: EVAL_POLICY: no such file: $EVAL_POLICY" >&2; exit 2; }
	POLICY=$(cd "$(dirname "$EVAL_POLICY")" && pwd)/$(basename "$EVAL_POLICY")
	describe="policy $EVAL_POLICY"
else
	if [ -n "${ANTHROPIC_API_KEY:-}" ]; then
		provider=anthropic model=${EVAL_MODEL:-claude-sonnet-4-5}
	else
		provider=openai model=${EVAL_MODEL:-gpt-4.1}
	fi
	POLICY=$WORK/policy.yml
	cat >"$POLICY" <<-EOF
	# written by bench/eval/run.sh: the review as shipped, without the patcher (patches are not scored)
	version: 1
	mode: monitor
	agents:
	  finder:   {provider: $provider, model: "$model"}
	  verifier: {provider: $provider, model: "$model"}
	  patcher:  {enabled: false}
	EOF
	describe="$provider $model (finder and verifier), patcher off"
fi
"$TRIBUNAL" policy check "$POLICY" >/dev/null 2>"$WORK/policy.err" || {
	echo "eval: the policy is not valid:" >&2
	cat "$WORK/policy.err" >&2
	exit 2
}

# ---- which cases ---------------------------------------------------------------------------------
all=$(cd "$CASES" && for d in */; do [ -f "$d/truth.json" ] && printf '%s\n' "${d%/}"; done)
if [ -n "${EVAL_CASES:-}" ]; then
	ids=$(printf '%s\n' "$EVAL_CASES" | tr ', ' '\n\n' | sed '/^$/d')
	for id in $ids; do
		printf '%s\n' "$all" | grep -qxF -- "$id" || { echo "eval: EVAL_CASES: no case '$id' in $CASES" >&2; exit 2; }
	done
else
	ids=$all
fi
JOBS=${EVAL_JOBS:-4}
FAKE_URL=
if [ -n "${EVAL_RECORDED:-}" ]; then
	[ -d "$EVAL_RECORDED" ] || { echo "eval: EVAL_RECORDED: no such directory: $EVAL_RECORDED" >&2; exit 2; }
	FAKE_URL=${EVAL_FAKE_URL:-${ANTHROPIC_BASE_URL:-}}
	[ -n "$FAKE_URL" ] || { echo "eval: EVAL_RECORDED needs the fake provider's URL (EVAL_FAKE_URL or ANTHROPIC_BASE_URL)" >&2; exit 2; }
	recorded=
	for id in $ids; do
		if [ -f "$EVAL_RECORDED/$id.json" ]; then
			recorded="$recorded $id"
		elif [ -n "${EVAL_CASES:-}" ]; then
			echo "eval: EVAL_RECORDED: no recording $EVAL_RECORDED/$id.json" >&2
			exit 2
		fi
	done
	ids=$recorded
	JOBS=1
	describe="$describe; replaying $EVAL_RECORDED"
fi
case $JOBS in '' | *[!0-9]* | 0) echo "eval: EVAL_JOBS must be a positive integer" >&2; exit 2 ;; esac
n=$(printf '%s\n' $ids | sed '/^$/d' | wc -l | tr -d ' ')
[ "$n" -gt 0 ] || { echo "eval: no case to run" >&2; exit 2; }

echo "eval: $n cases with $describe, $JOBS at a time; results in $OUT" >&2
EVAL__OUT=$OUT EVAL__WORK=$WORK/repos EVAL__CASES=$CASES EVAL__POLICY=$POLICY EVAL__FAKE_URL=$FAKE_URL
export EVAL__OUT EVAL__WORK EVAL__CASES EVAL__POLICY EVAL__FAKE_URL
printf '%s\n' $ids | xargs -n 1 -P "$JOBS" sh "$HERE/run.sh" --one "$TRIBUNAL" || :

# ---- scoring -------------------------------------------------------------------------------------
ok='' failed=''
for id in $ids; do
	if [ -f "$OUT/$id/failed" ] || [ ! -f "$OUT/$id/findings.json" ]; then
		failed="$failed $id"
	else
		ok="$ok,$id"
	fi
done
status=0
if [ -n "$failed" ]; then
	status=1
	for id in $failed; do
		echo "eval: $id: the scan failed ($(cat "$OUT/$id/failed" 2>/dev/null || echo no output)); the end of its log:" >&2
		tail -n 5 "$OUT/$id/scan.log" 2>/dev/null | sed 's/^/    /' >&2 || true
	done
fi
[ -n "$ok" ] || { echo "eval: no case was scanned" >&2; exit 1; }
# shellcheck disable=SC2086 # EVAL_SCORE_ARGS is a list of options
python3 "$HERE/score.py" --out "$OUT" --cases "${ok#,}" ${EVAL_SCORE_ARGS:-} --json-out "$OUT/score.json" \
	>"$OUT/score.txt" || exit 2
cat "$OUT/score.txt"
[ -z "$failed" ] || echo "eval: $(printf '%s\n' $failed | wc -l | tr -d ' ') case(s) not scored: the scan failed:$failed" >&2
exit "$status"
