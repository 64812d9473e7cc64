#!/bin/sh
# make bench: every benchmark, one after the other. Figures go to stdout.
#   sh bench/run.sh path/to/tribunal
set -eu
TRIBUNAL=${1:?usage: bench/run.sh path/to/tribunal}
cd "$(dirname "$0")/.."
export TRIBUNAL
status=0
for b in bench/plan_bench.sh bench/*_bench.sh; do
	[ -f "$b" ] || continue
	case $b in bench/plan_bench.sh) [ "${seen_plan:-}" ] && continue; seen_plan=1 ;; esac
	echo "== ${b#bench/}"
	sh "$b" || status=1
done
exit $status
