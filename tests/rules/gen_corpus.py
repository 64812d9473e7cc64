#!/usr/bin/env python3
"""tests/rules/gen_corpus.py: writes the rules/ true- and false-positive corpus.

Every credential here is random junk from a seeded generator: it has the shape of a real one
and grants nothing. Run from the repository root; it rewrites tests/rules/corpus/ and
tests/rules/corpus/EXPECTED (path:line:rule-id, the exact hits tribunal must report when every
line of every file counts as added). The corpus is committed, so tests need no Python.

  secrets/tp/   real-looking secrets, one case per EXPECTED line (split ones: the first line)
  secrets/fp/   traps: documented example keys, placeholders, references, hashes, UUIDs,
                test vectors, public keys, parsers and prose; nothing may be reported
  api/          dangerous-API hints per language, with safe look-alikes that must stay quiet
  ignore/       inline tribunal-ignore comments
"""
import base64, json, os, random, string

R = random.Random(20260808)
ROOT = "tests/rules/corpus"
UP, LO, DG = string.ascii_uppercase, string.ascii_lowercase, string.digits
ALNUM = UP + LO + DG
B64 = ALNUM + "+/"
B64URL = ALNUM + "-_"


def rnd(alphabet, n):
    """n random characters; with at least two of upper/lower/digit when the alphabet has them."""
    kinds = sum(1 for k in (UP, LO, DG) if set(k) & set(alphabet))
    while True:
        s = "".join(R.choice(alphabet) for _ in range(n))
        if n < 8 or kinds < 2 or sum(1 for k in (UP, LO, DG) if set(k) & set(s)) >= 2:
            return s


def aws_id(): return "AKIA" + "".join(R.choice(UP + "234567") for _ in range(16))
def aws_secret():
    while True:
        s = rnd(B64, 40)
        if any(c in UP for c in s) and any(c in LO for c in s) and any(c in DG for c in s):
            return s
def ghp(prefix="ghp"): return prefix + "_" + rnd(ALNUM, 36)
def github_pat(): return "github_pat_" + rnd(ALNUM, 22) + "_" + rnd(ALNUM, 59)
def glpat(): return "glpat-" + rnd(ALNUM + "_-", 20)
def slack_bot(): return "xoxb-" + rnd(DG, 12) + "-" + rnd(DG, 13) + "-" + rnd(ALNUM, 24)
def slack_user(): return "xoxp-" + rnd(DG, 11) + "-" + rnd(DG, 11) + "-" + rnd(DG, 13) + "-" + rnd("0123456789abcdef", 32)
def slack_hook(): return "https://hooks.slack.com/services/T" + rnd(UP + DG, 8) + "/B" + rnd(UP + DG, 10) + "/" + rnd(ALNUM, 24)
def stripe(kind="sk"): return kind + "_live_" + rnd(ALNUM, 24)
def google(): return "AIza" + rnd(ALNUM + "_-", 35)
def npm(): return "npm_" + rnd(ALNUM, 36)
def openai(): return "sk-proj-" + rnd(ALNUM + "_-", 58) + "T3BlbkFJ" + rnd(ALNUM + "_-", 58)
def anthropic(): return "sk-ant-api03-" + rnd(ALNUM + "_-", 93) + "AA"
def sendgrid(): return "SG." + rnd(ALNUM + "_-", 22) + "." + rnd(ALNUM + "_-", 43)
def shopify(): return "shpat_" + rnd("0123456789abcdef", 32)
def pypi(): return "pypi-AgEIcHlwaS5vcmc" + rnd(ALNUM + "_-", 70)
def docker(): return "dckr_pat_" + rnd(ALNUM + "_-", 27)
def vault(): return "hvs." + rnd(ALNUM + "_-", 90)
def linear(): return "lin_api_" + rnd(ALNUM, 40)
def azure(): return rnd(B64, 86) + "=="
def b64url(b): return base64.urlsafe_b64encode(b).decode().rstrip("=")
def jwt():
    h = b64url(json.dumps({"alg": "HS256", "typ": "JWT"}, separators=(",", ":")).encode())
    p = b64url(json.dumps({"sub": "svc-" + rnd(LO + DG, 8), "role": "admin", "iat": 1754000000 + R.randrange(10**6)}, separators=(",", ":")).encode())
    return h + "." + p + "." + rnd(B64URL, 43)
def password(n=16): return rnd(ALNUM + "!*-_+@", n)
def url_password(n=16): return rnd(ALNUM + "-_", n)
def pem_body(lines=6):
    out = ["MIIEpAIBAAKCAQEA" + rnd(B64, 48)]
    out += [rnd(B64, 64) for _ in range(lines - 2)]
    out.append(rnd(B64, 40) + "==")
    return out


