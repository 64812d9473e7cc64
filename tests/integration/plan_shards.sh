# --shard I/N: N jobs together cover every unit exactly once, balanced by estimated tokens.
. tests/integration/lib.sh

R=$TMP/repo
new_repo "$R"
python3 - "$R" <<'PY'
import os, sys
for d in "abcdefgh":
    os.makedirs(os.path.join(sys.argv[1], d))
    for n in (1, 2, 3):
        with open(os.path.join(sys.argv[1], d, "f%d.c" % n), "w") as f:
            for k in range(60 * n):
                f.write("int fn%d(int x)\n{\n\treturn x + %d;\n}\n\n" % (k, k))
PY
commit "$R" base
for f in "$R"/*/f*.c; do sed -i 's/return x + \([0-9]*\);/return x * \1;/' "$f"; done
commit "$R" head

all=$("$TRIBUNAL" plan --json --repo "$R" | jq -c '[.units[].id] | sort')
total=$(echo "$all" | jq length)
[ "$total" -gt 3 ] || die "expected several units, got $total"
seen=
for i in 1 2 3; do
	ids=$("$TRIBUNAL" plan --json --repo "$R" --shard "$i/3" | jq -c '[.units[].id]')
	[ "$(echo "$ids" | jq length)" -gt 0 ] || die "shard $i/3 is empty"
	seen=$(jq -cn --argjson a "${seen:-[]}" --argjson b "$ids" '$a + $b')
done
[ "$(echo "$seen" | jq -c sort)" = "$all" ] || die "shards do not cover every unit exactly once: $seen vs $all"
expect_rc 2 "$TRIBUNAL" plan --repo "$R" --shard 4/3
expect_rc 2 "$TRIBUNAL" plan --repo "$R" --shard x
