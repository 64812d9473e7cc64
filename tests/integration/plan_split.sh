# A file over the unit budget is cut between functions, not in the middle of one: a new Python
# module of 150 functions and a new C file of 150 functions (with blank lines inside them too),
# each reviewed in several units whose pieces end where a function ends (or at the blank line
# before the next one).
. tests/integration/lib.sh

R=$TMP/repo
new_repo "$R"
echo "# empty" > "$R/README.md"
commit "$R" base
python3 - "$R" <<'PY'
import os, sys
root = sys.argv[1]
with open(os.path.join(root, "big.py"), "w") as f:
    for i in range(150):
        f.write(f"def handler_{i}(request, store):\n")
        for j in range(10):
            f.write(f"    value_{j} = store.lookup(request.args.get('key_{j}'), default={i * j})\n")
            if j % 3 == 2:
                f.write("\n")   # paragraphs inside a function: blank lines are not boundaries
        f.write(f"    return value_0\n\n\n")
with open(os.path.join(root, "big.c"), "w") as f:
    for i in range(150):
        f.write(f"int handler_{i}(struct request *req, struct store *st)\n{{\n")
        for j in range(10):
            f.write(f"\tint v{j} = store_lookup(st, request_arg(req, \"key_{j}\"), {i * j});\n")
            if j % 3 == 2:
                f.write("\n")
        f.write("\tif (v0 < 0) {\n\t\treturn -1;\n\t}\n\treturn v1;\n}\n\n")
PY
commit "$R" head
printf 'version: 1\nbudget: {unit_tokens: 2000}\n' > "$TMP/p.yml"
expect_rc 0 "$TRIBUNAL" plan --json --repo "$R" --policy "$TMP/p.yml"
printf '%s\n' "$OUT" > "$TMP/plan.json"
python3 - "$TMP/plan.json" "$R" <<'PY' || die "a file was cut inside a function"
import json, sys
plan = json.load(open(sys.argv[1]))
lines = {p: open(f"{sys.argv[2]}/{p}").read().split("\n") for p in ("big.py", "big.c")}
pieces = {"big.py": 0, "big.c": 0}
bad = 0
for u in plan["units"]:
    for f in u["files"]:
        text = lines[f["path"]]
        n = len(text) - 1 if text[-1] == "" else len(text)
        for r in f["ranges"]:
            pieces[f["path"]] += 1
            end = r["end"]
            if end >= n:
                continue
            last, nxt = text[end - 1], text[end]
            # after a function's last line, or on a blank line that precedes the next function
            ok = (last == "}" or nxt.startswith(("def ", "int ")) or last.startswith("    return") or
                  (last.strip() == "" and (nxt.strip() == "" or nxt.startswith(("def ", "int ")))))
            if not ok:
                print(f"{f['path']}: a piece ends at line {end}: {last!r} / {nxt!r}")
                bad += 1
if min(pieces.values()) < 4:
    print("too few pieces:", pieces)
    bad += 1
sys.exit(1 if bad else 0)
PY
