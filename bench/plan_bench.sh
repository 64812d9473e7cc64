#!/bin/sh
# plan benchmark (issue 3): on a synthetic merge request of ~5,000 files with 400 touched and
# ~30,000 added lines, wall time of `tribunal plan --json` against `git diff -M base...head`
# on the same range (ratio must be <= 1.5, aim <= 1.0), and peak RSS of plan (<= 200 MB).
set -eu
: "${TRIBUNAL:?}"
cd "$(dirname "$0")/.."
REPO=${BENCH_REPO:-build/bench-repo}
RUNS=${RUNS:-7}
[ -d "$REPO" ] || python3 bench/gen_repo.py "$REPO"
git -C "$REPO" diff --stat base...head | tail -n 1

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
now() { date +%s.%N; }
tp=""
tg=""
i=0
while [ "$i" -lt "$RUNS" ]; do
	# alternate, so both see the same cache state
	s=$(now); "$TRIBUNAL" plan --json --repo "$REPO" --base base --head head > /dev/null; e=$(now)
	tp="$tp $(awk "BEGIN{print $e - $s}")"
	s=$(now); git -C "$REPO" diff -M base...head > /dev/null; e=$(now)
	tg="$tg $(awk "BEGIN{print $e - $s}")"
	i=$((i + 1))
done
mp=$(echo "$tp" | tr ' ' '\n' | grep . | median)
mg=$(echo "$tg" | tr ' ' '\n' | grep . | median)
rss=$(/usr/bin/time -f %M "$TRIBUNAL" plan --json --repo "$REPO" --base base --head head 2>&1 >/dev/null | tail -n 1)
units=$("$TRIBUNAL" plan --json --repo "$REPO" --base base --head head | jq '.totals | "\(.files_reviewed) files, \(.units) units, \(.changed_lines) changed lines"')
ratio=$(awk "BEGIN{print $mp / $mg}")
printf 'plan: %s\n' "$units"
printf 'tribunal plan --json  median %.3f s (%s runs)\n' "$mp" "$RUNS"
printf 'git diff -M base...head median %.3f s\n' "$mg"
printf 'ratio %.2f (must be <= 1.5)\n' "$ratio"
printf 'peak RSS of plan: %d KB (must be <= 204800)\n' "$rss"
ok=$(awk "BEGIN{print ($ratio <= 1.5) ? 1 : 0}")
[ "$ok" = 1 ] && [ "$rss" -le 204800 ]
