#!/bin/sh
# make bench: the rule layer's two benchmarks (issue 8) on the build that made $TRIBUNAL:
# bench/rules_speed.sh (against grep -P, and single hostile lines) and bench/rules_detect.sh
# (secret recall and false alarms against secretlint; needs npm and the network once, to install
# secretlint into ~/.cache/tribunal-bench; skipped with a note when npm is missing).
set -eu
: "${TRIBUNAL:?}"
cd "$(dirname "$0")/.."
build=$(dirname "$TRIBUNAL")
build=${build#"$PWD"/}
status=0
sh bench/rules_speed.sh "$build" || status=1
if command -v npm >/dev/null && command -v node >/dev/null; then
	sh bench/rules_detect.sh "$build" || status=1
else
	echo "rules_detect: skipped (no node/npm to run secretlint)"
fi
exit $status
