/* config/load.c: the policy loader. libyaml's document API builds the node graph; we walk it,
 * checking every key and value against the schema below like a compiler: every problem is
 * reported with its line and column, unknown keys get a did-you-mean, and a typo never silently
 * weakens a gate. Hostile YAML is bounded: size, depth, node visits (aliases), duplicate keys. */
#include "config/config_int.h"

#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <yaml.h>
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "util/array.h"
#include "util/buf.h"
#include "util/err.h"
#include "util/escape.h"
#include "util/glob.h"

const char *const config_categories[] = {
	"sql-injection", "nosql-injection", "graphql-injection", "command-injection", "code-injection",
	"template-injection", "ldap-injection", "xpath-injection", "header-injection", "prompt-injection",
	"xss", "ssrf", "path-traversal", "deserialization", "xxe", "authentication", "authorization",
	"csrf", "crypto", "hardcoded-secret", "race-condition", "memory-safety", "prototype-pollution",
	"open-redirect", "business-logic", "insecure-default", "information-disclosure", "dos",
	"dangerous-api", "other",
};
const size_t config_n_categories = TRB_ARRAY_LEN(config_categories);

const char *const config_languages[] = {
	"c", "cpp", "go", "java", "kotlin", "javascript", "typescript", "rust", "php", "csharp", "swift",
	"scala", "python", "ruby", "shell", "sql", "other",
};
const size_t config_n_languages = TRB_ARRAY_LEN(config_languages);

/* Short and common names, as docs/rules.md lists them. */
static const struct {
	const char *alias, *name;
} language_aliases[] = {
	{"js", "javascript"}, {"jsx", "javascript"}, {"node", "javascript"}, {"ts", "typescript"},
	{"tsx", "typescript"}, {"py", "python"}, {"rb", "ruby"}, {"sh", "shell"}, {"bash", "shell"},
	{"zsh", "shell"}, {"c++", "cpp"}, {"cxx", "cpp"}, {"golang", "go"}, {"kt", "kotlin"},
	{"cs", "csharp"}, {"c#", "csharp"}, {"rs", "rust"}, {"none", "other"}, {"text", "other"},
};

const char *config_language_name(const char *name)
{
	size_t i;

	for (i = 0; i < config_n_languages; i++)
		if (strcasecmp(name, config_languages[i]) == 0)
			return config_languages[i];
	for (i = 0; i < TRB_ARRAY_LEN(language_aliases); i++)
		if (strcasecmp(name, language_aliases[i].alias) == 0)
			return language_aliases[i].name;
	return NULL;
}

struct loader {
	const char *text;         /* the policy's source, for columns inside scalars */
	size_t len;
	yaml_document_t doc;
	struct config *c;
	struct config_diags *diags;
	size_t visits;
	int today;
	bool oom;
	bool too_big;
};

/* ---- diagnostics ---------------------------------------------------------------------------- */

static void diag(struct loader *l, const yaml_node_t *n, bool warning, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

#define CONFIG_MAX_DIAGS 100

static void diag_at(struct config_diags *d, size_t line, size_t col, bool warning, const char *msg)
{
	struct config_diag *v;

	if (d->n == CONFIG_MAX_DIAGS) {
		warning = false;
		msg = "too many problems; stopping here";
	}
	/* counted before anything is allocated: an invalid policy must not load because its
	 * message could not be kept */
	if (!warning)
		d->errors++;
	if (d->n > CONFIG_MAX_DIAGS)
		return;
	if (!(v = realloc(d->v, (d->n + 1) * sizeof(*v))))
		return;
	d->v = v;
	v[d->n].line = line;
	v[d->n].col = col;
	v[d->n].warning = warning;
	v[d->n].msg = strdup(msg);
	if (!v[d->n].msg)
		return;
	d->n++;
}

static void diag(struct loader *l, const yaml_node_t *n, bool warning, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	diag_at(l->diags, n ? n->start_mark.line + 1 : 1, n ? n->start_mark.column + 1 : 1, warning, msg);
}

void config_diags_dispose(struct config_diags *d)
{
	size_t i;

	for (i = 0; i < d->n; i++)
		free(d->v[i].msg);
	free(d->v);
	memset(d, 0, sizeof(*d));
}

void config_diags_print(FILE *f, const struct config_diags *d, const char *name)
{
	struct trb_buf b = TRB_BUF_INIT(TRB_LIMIT_SMALL);
	size_t i;

	for (i = 0; i < d->n; i++) {
		trb_buf_clear(&b);
		trb_escape_term(&b, name, strlen(name));
		trb_buf_printf(&b, ":%zu:%zu: %s: ", d->v[i].line, d->v[i].col, d->v[i].warning ? "warning" : "error");
		trb_escape_term(&b, d->v[i].msg, strlen(d->v[i].msg));
		fprintf(f, "%s\n", trb_buf_cstr(&b));
	}
	trb_buf_dispose(&b);
}

/* ---- did you mean --------------------------------------------------------------------------- */

static size_t edit_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), i, j, prev, cur, tmp;
	size_t row[64];

	if (la >= 64 || lb >= 64)
		return 99;
	for (j = 0; j <= lb; j++)
		row[j] = j;
	for (i = 1; i <= la; i++) {
		prev = row[0];
		row[0] = i;
		for (j = 1; j <= lb; j++) {
			tmp = row[j];
			cur = prev + (tolower((unsigned char)a[i - 1]) != tolower((unsigned char)b[j - 1]));
			if (row[j] + 1 < cur)
				cur = row[j] + 1;
			if (row[j - 1] + 1 < cur)
				cur = row[j - 1] + 1;
			row[j] = cur;
			prev = tmp;
		}
	}
	return row[lb];
}

/* The closest of names, or NULL when nothing is close (at most 2 edits, or a third of the word). */
static const char *closest(const char *word, const char *const *names, size_t n)
{
	const char *best = NULL;
	size_t i, d, best_d = 99, limit = strlen(word) / 3 > 2 ? strlen(word) / 3 : 2;

	for (i = 0; i < n; i++) {
		size_t lw = strlen(word), ln = strlen(names[i]);
		d = edit_distance(word, names[i]);
		/* "blocking" for "block", "timeout" for "timeout_s" */
		if (lw >= 3 && ln >= 3 && strncasecmp(word, names[i], lw < ln ? lw : ln) == 0 && d > 1)
			d = 1;
		if (d < best_d) {
			best_d = d;
			best = names[i];
		}
	}
	return best_d <= limit ? best : NULL;
}

