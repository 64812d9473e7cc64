# Errors a user can act on, exit 2: not a repository, unknown revision, no common ancestor,
# a single-commit repository, a shallow clone without the base (with the fix for each CI).
# An empty diff is not an error: it passes with a note.
. tests/integration/lib.sh

mkdir "$TMP/plain"
expect_rc 2 "$TRIBUNAL" plan --repo "$TMP/plain"
expect_in "$OUT" "not a git repository"

R=$TMP/repo
new_repo "$R"
echo one > "$R/a.txt"
commit "$R" first
expect_rc 2 "$TRIBUNAL" plan --repo "$R"
expect_in "$OUT" "HEAD~1 does not exist"
expect_rc 2 "$TRIBUNAL" plan --repo "$R" --base nosuchbranch
expect_in "$OUT" "unknown base revision 'nosuchbranch'"

# an empty diff passes, with a note
expect_rc 0 "$TRIBUNAL" plan --repo "$R" --base main --head main
expect_in "$OUT" "changes no files"
"$TRIBUNAL" plan --repo "$R" --base main --head main --json | jq -e '.totals.units == 0 and .totals.files_changed == 0' >/dev/null \
	|| die "empty diff: expected zero units"

# no common ancestor: an orphan branch
git -C "$R" checkout -q --orphan other
echo two > "$R/b.txt"
commit "$R" orphan
expect_rc 2 "$TRIBUNAL" plan --repo "$R" --base main --head other
expect_in "$OUT" "no common ancestor"

# a shallow clone without the base commit
S=$TMP/src
new_repo "$S"
for i in 1 2 3 4; do echo "$i" > "$S/f.txt"; commit "$S" "c$i"; done
git -C "$S" update-ref refs/remotes/origin/main HEAD~3
BASE=$(git -C "$S" rev-parse HEAD~3)
git clone -q --depth 1 "file://$S" "$TMP/shallow"
expect_rc 2 "$TRIBUNAL" plan --repo "$TMP/shallow" --base "$BASE"
expect_in "$OUT" "shallow clone"
expect_in "$OUT" "fetch-depth: 0"
expect_in "$OUT" "GIT_DEPTH: 0"
expect_in "$OUT" "shallow: false"
# the same through the GitHub environment: a depth-1 checkout has no origin/main
git -C "$TMP/shallow" update-ref -d refs/remotes/origin/main
expect_rc 2 env GITHUB_ACTIONS=true GITHUB_BASE_REF=main GITHUB_SHA="$(git -C "$TMP/shallow" rev-parse HEAD)" \
	"$TRIBUNAL" plan --repo "$TMP/shallow"
expect_in "$OUT" "fetch-depth: 0"

# a shallow clone that has the merge base (inside the fetched history or right at its boundary,
# as with GitLab's GIT_DEPTH) plans exactly like the full clone
U=$TMP/up
new_repo "$U"
for i in 1 2 3 4 5; do echo "$i" > "$U/f$i.c"; commit "$U" "c$i"; done
git -C "$U" checkout -q -b feat
printf 'int x;\n' >> "$U/f5.c"; commit "$U" feat
git -C "$U" checkout -q main
echo 6 > "$U/f6.c"; commit "$U" c6
"$TRIBUNAL" plan --json --repo "$U" --base main --head feat | jq -S 'del(.range.shallow)' > "$TMP/full.json"
for depth in 3 2; do
	git clone -q --depth "$depth" --no-single-branch "file://$U" "$TMP/shallow$depth"
	expect_rc 0 "$TRIBUNAL" plan --json --repo "$TMP/shallow$depth" --base origin/main --head origin/feat
	printf '%s\n' "$OUT" | jq -S 'del(.range.shallow) | .range.base_rev = "main" | .range.head_rev = "feat"' \
		> "$TMP/shallow$depth.json" || die "depth $depth: not JSON: $OUT"
	diff "$TMP/full.json" "$TMP/shallow$depth.json" >&2 || die "a depth-$depth clone plans differently"
done

# commit dates decide nothing: a merge request whose commits carry old and future dates (set by
# its author) must not move the merge base back to before a fix and so hide the code it brings
# back; the commits .git/shallow lists end history as they do for git
V=$TMP/skew
new_repo "$V"
at() { GIT_AUTHOR_DATE="@$1 +0000" GIT_COMMITTER_DATE="@$1 +0000" git -C "$V" "${@:2}"; }
echo root > "$V/r.txt"; at 1000000500 add r.txt; at 1000000500 commit -qm R0
printf 'a\nvuln();\nb\n' > "$V/app.c"; at 1000001000 add app.c; at 1000001000 commit -qm A
A=$(git -C "$V" rev-parse HEAD)
printf 'a\nb\n' > "$V/app.c"; at 1000002000 commit -qam "X: the fix"
git -C "$V" checkout -q -b mr
printf 'a\nvuln();\nb\n' > "$V/app.c"; at 1000000100 commit -qam "C1: brings it back, dated in the past"
C1=$(git -C "$V" rev-parse HEAD)
P2=$(echo P2 | at 1000005000 commit-tree "$A^{tree}" -p "$A")
H=$(echo H | at 1000006000 commit-tree "HEAD^{tree}" -p "$C1" -p "$P2")
git -C "$V" update-ref refs/heads/mr "$H"
git -C "$V" checkout -q main
for depth in 3 2; do
	git clone -q --no-single-branch --depth "$depth" "file://$V" "$TMP/skew$depth"
	want=$(git -C "$TMP/skew$depth" merge-base origin/main origin/mr || true)
	if [ -n "$want" ]; then
		expect_rc 0 "$TRIBUNAL" plan --json --repo "$TMP/skew$depth" --base origin/main --head origin/mr
		[ "$(printf '%s\n' "$OUT" | jq -r .range.merge_base)" = "$want" ] \
			|| die "depth $depth: merge base $(printf '%s\n' "$OUT" | jq -r .range.merge_base), git says $want"
		printf '%s\n' "$OUT" | jq -e '[.units[].files[].path] == ["app.c"]' >/dev/null \
			|| die "depth $depth: the code brought back is not reviewed: $OUT"
	else
		expect_rc 2 "$TRIBUNAL" plan --repo "$TMP/skew$depth" --base origin/main --head origin/mr
		expect_in "$OUT" "no common ancestor in this shallow clone"
	fi
done

# bad values from the CI environment are refused, naming the variable
expect_rc 2 env GITLAB_CI=true CI_MERGE_REQUEST_DIFF_BASE_SHA='HEAD; rm -rf /' "$TRIBUNAL" plan --repo "$R"
expect_in "$OUT" "CI_MERGE_REQUEST_DIFF_BASE_SHA is not a commit SHA"
