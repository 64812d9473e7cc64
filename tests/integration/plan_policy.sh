# The policy comes from the base commit: a merge request cannot weaken its own gate. The head's
# change to .tribunal.yml is reviewed as code; --policy-from head and --policy FILE override.
. tests/integration/lib.sh

R=$TMP/repo
new_repo "$R"
mkdir -p "$R/src" "$R/vendor"
printf 'version: 1\npaths:\n  exclude: ["vendor/**"]\n' > "$R/.tribunal.yml"
echo 'int a;' > "$R/src/a.c"
echo 'int v;' > "$R/vendor/v.c"
commit "$R" base
# the merge request tries to exclude its own code from review
printf 'version: 1\npaths:\n  exclude: ["vendor/**", "src/**"]\n' > "$R/.tribunal.yml"
echo 'int a = 1;' > "$R/src/a.c"
echo 'int v = 1;' > "$R/vendor/v.c"
commit "$R" head

expect_rc 0 "$TRIBUNAL" plan --repo "$R" --json
json=$(printf '%s' "$OUT" | sed -n '/^{/,$p')
echo "$json" | jq -e '.policy.source == "base"' >/dev/null || die "policy source is not base"
echo "$json" | jq -e '[.units[].files[].path] | index("src/a.c") != null' >/dev/null || die "src/a.c escaped review"
echo "$json" | jq -e '[.units[].files[].path] | index(".tribunal.yml") != null' >/dev/null \
	|| die "the changed policy file is not reviewed as code"
echo "$json" | jq -e '.skipped[] | select(.path == "vendor/v.c" and .reason == "excluded")' >/dev/null \
	|| die "vendor/v.c not excluded by the base policy"
expect_in "$OUT" "this merge request changes .tribunal.yml; the scan uses the base commit's version"

# --policy-from head: the unsafe opt-in
"$TRIBUNAL" plan --repo "$R" --json --policy-from head 2>/dev/null | jq -e \
	'.policy.source == "head" and ([.skipped[] | select(.path == "src/a.c")] | length == 1)' >/dev/null \
	|| die "--policy-from head not honoured"
# --policy FILE
printf 'version: 1\ncontext_lines: 0\n' > "$TMP/p.yml"
"$TRIBUNAL" plan --repo "$R" --json --policy "$TMP/p.yml" | jq -e '.policy.source == "file" and .policy.context_lines == 0' \
	>/dev/null || die "--policy FILE not honoured"
# a broken base policy stops plan with file:line:col, exit 2
printf 'version: 1\nmode: blockk\n' > "$TMP/bad.yml"
expect_rc 2 "$TRIBUNAL" plan --repo "$R" --policy "$TMP/bad.yml"
expect_in "$OUT" "bad.yml:2:7: error: mode: unknown value 'blockk'"
# --help explains why --policy-from head is unsafe
expect_rc 0 "$TRIBUNAL" plan --help
expect_in "$OUT" "weaken"

# only the policy in use can stop the run: a head .tribunal.yml over the size limit is reviewed
# as a change (and refused with --policy-from head), never fatal while the base's is used
B=$TMP/big
new_repo "$B"
printf 'version: 1\n' > "$B/.tribunal.yml"
echo 'int a;' > "$B/a.c"
commit "$B" base
{ printf 'version: 1\n'; python3 -c 'print("# padding\n" * 120000, end="")'; } > "$B/.tribunal.yml"
echo 'int a = 1;' > "$B/a.c"
commit "$B" head
expect_rc 0 "$TRIBUNAL" plan --repo "$B"
expect_in "$OUT" "this merge request changes .tribunal.yml; the scan uses the base commit's version"
expect_rc 0 "$TRIBUNAL" scan --repo "$B" --dry-run --out "$TMP/big-out" --format json
jq -e '.run.policy.source == "base"' "$TMP/big-out/findings.json" >/dev/null || die "scan did not use the base policy"
expect_rc 2 "$TRIBUNAL" plan --repo "$B" --policy-from head
expect_in "$OUT" ".tribunal.yml: "
