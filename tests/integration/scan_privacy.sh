# What must never leave the machine, even when a model asks for it or points at it: a
# never_send file named in a finding (it would go to the verifier), a secret in the patched code
# sent for re-verification, a private key whose body alone changes (a rotation: the diff hunk has
# no BEGIN line), a claim about a file with more secrets than can be redacted (not sent without
# its code either). And a model cannot talk a deterministic finding down.
. tests/integration/lib.sh

R=$TMP/repo
new_repo "$R"
mkdir -p "$R/secrets"
printf 'def lookup(db, q):\n    return None\n' > "$R/app.py"
printf 'version: 1\nprivacy: {never_send: ["secrets/**"]}\n' > "$R/.tribunal.yml"
# pem SEED: a private key block with random base64 body lines
pem() {
	python3 - "$1" <<'PY'
import base64, random, sys
r = random.Random(int(sys.argv[1]))
body = base64.b64encode(bytes(r.getrandbits(8) for _ in range(48 * 12))).decode()
print("-----BEGIN PRIVATE KEY-----")
for i in range(0, len(body), 64):
    print(body[i:i + 64])
print("-----END PRIVATE KEY-----")
PY
}
mkdir -p "$R/deploy"
pem 1 > "$R/deploy/server.pem"
cp "$R/deploy/server.pem" "$TMP/old.pem"
# outside the merge request: more tokens than redaction handles
python3 - "$R/tokens.py" <<'PY'
import random, string, sys
r = random.Random(3)
with open(sys.argv[1], "w") as f:
    for i in range(4100):
        f.write('T%d = "ghp_%s"\n' % (i, "".join(r.choice(string.ascii_letters + string.digits) for _ in range(36))))
PY
commit "$R" base
pem 2 > "$R/deploy/server.pem"
TOKEN="ghp_$(head -c 400 /dev/urandom | tr -dc 'A-Za-z0-9' | head -c 36)"
printf 'TOKEN = "%s"\n\ndef lookup(db, q):\n    return db.execute("SELECT * FROM t WHERE n = \x27" + q + "\x27")\n' "$TOKEN" > "$R/app.py"
printf 'DB_PASSWORD=TOPSECRET_MARKER_XYZZY\n' > "$R/secrets/prod.env"
commit "$R" head

python3 - "$TMP/script.json" <<'PY'
import json, sys
def call(name, args):
    return {"tool_calls": [{"name": name, "input": args, "id": "c1"}], "stop": "tool_use"}
patch = ("--- a/app.py\n+++ b/app.py\n@@ -4,1 +4,1 @@\n"
         "-    return db.execute(\"SELECT * FROM t WHERE n = '\" + q + \"'\")\n"
         "+    return db.execute(\"SELECT * FROM t WHERE n = ?\", (q,))\n")
findings = [
    {"path": "secrets/prod.env", "start_line": 1, "end_line": 1, "category": "hardcoded-secret", "severity": "high",
     "confidence": 0.9, "title": "password in env file", "description": "d"},
    {"path": "app.py", "start_line": 1, "end_line": 1, "category": "hardcoded-secret", "cwe": "CWE-798",
     "severity": "low", "confidence": 0.9, "title": "only a test fixture token", "description": "harmless"},
    {"path": "app.py", "start_line": 4, "end_line": 4, "category": "sql-injection", "severity": "high",
     "confidence": 0.9, "title": "SQL injection in lookup", "description": "q is concatenated"},
    {"path": "tokens.py", "start_line": 2, "end_line": 2, "category": "hardcoded-secret", "severity": "high",
     "confidence": 0.9, "title": "token table", "description": "d"},
]
ok = {"verdict": "confirmed", "exploitable": True, "mitigated": False, "consistent": True, "severity": "low",
      "confidence": 0.9, "reason": "r"}