class File:
    def __init__(self, path):
        self.path, self.lines, self.expect, self.cases = path, [], [], []

    def add(self, text, rule=None, secret=None):
        """Adds lines; rule: what tribunal reports on the first of them. secret: a real secret
        starts there (default: whenever a rule is named in secrets/tp), for the benchmark."""
        first = len(self.lines) + 1
        self.lines.extend(text.split("\n"))
        if rule:
            for r in rule.split(","):
                self.expect.append((first, r))
        if secret is None:
            secret = bool(rule) and self.path.startswith("secrets/tp/") and rule.startswith("secret-")
        if secret:
            self.cases.append(first)
        return first


FILES = []


def new(path):
    f = File(path)
    FILES.append(f)
    return f


# ---------------------------------------------------------------- secrets: true positives
f = new("secrets/tp/aws.py")
f.add("import boto3\n")
f.add(f'AWS_ACCESS_KEY_ID = "{aws_id()}"', "secret-aws-access-key")
f.add(f'AWS_SECRET_ACCESS_KEY = "{aws_secret()}"', "secret-aws-secret-key")
f.add("\n\ndef client():")
k = aws_id()
f.add(f'    return boto3.client("s3", aws_access_key_id="{k}",', "secret-aws-access-key")
f.add(f'                        aws_secret_access_key="{aws_secret()}")', "secret-aws-secret-key")
f.add("\n# session credentials from the staging role")
f.add(f'STS_KEY = "ASIA{"".join(R.choice(UP + "234567") for _ in range(16))}"', "secret-aws-access-key")
f.add(f'STS_SECRET = "{aws_secret()}"', "secret-aws-secret-key")

f = new("secrets/tp/credentials.ini")
f.add("[default]")
f.add(f"aws_access_key_id = {aws_id()}", "secret-aws-access-key")
f.add(f"aws_secret_access_key = {aws_secret()}", "secret-aws-secret-key")
f.add("region = eu-west-1")

f = new("secrets/tp/github.js")
f.add("const { Octokit } = require('@octokit/rest');\n")
f.add(f"const octokit = new Octokit({{ auth: '{ghp()}' }});", "secret-github-token")
f.add(f"const APP_TOKEN = \"{ghp('ghs')}\";", "secret-github-token")
f.add(f"const fineGrained = `{github_pat()}`;", "secret-github-token")
f.add(f"headers.Authorization = 'token {ghp('gho')}';", "secret-github-token")
f.add(f"process.env.GH_REFRESH = '{ghp('ghr')}';", "secret-github-token")

f = new("secrets/tp/gitlab-ci.yml")
f.add("deploy:\n  stage: deploy\n  variables:")
f.add(f"    GITLAB_TOKEN: {glpat()}", "secret-gitlab-token")
f.add("  script:")
f.add(f'    - curl --header "PRIVATE-TOKEN: {glpat()}" "$CI_API_V4_URL/projects"', "secret-gitlab-token")

f = new("secrets/tp/slack.go")
f.add("package notify\n\nconst (")
f.add(f'\tbotToken  = "{slack_bot()}"', "secret-slack-token")
f.add(f'\tuserToken = "{slack_user()}"', "secret-slack-token")
f.add(f'\twebhook   = "{slack_hook()}"', "secret-slack-webhook")
f.add(")")

f = new("secrets/tp/stripe.rb")
f.add("require 'stripe'\n")
f.add(f"Stripe.api_key = '{stripe()}'", "secret-stripe-key")
f.add(f"RESTRICTED = \"{stripe('rk')}\"", "secret-stripe-key")

f = new("secrets/tp/google.kt")
f.add("object Maps {")
f.add(f'    const val KEY = "{google()}"', "secret-google-api-key")
f.add("}")

f = new("secrets/tp/id_rsa")
f.add("-----BEGIN RSA PRIVATE KEY-----", "secret-private-key")
f.add("\n".join(pem_body(8)))
f.add("-----END RSA PRIVATE KEY-----")

f = new("secrets/tp/deploy.yaml")
f.add("apiVersion: v1\nkind: Secret\nmetadata:\n  name: deploy-key\nstringData:\n  ssh-key: |")
f.add("    -----BEGIN OPENSSH PRIVATE KEY-----", "secret-private-key")
f.add("\n".join("    " + l for l in [rnd(B64, 70) for _ in range(5)]))
f.add("    -----END OPENSSH PRIVATE KEY-----")

f = new("secrets/tp/service-account.json")
body = "\\n".join(pem_body(5))
f.add("{")
f.add('  "type": "service_account",\n  "project_id": "billing-prod",')
f.add(f'  "private_key": "-----BEGIN PRIVATE KEY-----\\n{body}\\n-----END PRIVATE KEY-----\\n",', "secret-private-key")
f.add('  "client_email": "billing@billing-prod.iam.gserviceaccount.com"\n}')

