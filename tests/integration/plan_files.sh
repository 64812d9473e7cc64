# plan --json on a merge request that touches every kind of file: each is reviewed, or skipped
# with its reason; hunks are widened to their functions; renames are detected. Then scan over a
# rename: findings and GitLab positions carry the base-side path.
. tests/integration/lib.sh

R=$TMP/repo
new_repo "$R"
mkdir -p "$R/src" "$R/web" "$R/api" "$R/assets"
cat > "$R/src/auth.c" <<'C'
#include <string.h>

struct user {
	char name[32];
	int admin;
};

static int check_password(const char *given, const char *stored)
{
	return strcmp(given, stored) == 0;
}

int login(struct user *u, const char *name, const char *password, const char *stored)
{
	if (!check_password(password, stored))
		return -1;
	strncpy(u->name, name, sizeof(u->name) - 1);
	return 0;
}

int logout(struct user *u)
{
	u->admin = 0;
	return 0;
}
C
cat > "$R/api/views.py" <<'PY'
import sqlite3


class UserView:
    def __init__(self, db):
        self.db = db

    def get(self, request):
        user_id = int(request.args["id"])
        cur = self.db.execute("SELECT name FROM users WHERE id = ?", (user_id,))
        return cur.fetchone()

    def delete(self, request):
        return None


def helper():
    return 1
PY
cat > "$R/api/server.go" <<'GO'
package api

import "net/http"

func Health(w http.ResponseWriter, r *http.Request) {
	w.WriteHeader(200)
}

func Files(w http.ResponseWriter, r *http.Request) {
	name := r.URL.Query().Get("name")
	http.ServeFile(w, r, "/srv/files/"+clean(name))
}
GO
cat > "$R/web/app.js" <<'JS'
const express = require('express');
const app = express();

app.get('/hello', (req, res) => {
  res.send('hello');
});

function render(name) {
  return `<p>${escape(name)}</p>`;
}

module.exports = { app, render };
JS
printf 'old\n' > "$R/web/old.txt"
for i in $(seq 1 40); do echo "line $i of a file that will be renamed"; done > "$R/src/moved.txt"
printf '\x89PNG\r\n\x1a\n\0\0\0\rIHDR' > "$R/assets/logo.png"
echo '{"lockfileVersion": 3}' > "$R/package-lock.json"
printf '#!/bin/sh\necho hi\n' > "$R/run.sh"
echo "stays" > "$R/same.txt"
commit "$R" base

# head: edits inside functions, a new file, a deletion, a rename with an edit, binary, lockfile,
# minified, mode-only, symlink, submodule, not UTF-8
sed -i 's/strncpy(u->name, name, sizeof(u->name) - 1);/strcpy(u->name, name);\n\tu->admin = strstr(name, "root") != NULL;/' "$R/src/auth.c"
sed -i 's/cur = self.db.execute("SELECT name FROM users WHERE id = ?", (user_id,))/cur = self.db.execute("SELECT name FROM users WHERE id = %s" % request.args["id"])/' "$R/api/views.py"
sed -i 's|"/srv/files/"+clean(name)|"/srv/files/"+name|' "$R/api/server.go"
sed -i 's/return `<p>${escape(name)}<\/p>`;/return `<p>${name}<\/p>`;/' "$R/web/app.js"
cat > "$R/api/tokens.py" <<'PY'
import hmac


def verify(token, expected):
    return token == expected
PY
git -C "$R" rm -q web/old.txt
git -C "$R" mv src/moved.txt src/renamed.txt
sed -i 's/line 20 of/line twenty of/' "$R/src/renamed.txt"
printf '\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\1' > "$R/assets/logo.png"
echo '{"lockfileVersion": 3, "packages": {}}' > "$R/package-lock.json"
python3 -c 'print("var a=1;" * 1000)' > "$R/web/bundle.min.js"
python3 -c 'print("function x(){" + "var a=1;" * 900 + "}")' > "$R/web/vendor.js"
chmod +x "$R/same.txt"
ln -s ../api/views.py "$R/src/link.py"
printf 'caf\xe9 = 1\n' > "$R/src/latin1.py"
commit "$R" head
# a submodule entry (gitlink) without a .gitmodules checkout
git -C "$R" update-index --add --cacheinfo 160000,0123456789012345678901234567890123456789,vendor/lib
git -C "$R" commit -q -m submodule