/* ---- node access ---------------------------------------------------------------------------- */

static yaml_node_t *node(struct loader *l, int index)
{
	if (++l->visits > CONFIG_MAX_NODES) {
		l->too_big = true;
		return NULL;
	}
	return yaml_document_get_node(&l->doc, index);
}

static const char *kind_name(const yaml_node_t *n)
{
	switch (n->type) {
	case YAML_SCALAR_NODE:
		return n->data.scalar.length ? "a scalar" : "nothing";
	case YAML_SEQUENCE_NODE:
		return "a list";
	case YAML_MAPPING_NODE:
		return "a mapping";
	default:
		return "nothing";
	}
}

static const char *scalar(const yaml_node_t *n)
{
	return (const char *)n->data.scalar.value;
}

static bool is_plain(const yaml_node_t *n)
{
	return n->type == YAML_SCALAR_NODE && n->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
}

static bool is_null(const yaml_node_t *n)
{
	const char *s;

	if (!is_plain(n))
		return false;
	s = scalar(n);
	return !*s || strcmp(s, "~") == 0 || strcmp(s, "null") == 0 || strcmp(s, "Null") == 0 || strcmp(s, "NULL") == 0;
}

static bool want_string(struct loader *l, const yaml_node_t *n, const char *key, char **out)
{
	if (n->type != YAML_SCALAR_NODE || is_null(n)) {
		diag(l, n, false, "%s: expected a string, got %s", key, is_null(n) ? "nothing" : kind_name(n));
		return false;
	}
	if (n->data.scalar.length != strlen(scalar(n)) || !trb_utf8_valid(scalar(n), n->data.scalar.length)) {
		diag(l, n, false, "%s: the string contains a NUL byte or invalid UTF-8", key);
		return false;
	}
	if (out) {
		free(*out);
		if (!(*out = strdup(scalar(n))))
			l->oom = true;
	}
	return true;
}

static bool want_bool(struct loader *l, const yaml_node_t *n, const char *key, bool *out)
{
	const char *s = n->type == YAML_SCALAR_NODE ? scalar(n) : "";

	if (is_plain(n)) {
		if (!strcmp(s, "true") || !strcmp(s, "True") || !strcmp(s, "TRUE")) {
			*out = true;
			return true;
		}
		if (!strcmp(s, "false") || !strcmp(s, "False") || !strcmp(s, "FALSE")) {
			*out = false;
			return true;
		}
	}
	if (n->type == YAML_SCALAR_NODE && !is_null(n))
		diag(l, n, false, "%s: expected a boolean (true or false), got '%.40s'", key, s);
	else
		diag(l, n, false, "%s: expected a boolean (true or false), got %s", key, is_null(n) ? "nothing" : kind_name(n));
	return false;
}

static bool want_number(struct loader *l, const yaml_node_t *n, const char *key, double min, double max,
			bool integer, double *out)
{
	const char *s = n->type == YAML_SCALAR_NODE ? scalar(n) : "";
	char *end = NULL;
	double v;

	if (!is_plain(n) || is_null(n) || !*s) {
		diag(l, n, false, "%s: expected %s, got %s", key, integer ? "an integer" : "a number",
		     n->type == YAML_SCALAR_NODE && !is_null(n) ? "a quoted string" : is_null(n) ? "nothing" : kind_name(n));
		return false;
	}
	v = strtod(s, &end);
	if (*end || end == s || v != v) {
		diag(l, n, false, "%s: expected %s, got '%.40s'", key, integer ? "an integer" : "a number", s);
		return false;
	}
	/* range first: converting an out-of-range double to an integer is undefined */
	if (integer && (strpbrk(s, ".eE") || v != floor(v))) {
		diag(l, n, false, "%s: expected an integer, got '%.40s'", key, s);
		return false;
	}
	if (v < min || v > max) {
		if (integer)
			diag(l, n, false, "%s: %s is out of range (%.0f to %.0f)", key, s, min, max);
		else
			diag(l, n, false, "%s: %s is out of range (%g to %g)", key, s, min, max);
		return false;
	}
	*out = v;
	return true;
}

static bool want_uint(struct loader *l, const yaml_node_t *n, const char *key, double min, double max, unsigned *out)
{
	double v;

	if (!want_number(l, n, key, min, max, true, &v))
		return false;
	*out = (unsigned)v;
	return true;
}

static bool want_enum(struct loader *l, const yaml_node_t *n, const char *key, const char *const *names,
		      size_t count, int *out)
{
	struct trb_buf list = TRB_BUF_INIT(TRB_LIMIT_SMALL);
	const char *s, *guess;
	size_t i;

	if (n->type != YAML_SCALAR_NODE || is_null(n)) {
		diag(l, n, false, "%s: expected one of the names below, got %s", key, is_null(n) ? "nothing" : kind_name(n));
		return false;
	}
	s = scalar(n);
	for (i = 0; i < count; i++)
		if (strcmp(s, names[i]) == 0) {
			*out = (int)i;
			return true;
		}
	for (i = 0; i < count; i++)
		trb_buf_printf(&list, "%s%s", i ? ", " : "", names[i]);
	guess = closest(s, names, count);
	if (guess)
		diag(l, n, false, "%s: unknown value '%.40s' (did you mean '%s'?); expected one of: %s", key, s, guess,
		     trb_buf_cstr(&list));
	else
		diag(l, n, false, "%s: unknown value '%.40s'; expected one of: %s", key, s, trb_buf_cstr(&list));
	trb_buf_dispose(&list);
	return false;
}

static bool want_severity(struct loader *l, const yaml_node_t *n, const char *key, bool allow_none, trb_sev_t *out)
{
	static const char *const names[] = {"low", "medium", "high", "critical", "none"};
	int v;

	if (!want_enum(l, n, key, names, TRB_ARRAY_LEN(names) - !allow_none, &v))
		return false;
	*out = v == 4 ? TRB_SEV_NONE : (trb_sev_t)v;
	return true;
}

