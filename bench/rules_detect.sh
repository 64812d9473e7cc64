#!/bin/sh
# bench/rules_detect.sh: secret detection, tribunal's secret rules against secretlint 13 with its
# recommended preset, on the corpus in tests/rules/corpus/secrets (ground truth: SECRETS, one
# path:line per real secret; everything under fp/ is a trap).
#   sh bench/rules_detect.sh [BUILD_DIR]      (after `make BUILD=build/rules`)
# secretlint is installed with npm into $TRIBUNAL_BENCH_CACHE (default ~/.cache/tribunal-bench),
# never into the repository. Prints counts and path:line:rule only, never a secret.
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${1:-build/rules}
CACHE=${TRIBUNAL_BENCH_CACHE:-$HOME/.cache/tribunal-bench}
CORPUS=$ROOT/tests/rules/corpus
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT INT TERM

PKGS="libgit2 libcurl libcjson yaml-0.1 libxml-2.0 libpcre2-8 zlib"
[ -f "$ROOT/$BUILD/libtribunal.a" ] || { echo "build first: make BUILD=$BUILD" >&2; exit 2; }
cc -std=c11 -D_POSIX_C_SOURCE=200809L -O2 -I"$ROOT" $(pkg-config --cflags $PKGS) -o "$WORK/driver" \
	"$ROOT/bench/rules_driver.c" "$ROOT/$BUILD/libtribunal.a" $(pkg-config --libs $PKGS) -lpthread -lm

if [ ! -x "$CACHE/node_modules/.bin/secretlint" ]; then
	mkdir -p "$CACHE"
	[ -f "$CACHE/package.json" ] || echo '{"private":true}' > "$CACHE/package.json"
	(cd "$CACHE" && npm install --no-audit --no-fund --loglevel=error \
		secretlint@13 @secretlint/secretlint-rule-preset-recommend@13 >/dev/null)
fi
echo '{"rules":[{"id":"@secretlint/secretlint-rule-preset-recommend"}]}' > "$WORK/secretlintrc.json"

cd "$CORPUS"
FILES=$(find secrets -type f | sort)
grep -v '^#' SECRETS | sort -u > "$WORK/truth"

# tribunal: every line counts as added; secret rules only
"$WORK/driver" scan --secrets $FILES | cut -d: -f1,2 | sort -u > "$WORK/tribunal"

# secretlint: file and line of each message (its JSON also carries the file text: not printed)
"$CACHE/node_modules/.bin/secretlint" --secretlintrc "$WORK/secretlintrc.json" --format json \
	$FILES > "$WORK/secretlint.json" 2>"$WORK/secretlint.err" || true
node -e '
const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
const base = process.argv[2] + "/";
for (const f of r) for (const m of f.messages)
	console.log(f.filePath.replace(base, "") + ":" + (m.loc ? m.loc.start.line : m.line) + ":" + m.ruleId);
' "$WORK/secretlint.json" "$CORPUS" | sort -u > "$WORK/secretlint.rules"
cut -d: -f1,2 "$WORK/secretlint.rules" | sort -u > "$WORK/secretlint"

total=$(wc -l < "$WORK/truth")
report() {
	found=$(comm -12 "$WORK/truth" "$WORK/$1" | wc -l)
	fp=$(comm -13 "$WORK/truth" "$WORK/$1" | wc -l)
	printf '%-10s recall %3d/%d (%5.1f%%)  false positives %d\n' "$1" "$found" "$total" \
		"$(awk "BEGIN{print $found * 100 / $total}")" "$fp"
	comm -13 "$WORK/truth" "$WORK/$1" | sed "s/^/    false positive: /"
}
echo "secret corpus: $total real secrets in $(echo "$FILES" | grep -c '/tp/') files, $(echo "$FILES" | grep -c '/fp/') files of traps"
report tribunal
report secretlint
echo "missed by tribunal:";  comm -23 "$WORK/truth" "$WORK/tribunal" | sed 's/^/    /'
echo "missed by secretlint:"; comm -23 "$WORK/truth" "$WORK/secretlint" | sed 's/^/    /'
# tribunal must find at least what secretlint finds, with no more false alarms
t_found=$(comm -12 "$WORK/truth" "$WORK/tribunal" | wc -l); t_fp=$(comm -13 "$WORK/truth" "$WORK/tribunal" | wc -l)
s_found=$(comm -12 "$WORK/truth" "$WORK/secretlint" | wc -l); s_fp=$(comm -13 "$WORK/truth" "$WORK/secretlint" | wc -l)
if [ "$t_found" -lt "$s_found" ] || [ "$t_fp" -gt "$s_fp" ]; then
	echo "FAIL: tribunal $t_found found / $t_fp false vs secretlint $s_found / $s_fp"
	exit 1
fi