f = new("secrets/tp/ec_key.go")
f.add("package tlsutil\n")
f.add('const testServerKey = `-----BEGIN EC PRIVATE KEY-----', "secret-private-key")
f.add("\n".join(pem_body(3)))
f.add("-----END EC PRIVATE KEY-----`")

f = new("secrets/tp/jwt.ts")
f.add(f"export const SERVICE_JWT = '{jwt()}';", "secret-jwt")
f.add(f"fetch(url, {{ headers: {{ Authorization: `Bearer {jwt()}` }} }});", "secret-jwt")

f = new("secrets/tp/tokens.env")
f.add(f"NPM_TOKEN={npm()}", "secret-npm-token")
f.add(f"OPENAI_API_KEY={openai()}", "secret-openai-key")
f.add(f"ANTHROPIC_API_KEY={anthropic()}", "secret-anthropic-key")
f.add(f"SENDGRID_API_KEY={sendgrid()}", "secret-sendgrid-key")
f.add(f"SHOPIFY_TOKEN={shopify()}", "secret-shopify-token")
f.add(f"PYPI_TOKEN={pypi()}", "secret-pypi-token")
f.add(f"DOCKERHUB_TOKEN={docker()}", "secret-docker-pat")
f.add(f"VAULT_TOKEN={vault()}", "secret-vault-token")
f.add(f"LINEAR_API_KEY={linear()}", "secret-linear-key")
f.add(f"AZURE_STORAGE=DefaultEndpointsProtocol=https;AccountName=billing;AccountKey={azure()};EndpointSuffix=core.windows.net", "secret-azure-storage-key")
f.add(f"DB_PASSWORD={password(18)}", "secret-generic-assignment")

f = new("secrets/tp/settings.py")
f.add("DATABASES = {\n    'default': {\n        'ENGINE': 'django.db.backends.postgresql',\n        'USER': 'billing',")
f.add(f"        'PASSWORD': '{password(20)}',", "secret-generic-assignment")
f.add("    }\n}")
f.add(f'SECRET_KEY = "{password(40)}"', "secret-generic-assignment")
f.add(f'api_key = "{rnd("0123456789abcdef", 32)}"', "secret-generic-assignment")

f = new("secrets/tp/Config.java")
f.add("public final class Config {")
f.add(f'    private static final String DB_PASSWORD = "{password(16)}";', "secret-generic-assignment")
f.add(f'    static String clientSecret = "{rnd(ALNUM + "~._-", 34)}";', "secret-generic-assignment")
f.add("}")

f = new("secrets/tp/app.yml")
f.add("spring:\n  datasource:\n    username: billing")
f.add(f"    password: {password(14)}", "secret-generic-assignment")
f.add("oauth:")
f.add(f'  client_secret: "{rnd(ALNUM, 32)}"', "secret-generic-assignment")

f = new("secrets/tp/database.php")
f.add("<?php")
f.add(f"$dsn = 'mysql://billing:{url_password(15)}@db.internal:3306/billing';", "secret-url-credentials")
f.add(f"$password = \"{password(12)}\";", "secret-generic-assignment")

f = new("secrets/tp/Dockerfile")
f.add("FROM python:3.12-slim")
f.add(f"ENV REDIS_URL=redis://default:{url_password(20)}@cache.internal:6379/0", "secret-url-credentials")
f.add(f"ENV GITHUB_TOKEN={ghp()}", "secret-github-token")

f = new("secrets/tp/deploy.sh")
f.add("#!/bin/sh\nset -eu")
f.add(f"export AWS_ACCESS_KEY_ID={aws_id()}", "secret-aws-access-key")
f.add(f"export AWS_SECRET_ACCESS_KEY={aws_secret()}", "secret-aws-secret-key")
f.add(f'curl -u "deploy:{password(16)}" https://artifacts.internal/upload', secret=True)  # missed: curl -u
f.add(f'curl -X POST -d "token={slack_bot()}" https://slack.com/api/chat.postMessage', "secret-slack-token")

f = new("secrets/tp/main.tf")
f.add('provider "github" {')
f.add(f'  token = "{ghp()}"', "secret-github-token")
f.add("}")
f.add('resource "aws_db_instance" "main" {')
f.add(f'  password = "{password(24)}"', "secret-generic-assignment")
f.add("}")

# split across lines and built by concatenation
f = new("secrets/tp/concat.js")
k = ghp()
f.add(f"const token = '{k[:14]}' + '{k[14:]}';", "secret-github-token")
k = aws_id()
f.add(f'const keyId = "{k[:8]}" +', "secret-aws-access-key")
f.add(f'  "{k[8:]}";')
k = stripe()
f.add(f"const stripeKey = ['{k[:12]}', '{k[12:]}'].join('');", secret=True)  # missed: array join
k = slack_hook()
f.add(f"const hook = 'https://hooks.slack.com/services/' + '{k[len('https://hooks.slack.com/services/'):]}';", "secret-slack-webhook")