/* A list of strings (a single string is taken as a list of one). `check` validates each item. */
static bool want_strv(struct loader *l, const yaml_node_t *n, const char *key, struct config_strv *out,
		      bool (*check)(struct loader *, const yaml_node_t *, const char *))
{
	yaml_node_item_t *it;
	bool ok = true;

	config_strv_clear(out);
	if (n->type == YAML_SCALAR_NODE && !is_null(n)) {
		if (!want_string(l, n, key, NULL) || (check && !check(l, n, key)))
			return false;
		if (config_strv_push(out, scalar(n)) < 0)
			l->oom = true;
		return true;
	}
	if (n->type != YAML_SEQUENCE_NODE) {
		diag(l, n, false, "%s: expected a list of strings, got %s", key, is_null(n) ? "nothing" : kind_name(n));
		return false;
	}
	for (it = n->data.sequence.items.start; it < n->data.sequence.items.top; it++) {
		yaml_node_t *item = node(l, *it);
		if (!item)
			return false;
		if (!want_string(l, item, key, NULL) || (check && !check(l, item, key))) {
			ok = false;
			continue;
		}
		if (config_strv_push(out, scalar(item)) < 0)
			l->oom = true;
	}
	return ok;
}

static bool check_glob(struct loader *l, const yaml_node_t *n, const char *key)
{
	const char *why = trb_glob_check(scalar(n));

	if (why)
		diag(l, n, false, "%s: bad glob '%.60s': %s", key, scalar(n), why);
	return why == NULL;
}

static bool check_category(struct loader *l, const yaml_node_t *n, const char *key)
{
	const char *s = scalar(n), *guess;
	size_t i;

	if (strncmp(s, "CWE-", 4) == 0 && s[4] && strspn(s + 4, "0123456789") == strlen(s + 4) && strlen(s) < 12)
		return true;
	for (i = 0; i < config_n_categories; i++)
		if (strcmp(s, config_categories[i]) == 0)
			return true;
	guess = closest(s, config_categories, config_n_categories);
	if (guess)
		diag(l, n, false, "%s: unknown category '%.40s' (did you mean '%s'?); use a category name or CWE-NNN",
		     key, s, guess);
	else
		diag(l, n, false, "%s: unknown category '%.40s'; use a category name (see docs/policy.md) or CWE-NNN", key, s);
	return false;
}

static bool check_language(struct loader *l, const yaml_node_t *n, const char *key)
{
	int v;

	if (n->type == YAML_SCALAR_NODE && !is_null(n) && config_language_name(scalar(n)))
		return true;
	return want_enum(l, n, key, config_languages, config_n_languages, &v);   /* says what is wrong */
}

/* ---- mappings ------------------------------------------------------------------------------- */

typedef void (*field_fn)(struct loader *l, const char *key, yaml_node_t *value, void *target);

struct field {
	const char *name;
	field_fn fn;
};

/* Walks a mapping: every key must be a known field (did-you-mean otherwise), none twice. */
static void walk(struct loader *l, yaml_node_t *map, const char *where, const struct field *fields, size_t n,
		 void *target)
{
	yaml_node_pair_t *p, *q;
	const char *names[32];
	size_t i;

	if (map->type != YAML_MAPPING_NODE) {
		diag(l, map, false, "%s: expected a mapping (key: value lines), got %s", *where ? where : "the policy",
		     is_null(map) ? "nothing" : kind_name(map));
		return;
	}
	for (i = 0; i < n && i < TRB_ARRAY_LEN(names); i++)
		names[i] = fields[i].name;
	for (p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top && !l->too_big; p++) {
		yaml_node_t *k = node(l, p->key), *v = node(l, p->value);
		char path[160];
		const char *key;
		bool dup = false;

		if (!k || !v)
			return;
		if (k->type != YAML_SCALAR_NODE) {
			diag(l, k, false, "%s: keys must be plain names, got %s", where, kind_name(k));
			continue;
		}
		key = scalar(k);
		for (q = map->data.mapping.pairs.start; q < p && !dup; q++) {
			yaml_node_t *qk = yaml_document_get_node(&l->doc, q->key);
			dup = qk && qk->type == YAML_SCALAR_NODE && strcmp(scalar(qk), key) == 0;
		}
		if (dup) {
			diag(l, k, false, "%s%sduplicate key '%.40s'", where, *where ? ": " : "", key);
			continue;
		}
		snprintf(path, sizeof(path), "%s%s%.60s", where, *where ? "." : "", key);
		for (i = 0; i < n; i++)
			if (strcmp(fields[i].name, key) == 0)
				break;
		if (i == n) {
			const char *guess = closest(key, names, n < TRB_ARRAY_LEN(names) ? n : TRB_ARRAY_LEN(names));
			if (guess)
				diag(l, k, false, "unknown key '%s' (did you mean '%s'?)", path, guess);
			else
				diag(l, k, false, "unknown key '%s'", path);
			continue;
		}
		fields[i].fn(l, path, v, target);
	}
}

/* ---- the schema ----------------------------------------------------------------------------- */

#define C(t) ((struct config *)(t))

static void f_version(struct loader *l, const char *k, yaml_node_t *v, void *t)
{
	unsigned x;

	if (want_uint(l, v, k, 0, 1000, &x)) {
		if (x != 1)
			diag(l, v, false, "%s: this tribunal understands policy version 1, got %u", k, x);
		C(t)->version = (int)x;
	}
}

static void f_mode(struct loader *l, const char *k, yaml_node_t *v, void *t)
{
	static const char *const names[] = {"block", "comment", "monitor"};
	int x;

	if (want_enum(l, v, k, names, TRB_ARRAY_LEN(names), &x))
		C(t)->mode = (config_mode_t)x;
}

static void f_fail_on(struct loader *l, const char *k, yaml_node_t *v, void *t)
{
	want_severity(l, v, k, true, &C(t)->gate.fail_on);
}

static void f_min_conf(struct loader *l, const char *k, yaml_node_t *v, void *t)
{
	want_number(l, v, k, 0, 1, false, &C(t)->gate.min_confidence);
}

static void f_max_findings(struct loader *l, const char *k, yaml_node_t *v, void *t);

static void f_require_verified(struct loader *l, const char *k, yaml_node_t *v, void *t)
{
	want_bool(l, v, k, &C(t)->gate.require_verified);
}

static void f_fail_on_uncertain(struct loader *l, const char *k, yaml_node_t *v, void *t)
{
	want_bool(l, v, k, &C(t)->gate.fail_on_uncertain);
}

static const struct field gate_fields[] = {
	{"fail_on", f_fail_on}, {"min_confidence", f_min_conf}, {"max_findings", f_max_findings},
	{"require_verified", f_require_verified}, {"fail_on_uncertain", f_fail_on_uncertain},
};

static void f_gate(struct loader *l, const char *k, yaml_node_t *v, void *t)
{
	walk(l, v, k, gate_fields, TRB_ARRAY_LEN(gate_fields), t);
}

