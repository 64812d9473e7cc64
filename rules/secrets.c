/* rules/secrets.c: the checks that turn a regex candidate into a secret, or drop it.
 * A pattern finds the shape of a credential; these decide whether the text is one: documented
 * example keys, placeholders, variable references, hashes, UUIDs, test vectors and public keys
 * look like secrets to a regex and are dropped here. */
#include "rules/rules_int.h"

#include <math.h>
#include <string.h>

static int lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c + 32 : c;
}

static bool is_alnum(int c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool is_hex(int c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

static bool is_b64(int c)
{
	return is_alnum(c) || c == '+' || c == '/' || c == '=' || c == '-' || c == '_';
}

/* Case-insensitive search for a lowercase needle. */
static bool icontains(const char *s, size_t n, const char *needle)
{
	size_t m = strlen(needle), i, j;

	if (m == 0 || m > n)
		return m == 0;
	for (i = 0; i + m <= n; i++) {
		for (j = 0; j < m && lower((unsigned char)s[i + j]) == needle[j]; j++)
			;
		if (j == m)
			return true;
	}
	return false;
}

static bool icontains_any(const char *s, size_t n, const char *const *needles)
{
	for (; *needles; needles++)
		if (icontains(s, n, *needles))
			return true;
	return false;
}

double rules_entropy(const char *s, size_t n)
{
	size_t counts[256] = {0}, i;
	double h = 0.0;

	if (n == 0)
		return 0.0;
	for (i = 0; i < n; i++)
		counts[(unsigned char)s[i]]++;
	for (i = 0; i < 256; i++) {
		if (counts[i]) {
			double p = (double)counts[i] / (double)n;
			h -= p * log2(p);
		}
	}
	return h;
}

/* Runs that no random token has: the same character 5 times, or 6 consecutive ascending or
 * descending characters ("abcdef", "123456", "987654"). */
static bool has_pattern_run(const char *s, size_t n)
{
	size_t i, same = 1, up = 1, down = 1;

	for (i = 1; i < n; i++) {
		int a = lower((unsigned char)s[i - 1]), b = lower((unsigned char)s[i]);
		same = a == b ? same + 1 : 1;
		up = b == a + 1 && is_alnum(a) ? up + 1 : 1;
		down = b == a - 1 && is_alnum(a) ? down + 1 : 1;
		if (same >= 5 || up >= 6 || down >= 6)
			return true;
	}
	return false;
}

static const char *const placeholder_words[] = {
	"example", "sample", "dummy", "placeholder", "changeme", "change_me", "change-me", "redacted",
	"replace", "your_", "your-", "yourkey", "yourtoken", "yoursecret", "insert", "xxxx", "****",
	"....", "\xe2\x80\xa6", "lorem", "ipsum", "notreal", "not_real", "not-real", "fake", "test",
	"foobar", "todo", "fixme", "secretkey", "mysecret", "mytoken", "mypassword", NULL};

bool rules_is_placeholder(const char *s, size_t n)
{
	size_t i;

	if (n == 0)
		return true;
	if (icontains_any(s, n, placeholder_words))
		return true;
	/* References and templates: ${VAR}, {{ var }}, $VAR, %(name)s, <your-key>, %s. */
	for (i = 0; i < n; i++) {
		char c = s[i];
		if (c == '<' || c == '>' || c == '{' || c == '}')
			return true;
		if (c == '$' && i + 1 < n && (s[i + 1] == '{' || s[i + 1] == '(' || s[i + 1] == '_' ||
					    (s[i + 1] >= 'A' && s[i + 1] <= 'Z')))
			return true;
		if (c == '%' && i + 1 < n && (s[i + 1] == '(' || s[i + 1] == 's'))
			return true;
	}
	return has_pattern_run(s, n);
}

/* The token body after its fixed prefix (up to and including the first '_', '-' or '.'). */
static void token_body(const char **b, size_t *bn, const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n && i < 12; i++) {
		if (s[i] == '_' || s[i] == '-' || s[i] == '.') {
			*b = s + i + 1;
			*bn = n - i - 1;
			return;
		}
	}
	*b = s;
	*bn = n;
}

bool rules_check_token(const struct rules_cand *c)
{
	const char *s = c->t->s + c->sec_start, *b;
	size_t n = c->sec_end - c->sec_start, bn;

	token_body(&b, &bn, s, n);
	if (rules_is_placeholder(b, bn))
		return false;
	/* Random bodies of 16+ characters carry well over 3 bits per character. */
	return bn < 16 || rules_entropy(b, bn) >= 3.0;
}

bool rules_check_aws_key_id(const struct rules_cand *c)
{
	const char *s = c->t->s + c->sec_start;
	size_t n = c->sec_end - c->sec_start;

	return !rules_is_placeholder(s + 4, n - 4) && rules_entropy(s + 4, n - 4) >= 2.5;
}

/* How far around a candidate the context checks look: a check per candidate that read the whole
 * line would make a long line of candidates quadratic. */
#define CONTEXT_ON_LINE 256
#define CONTEXT_NEAR    4096

/* The part of the candidate's line within `reach` bytes of [a, z): *ls, *le, newline excluded. */
static void context_of(size_t *ls, size_t *le, const struct rules_text *t, size_t a, size_t z, size_t reach)
{
	uint32_t l = rules_line_of(t, a);
	size_t s = t->line_off[l - 1], e = t->line_off[l];

	if (e > s && t->s[e - 1] == '\n')
		e--;
	*ls = a - s > reach ? a - reach : s;
	*le = e > z && e - z > reach ? z + reach : e;
}

/* Is there an AWS access key id (AKIA/ASIA + 16) within `lines` lines of off, and within
 * CONTEXT_NEAR bytes of it? */
static bool aws_key_id_near(const struct rules_text *t, size_t off, uint32_t lines)
{
	uint32_t l = rules_line_of(t, off);
	uint32_t first = l > lines ? l - lines : 1, last = l + lines;
	size_t s, e, i, j;
	const char *p;

	if (last > t->n_lines)
		last = t->n_lines;
	s = t->line_off[first - 1];
	e = t->line_off[last];
	if (off - s > CONTEXT_NEAR)
		s = off - CONTEXT_NEAR;
	if (e - off > CONTEXT_NEAR)
		e = off + CONTEXT_NEAR;
	for (i = s; i + 20 <= e; i++) {
		if (!(p = memchr(t->s + i, 'A', e - 20 + 1 - i)))
			break;
		i = (size_t)(p - t->s);
		if (!(memcmp(p, "AKIA", 4) == 0 || memcmp(p, "ASIA", 4) == 0))
			continue;
		for (j = 4; j < 20; j++) {
			char ch = t->s[i + j];
			if (!((ch >= 'A' && ch <= 'Z') || (ch >= '2' && ch <= '7')))
				break;
		}
		if (j == 20)
			return true;
	}
	return false;
}

bool rules_check_aws_secret(const struct rules_cand *c)
{
	const char *s = c->t->s + c->sec_start;
	size_t n = c->sec_end - c->sec_start, i, ls, le;
	bool up = false, lo = false, dig = false, allhex = true;

	for (i = 0; i < n; i++) {
		char ch = s[i];
		up |= ch >= 'A' && ch <= 'Z';
		lo |= ch >= 'a' && ch <= 'z';
		dig |= ch >= '0' && ch <= '9';
		allhex &= is_hex((unsigned char)ch);
	}
	if (!up || !lo || !dig || allhex)
		return false;
	if (rules_is_placeholder(s, n) || rules_entropy(s, n) < 4.0)
		return false;
	if (c->joined)
		return false;
	context_of(&ls, &le, c->t, c->sec_start, c->sec_end, CONTEXT_ON_LINE);
	if (icontains(c->t->s + ls, le - ls, "aws") &&
	    (icontains(c->t->s + ls, le - ls, "secret") || icontains(c->t->s + ls, le - ls, "key")))
		return true;
	if (icontains(c->t->s + ls, le - ls, "secret_access_key") ||
	    icontains(c->t->s + ls, le - ls, "secretaccesskey"))
		return true;
	return aws_key_id_near(c->t, c->sec_start, 5);
}

/* After a BEGIN ... PRIVATE KEY marker, real keys carry base64 (possibly after PEM or armor
 * headers, quotes, "\n" escapes or a concatenation); documentation and parsers carry "...", a
 * closing quote or nothing. */
static const char *const pem_headers[] = {"Proc-Type:", "DEK-Info:", "Comment:", "Version:", "Hash:", NULL};

bool rules_check_private_key(const struct rules_cand *c)
{
	const char *s = c->t->s;
	size_t i = c->end, lim = c->end + 600, run, k;

	if (lim > c->t->len)
		lim = c->t->len;
	while (i < lim) {
		char ch = s[i];
		if (ch == ' ' || ch == '\t' || ch == '\r' || ch == '\n' || ch == '"' || ch == '\'' ||
		    ch == '+' || ch == ',' || ch == '.' || ch == '(' || ch == '`') {
			i++;
			continue;
		}
		if (ch == '\\' && i + 1 < lim && (s[i + 1] == 'n' || s[i + 1] == 'r')) {
			i += 2;
			continue;
		}
		for (k = 0; pem_headers[k]; k++) {
			size_t hl = strlen(pem_headers[k]);
			if (i + hl <= lim && memcmp(s + i, pem_headers[k], hl) == 0)
				break;
		}
		if (pem_headers[k]) {
			while (i < lim && s[i] != '\n' && !(s[i] == '\\' && i + 1 < lim && s[i + 1] == 'n'))
				i++;
			continue;
		}
		for (run = 0; i + run < lim && is_b64((unsigned char)s[i + run]) && s[i + run] != '-' &&
			      s[i + run] != '_'; run++)
			;
		return run >= 40 && rules_entropy(s + i, run) >= 3.5;
	}
	return false;
}

size_t rules_block_end(const char *s, size_t len, size_t from)
{
	const char *end_marker;
	size_t i, lim = from + 16384;   /* a 4096-bit RSA key in PEM is about 3.3 KB */

	if (lim > len)
		lim = len;
	for (i = from; i + 8 <= lim; i++) {
		if (s[i] == '-' && memcmp(s + i, "-----END", 8) == 0) {
			end_marker = memchr(s + i + 8, '-', lim - i - 8);
			if (end_marker && (size_t)(end_marker - s) + 5 <= lim &&
			    memcmp(end_marker, "-----", 5) == 0)
				return (size_t)(end_marker - s) + 5;
			return i + 8;
		}
	}
	/* No END marker: the body runs while lines hold only base64 and PEM headers. A line that
	 * starts before lim is taken whole (its bytes are key bytes too), but never read past 4096. */
	i = from;
	while (i < lim) {
		size_t e = i, e_lim = len - i > 4097 ? i + 4097 : len;
		bool ok = true;
		while (ok && e < e_lim && s[e] != '\n') {
			if (!is_b64((unsigned char)s[e]) && s[e] != ' ' && s[e] != '\t' && s[e] != '\r' &&
			    s[e] != ':' && s[e] != ',' && s[e] != '"' && s[e] != '\\')
				ok = false;
			e++;
		}
		if (!ok || e - i > 4096)
			break;
		i = e < len ? e + 1 : e;
	}
	return i > from && s[i - 1] == '\n' ? i - 1 : i;
}

static int b64url_val(int c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '-' || c == '+')
		return 62;
	if (c == '_' || c == '/')
		return 63;
	return -1;
}

