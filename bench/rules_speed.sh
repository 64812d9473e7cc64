#!/bin/sh
# bench/rules_speed.sh: wall time of tribunal's rule layer against GNU grep -P running all the same
# patterns joined into one alternation, on the ~30,000 added lines of make bench's synthetic merge
# request (or, with RULES_INPUT=generated, LINES lines of synthetic mixed-language code).
#   sh bench/rules_speed.sh [BUILD_DIR] [LINES]       (after `make BUILD=build/rules`)
# Both read the same files from a temporary directory; every line counts as added. Each tool runs
# RUNS times (default 5) and the best wall time counts. Target: ratio <= 2.0.
# Then single hostile lines of 400 KB and 4 MB that once cost time in the square of their length
# (tests/unit/test_rules.c checks they finish): scan and redact each. Target: < 0.1 s at 400 KB,
# < 2 s at 4 MB.
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${1:-build/rules}
LINES=${2:-30000}
RUNS=${RUNS:-5}
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT INT TERM

PKGS="libgit2 libcurl libcjson yaml-0.1 libxml-2.0 libpcre2-8 zlib"
[ -f "$ROOT/$BUILD/libtribunal.a" ] || { echo "build first: make BUILD=$BUILD" >&2; exit 2; }
cc -std=c11 -D_POSIX_C_SOURCE=200809L -O2 -I"$ROOT" $(pkg-config --cflags $PKGS) -o "$WORK/driver" \
	"$ROOT/bench/rules_driver.c" "$ROOT/$BUILD/libtribunal.a" $(pkg-config --libs $PKGS) -lpthread -lm

# ---- the input: the added lines of make bench's synthetic merge request (bench/gen_repo.py, the
# one plan_bench.sh times), one file per changed file; RULES_INPUT=generated writes LINES lines of
# mixed-language code with the occasional secret instead
mkdir -p "$WORK/mr"
if [ "${RULES_INPUT:-mr}" = mr ]; then
REPO=${BENCH_REPO:-$ROOT/build/bench-repo}
[ -d "$REPO" ] || python3 "$ROOT/bench/gen_repo.py" "$REPO"
git -C "$REPO" diff -U0 --no-color --no-renames base...head | python3 -c '
import os, sys
out, cur = sys.argv[1], None
files = {}
for line in sys.stdin.buffer:
    if line.startswith(b"+++ "):
        p = line[4:].rstrip(b"\n")
        cur = None if p == b"/dev/null" else p[2:].decode("utf-8", "replace")
    elif line.startswith(b"+") and cur is not None:
        files.setdefault(cur, []).append(line[1:])
for i, (path, lines) in enumerate(sorted(files.items())):
    name = "%04d-%s" % (i, path.replace("/", "_"))
    with open(os.path.join(out, name), "wb") as fh:
        fh.write(b"".join(l if l.endswith(b"\n") else l + b"\n" for l in lines))
' "$WORK/mr"
else
mkdir -p "$WORK/mr"
python3 - "$WORK/mr" "$LINES" <<'PY'
import os, random, sys
out, total = sys.argv[1], int(sys.argv[2])
R = random.Random(30000)
words = "user account order invoice payment session token cache client server request response config item record event queue worker job result error value index count name path".split()
def w(): return R.choice(words)
def W(): return w().capitalize()
def ident(): return w() + "_" + w()
def camel(): return w() + W()

def py():
    f, a = ident(), ident()
    body = [f"def {f}({a}, {ident()}=None):",
            f'    """Return the {w()} for the given {w()}."""',
            f"    if {a} is None:",
            f"        raise ValueError(\"{w()} is required\")",
            f"    {ident()} = [x.{w()} for x in {a} if x.{w()} > {R.randrange(100)}]",
            f"    logger.debug(\"%s {w()}s\", len({a}))",
            f"    cur.execute(\"SELECT id, {w()} FROM {w()}s WHERE {w()} = %s\", ({a},))",
            f"    return {{\"{w()}\": {a}, \"{w()}\": {R.randrange(1000)}}}", ""]
    if R.random() < 0.03: body.insert(3, f"    data = pickle.loads({a})")
    if R.random() < 0.02: body.insert(3, f"    r = requests.get(url, verify=False)")
    return body
