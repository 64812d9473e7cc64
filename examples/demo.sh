#!/bin/sh
# Builds the demo repository from examples/demo/{base,head} (a nested git repository cannot be
# committed, so it is made at run time) and runs tribunal on it.
#   sh examples/demo.sh path/to/tribunal
set -eu
TRIBUNAL=${1:-build/tribunal}
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=${DEMO_REPO:-$(dirname "$HERE")/build/demo-repo}

rm -rf "$REPO"
mkdir -p "$REPO"
export GIT_AUTHOR_NAME=Demo GIT_AUTHOR_EMAIL=demo@example.com GIT_COMMITTER_NAME=Demo \
	GIT_COMMITTER_EMAIL=demo@example.com GIT_AUTHOR_DATE=2026-01-01T00:00:00Z \
	GIT_COMMITTER_DATE=2026-01-01T00:00:00Z
git init -q -b main "$REPO"
cp -R "$HERE/demo/base/." "$REPO/"
git -C "$REPO" add -A
git -C "$REPO" commit -q -m "orders service"
git -C "$REPO" checkout -q -b feature/search
find "$REPO" -mindepth 1 -maxdepth 1 ! -name .git -exec rm -rf {} +
cp -R "$HERE/demo/head/." "$REPO/"
git -C "$REPO" add -A
git -C "$REPO" commit -q -m "search, refunds, longer names"

echo "demo repository: $REPO (main..feature/search)"
echo
"$TRIBUNAL" plan --repo "$REPO" --base main --head feature/search
echo
OUT=${DEMO_OUT:-$(dirname "$HERE")/build/demo-out}
rc=0
"$TRIBUNAL" scan --repo "$REPO" --base main --head feature/search --out "$OUT" || rc=$?
echo
case $rc in
0) echo "demo: the gate passed (without an API key only the deterministic rules ran; set ANTHROPIC_API_KEY for the full review)" ;;
1) echo "demo: the gate failed, as it should: the demo merge request adds vulnerabilities" ;;
*) echo "demo: tribunal scan exited with $rc" >&2; exit "$rc" ;;
esac
echo "demo: open $OUT/summary.md or $OUT/report.html"