/* Decodes up to cap bytes of base64url into out; returns the count. */
static size_t b64url_decode(char *out, size_t cap, const char *s, size_t n)
{
	size_t i, o = 0;
	unsigned acc = 0;
	int bits = 0;

	for (i = 0; i < n && o < cap; i++) {
		int v = b64url_val((unsigned char)s[i]);
		if (v < 0)
			break;
		acc = (acc << 6) | (unsigned)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			out[o++] = (char)((acc >> bits) & 0xff);
		}
	}
	return o;
}

bool rules_check_jwt(const struct rules_cand *c)
{
	const char *s = c->t->s + c->sec_start, *dot1, *dot2;
	size_t n = c->sec_end - c->sec_start, hn, pn;
	char head[256], payload[512];

	dot1 = memchr(s, '.', n);
	if (!dot1)
		return false;
	dot2 = memchr(dot1 + 1, '.', n - (size_t)(dot1 + 1 - s));
	if (!dot2)
		return false;
	hn = b64url_decode(head, sizeof(head), s, (size_t)(dot1 - s));
	if (hn < 8 || head[0] != '{' || !icontains(head, hn, "\"alg\""))
		return false;
	pn = b64url_decode(payload, sizeof(payload), dot1 + 1, (size_t)(dot2 - dot1 - 1));
	if (pn < 2 || payload[0] != '{')
		return false;
	/* The jwt.io and RFC 7519 examples appear in docs and tests everywhere. */
	if (icontains(payload, pn, "john doe") || icontains(payload, pn, "\"1234567890\"") ||
	    icontains(payload, pn, "\"iss\":\"joe\"") || icontains(payload, pn, "example"))
		return false;
	return !rules_is_placeholder(dot2 + 1, n - (size_t)(dot2 + 1 - s));
}