static void mf_sev(struct loader *l, const char *k, yaml_node_t *v, void *t, trb_sev_t s)
{
	unsigned x;

	if (want_uint(l, v, k, 0, 1000000, &x))
		C(t)->gate.max_findings[s] = (long)x;
}
static void mf_low(struct loader *l, const char *k, yaml_node_t *v, void *t) { mf_sev(l, k, v, t, TRB_SEV_LOW); }
static void mf_medium(struct loader *l, const char *k, yaml_node_t *v, void *t) { mf_sev(l, k, v, t, TRB_SEV_MEDIUM); }
static void mf_high(struct loader *l, const char *k, yaml_node_t *v, void *t) { mf_sev(l, k, v, t, TRB_SEV_HIGH); }
static void mf_critical(struct loader *l, const char *k, yaml_node_t *v, void *t) { mf_sev(l, k, v, t, TRB_SEV_CRITICAL); }

static const struct field max_findings_fields[] = {
	{"low", mf_low}, {"medium", mf_medium}, {"high", mf_high}, {"critical", mf_critical},
};

static void f_max_findings(struct loader *l, const char *k, yaml_node_t *v, void *t)
{
	walk(l, v, k, max_findings_fields, TRB_ARRAY_LEN(max_findings_fields), t);
}

static void f_include(struct loader *l, const char *k, yaml_node_t *v, void *t)
{
	want_strv(l, v, k, &C(t)->include, check_glob);
}

static void f_exclude(struct loader *l, const char *k, yaml_node_t *v, void *t)
{
	want_strv(l, v, k, &C(t)->exclude, check_glob);
}

static const struct field paths_fields[] = {{"include", f_include}, {"exclude", f_exclude}};

static void f_paths(struct loader *l, const char *k, yaml_node_t *v, void *t)
{
	walk(l, v, k, paths_fields, TRB_ARRAY_LEN(paths_fields), t);
}

static void f_context_lines(struct loader *l, const char *k, yaml_node_t *v, void *t)
{
	want_uint(l, v, k, 0, 200, &C(t)->context_lines);
}

static void f_max_file_bytes(struct loader *l, const char *k, yaml_node_t *v, void *t)
{
	double x;

	if (want_number(l, v, k, 1, 64.0 * 1024 * 1024, true, &x))
		C(t)->max_file_bytes = (size_t)x;
}

/* agents */

static void a_provider(struct loader *l, const char *k, yaml_node_t *v, void *t)
{
	static const char *const names[] = {"anthropic", "openai"};
	int x;

	if (want_enum(l, v, k, names, TRB_ARRAY_LEN(names), &x))
		((struct config_agent *)t)->provider = (config_provider_t)x;
}

static void a_model(struct loader *l, const char *k, yaml_node_t *v, void *t)
{
	struct config_agent *a = t;
	char *m = NULL;
	size_t i;

	if (!want_string(l, v, k, &m) || !m)
		return;
	for (i = 0; m[i]; i++)
		if (!isalnum((unsigned char)m[i]) && !strchr("-._:/@", m[i]))
			break;
	if (m[i] || i == 0 || i > 128) {
		diag(l, v, false, "%s: '%.60s' is not a model name (letters, digits and - . _ : / @)", k, m);
		free(m);
		return;
	}
	free(a->model);
	a->model = m;
}

static void a_max_turns(struct loader *l, const char *k, yaml_node_t *v, void *t)
{
	want_uint(l, v, k, 1, 100, &((struct config_agent *)t)->max_turns);
}

static void a_max_tokens(struct loader *l, const char *k, yaml_node_t *v, void *t)
{
	want_uint(l, v, k, 256, 200000, &((struct config_agent *)t)->max_tokens);
}

static void a_max_conversation_tokens(struct loader *l, const char *k, yaml_node_t *v, void *t)
{
	want_uint(l, v, k, 1000, 100000000, &((struct config_agent *)t)->max_conversation_tokens);
}

static void a_temperature(struct loader *l, const char *k, yaml_node_t *v, void *t)
{
	want_number(l, v, k, 0, 2, false, &((struct config_agent *)t)->temperature);
}

static void a_enabled(struct loader *l, const char *k, yaml_node_t *v, void *t)
{
	want_bool(l, v, k, &((struct config_agent *)t)->enabled);
}

static void a_no_key(struct loader *l, const char *k, yaml_node_t *v, void *t)
{
	want_bool(l, v, k, &((struct config_agent *)t)->no_key);
}

static void a_votes(struct loader *l, const char *k, yaml_node_t *v, void *t)
{
	unsigned x;

	if (!want_uint(l, v, k, 1, 9, &x))
		return;
	if (x % 2 == 0)
		diag(l, v, false, "%s: use an odd number of votes so that a majority exists, got %u", k, x);
	((struct config_agent *)t)->votes = x;
}

static void a_min_severity(struct loader *l, const char *k, yaml_node_t *v, void *t)
{
	want_severity(l, v, k, false, &((struct config_agent *)t)->min_severity);
}

static void a_reverify(struct loader *l, const char *k, yaml_node_t *v, void *t)
{
	want_bool(l, v, k, &((struct config_agent *)t)->reverify);
}

#define AGENT_COMMON {"provider", a_provider}, {"model", a_model}, {"max_turns", a_max_turns}, \
	{"max_tokens", a_max_tokens}, {"max_conversation_tokens", a_max_conversation_tokens}, \
	{"temperature", a_temperature}, {"enabled", a_enabled}, {"no_key", a_no_key}

static const struct field finder_fields[] = {AGENT_COMMON};
static const struct field verifier_fields[] = {AGENT_COMMON, {"votes", a_votes}};
static const struct field patcher_fields[] = {AGENT_COMMON, {"min_severity", a_min_severity}, {"reverify", a_reverify}};

static void ag_finder(struct loader *l, const char *k, yaml_node_t *v, void *t)
{
	walk(l, v, k, finder_fields, TRB_ARRAY_LEN(finder_fields), &C(t)->agents[CONFIG_AGENT_FINDER]);
}

static void ag_verifier(struct loader *l, const char *k, yaml_node_t *v, void *t)
{
	walk(l, v, k, verifier_fields, TRB_ARRAY_LEN(verifier_fields),
	     &C(t)->agents[CONFIG_AGENT_VERIFIER]);
}

static void ag_patcher(struct loader *l, const char *k, yaml_node_t *v, void *t)
{
	walk(l, v, k, patcher_fields, TRB_ARRAY_LEN(patcher_fields),
	     &C(t)->agents[CONFIG_AGENT_PATCHER]);
}

