# The CI templates users copy: the GitHub workflow passes actionlint (the validator's `action`
# check), the GitLab one is valid YAML with the report paths tribunal writes.
. tests/integration/lib.sh

"$VALIDATE" action ci-templates/github-workflow.yml >&2 || die "the GitHub workflow template fails actionlint"
cc -O2 -o "$TMP/yaml2json" tests/tools/yaml2json.c $(pkg-config --cflags --libs yaml-0.1 libcjson)
"$TMP/yaml2json" < ci-templates/gitlab-ci.yml > "$TMP/gl.json" || die "gitlab-ci.yml is not YAML"
jq -e '.tribunal.artifacts.reports | .sast == "tribunal-out/gl-sast-report.json" and
	.codequality == "tribunal-out/gl-code-quality-report.json" and .junit == "tribunal-out/junit.xml"' "$TMP/gl.json" \
	>/dev/null || die "gitlab-ci.yml does not point at tribunal's reports"
for f in results.sarif junit.xml report.html; do
	grep -q "$f" ci-templates/Jenkinsfile || die "the Jenkinsfile does not use $f"
done
# both post the review with publish, and the gate (the scan's status) still decides the job
grep -q 'tribunal publish github --from tribunal-out' ci-templates/github-workflow.yml || die "the GitHub workflow does not publish"
jq -e '.tribunal.script | any(test("tribunal publish gitlab")) and (last == "exit $status")' "$TMP/gl.json" >/dev/null \
	|| die "gitlab-ci.yml does not publish, or the gate does not decide the job"