static const char *const url_placeholders[] = {"password", "passwd", "pass", "pwd", "secret", "changeme",
					       "xxx", "***", "token", "example", "redacted", NULL};

bool rules_check_url_creds(const struct rules_cand *c)
{
	const char *s = c->t->s;
	const char *pw = s + c->sec_start, *user;
	size_t pn = c->sec_end - c->sec_start, un, i, scheme;

	/* A scheme of 2+ characters starting with a letter (looked for within 64 bytes). */
	i = c->start;
	while (i > 0 && c->start - i < 64 &&
	       (is_alnum((unsigned char)s[i - 1]) || s[i - 1] == '+' || s[i - 1] == '.' || s[i - 1] == '-'))
		i--;
	scheme = c->start - i;
	if (scheme < 2 || !((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z')))
		return false;
	user = s + c->start + 3;
	un = (size_t)(pw - 1 - user);
	if (un == pn && memcmp(user, pw, pn) == 0)
		return false;   /* postgres:postgres@, guest:guest@: local defaults */
	if (icontains_any(pw, pn, url_placeholders) || rules_is_placeholder(pw, pn))
		return false;
	if (pw[0] == '$' || pw[0] == '%' || pw[0] == '*' || pw[0] == '[' || pw[0] == '(')
		return false;
	return true;
}

/* Names of variables that hold something other than a secret value. */
static const char *const generic_key_deny[] = {
	"hash", "digest", "checksum", "fingerprint", "sha", "md5", "name", "type", "field", "label",
	"prompt", "placeholder", "url", "uri", "endpoint", "path", "file", "dir", "header", "length",
	"size", "count", "max", "min", "expir", "ttl", "timeout", "policy", "format", "pattern",
	"regex", "kind", "mode", "version", "param", "input", "error", "message", "msg", "text",
	"desc", "hint", "help", "title", "tokenizer", "limit", "prefix", "suffix", "location", "store",
	"provider", "manager", "service", "column", "table", "test", "mock", "fake", "dummy", "example",
	"sample", "expected", "vector", "fixture", "public", "pubkey", "_id", "keyid", "id_", "env",
	"var", "ref", "policy", "scope", "question", "reset", "forgot", "confirm", "valid", "strength",
	"rule", "hint", "selector", "class", "style", "icon", "route", "query", "event", "status",
	"state", "count", "index", "idx", "pos", "offset", "len", "num", "type", "usage", "lifetime",
	"algorithm", "alg", "cipher", NULL};

static const char *const generic_value_deny[] = {"password", "passwd", "secret", "token", "null",
						 "none", "undefined", "default", "string", "bearer",
						 "basic ", "true", "false", NULL};

static bool is_ident_char(int c)
{
	return is_alnum(c) || c == '_' || c == '.' || c == '-';
}

bool rules_check_generic(const struct rules_cand *c)
{
	const char *s = c->t->s;
	const char *v = s + c->sec_start;
	size_t n = c->sec_end - c->sec_start, ks = c->start, ke = c->start, i;
	int classes = 0;
	bool lo = false, up = false, dig = false, sym = false, ident = true, hex = true, upper_ident = true;

	if (c->joined)
		return false;
	/* The whole variable name around the keyword (its last CONTEXT_ON_LINE bytes either side). */
	while (ks > 0 && c->start - ks < CONTEXT_ON_LINE && is_ident_char((unsigned char)s[ks - 1]))
		ks--;
	while (ke < c->t->len && ke - c->start < CONTEXT_ON_LINE && is_ident_char((unsigned char)s[ke]))
		ke++;
	if (icontains_any(s + ks, ke - ks, generic_key_deny))
		return false;
	/* credentialsId, secretId, token_id: names of secrets, not secrets. */
	if (ke - ks >= 2 && lower((unsigned char)s[ke - 2]) == 'i' && lower((unsigned char)s[ke - 1]) == 'd')
		return false;

	while (n > 0 && (v[n - 1] == ' ' || v[n - 1] == '\t'))
		n--;
	if (n < 8)
		return false;
	if (rules_is_placeholder(v, n) || icontains_any(v, n, generic_value_deny))
		return false;
	for (i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)v[i];
		if (ch == ' ' || ch == '\t' || ch == '(' || ch == ')' || ch == '[' || ch == '\\')
			return false;
		lo |= ch >= 'a' && ch <= 'z';
		up |= ch >= 'A' && ch <= 'Z';
		dig |= ch >= '0' && ch <= '9';
		sym |= !is_alnum(ch);
		if (!is_alnum(ch) && ch != '_' && ch != '.')
			ident = false;
		if (!is_hex(ch))
			hex = false;
		if (!(ch >= 'A' && ch <= 'Z') && ch != '_' && !(ch >= '0' && ch <= '9'))
			upper_ident = false;
	}
	/* Paths and URLs: "/etc/app/secret", "./key.pem", "https://...". */
	if (v[0] == '/' || v[0] == '.' || v[0] == '~' || icontains(v, n, "://"))
		return false;
	/* Identifiers and dotted references: settings.API_KEY, DEFAULT_TOKEN, get_password. */
	if (ident && (!dig || upper_ident || memchr(v, '.', n)))
		return false;
	/* Environment-style constant names and file names. */
	if (upper_ident || (memchr(v, '.', n) && !dig && !up))
		return false;
	/* Slugs: lower-case words joined by - or _ ("prod-db-creds", "anthropic-key"). */
	if (!up && !dig) {
		bool slug = true;
		for (i = 0; i < n && slug; i++)
			slug = (v[i] >= 'a' && v[i] <= 'z') || v[i] == '-' || v[i] == '_';
		if (slug)
			return false;
	}
	/* UUIDs: 8-4-4-4-12 hex. */
	if (n == 36 && v[8] == '-' && v[13] == '-' && v[18] == '-' && v[23] == '-')
		return false;
	classes = lo + up + dig + sym;
	if (classes < 2)
		return false;
	/* Hex carries at most 4 bits per character; other random text of 24+ carries 4.5 or so. */
	return rules_entropy(v, n) >= (hex ? 3.2 : n >= 24 ? 3.5 : 3.0);
}