def js():
    f, a = camel(), camel()
    body = [f"export async function {f}({a}, options = {{}}) {{",
            f"  const {camel()} = await fetch(`/api/{w()}/${{{a}.id}}`);",
            f"  if (!{a}) {{ throw new Error('{w()} missing'); }}",
            f"  const {camel()} = {a}.map((x) => x.{w()}).filter(Boolean);",
            f"  document.querySelector('#{w()}').textContent = {a}.{w()};",
            f"  return {{ {w()}: {a}, {w()}: {R.randrange(1000)} }};",
            "}", ""]
    if R.random() < 0.03: body.insert(2, f"  el.innerHTML = {a}.html;")
    return body
def go():
    f, a = W() + W(), w()
    body = [f"func {f}(ctx context.Context, {a} *{W()}) (*{W()}, error) {{",
            f"\tif {a} == nil {{",
            f"\t\treturn nil, fmt.Errorf(\"{w()}: %w\", Err{W()})",
            "\t}",
            f"\trows, err := db.QueryContext(ctx, \"SELECT {w()} FROM {w()} WHERE id = $1\", {a}.ID)",
            "\tif err != nil {\n\t\treturn nil, err\n\t}\n\tdefer rows.Close()",
            f"\treturn &{W()}{{{W()}: {a}.{W()}}}, nil",
            "}", ""]
    return body
def c():
    f = ident()
    body = [f"static int {f}(struct {w()} *{w()}, const char *buf, size_t len)", "{",
            f"\tsize_t i;\n\tint error = 0;",
            f"\tfor (i = 0; i < len; i++) {{",
            f"\t\tif (buf[i] == '\\n' && (error = {ident()}({w()}, buf + i)) < 0)",
            "\t\t\tgoto cleanup;", "\t}",
            f"\tsnprintf({w()}->name, sizeof({w()}->name), \"%s\", buf);",
            "cleanup:\n\treturn error;", "}", ""]
    if R.random() < 0.03: body.insert(7, f"\tstrcpy({w()}->name, buf);")
    return body
def java():
    body = [f"    public {W()} {camel()}({W()} {w()}) throws IOException {{",
            f"        Objects.requireNonNull({w()}, \"{w()}\");",
            f"        List<{W()}> {w()}s = repository.findBy{W()}({w()}.get{W()}());",
            f"        try (PreparedStatement ps = conn.prepareStatement(\"SELECT * FROM {w()} WHERE id = ?\")) {{",
            f"            ps.setLong(1, {w()}.getId());",
            "        }",
            f"        return new {W()}({w()}s.size());",
            "    }", ""]
    return body
def rb():
    return [f"  def {ident()}({w()})", f"    @{w()} = {W()}.find_by({w()}: params[:{w()}])",
            f"    render json: @{w()}.as_json(only: [:{w()}, :{w()}])", "  end", ""]
def yml():
    return [f"{w()}:", f"  {w()}: {R.randrange(100)}", f"  {w()}_{w()}: \"{w()}-{w()}\"",
            f"  enabled: {R.choice(['true', 'false'])}"]

kinds = [("py", py), ("js", js), ("ts", js), ("go", go), ("c", c), ("java", java), ("rb", rb), ("yaml", yml)]
written, n = 0, 0
while written < total:
    ext, gen = kinds[n % len(kinds)]
    lines = []
    while len(lines) < 1200 and written + len(lines) < total:
        lines += gen()
    if R.random() < 0.5:   # the occasional secret, as in a real merge request
        lines.insert(R.randrange(len(lines)), f"API_TOKEN = \"ghp_{''.join(R.choice('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789') for _ in range(36))}\"")
    with open(os.path.join(out, f"file{n:03d}.{ext}"), "w") as fh:
        fh.write("\n".join(lines) + "\n")
    written += len(lines)
    n += 1