static const struct field agents_fields[] = {{"finder", ag_finder}, {"verifier", ag_verifier}, {"patcher", ag_patcher}};

static void f_agents(struct loader *l, const char *k, yaml_node_t *v, void *t)
{
	walk(l, v, k, agents_fields, TRB_ARRAY_LEN(agents_fields), t);
}

/* budget */

static void b_max_tokens(struct loader *l, const char *k, yaml_node_t *v, void *t)
{
	double x;

	if (want_number(l, v, k, 1000, 1e12, true, &x))
		C(t)->budget.max_tokens = (uint64_t)x;
}

static void b_max_usd(struct loader *l, const char *k, yaml_node_t *v, void *t)
{
	want_number(l, v, k, 0, 1e6, false, &C(t)->budget.max_usd);
}

static void b_concurrency(struct loader *l, const char *k, yaml_node_t *v, void *t)
{
	want_uint(l, v, k, 1, 64, &C(t)->budget.concurrency);
}

static void b_timeout(struct loader *l, const char *k, yaml_node_t *v, void *t)
{
	want_uint(l, v, k, 10, 86400, &C(t)->budget.timeout_s);
}

static void b_unit_tokens(struct loader *l, const char *k, yaml_node_t *v, void *t)
{
	want_uint(l, v, k, 1000, 200000, &C(t)->budget.unit_tokens);
}

static const struct field budget_fields[] = {
	{"max_tokens", b_max_tokens}, {"max_usd", b_max_usd}, {"concurrency", b_concurrency},
	{"timeout_s", b_timeout}, {"unit_tokens", b_unit_tokens},
};

static void f_budget(struct loader *l, const char *k, yaml_node_t *v, void *t)
{
	walk(l, v, k, budget_fields, TRB_ARRAY_LEN(budget_fields), t);
}

static void f_on_error(struct loader *l, const char *k, yaml_node_t *v, void *t)
{
	static const char *const names[] = {"pass", "fail"};
	int x;

	if (want_enum(l, v, k, names, TRB_ARRAY_LEN(names), &x))
		C(t)->on_error = (config_on_error_t)x;
}

static void f_require_agents(struct loader *l, const char *k, yaml_node_t *v, void *t)
{
	want_bool(l, v, k, &C(t)->require_agents);
}

static void p_never_send(struct loader *l, const char *k, yaml_node_t *v, void *t)
{
	want_strv(l, v, k, &C(t)->never_send, check_glob);
}

static const struct field privacy_fields[] = {{"never_send", p_never_send}};

static void f_privacy(struct loader *l, const char *k, yaml_node_t *v, void *t)
{
	walk(l, v, k, privacy_fields, TRB_ARRAY_LEN(privacy_fields), t);
}

static void c_enable(struct loader *l, const char *k, yaml_node_t *v, void *t)
{
	want_strv(l, v, k, &C(t)->categories_enable, check_category);
}

static void c_disable(struct loader *l, const char *k, yaml_node_t *v, void *t)
{
	want_strv(l, v, k, &C(t)->categories_disable, check_category);
}

static const struct field categories_fields[] = {{"enable", c_enable}, {"disable", c_disable}};

static void f_categories(struct loader *l, const char *k, yaml_node_t *v, void *t)
{
	walk(l, v, k, categories_fields, TRB_ARRAY_LEN(categories_fields), t);
}

/* lists of mappings: instructions, rules, suppressions */

static void i_paths(struct loader *l, const char *k, yaml_node_t *v, void *t)
{
	want_strv(l, v, k, &((struct config_instruction *)t)->paths, check_glob);
}

static void i_text(struct loader *l, const char *k, yaml_node_t *v, void *t)
{
	struct config_instruction *in = t;

	if (want_string(l, v, k, &in->text) && in->text && strlen(in->text) > 4000)
		diag(l, v, false, "%s: instructions are limited to 4000 characters, got %zu", k, strlen(in->text));
}

static const struct field instruction_fields[] = {{"paths", i_paths}, {"text", i_text}};

static void r_id(struct loader *l, const char *k, yaml_node_t *v, void *t)
{
	struct config_rule *r = t;
	size_t i;

	if (!want_string(l, v, k, &r->id) || !r->id)
		return;
	for (i = 0; r->id[i]; i++)
		if (!isalnum((unsigned char)r->id[i]) && !strchr("-_.", r->id[i]))
			break;
	if (r->id[i] || i == 0 || i > 64)
		diag(l, v, false, "%s: a rule id is 1 to 64 letters, digits, '-', '_' or '.', got '%.60s'", k, r->id);
}

static size_t utf8_len(unsigned char c)
{
	return c < 0x80 ? 1 : c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc0 ? 2 : 1;
}

/* The 1-based column (in characters, as libyaml counts) of the byte at `off` of a scalar's value,
 * walking its source: a quoted scalar's escapes ("\\", "\x41", "''") are wider in the source
 * than in the value. A scalar over several lines, or a block scalar, gives its first column. */
static size_t source_column(const struct loader *l, const yaml_node_t *v, size_t off)
{
	yaml_scalar_style_t style = v->data.scalar.style;
	size_t i = 0, line = 0, col = 0, d = 0, first = v->start_mark.column + 1;
	const char *t = l->text;

	while (i < l->len && line < v->start_mark.line)
		line += t[i++] == '\n';
	for (; i < l->len && col < v->start_mark.column; col++)
		i += utf8_len((unsigned char)t[i]);
	if (style == YAML_SINGLE_QUOTED_SCALAR_STYLE || style == YAML_DOUBLE_QUOTED_SCALAR_STYLE) {
		i++;
		col++;
	} else if (style != YAML_PLAIN_SCALAR_STYLE) {
		return first;
	}
	while (d < off && i < l->len) {
		unsigned char c = (unsigned char)t[i];
		size_t src = utf8_len(c), dec = src;
		if (c == '\n' || c == '\r')
			return first;
		/* the closing quote: an offset past the value points there */
		if ((style == YAML_DOUBLE_QUOTED_SCALAR_STYLE && c == '"') ||
		    (style == YAML_SINGLE_QUOTED_SCALAR_STYLE && c == '\'' && !(i + 1 < l->len && t[i + 1] == '\'')))
			break;
		if (style == YAML_DOUBLE_QUOTED_SCALAR_STYLE && c == '\\' && i + 1 < l->len) {
			char e = t[i + 1];
			/* \xNN, \uNNNN and \UNNNNNNNN are one code point each (libyaml writes it as
			 * UTF-8, so \xe9 is 2 bytes); \N, \_ are 2 bytes, \L, \P 3; every other escape one */
			src = e == 'x' ? 4 : e == 'u' ? 6 : e == 'U' ? 10 : 2;
			dec = e == 'N' || e == '_' ? 2 : e == 'L' || e == 'P' ? 3 : 1;
			if ((e == 'x' || e == 'u' || e == 'U') && i + src <= l->len) {
				char hex[9] = {0};
				unsigned long cp;
				memcpy(hex, t + i + 2, src - 2);
				cp = strtoul(hex, NULL, 16);
				dec = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
			}
			if (e == '\n' || e == '\r')
				return first;
			i += src;
			col += src;
		} else if (style == YAML_SINGLE_QUOTED_SCALAR_STYLE && c == '\'' && i + 1 < l->len && t[i + 1] == '\'') {
			i += 2;
			col += 2;
			dec = 1;
		} else {
			i += src;
			col++;
		}
		d += dec;
	}
	return col + 1;
}

