#!/bin/sh
# plan on hostile files: hunk widening must stay near-linear in the file size. Each case is one
# ~1 MiB file with every other line changed (one hunk per changed line):
#   python  `class A:` over 131,000 lines `    x=1`   (one huge class: every hunk's block)
#   ruby    `class A` over 131,000 lines `  x=1`, `end`
#   c       349,000 lines `{}`                      (349,000 one-line blocks)
#   nested  `{` 100,000 deep, then `}` 100,000 deep   (every hunk inside every block)
# Prints the wall time of `tribunal plan --json` for each; fails when one exceeds LIMIT seconds.
# Widening that rescanned the file per hunk took 64 / 85 / 77 / 23 s here; walking out from the
# hunk over each block's parent takes 0.15 / 0.15 / 0.36 / 0.22 s.
set -eu
: "${TRIBUNAL:?}"
cd "$(dirname "$0")/.."
DIR=${BENCH_HOSTILE:-build/bench-hostile}
LIMIT=${LIMIT:-5}

# gen NAME FILE PYTHON-EXPR-BASE PYTHON-EXPR-HEAD: a repository with FILE at base and head
gen() {
	r=$DIR/$1
	[ -d "$r" ] && return 0
	mkdir -p "$r"
	git init -q -b main "$r"
	python3 -c "import sys; sys.stdout.write($3)" > "$r/$2"
	git -C "$r" add -A
	git -C "$r" -c user.name=b -c user.email=b@b commit -q -m base
	python3 -c "import sys; sys.stdout.write($4)" > "$r/$2"
	git -C "$r" add -A
	git -C "$r" -c user.name=b -c user.email=b@b commit -q -m head
}
N=131000
gen python a.py "'class A:\n' + '    x=1\n' * $N" \
	"'class A:\n' + ''.join('    x=%d\n' % (1 + i % 2) for i in range($N))"
gen ruby a.rb "'class A\n' + '  x=1\n' * $N + 'end\n'" \
	"'class A\n' + ''.join('  x=%d\n' % (1 + i % 2) for i in range($N)) + 'end\n'"
gen c a.c "''.join('{}\n' if i % 2 else '//\n' for i in range(349000))" "'{}\n' * 349000"
gen nested a.c "'{\n' * 100000 + '}\n' * 100000" \
	"''.join('{\n' if i % 2 else '{ \n' for i in range(100000)) + ''.join('}\n' if i % 2 else '} \n' for i in range(100000))"

status=0
for c in python ruby c nested; do
	t=$(python3 - "$TRIBUNAL" "$DIR/$c" <<'PY'
import subprocess, sys, time
t = time.perf_counter()
subprocess.run([sys.argv[1], "plan", "--json", "--repo", sys.argv[2]], stdout=subprocess.DEVNULL, check=True)
print("%.2f" % (time.perf_counter() - t))
PY
)
	printf '%-7s %6s s\n' "$c" "$t"
	awk "BEGIN{exit !($t <= $LIMIT)}" || status=1
done
exit $status
