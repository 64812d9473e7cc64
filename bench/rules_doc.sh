#!/bin/sh
# bench/rules_doc.sh: regenerates the rule reference at the end of docs/rules.md from the rule
# table (everything after the "<!-- generated -->" line), with bench/rules_driver doc.
#   sh bench/rules_doc.sh [BUILD_DIR]       (after `make BUILD=build/rules`)
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${1:-build/rules}
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT INT TERM
PKGS="libgit2 libcurl libcjson yaml-0.1 libxml-2.0 libpcre2-8 zlib"
cc -std=c11 -D_POSIX_C_SOURCE=200809L -O2 -I"$ROOT" $(pkg-config --cflags $PKGS) -o "$WORK/driver" \
	"$ROOT/bench/rules_driver.c" "$ROOT/$BUILD/libtribunal.a" $(pkg-config --libs $PKGS) -lpthread -lm
sed '/^<!-- generated -->$/q' "$ROOT/docs/rules.md" > "$WORK/doc.md"
grep -q '^<!-- generated -->$' "$WORK/doc.md" || { echo "docs/rules.md: no <!-- generated --> line" >&2; exit 2; }
"$WORK/driver" doc >> "$WORK/doc.md"
mv "$WORK/doc.md" "$ROOT/docs/rules.md"