plan_json "$R" --base main~2 --head main > "$TMP/plan.json"
golden plan/files.json "$TMP/plan.json"

# every changed file is either in a unit or skipped with a reason
jq -e '[.files[] | select((.unit // 0) == 0 and (.skipped // "") == "")] | length == 0' "$TMP/plan.json" >/dev/null \
	|| die "a changed file is neither reviewed nor skipped"
# the C hunk widened to the whole login() function
jq -e '.units[].files[] | select(.path == "src/auth.c") | .ranges[0].start <= 14' "$TMP/plan.json" >/dev/null \
	|| die "src/auth.c was not widened to login()"
# text output names the same things
expect_rc 0 "$TRIBUNAL" plan --repo "$R" --base main~2 --head main
expect_in "$OUT" "src/renamed.txt"
expect_in "$OUT" "binary"
expect_in "$OUT" "lockfile"

# the document matches docs/plan.schema.json
AJV=$VALIDATE_CACHE/node_modules/.bin/ajv
if [ ! -x "$AJV" ]; then
	printf '{"version": "2.1.0", "runs": []}' > "$TMP/warm.sarif"
	"$VALIDATE" sarif "$TMP/warm.sarif" >/dev/null 2>&1 || true
fi
if [ -x "$AJV" ]; then
	"$TRIBUNAL" plan --json --repo "$R" --base main~2 --head main > "$TMP/full.json"
	"$AJV" validate --spec=draft7 --strict=false -s docs/plan.schema.json -d "$TMP/full.json" >&2 \
		|| die "plan --json does not match docs/plan.schema.json"
elif [ "$VALIDATE" != /bin/true ]; then
	die "ajv is not installed in $VALIDATE_CACHE"
fi

# scan over a rename with an edit: a rule hit in the renamed file is located in it and commented
# at a GitLab position naming both sides (old_path is the base-side name, which GitLab needs to
# place the thread); GitHub's comment names the head path only. An inline ignore records where it
# is written.
for i in $(seq 1 30); do echo "value_$i = compute($i)"; done > "$R/api/jobs.py"
commit "$R" jobs
git -C "$R" mv api/jobs.py api/tasks.py
sed -i 's/^value_12 = compute(12)$/value_12 = os.system("run " + name)/' "$R/api/tasks.py"
sed -i 's/^value_20 = compute(20)$/value_20 = os.system("ls " + path)  # tribunal-ignore: py-os-system fixed list of paths/' \
	"$R/api/tasks.py"
commit "$R" rename
# no provider key: the rules alone; the hit (confidence 0.6) does not gate
expect_rc 0 "$TRIBUNAL" scan --repo "$R" --base main~1 --head main --out "$TMP/scan"
S=$TMP/scan
[ -s "$S/findings.json" ] || die "scan over a rename wrote no findings.json"
jq -e '[.findings[] | select(.path == "api/tasks.py" and .start_line == 12)] |
	length == 1 and .[0].old_path == "api/jobs.py" and .[0].in_diff' "$S/findings.json" >/dev/null \
	|| die "the finding in the renamed file: $(jq -c '[.findings[] | {path, old_path, start_line, in_diff}]' "$S/findings.json")"
jq -e '[.findings[] | select(.path == "api/tasks.py" and .start_line == 20)] |
	length == 1 and .[0].status == "suppressed" and .[0].suppression.kind == "inline" and
	.[0].suppression.match == "tribunal-ignore on line 20"' "$S/findings.json" >/dev/null \
	|| die "the inline ignore: $(jq -c '[.findings[] | {path, start_line, status, suppression}]' "$S/findings.json")"
jq -e '[.[] | .position // empty | select(.new_path == "api/tasks.py")] |
	length == 1 and .[0].old_path == "api/jobs.py" and .[0].new_line == 12' "$S/gitlab-discussions.json" >/dev/null \
	|| die "gitlab position of a renamed file: $(jq -c '[.[] | .position // empty]' "$S/gitlab-discussions.json")"
jq -e '[.comments[] | select(.path == "api/tasks.py")] | length == 1' "$S/github-review.json" >/dev/null \
	|| die "github review comment on the renamed file: $(jq -c '[.comments[] | {path, line}]' "$S/github-review.json")"
grep -q 'api/jobs.py' "$S/github-review.json" && die "github-review.json names the base-side path"
grep -q 'matched `tribunal-ignore on line 20`' "$S/summary.md" || die "summary.md does not say which ignore matched"
validate_reports "$S"
