#!/bin/sh
# Runs every integration test (tests/integration/*.sh but this runner and lib.sh) against
# $TRIBUNAL; prints one line per test and exits non-zero when any failed.
set -u
: "${TRIBUNAL:?set TRIBUNAL to the tribunal binary}"
cd "$(dirname "$0")/../.." || exit 2
fail=0
total=0
for t in tests/integration/*.sh; do
	case ${t##*/} in run.sh|lib.sh) continue ;; esac
	if [ -n "${ONLY:-}" ] && [ "${t##*/}" != "$ONLY" ]; then continue; fi
	total=$((total + 1))
	start=$(date +%s)
	if out=$(bash "$t" 2>&1); then
		echo "ok    ${t##*/} ($(( $(date +%s) - start ))s)"
	else
		echo "FAIL  ${t##*/}"
		echo "$out" | sed 's/^/      /' | tail -n 60
		fail=$((fail + 1))
	fi
done
echo "integration: $((total - fail))/$total passed"
[ "$fail" -eq 0 ]