f = new("secrets/tp/concat.py")
k = aws_id()
f.add("ACCESS_KEY = (", "")
f.add(f'    "{k[:10]}"', "secret-aws-access-key")
f.add(f'    "{k[10:]}"')
f.add(")")
k = google()
f.add(f"MAPS = '{k[:20]}' \\", "secret-google-api-key")
f.add(f"    '{k[20:]}'")
k = glpat()
f.add(f'GL = "{k[:9]}" + "{k[9:]}"', "secret-gitlab-token")

f = new("secrets/tp/Concat.java")
k = ghp()
f.add("class Keys {")
f.add(f'    static final String GH = "{k[:20]}"', "secret-github-token")
f.add(f'        + "{k[20:]}";')
f.add("}")

f = new("secrets/tp/concat.php")
k = sendgrid()
f.add("<?php")
f.add(f"$key = '{k[:30]}' . '{k[30:]}';", "secret-sendgrid-key")

f = new("secrets/tp/concat.c")
k = npm()
f.add(f'static const char *npm_token = "{k[:12]}" "{k[12:]}";', "secret-npm-token")

# ---------------------------------------------------------------- secrets: false positives
f = new("secrets/fp/aws_docs.md")
f.add("# Configuring credentials\n\nThe AWS documentation uses these example values:\n")
f.add("    aws_access_key_id = AKIAIOSFODNN7EXAMPLE")
f.add("    aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")
f.add("\nand for temporary credentials ASIAIOSFODNN7EXAMPLE with je7MtGbClwBF/2Zp9Utk/h3yCo8nvbEXAMPLEKEY.")

f = new("secrets/fp/placeholders.py")
f.add('password = "xxx"')
f.add('API_KEY = "<your-api-key>"')
f.add('token = "${GITHUB_TOKEN}"')
f.add('DB_PASSWORD = "changeme"')
f.add('SECRET_KEY = os.environ["SECRET_KEY"]')
f.add('secret = os.getenv("APP_SECRET", "")')
f.add('api_key = settings.STRIPE_API_KEY')
f.add('password = getpass.getpass("Password: ")')
f.add('GITHUB_TOKEN = "ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"')
f.add('STRIPE_KEY = "sk_live_XXXXXXXXXXXXXXXXXXXXXXXX"')
f.add('SLACK = "xoxb-your-bot-token-here"')
f.add('WEBHOOK = "https://hooks.slack.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX"')
f.add('password = "********"')
f.add('token = "{{ vault_token }}"')
f.add('password = "%(db_password)s"')
f.add('secret = "REPLACE_ME_WITH_REAL_SECRET"')
f.add('api_key = "your-api-key-goes-here"')
f.add('password = "password123"')
f.add('token = "dummy-token-for-tests"')
f.add('GOOGLE_KEY = "AIzaSyXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX"')
f.add('NPM = "npm_000000000000000000000000000000000000"')

f = new("secrets/fp/placeholders.env")
f.add("DATABASE_PASSWORD=")
f.add("API_TOKEN=${API_TOKEN}")
f.add("SECRET_KEY=$SECRET_KEY")
f.add("AWS_SECRET_ACCESS_KEY=<aws-secret-access-key>")
f.add("GITLAB_TOKEN=glpat-xxxxxxxxxxxxxxxxxxxx")
f.add("PASSWORD=changeme")
f.add("JWT_SECRET=your_jwt_secret")

f = new("secrets/fp/references.ts")
f.add("export interface Credentials {\n  password: string;\n  token?: string;\n}")
f.add("const token = await auth.getToken();")
f.add("const password = req.body.password;")
f.add("if (password.length < MIN_PASSWORD_LENGTH) throw new Error('password too short');")
f.add("const secret = process.env.SESSION_SECRET;")
f.add("const apiKey = config.get<string>('apiKey');")
f.add("passwordInput.value = '';")
f.add("const TOKEN_URL = 'https://oauth2.googleapis.com/token';")
f.add("const tokenType = 'Bearer';")
f.add("const messages = { password_too_short: 'Password must be at least 12 characters' };")
f.add("localStorage.setItem('token', token);")

