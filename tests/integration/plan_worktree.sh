# The review reads the object database of the head commit only: changing the working tree, the
# index and .gitattributes after the commit changes nothing in the plan.
. tests/integration/lib.sh

R=$TMP/repo
new_repo "$R"
printf 'int f(void)\n{\n\treturn 1;\n}\n' > "$R/a.c"
printf 'def g():\n    return 1\n' > "$R/b.py"
commit "$R" base
printf 'int f(void)\n{\n\treturn 2;\n}\n' > "$R/a.c"
commit "$R" head

plan_json "$R" > "$TMP/before.json"
# now vandalize the checkout
printf 'int f(void)\n{\n\treturn 3;\n}\nint extra;\n' > "$R/a.c"
rm "$R/b.py"
echo 'new' > "$R/untracked.c"
echo '*.c binary' > "$R/.gitattributes"
git -C "$R" add a.c .gitattributes
plan_json "$R" > "$TMP/after.json"
diff -u "$TMP/before.json" "$TMP/after.json" >&2 || die "the working tree or index changed the plan"
jq -e '.units[0].files[0].path == "a.c"' "$TMP/after.json" >/dev/null || die "a.c not reviewed"