static void r_pattern(struct loader *l, const char *k, yaml_node_t *v, void *t)
{
	struct config_rule *r = t;
	pcre2_code *re;
	int code;
	PCRE2_SIZE off;
	char msg[256];

	if (!want_string(l, v, k, &r->pattern) || !r->pattern)
		return;
	if (strlen(r->pattern) > 4096) {
		diag(l, v, false, "%s: patterns are limited to 4096 characters", k);
		return;
	}
	re = pcre2_compile((PCRE2_SPTR)r->pattern, PCRE2_ZERO_TERMINATED, CONFIG_RULE_PCRE2_OPTIONS, &code, &off,
			   NULL);
	if (re) {
		pcre2_code_free(re);
		return;
	}
	pcre2_get_error_message(code, (PCRE2_UCHAR *)msg, sizeof(msg));
	{
		char full[512];
		snprintf(full, sizeof(full), "%s: invalid regular expression: %s (at offset %zu)", k, msg, (size_t)off);
		diag_at(l->diags, v->start_mark.line + 1, source_column(l, v, off), false, full);
	}
}

static void r_message(struct loader *l, const char *k, yaml_node_t *v, void *t)
{
	want_string(l, v, k, &((struct config_rule *)t)->message);
}

static void r_severity(struct loader *l, const char *k, yaml_node_t *v, void *t)
{
	want_severity(l, v, k, false, &((struct config_rule *)t)->severity);
}

static void r_cwe(struct loader *l, const char *k, yaml_node_t *v, void *t)
{
	struct config_rule *r = t;

	if (!want_string(l, v, k, &r->cwe) || !r->cwe)
		return;
	if (strncmp(r->cwe, "CWE-", 4) != 0 || !r->cwe[4] || strspn(r->cwe + 4, "0123456789") != strlen(r->cwe + 4) ||
	    strlen(r->cwe) > 12)
		diag(l, v, false, "%s: expected a CWE id like CWE-327, got '%.40s'", k, r->cwe);
}

static void r_paths(struct loader *l, const char *k, yaml_node_t *v, void *t)
{
	want_strv(l, v, k, &((struct config_rule *)t)->paths, check_glob);
}

static void r_languages(struct loader *l, const char *k, yaml_node_t *v, void *t)
{
	struct config_strv *sv = &((struct config_rule *)t)->languages;
	const char *name;
	char *copy;
	size_t i;

	want_strv(l, v, k, sv, check_language);
	/* aliases are stored by their canonical name: rules/ and `policy show` know only those */
	for (i = 0; i < sv->n; i++) {
		if (!(name = config_language_name(sv->v[i])) || strcmp(name, sv->v[i]) == 0)
			continue;
		if (!(copy = strdup(name))) {
			l->oom = true;
			return;
		}
		free(sv->v[i]);
		sv->v[i] = copy;
	}
}

static void r_standalone(struct loader *l, const char *k, yaml_node_t *v, void *t)
{
	want_bool(l, v, k, &((struct config_rule *)t)->standalone);
}

static const struct field rule_fields[] = {
	{"id", r_id}, {"pattern", r_pattern}, {"message", r_message}, {"severity", r_severity},
	{"cwe", r_cwe}, {"paths", r_paths}, {"languages", r_languages}, {"standalone", r_standalone},
};