script = {"rules": [
    {"contains": ["tribunal's verifier", "A fix was proposed"], "reply": call("report_verdict", dict(ok, verdict="rejected"))},
    {"contains": ["tribunal's verifier", "only a test fixture"], "reply": call("report_verdict", ok)},
    {"contains": ["tribunal's verifier"], "reply": call("report_verdict", dict(ok, severity="high"))},
    {"contains": "tribunal's patcher", "reply": call("propose_patch", {"patch": patch, "explanation": "bind q"})},
    {"contains": "tribunal's finder", "messages": 1, "reply": call("read_file", {"path": "secrets/prod.env"})},
    {"contains": "tribunal's finder", "messages": 3, "reply": call("report_findings", {"findings": findings})},
]}
json.dump(script, open(sys.argv[1], "w"))
PY
start_fake "$TMP/script.json"
export ANTHROPIC_BASE_URL=$FAKE_URL ANTHROPIC_API_KEY=test-key

expect_rc 1 "$TRIBUNAL" scan --repo "$R" --out "$TMP/o"
F=$TMP/o/findings.json
grep -q "TOPSECRET_MARKER_XYZZY" "$TMP/fake.log" && die "a never_send file reached the model provider"
grep -q "$TOKEN" "$TMP/fake.log" && die "the token reached the model provider"
# no piece of either key, in any request (the rotated key's unit was sent, redacted)
grep -q "deploy/server.pem" "$TMP/fake.log" || die "the unit with the rotated key was not reviewed"
python3 - "$TMP/fake.log" "$TMP/old.pem" "$R/deploy/server.pem" <<'PY' || die "a private key line reached the model provider"
import json, sys
bodies = [json.loads(json.loads(line)["body"]) for line in open(sys.argv[1])]
text = "\n".join(json.dumps(b, ensure_ascii=False) for b in bodies)
for path in sys.argv[2:]:
    for line in open(path).read().splitlines():
        if line.startswith("-----"):
            continue
        for i in range(0, len(line) - 12):
            if line[i:i + 12] in text:
                print("leaked from %s: %s" % (path, line), file=sys.stderr)
                sys.exit(1)
PY
grep -q "A fix was proposed" "$TMP/fake.log" || die "the patch was not re-verified"
jq -e '[.findings[] | select(.path == "secrets/prod.env" and .source == "finder")] | length == 0' "$F" >/dev/null \
	|| die "a finding in a never_send file was accepted from the model"
jq -e '[.findings[] | select(.cwe == "CWE-798" and .path == "app.py")] | length == 1 and
	(.[0] | .severity != "low" and .gating == true)' "$F" >/dev/null \
	|| die "the model talked the leaked token down: $(jq -c '[.findings[] | {path, cwe, severity, status, gating}]' "$F")"
jq -e '.findings[] | select(.title == "SQL injection in lookup") | .patch.reverified == true' "$F" >/dev/null \
	|| die "the SQL injection patch: $(jq -c '.findings[] | .patch' "$F")"
# a claim whose code cannot be redacted is not sent on its own: it stays unverified
python3 - "$TMP/fake.log" <<'PY' || die "the claim about tokens.py went to the verifier without its code"
import json, sys
for line in open(sys.argv[1]):
    body = json.loads(json.loads(line)["body"])
    if "tribunal's verifier" in json.dumps(body.get("system")) and "token table" in json.dumps(body["messages"]):
        sys.exit(1)
PY
jq -e '.findings[] | select(.title == "token table") | .status == "unverified" and .verification.verdict == null
	and (.verification.reason | test("could not be redacted"))' "$F" >/dev/null \
	|| die "the claim about tokens.py: $(jq -c '.findings[] | select(.title == "token table")' "$F")"
# tool output is wrapped in the nonce delimiters too
python3 - "$TMP/fake.log" <<'PY' || die "a tool result is not inside the untrusted delimiters"
import json, sys
for line in open(sys.argv[1]):
    body = json.loads(json.loads(line)["body"])
    for m in body.get("messages", []):
        for b in m.get("content", []) if isinstance(m.get("content"), list) else []:
            if b.get("type") == "tool_result" and b.get("content") not in ("received",):
                c = b["content"] if isinstance(b["content"], str) else json.dumps(b["content"])
                if "<untrusted-" not in c:
                    sys.exit(1)
PY
validate_reports "$TMP/o"