PY

fi
FILES=$(ls "$WORK"/mr/* | sort)
nlines=$(cat $FILES | wc -l)
nbytes=$(cat $FILES | wc -c)
"$WORK/driver" patterns --joined > "$WORK/alternation"
nrules=$("$WORK/driver" patterns | wc -l)

now() { date +%s.%N; }
best() {   # best wall time of RUNS runs of "$@"
	b=""
	i=0
	while [ $i -lt "$RUNS" ]; do
		t0=$(now)
		"$@" > /dev/null
		t1=$(now)
		t=$(awk "BEGIN{print $t1 - $t0}")
		if [ -z "$b" ] || [ "$(awk "BEGIN{print ($t < $b) ? 1 : 0}")" = 1 ]; then b=$t; fi
		i=$((i + 1))
	done
	echo "$b"
}
grep_all() { LC_ALL=C grep -P -n -e "$(cat "$WORK/alternation")" $FILES || [ $? = 1 ]; }

hits=$("$WORK/driver" scan --quiet $FILES)
glines=$(grep_all | wc -l)
t_rules=$(best "$WORK/driver" scan --quiet $FILES)
t_grep=$(best grep_all)
printf 'input: %d added lines (%d bytes) in %d files; %d rules with patterns\n' "$nlines" "$nbytes" \
	"$(echo "$FILES" | wc -l)" "$nrules"
printf 'tribunal rules: %.3f s (%s)\n' "$t_rules" "$hits"
printf 'grep -P, one alternation: %.3f s (%d matching lines)\n' "$t_grep" "$glines"
ratio=$(awk "BEGIN{print $t_rules / $t_grep}")
printf 'ratio tribunal / grep: %.2f (target <= 2.0)\n' "$ratio"
status=0
[ "$(awk "BEGIN{print ($ratio <= 2.0) ? 1 : 0}")" = 1 ] || { echo "FAIL: the rules are slower than 2x grep -P"; status=1; }

# ---- one long hostile line: scan and redact, best of RUNS ------------------------------------------
mkdir -p "$WORK/long"
python3 - "$WORK/long" <<'PY'
import os, random, sys
out, R = sys.argv[1], random.Random(400)
# no w or y: neither "aws" nor "key" appears by chance, so every token is a rejected candidate
alpha = "ABCDEFGHIJKLMNOPQRSTUVXZabcdefghijklmnopqrstuvxz0123456789"
for size, tag in ((400000, "400k"), (4000000, "4m")):
    toks, n = [], 0
    while n < size:
        toks.append("".join(R.choice(alpha) for _ in range(40)))
        n += 41
    shapes = {"tokens.txt": " ".join(toks)[:size],         # AWS-secret candidates without context
              "quotes.js": '"' + '\\"' * (size // 2),      # a literal that never closes
              "calls.c": 'x = "' + "system( " * (size // 8)}  # API candidates inside a string
    for name, text in shapes.items():
        with open(os.path.join(out, f"{tag}-{name}"), "w") as fh:
            fh.write(text + "\n")
PY
for f in "$WORK"/long/400k-* "$WORK"/long/4m-*; do
	t_scan=$(best "$WORK/driver" scan --quiet "$f")
	t_red=$(best "$WORK/driver" redact "$f")
	printf 'long line %-16s scan %.3f s, redact %.3f s\n' "$(basename "$f")" "$t_scan" "$t_red"
	case $(basename "$f") in 400k-*) lim=0.1 ;; *) lim=2 ;; esac
	[ "$(awk "BEGIN{print ($t_scan < $lim && $t_red < $lim) ? 1 : 0}")" = 1 ] \
		|| { echo "FAIL: $(basename "$f") over $lim s"; status=1; }
done
exit $status
