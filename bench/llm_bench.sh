#!/bin/sh
# bench/llm_bench.sh [BUILD_DIR]: the llm/ scheduler against tests/fake_provider.py on 127.0.0.1.
#   1. 200 requests, each answered after 300 ms, at concurrency 16:
#      wall time / ideal (ceil(200/16) x 300 ms) must be <= 1.10
#   2. the same with every 10th answer a 429 (retry-after 0.2 s, answered at once):
#      <= 1.5 x ideal, with all 200 calls successful
# Prints both ratios and the client's CPU time; exits 1 when a bound is missed.
# Builds BUILD_DIR/libtribunal.a and the driver bench/llm_bench.c in it; BUILD_DIR defaults to the
# directory of $TRIBUNAL (set by `make bench`), else build/bench-llm.
set -eu
cd "$(dirname "$0")/.."
if [ -n "${1:-}" ]; then
	BUILD=$1
elif [ -n "${TRIBUNAL:-}" ]; then
	BUILD=$(dirname "$TRIBUNAL")
else
	BUILD=build/bench-llm
fi
N=${N:-200}
CONC=${CONC:-16}
LAT=${LAT:-300}

make -s BUILD="$BUILD" "$BUILD/libtribunal.a" >/dev/null
mkdir -p "$BUILD/bench"
PKGS="libgit2 libcurl libcjson yaml-0.1 libxml-2.0 libpcre2-8 zlib"
# shellcheck disable=SC2046
${CC:-cc} -std=c11 -D_POSIX_C_SOURCE=200809L -O2 -g -Wall -Wextra -Werror -I. \
	$(pkg-config --cflags $PKGS) -o "$BUILD/bench/llm_bench" bench/llm_bench.c \
	"$BUILD/libtribunal.a" $(pkg-config --libs $PKGS) -lpthread -lm

TMP=$(mktemp -d)
FAKE_PID=
cleanup() {
	[ -n "$FAKE_PID" ] && kill "$FAKE_PID" 2>/dev/null || true
	rm -rf "$TMP"
}
trap cleanup EXIT INT TERM

# start_fake ARGS...: a fake on a free port; sets PORT (waits for the port file, 15 s at most)
start_fake() {
	[ -n "$FAKE_PID" ] && kill "$FAKE_PID" 2>/dev/null || true
	rm -f "$TMP/port"
	python3 tests/fake_provider.py --port-file "$TMP/port" "$@" &
	FAKE_PID=$!
	i=0
	while [ ! -s "$TMP/port" ]; do
		i=$((i + 1))
		[ "$i" -gt 1500 ] && { echo "llm_bench: the fake provider did not start" >&2; exit 1; }
		kill -0 "$FAKE_PID" 2>/dev/null || { echo "llm_bench: the fake provider died" >&2; exit 1; }
		sleep 0.01
	done
	PORT=$(cat "$TMP/port")
}

export NO_PROXY=127.0.0.1 no_proxy=127.0.0.1
IDEAL=$(( (N + CONC - 1) / CONC * LAT ))
fail=0

# run NAME BOUND: runs the driver, prints the ratio, checks the bound and that every call succeeded
run() {
	out=$("$BUILD/bench/llm_bench" "$N" "$CONC" "http://127.0.0.1:$PORT")
	python3 - "$1" "$2" "$IDEAL" "$N" "$out" <<'EOF' || fail=1
import json, sys
name, bound, ideal, n, out = sys.argv[1], float(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4]), json.loads(sys.argv[5])
ratio = out["wall_ms"] / ideal
ok = ratio <= bound and out["ok"] == n
print("%-28s wall %7.0f ms  ideal %5.0f ms  ratio %.3f (<= %.2f)  ok %d/%d  attempts %d  client cpu %.0f ms  %s"
      % (name, out["wall_ms"], ideal, ratio, bound, out["ok"], n, out["attempts"], out["cpu_ms"],
         "PASS" if ok else "FAIL"))
sys.exit(0 if ok else 1)
EOF
}

start_fake --latency-ms "$LAT"
run "latency ${LAT}ms" 1.10
start_fake --latency-ms "$LAT" --fail-every 10 --fail-status 429 --retry-after 0.2
run "latency ${LAT}ms + 10% 429" 1.5
exit "$fail"