static bool parse_date(const char *s, int *out)
{
	int y, m, d;
	static const int days[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

	if (strlen(s) != 10 || s[4] != '-' || s[7] != '-' || strspn(s, "0123456789-") != 10)
		return false;
	y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
	m = (s[5] - '0') * 10 + (s[6] - '0');
	d = (s[8] - '0') * 10 + (s[9] - '0');
	if (y < 2000 || y > 2999 || m < 1 || m > 12 || d < 1 || d > days[m - 1])
		return false;
	if (m == 2 && d == 29 && !((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		return false;
	*out = y * 10000 + m * 100 + d;
	return true;
}

static void s_fingerprint(struct loader *l, const char *k, yaml_node_t *v, void *t)
{
	struct config_suppression *s = t;

	if (!want_string(l, v, k, &s->fingerprint) || !s->fingerprint)
		return;
	if (strlen(s->fingerprint) < 16 || strlen(s->fingerprint) > 64 ||
	    strspn(s->fingerprint, "0123456789abcdef") != strlen(s->fingerprint))
		diag(l, v, false, "%s: a fingerprint is 16 to 64 lowercase hex digits (copy it from findings.json), "
			"got '%.70s'", k, s->fingerprint);
}

static void s_rule(struct loader *l, const char *k, yaml_node_t *v, void *t)
{
	want_string(l, v, k, &((struct config_suppression *)t)->rule);
}

static void s_path(struct loader *l, const char *k, yaml_node_t *v, void *t)
{
	struct config_suppression *s = t;

	if (want_string(l, v, k, &s->path) && s->path)
		check_glob(l, v, k);
}

static void s_reason(struct loader *l, const char *k, yaml_node_t *v, void *t)
{
	want_string(l, v, k, &((struct config_suppression *)t)->reason);
}

static void s_owner(struct loader *l, const char *k, yaml_node_t *v, void *t)
{
	want_string(l, v, k, &((struct config_suppression *)t)->owner);
}

static void s_expires(struct loader *l, const char *k, yaml_node_t *v, void *t)
{
	struct config_suppression *s = t;

	if (v->type != YAML_SCALAR_NODE || is_null(v) || !parse_date(scalar(v), &s->expires))
		diag(l, v, false, "%s: expected a date YYYY-MM-DD, got %s%.20s%s", k,
		     v->type == YAML_SCALAR_NODE && !is_null(v) ? "'" : "",
		     v->type == YAML_SCALAR_NODE && !is_null(v) ? scalar(v) : kind_name(v),
		     v->type == YAML_SCALAR_NODE && !is_null(v) ? "'" : "");
}

static const struct field suppression_fields[] = {
	{"fingerprint", s_fingerprint}, {"rule", s_rule}, {"path", s_path}, {"reason", s_reason},
	{"owner", s_owner}, {"expires", s_expires},
};

/* A list whose items are mappings of `fields`, stored in an array of `size`-byte elements. */
static void walk_list(struct loader *l, yaml_node_t *v, const char *k, const struct field *fields, size_t nf,
		      void **arr, size_t *count, size_t size,
		      void (*finish)(struct loader *, yaml_node_t *, const char *, void *))
{
	yaml_node_item_t *it;
	size_t i = 0;

	if (v->type != YAML_SEQUENCE_NODE) {
		diag(l, v, false, "%s: expected a list, got %s", k, is_null(v) ? "nothing" : kind_name(v));
		return;
	}
	for (it = v->data.sequence.items.start; it < v->data.sequence.items.top && !l->too_big; it++, i++) {
		yaml_node_t *item = node(l, *it);
		char where[96];
		char *elem;
		void *grown;

		if (!item)
			return;
		if (!(grown = realloc(*arr, (*count + 1) * size))) {
			l->oom = true;
			return;
		}
		*arr = grown;
		elem = (char *)*arr + *count * size;
		memset(elem, 0, size);
		(*count)++;
		snprintf(where, sizeof(where), "%s[%zu]", k, i);
		if (finish)
			finish(l, NULL, NULL, elem);  /* defaults */
		walk(l, item, where, fields, nf, elem);
		if (finish && item->type == YAML_MAPPING_NODE)
			finish(l, item, where, elem);
	}
}

static void finish_instruction(struct loader *l, yaml_node_t *n, const char *where, void *e)
{
	struct config_instruction *in = e;

	if (!n) {
		if (config_strv_push(&in->paths, "**") < 0)
			l->oom = true;
		return;
	}
	if (!in->text)
		diag(l, n, false, "%s: an instruction needs 'text'", where);
}

static void finish_rule(struct loader *l, yaml_node_t *n, const char *where, void *e)
{
	struct config_rule *r = e;

	if (!n) {
		r->severity = TRB_SEV_MEDIUM;
		return;
	}
	r->line = n->start_mark.line + 1;
	r->col = n->start_mark.column + 1;
	if (!r->id)
		diag(l, n, false, "%s: a rule needs an 'id'", where);
	if (!r->pattern)
		diag(l, n, false, "%s: a rule needs a 'pattern'", where);
	if (!r->message)
		diag(l, n, false, "%s: a rule needs a 'message'", where);
}

static void finish_suppression(struct loader *l, yaml_node_t *n, const char *where, void *e)
{
	struct config_suppression *s = e;

	if (!n)
		return;
	s->line = n->start_mark.line + 1;
	s->col = n->start_mark.column + 1;
	if (!s->reason || !*s->reason)
		diag(l, n, false, "%s: a suppression needs a 'reason' (why the risk is accepted, and a ticket)", where);
	if (!s->fingerprint && !s->rule)
		diag(l, n, false, "%s: a suppression needs a 'fingerprint', or a 'rule' with an optional 'path'", where);
	if (s->fingerprint && s->rule)
		diag(l, n, false, "%s: give either 'fingerprint' or 'rule', not both", where);
	if (s->path && !s->rule)
		diag(l, n, false, "%s: 'path' narrows a 'rule' suppression; add the 'rule'", where);
	if (s->expires && l->today && s->expires < l->today) {
		s->expired = true;
		diag(l, n, true, "%s: suppression expired on %04d-%02d-%02d and no longer suppresses anything%s%s", where,
		     s->expires / 10000, s->expires / 100 % 100, s->expires % 100, s->owner ? "; owner: " : "",
		     s->owner ? s->owner : "");
	}
}

static void f_instructions(struct loader *l, const char *k, yaml_node_t *v, void *t)
{
	walk_list(l, v, k, instruction_fields, TRB_ARRAY_LEN(instruction_fields), (void **)&C(t)->instructions, &C(t)->n_instructions,
		  sizeof(struct config_instruction), finish_instruction);
}

static void f_rules(struct loader *l, const char *k, yaml_node_t *v, void *t)
{
	size_t i, j;

	walk_list(l, v, k, rule_fields, TRB_ARRAY_LEN(rule_fields), (void **)&C(t)->rules,
		  &C(t)->n_rules, sizeof(struct config_rule), finish_rule);
	for (i = 0; i < C(t)->n_rules; i++)
		for (j = 0; j < i; j++)
			if (C(t)->rules[i].id && C(t)->rules[j].id && strcmp(C(t)->rules[i].id, C(t)->rules[j].id) == 0)
				diag_at(l->diags, C(t)->rules[i].line, C(t)->rules[i].col, false,
					"rules: duplicate rule id (ids must be unique)");
}

static void f_suppressions(struct loader *l, const char *k, yaml_node_t *v, void *t)
{
	walk_list(l, v, k, suppression_fields, TRB_ARRAY_LEN(suppression_fields),
		  (void **)&C(t)->suppressions, &C(t)->n_suppressions, sizeof(struct config_suppression),
		  finish_suppression);
}

/* prices: {model: {input: 3, output: 15}} */
static void pr_input(struct loader *l, const char *k, yaml_node_t *v, void *t)
{
	want_number(l, v, k, 0, 10000, false, &((struct config_price *)t)->input_per_mtok);
}

static void pr_output(struct loader *l, const char *k, yaml_node_t *v, void *t)
{
	want_number(l, v, k, 0, 10000, false, &((struct config_price *)t)->output_per_mtok);
}

static const struct field price_fields[] = {{"input", pr_input}, {"output", pr_output}};

static void f_prices(struct loader *l, const char *k, yaml_node_t *v, void *t)
{
	struct config *c = t;
	yaml_node_pair_t *p;

	if (v->type != YAML_MAPPING_NODE) {
		diag(l, v, false, "%s: expected a mapping of model name to {input, output}, got %s", k, kind_name(v));
		return;
	}
	for (p = v->data.mapping.pairs.start; p < v->data.mapping.pairs.top; p++) {
		yaml_node_t *mk = node(l, p->key), *mv = node(l, p->value);
		struct config_price *grown;
		char where[160];

		if (!mk || !mv)
			return;
		if (mk->type != YAML_SCALAR_NODE || is_null(mk)) {
			diag(l, mk, false, "%s: keys are model names", k);
			continue;
		}
		if (!(grown = realloc(c->prices, (c->n_prices + 1) * sizeof(*grown)))) {
			l->oom = true;
			return;
		}
		c->prices = grown;
		memset(&c->prices[c->n_prices], 0, sizeof(*grown));
		if (!(c->prices[c->n_prices].model = strdup(scalar(mk)))) {
			l->oom = true;
			return;
		}
		c->n_prices++;
		snprintf(where, sizeof(where), "%s.%.60s", k, scalar(mk));
		walk(l, mv, where, price_fields, TRB_ARRAY_LEN(price_fields), &c->prices[c->n_prices - 1]);
	}
}

static const struct field top_fields[] = {
	{"version", f_version}, {"mode", f_mode}, {"gate", f_gate}, {"paths", f_paths},
	{"context_lines", f_context_lines}, {"max_file_bytes", f_max_file_bytes}, {"agents", f_agents},
	{"budget", f_budget}, {"on_error", f_on_error}, {"require_agents", f_require_agents},
	{"privacy", f_privacy}, {"categories", f_categories}, {"instructions", f_instructions},
	{"rules", f_rules}, {"suppressions", f_suppressions}, {"prices", f_prices},
};

/* ---- entry point ---------------------------------------------------------------------------- */

/* Nesting depth, counted on the events before building the document: a deep document must not
 * recurse in the composer or in the walker. */
static int check_depth(struct config_diags *diags, const char *text, size_t len)
{
	yaml_parser_t parser;
	yaml_event_t ev;
	size_t depth = 0, events = 0;
	int error = 0;

	if (!yaml_parser_initialize(&parser))
		return TRB_ENOMEM;
	yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
	for (;;) {
		if (!yaml_parser_parse(&parser, &ev)) {
			char msg[512];
			snprintf(msg, sizeof(msg), "invalid YAML: %s%s%s", parser.problem ? parser.problem : "syntax error",
				 parser.context ? " " : "", parser.context ? parser.context : "");
			diag_at(diags, parser.problem_mark.line + 1, parser.problem_mark.column + 1, false, msg);
			error = TRB_EINVAL;
			break;
		}
		if (ev.type == YAML_SEQUENCE_START_EVENT || ev.type == YAML_MAPPING_START_EVENT) {
			if (++depth > CONFIG_MAX_DEPTH) {
				diag_at(diags, ev.start_mark.line + 1, ev.start_mark.column + 1, false,
					"the policy is nested too deeply (more than 32 levels)");
				yaml_event_delete(&ev);
				error = TRB_EINVAL;
				break;
			}
		} else if (ev.type == YAML_SEQUENCE_END_EVENT || ev.type == YAML_MAPPING_END_EVENT) {
			depth--;
		} else if (ev.type == YAML_DOCUMENT_START_EVENT && ev.start_mark.index > 0 && events > 2) {
			diag_at(diags, ev.start_mark.line + 1, ev.start_mark.column + 1, false,
				"a policy is one YAML document; found a second one");
			yaml_event_delete(&ev);
			error = TRB_EINVAL;
			break;
		}
		events++;
		if (ev.type == YAML_STREAM_END_EVENT) {
			yaml_event_delete(&ev);
			break;
		}
		yaml_event_delete(&ev);
	}
	yaml_parser_delete(&parser);
	return error;
}

int config_load(struct config **out, struct config_diags *diags, const char *name, const char *text,
		size_t len, int today)
{
	struct loader l;
	yaml_parser_t parser;
	yaml_node_t *root;
	bool parsed = false;
	int error = 0;

	(void)name;
	*out = NULL;
	memset(&l, 0, sizeof(l));
	l.text = text;
	l.len = len;
	l.diags = diags;
	l.today = today;
	if (len > CONFIG_MAX_BYTES) {
		diag_at(diags, 1, 1, false, "the policy is larger than 1 MiB");
		return trb_err_set(TRB_EINVAL, "%s: the policy is larger than 1 MiB", name);
	}
	if (memchr(text, '\0', len) || !trb_utf8_valid(text, len)) {
		diag_at(diags, 1, 1, false, "the policy is not UTF-8 text");
		return trb_err_set(TRB_EINVAL, "%s: the policy is not UTF-8 text", name);
	}
	if ((error = check_depth(diags, text, len)) < 0)
		goto done;
	if ((error = config_new_default(&l.c)) < 0)
		return error;
	if (!yaml_parser_initialize(&parser)) {
		error = trb_err_oom();
		goto done;
	}
	yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
	if (!yaml_parser_load(&parser, &l.doc)) {
		char msg[512];
		snprintf(msg, sizeof(msg), "invalid YAML: %s", parser.problem ? parser.problem : "syntax error");
		diag_at(diags, parser.problem_mark.line + 1, parser.problem_mark.column + 1, false, msg);
		yaml_parser_delete(&parser);
		error = TRB_EINVAL;
		goto done;
	}
	yaml_parser_delete(&parser);
	parsed = true;
	root = yaml_document_get_root_node(&l.doc);
	if (!root || is_null(root)) {
		/* an empty file is the default policy */
	} else {
		walk(&l, root, "", top_fields, TRB_ARRAY_LEN(top_fields), l.c);
		if (l.too_big)
			diag_at(diags, 1, 1, false, "the policy expands to more than 20000 nodes (aliases?); refused");
	}
	if (l.oom)
		error = trb_err_oom();
	else if (diags->errors)
		error = TRB_EINVAL;
done:
	if (parsed)
		yaml_document_delete(&l.doc);
	if (error < 0 && error != TRB_ENOMEM) {
		error = trb_err_set(TRB_EINVAL, "%s: %zu error%s in the policy", name, diags->errors ? diags->errors : 1,
				    diags->errors == 1 ? "" : "s");
	}
	if (error < 0) {
		config_free(l.c);
		return error;
	}
	if (!(l.c->source_name = strdup(name))) {
		config_free(l.c);
		return trb_err_oom();
	}
	*out = l.c;
	return 0;
}