f = new("secrets/fp/hashes.txt")
f.add("commit 3f786850e387550fdab836ed7e6dc881de23001b")
f.add("sha1: da39a3ee5e6b4b0d3255bfef95601890afd80709")
f.add("sha256: e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
f.add('password_hash = "5f4dcc3b5aa765d61d8327deb882cf99"')
f.add('token_sha256 = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"')
f.add('"integrity": "sha512-Kq5sNclPz7QV2+lfQIuTdDBPiXZ0ulwoHC1iRQz1czKPB3IAWKq8cuG2R8j1cJUf8Ao6Y6TYCKfnWqo0bHxJ1w==",')
f.add("checksum = 'AbCdEf0123456789AbCdEf0123456789AbCdEf01'")
f.add('password_digest = "$2a$12$R9h/cIPz0gi.URNNX3kh2OPST9/PgBkqquzi.Ss7KIUgO2t0jWMUW"')

f = new("secrets/fp/uuids.go")
f.add("package ids\n")
f.add('const RequestToken = "123e4567-e89b-12d3-a456-426614174000"')
f.add('var tenantSecret = "550e8400-e29b-41d4-a716-446655440000"')
f.add('const traceID = "4bf92f3577b34da6a3ce929d0e0e4736"')

f = new("secrets/fp/test_vectors.py")
f.add("# RFC 4231 HMAC-SHA256 test case 1")
f.add('key = bytes.fromhex("0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b")')
f.add('secret = "Jefe"')
f.add("# test vector from the AES spec (FIPS-197 appendix C)")
f.add('test_secret_key = "000102030405060708090a0b0c0d0e0f"')
f.add("# RFC 7519 section 3.1 example")
f.add('EXAMPLE_JWT = "eyJ0eXAiOiJKV1QiLA0KICJhbGciOiJIUzI1NiJ9.eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ.dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"')
f.add("# the jwt.io example token")
f.add('token = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c"')
f.add('mock_password = "Sup3rS3cret!"')
f.add('expected_token = "a1B2c3D4e5F6g7H8"')

f = new("secrets/fp/public_keys.txt")
f.add("-----BEGIN PUBLIC KEY-----")
f.add("MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAu1SU1LfVLPHCozMxH2Mo")
f.add("4lgOEePzNm0tRgeLezV6ffAt0gunVTLw7onLRnrq0/IzW7yWR7QkrmBL7jTKEn5u")
f.add("-----END PUBLIC KEY-----")
f.add("ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQC7vbqajDjI8jw3/Jb0cwVhq0FGOMPaq4e5Zp6vZ5XSQ2Ek1lF0Xjm7LwF5Ig1M3UbxW5+2BmSSmjLaZJ0JgmsMeL0mZY8qWs6ciWF8xMiaS5jZQiIG6eYQ3VhQFm deploy@ci")
f.add("-----BEGIN CERTIFICATE-----")
f.add("MIIDdzCCAl+gAwIBAgIEAgAAuTANBgkqhkiG9w0BAQUFADBaMQswCQYDVQQGEwJJ")
f.add("-----END CERTIFICATE-----")
f.add("ecdsa-sha2-nistp256 AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTYAAABBBEmKSENjQEezOmxkZMy7opKgwFB9nkt5YRrYMjNuG5N87uRgg6CLrbo5wAdT/y6v0mKV0U2w0WZ2YB/++Tpockg= ci@host")

f = new("secrets/fp/pem_parser.py")
f.add('PEM_HEADER = "-----BEGIN RSA PRIVATE KEY-----"')
f.add('if data.startswith(b"-----BEGIN PRIVATE KEY-----"):')
f.add("    kind = 'pkcs8'")
f.add('doc = """')
f.add("Paste your key here:")
f.add("-----BEGIN OPENSSH PRIVATE KEY-----")
f.add("...")
f.add("-----END OPENSSH PRIVATE KEY-----")
f.add('"""')

f = new("secrets/fp/urls.yml")
f.add("database:\n  url: postgres://postgres:postgres@localhost:5432/app")
f.add("  replica: postgres://user:password@replica.example.com:5432/app")
f.add("  cache: redis://:${REDIS_PASSWORD}@redis:6379/0")
f.add("  broker: amqp://guest:guest@rabbitmq:5672/")
f.add("  docs: https://user:<password>@git.example.com/repo.git")
f.add("  api: https://api.example.com/v1/users?page=2")

f = new("secrets/fp/code.c")
f.add('#include "auth.h"\n')
f.add("static int check(const char *password, size_t len)\n{")
f.add("\tchar token[64];")
f.add("\tconst char *secret = getenv(\"APP_SECRET\");")
f.add("\tif (strcmp(password, secret) != 0)\n\t\treturn -1;")
f.add("\treturn tokenize(token, sizeof(token), password);\n}")
f.add('static const char *const password_prompt = "Enter the password for %s: ";')

f = new("secrets/fp/base64_assets.js")
f.add("const logo = 'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAABAAAAAQCAYAAAAf8/9hAAAAGXRFWHRTb2Z0d2FyZQBBZG9iZSBJbWFnZVJlYWR5ccllPAAAAJ5JREFUeNpi';")
f.add("const sri = 'sha384-oqVuAfXRKap7fdgcCY5uykM6+R9GqQ8K/uxy9rx7HNQlGYl1kPzQho1wx4JwY8wC';")
f.add("const route = 'api/v1/accounts/settings/notifications/preferences/email';")
f.add("const cssClass = 'btn btn-primary btn-lg active col-md-offset-2 text-center';")
f.add("const i18nKey = 'auth.password.reset.confirmation.emailSentSuccessfully';")

# ---------------------------------------------------------------- dangerous APIs
def api(path, cases):
    f = new(path)
    for text, rule in cases:
        f.add(text, rule)


api("api/unsafe.c", [
    ('#include <stdio.h>\n#include <string.h>\n', None),
    ("void greet(char *dst, const char *name)\n{", None),
    ("\tstrcpy(dst, name);", "c-unbounded-copy"),
    ("\tstrcat(dst, \"!\");", "c-unbounded-copy"),
    ("\tsprintf(dst, \"hello %s\", name);", "c-sprintf"),
    ("\tsnprintf(dst, 64, \"hello %s\", name);", None),
    ("\tgets(dst);", "c-gets"),
    ("\tfgets(dst, 64, stdin);", None),
    ("\tsystem(cmd);", "c-command-exec"),
    ("\tsystem(\"clear\");", None),
    ("\tFILE *p = popen(command_line, \"r\");", "c-command-exec"),
    ("\tprintf(name);", "c-format-string"),
    ("\tprintf(\"%s\", name);", None),
    ("\tfprintf(stderr, msg);", "c-format-string"),
    ("\tsyslog(LOG_ERR, user_msg);", "c-format-string"),
    ("\tscanf(\"%s\", dst);", "c-scanf-unbounded"),
    ("\tscanf(\"%63s\", dst);", None),
    ("\tchar *t = tmpnam(NULL);", "c-insecure-tempfile"),
    ("\tcurl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 0L);", "curl-tls-verify-off"),
    ("\tcurl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 1L);", None),
    ("\t/* never use strcpy(dst, src) here */", None),
    ("\t// sprintf(buf, fmt) was replaced", None),
    ("\tmy_strcpy(dst, name);", None),
    ("\tstrncpy_s(dst, 64, name, 63);", None),
    ("}", None),
])

api("api/unsafe.py", [
    ("import os, pickle, subprocess, yaml, requests\n", None),
    ("result = eval(user_expr)", "py-eval"),
    ("exec(code_from_request)", "py-eval"),
    ("model.eval()", None),
    ("value = ast.literal_eval(text)", None),
    ("eval(\"1 + 1\")", None),
    ("obj = pickle.loads(blob)", "py-deserialization"),
    ("state = torch.load(path)", "py-deserialization"),
    ("state = torch.load(path, weights_only=True)", None),
    ("cfg = yaml.load(stream)", "py-yaml-load"),
    ("cfg = yaml.load(stream, Loader=yaml.SafeLoader)", None),
    ("cfg = yaml.safe_load(stream)", None),
    ("cfg = yaml.load(stream, Loader=yaml.FullLoader)", "py-yaml-load"),
    ("subprocess.run(cmd, shell=True)", "py-shell-true"),
    ("subprocess.run([\"ls\", path])", None),
    ("os.system(\"rm -rf \" + path)", "py-os-system"),
    ("os.system(\"clear\")", None),
    ("cur.execute(f\"SELECT * FROM users WHERE name = '{name}'\")", "py-sql-format,sql-string-built"),
    ("cur.execute(\"SELECT * FROM users WHERE id = %s\" % user_id)", "py-sql-format,sql-string-built"),
    ("cur.execute(\"SELECT * FROM users WHERE id = %s\", (user_id,))", None),
    ("query = \"DELETE FROM sessions WHERE token = '\" + token + \"'\"", "sql-string-built"),
    ("r = requests.get(url, verify=False)", "py-tls-verify-off"),
    ("r = requests.get(url, verify=True)", None),
    ("ctx = ssl._create_unverified_context()", "py-tls-verify-off"),
    ("name = tempfile.mktemp()", "py-insecure-tempfile"),
    ("app.run(host=\"0.0.0.0\", debug=True)", "py-debug-enabled"),
    ("env = Environment(loader=loader, autoescape=False)", "py-autoescape-off"),
    ("# eval(user_expr) is not allowed here", None),
    ("print(\"pickle.loads is dangerous\")", None),
])

api("api/unsafe.js", [
    ("const { exec, execFile } = require('child_process');\n", None),
    ("const fn = eval(req.query.code);", "js-eval"),
    ("const f = new Function('a', body);", "js-eval"),
    ("setTimeout('tick()', 100);", "js-eval"),
    ("setTimeout(tick, 100);", None),
    ("el.innerHTML = req.query.name;", "js-html-sink"),
    ("el.textContent = req.query.name;", None),
    ("if (el.innerHTML === '') { clear(); }", None),
    ("document.write(location.hash);", "js-html-sink"),
    ("exec('ls ' + dir, cb);", "js-command-exec"),
    ("exec(`git log ${branch}`, cb);", "js-command-exec"),
    ("execFile('git', ['log', branch], cb);", None),
    ("const m = /a+/.exec(line);", None),
    ("db.query(`SELECT * FROM users WHERE id = ${id}`);", "js-sql-built,sql-string-built"),
    ("db.query('SELECT * FROM users WHERE id = ?', [id]);", None),
    ("const agent = new https.Agent({ rejectUnauthorized: false });", "js-tls-verify-off"),
    ("process.env.NODE_TLS_REJECT_UNAUTHORIZED = '0';", "js-tls-verify-off"),
    ("// el.innerHTML = html; (removed)", None),
])

api("api/Component.tsx", [
    ("export function Bio({ html }: { html: string }) {", None),
    ("  return <div dangerouslySetInnerHTML={{ __html: html }} />;", "js-html-sink"),
    ("}", None),
])

api("api/unsafe.go", [
    ("package main\n", None),
    ("import (\n\t\"crypto/tls\"\n\t\"fmt\"\n\t\"os/exec\"\n)\n", None),
    ("func run(db *sql.DB, name string) {", None),
    ("\tcfg := &tls.Config{InsecureSkipVerify: true}", "go-tls-insecure"),
    ("\tcfg2 := &tls.Config{InsecureSkipVerify: false}", None),
    ("\texec.Command(\"sh\", \"-c\", \"echo \"+name).Run()", "go-command-exec"),
    ("\texec.Command(\"git\", \"status\").Run()", None),
    ("\texec.Command(tool, name).Run()", "go-command-exec"),
    ("\tdb.Query(fmt.Sprintf(\"SELECT * FROM t WHERE name = '%s'\", name))", "go-sql-built,sql-string-built"),
    ("\tdb.Query(\"SELECT * FROM t WHERE name = $1\", name)", None),
    ("\tw.Write([]byte(template.HTML(name)))", "go-template-unescaped"),
    ("\t_ = cfg; _ = cfg2\n}", None),
])

api("api/Unsafe.java", [
    ("import java.io.*;\nimport java.sql.*;\n", None),
    ("class Unsafe {", None),
    ("    void run(Connection c, String name, InputStream in) throws Exception {", None),
    ("        Runtime.getRuntime().exec(\"ping \" + name);", "java-command-exec"),
    ("        Runtime.getRuntime().exec(\"uptime\");", None),
    ("        new ProcessBuilder(\"sh\", \"-c\", cmd).start();", "java-command-exec"),
    ("        new ProcessBuilder(\"git\", \"status\").start();", None),
    ("        Statement st = c.createStatement();", None),
    ("        st.executeQuery(\"SELECT * FROM users WHERE name = '\" + name + \"'\");", "java-sql-built,sql-string-built"),
    ("        PreparedStatement ps = c.prepareStatement(\"SELECT * FROM users WHERE name = ?\");", None),
    ("        Object o = new ObjectInputStream(in).readObject();", "java-deserialization"),
    ("        conn.setHostnameVerifier((h, s) -> true);", "java-tls-trust-all"),
    ("        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();", "java-xml-parser"),
    ("    }", None),
    ("    public void checkServerTrusted(X509Certificate[] chain, String authType) {}", "java-tls-trust-all"),
    ("}", None),
])

api("api/unsafe.php", [
    ("<?php", None),
    ("system('ping -c 1 ' . $host);", "php-command-exec"),
    ("system('uptime');", None),
    ("$out = `ls $dir`;", "php-command-exec"),
    ("eval($code);", "php-eval"),
    ("$data = unserialize($_COOKIE['prefs']);", "php-unserialize"),
    ("$data = unserialize($raw, ['allowed_classes' => false]);", None),
    ("include $_GET['page'] . '.php';", "php-file-include"),
    ("require_once __DIR__ . '/config.php';", None),
    ("echo $_GET['name'];", "php-echo-input"),
    ("echo htmlspecialchars($name, ENT_QUOTES, 'UTF-8');", None),
    ("mysqli_query($conn, \"SELECT * FROM users WHERE id = $id\");", "php-sql-built,sql-string-built"),
    ("$stmt = $pdo->prepare('SELECT * FROM users WHERE id = ?');", None),
    ("curl_setopt($ch, CURLOPT_SSL_VERIFYPEER, false);", "curl-tls-verify-off"),
    ("# system($cmd) was removed", None),
])

api("api/unsafe.rb", [
    ("class ReportsController < ApplicationController", None),
    ("  def show", None),
    ("    eval(params[:expr])", "rb-eval"),
    ("    instance_eval do\n      setup\n    end", None),
    ("    system(\"convert #{params[:file]} out.png\")", "rb-command-exec"),
    ("    system(\"convert\", params[:file], \"out.png\")", None),
    ("    files = `ls #{dir}`", "rb-command-exec"),
    ("    obj = Marshal.load(cookies[:state])", "rb-deserialization"),
    ("    User.where(\"name = '#{params[:name]}'\")", "rb-sql-interp"),
    ("    User.where(\"name = ?\", params[:name])", None),
    ("    http.verify_mode = OpenSSL::SSL::VERIFY_NONE", "rb-tls-verify-off"),
    ("    render html: params[:bio].html_safe", "rb-html-safe"),
    ("  end", None),
    ("end", None),
])

api("api/install.sh", [
    ("#!/bin/sh\nset -eu", None),
    ("curl -k https://internal.example/setup.tar.gz -o setup.tar.gz", "sh-curl-insecure"),
    ("curl -fsSL https://get.example.com/install.sh | sh", "sh-pipe-to-shell"),
    ("curl -fsSLo install.sh https://get.example.com/install.sh", None),
    ("wget --no-check-certificate https://internal.example/x", "sh-curl-insecure"),
    ("eval \"$(ssh-agent -s)\"", "sh-eval"),
    ("chmod 777 /var/run/app.sock", "world-writable"),
    ("chmod 755 /usr/local/bin/app", None),
    ("export NODE_TLS_REJECT_UNAUTHORIZED=0", "js-tls-verify-off"),
    ("# curl -k is forbidden here", None),
])

api("api/procs.sql", [
    ("CREATE PROCEDURE find_user(IN name TEXT)", None),
    ("BEGIN", None),
    ("  SET @q = CONCAT('SELECT * FROM users WHERE name = ''', name, '''');", None),
    ("  EXECUTE IMMEDIATE 'SELECT * FROM ' || tbl;", "sql-dynamic-exec"),
    ("  EXEC(@sql);", "sql-dynamic-exec"),
    ("  -- EXEC(@sql) was removed", None),
    ("END;", None),
])

api("api/Trust.cs", [
    ("ServicePointManager.ServerCertificateValidationCallback = (s, c, ch, e) => true;", "cs-tls-verify-off"),
    ("var q = $\"SELECT * FROM users WHERE name = '{name}'\";", "sql-string-built"),
])

# ---------------------------------------------------------------- inline ignores
f = new("ignore/ignores.py")
f.add(f'AWS_KEY = "{aws_id()}"  # tribunal-ignore: secret-aws-access-key revoked in INC-1234, kept for the replay test', "secret-aws-access-key")
f.add("# tribunal-ignore: py-eval the expression comes from our own config file")
f.add("value = eval(expr)", "py-eval")
f.add("obj = pickle.loads(blob)  # tribunal-ignore: py-deserialization", "py-deserialization,tribunal-ignore-without-reason")
f.add("# tribunal-ignore: py-yaml-load, py-shell-true -- trusted build input")
f.add("cfg = yaml.load(stream); subprocess.run(cmd, shell=True)", "py-yaml-load,py-shell-true")
f.add("os.system(cmd)  # tribunal-ignore: py-eval wrong rule named", "py-os-system")
f.add('print("tribunal-ignore: py-os-system not a comment"); os.system(cmd)', "py-os-system")
f.add("# tribunal-ignore:")
f.add("x = 1", None)
f.expect.append((len(f.lines) - 1, "tribunal-ignore-without-reason"))

SUPPRESSED = {("ignore/ignores.py", 1), ("ignore/ignores.py", 3), ("ignore/ignores.py", 6)}

# ---------------------------------------------------------------- write
if __name__ == "__main__":
    expected, cases = [], []
    for f in FILES:
        path = os.path.join(ROOT, f.path)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w") as out:
            out.write("\n".join(f.lines) + "\n")
        for line, rule in f.expect:
            sup = " suppressed" if (f.path, line) in SUPPRESSED and not rule.startswith("tribunal-") else ""
            expected.append((f.path, line, rule, sup))
        for line in f.cases:
            cases.append((f.path, line))
    expected.sort()
    with open(os.path.join(ROOT, "EXPECTED"), "w") as out:
        for p, l, r, s in expected:
            out.write(f"{p}:{l}:{r}{s}\n")
    with open(os.path.join(ROOT, "SECRETS"), "w") as out:
        out.write("# ground truth for bench/rules_detect.sh: path:line where a real secret starts\n")
        for p, l in sorted(cases):
            out.write(f"{p}:{l}\n")
