# Content the merge request wrote cannot exempt an existing file from review: one long line at
# the top of a.c used to make it "generated (minified)" and hide a strcpy from every check. A
# file that was minified before stays skipped, and a new minified file is skipped but its
# secrets are still found.
. tests/integration/lib.sh

R=$TMP/repo
new_repo "$R"
printf 'int f(int x)\n{\n\treturn x;\n}\n' > "$R/a.c"
python3 -c 'print("var a=1;" * 1000)' > "$R/bundle.js"
commit "$R" base
{ printf '/* %s */\n' "$(head -c 5001 /dev/zero | tr '\0' x)"
  printf '#include <string.h>\nvoid g(char *d, const char *s)\n{\n\tstrcpy(d, s);\n}\n'
  printf 'int f(int x)\n{\n\treturn x;\n}\n'; } > "$R/a.c"
python3 -c 'print("var b=2;" * 1000)' > "$R/bundle.js"
{ printf 'const t = "ghp_%s";\n' "$(head -c 400 /dev/urandom | tr -dc 'A-Za-z0-9' | head -c 36)"
  printf '// %s\n' "$(head -c 9000 /dev/zero | tr '\0' x)"; } > "$R/new.js"
commit "$R" head

"$TRIBUNAL" plan --json --repo "$R" > "$TMP/plan.json"
jq -e '.units[].files[] | select(.path == "a.c")' "$TMP/plan.json" >/dev/null \
	|| die "a.c hid behind a long line: $(jq -c .skipped "$TMP/plan.json")"
jq -e '.skipped[] | select(.path == "bundle.js" and .reason == "generated")' "$TMP/plan.json" >/dev/null \
	|| die "bundle.js was minified in the base too and should be skipped"
jq -e '.skipped[] | select(.path == "new.js" and .reason == "generated")' "$TMP/plan.json" >/dev/null \
	|| die "a new minified file should be skipped"

expect_rc 1 "$TRIBUNAL" scan --repo "$R" --out "$TMP/o" --dry-run
F=$TMP/o/findings.json
jq -e '[.findings[] | select(.rule_id == "c-unbounded-copy" and .path == "a.c" and .start_line == 5)] | length == 1' \
	"$F" >/dev/null || die "the strcpy in a.c was not found: $(jq -c '[.findings[] | {rule_id, path, start_line}]' "$F")"
jq -e '[.findings[] | select(.rule_id == "secret-github-token" and .path == "new.js" and .gating)] | length == 1' \
	"$F" >/dev/null || die "a secret hid in a new minified file: $(jq -c '[.findings[] | {rule_id, path}]' "$F")"
