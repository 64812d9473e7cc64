/* agents/validate.c: model output is untrusted input. Reports are validated field by field into
 * our structs: unknown paths dropped, lines clamped to the file, free-text categories mapped to a
 * known category and CWE, text capped and made valid UTF-8. Nothing downstream sees raw JSON. */
#include "agents/agents_int.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util/err.h"
#include "util/escape.h"
#include "util/path.h"

#define TEXT_MAX 4000
#define TITLE_MAX 200
#define FLOW_MAX 20
#define FINDINGS_MAX 50

static const struct {
	const char *category;
	const char *cwe;
} category_cwe[] = {
	{"sql-injection", "CWE-89"}, {"nosql-injection", "CWE-943"}, {"graphql-injection", "CWE-943"},
	{"command-injection", "CWE-78"}, {"code-injection", "CWE-94"}, {"template-injection", "CWE-1336"},
	{"ldap-injection", "CWE-90"}, {"xpath-injection", "CWE-643"}, {"header-injection", "CWE-113"},
	{"prompt-injection", "CWE-1427"}, {"xss", "CWE-79"}, {"ssrf", "CWE-918"}, {"path-traversal", "CWE-22"},
	{"deserialization", "CWE-502"}, {"xxe", "CWE-611"}, {"authentication", "CWE-287"},
	{"authorization", "CWE-862"}, {"csrf", "CWE-352"}, {"crypto", "CWE-327"}, {"hardcoded-secret", "CWE-798"},
	{"race-condition", "CWE-362"}, {"memory-safety", "CWE-119"}, {"prototype-pollution", "CWE-1321"},
	{"open-redirect", "CWE-601"}, {"business-logic", "CWE-840"}, {"insecure-default", "CWE-1188"},
	{"information-disclosure", "CWE-200"}, {"dos", "CWE-400"}, {"dangerous-api", "CWE-676"},
	{"other", "CWE-693"},
};

/* Free-text names models use, by substring, most specific first. */
static const struct {
	const char *needle;
	const char *category;
} synonyms[] = {
	{"nosql", "nosql-injection"}, {"graphql", "graphql-injection"}, {"sql", "sql-injection"},
	{"ldap", "ldap-injection"}, {"xpath", "xpath-injection"}, {"prompt", "prompt-injection"},
	{"template", "template-injection"}, {"ssti", "template-injection"}, {"crlf", "header-injection"},
	{"header", "header-injection"}, {"log injection", "header-injection"}, {"command", "command-injection"},
	{"shell", "command-injection"}, {"os inj", "command-injection"}, {"rce", "code-injection"},
	{"eval", "code-injection"}, {"code inj", "code-injection"}, {"cross-site scripting", "xss"},
	{"cross site scripting", "xss"}, {"xss", "xss"}, {"html inj", "xss"}, {"ssrf", "ssrf"},
	{"server-side request", "ssrf"}, {"server side request", "ssrf"}, {"traversal", "path-traversal"},
	{"zip slip", "path-traversal"}, {"directory", "path-traversal"}, {"lfi", "path-traversal"},
	{"deserializ", "deserialization"}, {"pickle", "deserialization"}, {"xxe", "xxe"},
	{"external entit", "xxe"}, {"csrf", "csrf"}, {"cross-site request", "csrf"}, {"idor", "authorization"},
	{"direct object", "authorization"}, {"access control", "authorization"}, {"authoriz", "authorization"},
	{"privilege", "authorization"}, {"permission", "authorization"}, {"authentic", "authentication"},
	{"session", "authentication"}, {"jwt", "authentication"}, {"password", "authentication"},
	{"secret", "hardcoded-secret"}, {"credential", "hardcoded-secret"}, {"api key", "hardcoded-secret"},
	{"crypt", "crypto"}, {"random", "crypto"}, {"hash", "crypto"}, {"race", "race-condition"},
	{"toctou", "race-condition"}, {"concurren", "race-condition"}, {"overflow", "memory-safety"},
	{"out-of-bounds", "memory-safety"}, {"out of bounds", "memory-safety"}, {"use-after-free", "memory-safety"},
	{"use after free", "memory-safety"}, {"memory", "memory-safety"}, {"format string", "memory-safety"},
	{"double free", "memory-safety"}, {"prototype", "prototype-pollution"}, {"redirect", "open-redirect"},
	{"business", "business-logic"}, {"logic", "business-logic"}, {"default", "insecure-default"},
	{"tls", "insecure-default"}, {"cors", "insecure-default"}, {"disclos", "information-disclosure"},
	{"leak", "information-disclosure"}, {"denial", "dos"}, {"dos", "dos"}, {"redos", "dos"},
	{"injection", "code-injection"},
};

const char *agents_category(const char *text)
{
	char low[128];
	size_t i, n;

	if (!text)
		return "other";
	for (i = 0; i < config_n_categories; i++)
		if (strcmp(text, config_categories[i]) == 0)
			return config_categories[i];
	for (n = 0; text[n] && n < sizeof(low) - 1; n++)
		low[n] = (char)(text[n] == '_' ? ' ' : tolower((unsigned char)text[n]));
	low[n] = '\0';
	for (i = 0; i < config_n_categories; i++) {
		char name[64];
		size_t k;
		snprintf(name, sizeof(name), "%s", config_categories[i]);
		for (k = 0; name[k]; k++)
			if (name[k] == '-')
				name[k] = ' ';
		if (strcmp(low, name) == 0)
			return config_categories[i];
	}
	for (i = 0; i < sizeof(synonyms) / sizeof(synonyms[0]); i++)
		if (strstr(low, synonyms[i].needle))
			return synonyms[i].category;
	return "other";
}

const char *agents_category_cwe(const char *category)
{
	size_t i;

	for (i = 0; i < sizeof(category_cwe) / sizeof(category_cwe[0]); i++)
		if (strcmp(category, category_cwe[i].category) == 0)
			return category_cwe[i].cwe;
	return "CWE-693";
}

/* "CWE-89", "cwe 89", "89" or a number: normalized to "CWE-89"; NULL when none. */
static char *norm_cwe(const cJSON *v)
{
	char buf[32];
	long n = -1;

	if (cJSON_IsNumber(v) && v->valuedouble >= 1 && v->valuedouble < 1e6)
		n = (long)v->valuedouble;
	else if (cJSON_IsString(v) && v->valuestring) {
		const char *s = v->valuestring;
		while (*s && !isdigit((unsigned char)*s))
			s++;
		if (*s && strlen(s) <= 6 && strspn(s, "0123456789") == strlen(s))
			n = strtol(s, NULL, 10);
	}
	if (n < 1)
		return NULL;
	snprintf(buf, sizeof(buf), "CWE-%ld", n);
	return strdup(buf);
}

/* A text field: valid UTF-8, capped, control characters but newline and tab dropped. */
static char *text_field(const cJSON *obj, const char *key, size_t max)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
	struct trb_buf b = TRB_BUF_INIT(max * 4 + 16);
	const char *s;
	size_t i, n, kept = 0;

	if (!cJSON_IsString(v) || !v->valuestring)
		return NULL;
	s = v->valuestring;
	n = strlen(s);
	for (i = 0; i < n && kept < max; i++, kept++) {
		unsigned char c = (unsigned char)s[i];
		if (c < 0x20 && c != '\n' && c != '\t')
			continue;
		if (c == 0x7f)
			continue;
		trb_buf_putc(&b, (char)c);
	}
	{
		struct trb_buf clean = TRB_BUF_INIT(max * 4 + 16);
		trb_escape_utf8(&clean, trb_buf_cstr(&b), b.len);
		if (i < n)
			trb_buf_puts(&clean, "…");
		trb_buf_dispose(&b);
		if (trb_buf_error(&clean) < 0) {
			trb_buf_dispose(&clean);
			return NULL;
		}
		return trb_buf_detach(&clean);
	}
}

static bool num_field(const cJSON *obj, const char *key, double *out)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);

	if (cJSON_IsNumber(v) && isfinite(v->valuedouble)) {
		*out = v->valuedouble;
		return true;
	}
	if (cJSON_IsString(v) && v->valuestring) {
		char *end;
		double d = strtod(v->valuestring, &end);
		if (end != v->valuestring && !*end && isfinite(d)) {
			*out = d;
			return true;
		}
	}
	return false;
}

static bool sev_field(const cJSON *obj, const char *key, trb_sev_t *out)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
	char low[16];
	size_t i;

	if (!cJSON_IsString(v) || !v->valuestring || strlen(v->valuestring) >= sizeof(low))
		return false;
	for (i = 0; v->valuestring[i]; i++)
		low[i] = (char)tolower((unsigned char)v->valuestring[i]);
	low[i] = '\0';
	return trb_sev_parse(out, low) == 0 && *out != TRB_SEV_NONE;
}

/* Line counts of the head files one report names. A report cites the same few files again and
 * again (every finding, every data-flow step), and each look would inflate the blob anew. */
#define LINES_MEMO 16
struct lines_memo {
	char *path[LINES_MEMO];
	uint32_t lines[LINES_MEMO];
	size_t n, next;
};

static void lines_memo_dispose(struct lines_memo *m)
{
	size_t i;

	for (i = 0; i < m->n; i++)
		free(m->path[i]);
}

/* The line count of a head file, or 0 when the path is not a readable file of the head tree. */
static uint32_t file_lines(struct agents_tools *t, struct lines_memo *m, const char *path)
{
	git_blob *blob = NULL;
	const char *text, *nl, *end;
	char *copy;
	size_t i, len;
	uint32_t n = 0;

	for (i = 0; i < m->n; i++)
		if (strcmp(m->path[i], path) == 0)
			return m->lines[i];
	if (!agents_head_file(&blob, t, path)) {
		text = git_blob_rawcontent(blob);
		len = (size_t)git_blob_rawsize(blob);
		for (end = text + len; (nl = memchr(text, '\n', (size_t)(end - text))) != NULL; text = nl + 1)
			n++;
		if (text < end)
			n++;
		if (n == 0)
			n = 1;
		git_blob_free(blob);
	}
	/* remembered when there is memory for it; the count is right either way */
	if ((copy = strdup(path)) != NULL) {
		if (m->n < LINES_MEMO) {
			i = m->n++;
		} else {
			i = m->next++ % LINES_MEMO;
			free(m->path[i]);
		}
		m->path[i] = copy;
		m->lines[i] = n;
	}
	return n;
}

static char *checked_path(struct agents_tools *t, struct lines_memo *m, const cJSON *obj, const char *key,
			  uint32_t *lines)
{
	char *p = text_field(obj, key, 1024);

	*lines = 0;
	if (!p)
		return NULL;
	trb_path_tidy(p);
	/* a never_send file must not come back in through a finding: its code would go to the
	 * verifier and the patcher */
	if (trb_path_check(p, strlen(p)) || (t->policy && config_path_never_send(t->policy, p)) ||
	    !(*lines = file_lines(t, m, p))) {
		free(p);
		return NULL;
	}
	return p;
}

static uint32_t clamp_line(const cJSON *obj, const char *key, uint32_t max, bool *ok)
{
	double d;

	if (!num_field(obj, key, &d)) {
		*ok = false;
		return 1;
	}
	if (d < 1)
		return 1;
	if (d > max)
		return max;
	return (uint32_t)d;
}

int agents_validate_findings(struct findings *out, size_t *dropped, const cJSON *args, struct agents_tools *t,
			     size_t unit, char *err, size_t errlen)
{
	const cJSON *list = cJSON_GetObjectItemCaseSensitive(args, "findings"), *item;
	struct lines_memo memo = {0};
	size_t count = 0;
	int error = 0;

	*dropped = 0;
	if (!cJSON_IsArray(list)) {
		snprintf(err, errlen, "report_findings needs {\"findings\": [...]}, an array (empty when nothing was found)");
		return TRB_EINVAL;
	}
	cJSON_ArrayForEach(item, list) {
		struct finding *f;
		uint32_t lines = 0;
		char *path, *cat_text;
		const cJSON *flow, *step;
		bool ok = true;
		double conf;
		trb_sev_t sev;

		if (++count > FINDINGS_MAX) {
			(*dropped)++;
			continue;
		}
		if (!cJSON_IsObject(item) || !(path = checked_path(t, &memo, item, "path", &lines))) {
			(*dropped)++;
			continue;
		}
		if (!sev_field(item, "severity", &sev) || !num_field(item, "confidence", &conf) ||
		    !cJSON_IsString(cJSON_GetObjectItemCaseSensitive(item, "title"))) {
			free(path);
			(*dropped)++;
			continue;
		}
		if (findings_add(&f, out) < 0) {
			free(path);
			error = TRB_ENOMEM;
			goto done;
		}
		f->source = FINDING_SOURCE_FINDER;
		f->status = FINDING_UNVERIFIED;
		f->unit = unit;
		f->path = path;
		f->start_line = clamp_line(item, "start_line", lines, &ok);
		f->end_line = clamp_line(item, "end_line", lines, &ok);
		if (!ok)
			f->end_line = f->start_line;
		if (f->end_line < f->start_line) {
			uint32_t x = f->start_line;
			f->start_line = f->end_line;
			f->end_line = x;
		}
		f->severity = sev;
		f->confidence = conf < 0 ? 0 : conf > 1 ? 1 : conf;
		cat_text = text_field(item, "category", 100);
		f->category = strdup(agents_category(cat_text));
		free(cat_text);
		f->cwe = norm_cwe(cJSON_GetObjectItemCaseSensitive(item, "cwe"));
		if (!f->cwe && f->category)
			f->cwe = strdup(agents_category_cwe(f->category));
		f->title = text_field(item, "title", TITLE_MAX);
		f->description = text_field(item, "description", TEXT_MAX);
		f->exploit_scenario = text_field(item, "exploit_scenario", TEXT_MAX);
		f->recommendation = text_field(item, "recommendation", TEXT_MAX);
		if (!f->category || !f->cwe || !f->title || !*f->title) {
			finding_dispose(f);
			out->n--;
			(*dropped)++;
			continue;
		}
		if (!f->description && !(f->description = strdup(""))) {
			error = TRB_ENOMEM;
			goto done;
		}
		flow = cJSON_GetObjectItemCaseSensitive(item, "data_flow");
		if (cJSON_IsArray(flow)) {
			size_t steps = 0;
			cJSON_ArrayForEach(step, flow) {
				struct finding_step *s;
				uint32_t sl;
				char *sp;
				bool sok = true;
				if (steps >= FLOW_MAX || !cJSON_IsObject(step) || !(sp = checked_path(t, &memo, step, "path", &sl)))
					continue;
				s = realloc(f->flow, (f->n_flow + 1) * sizeof(*s));
				if (!s) {
					free(sp);
					error = TRB_ENOMEM;
					goto done;
				}
				f->flow = s;
				s = &f->flow[f->n_flow++];
				s->path = sp;
				s->line = clamp_line(step, "line", sl, &sok);
				s->note = text_field(step, "note", 300);
				steps++;
			}
		}
	}
done:
	lines_memo_dispose(&memo);
	return error;
}

int agents_validate_verdict(struct agents_verdict *out, const cJSON *args, char *err, size_t errlen)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(args, "verdict");
	static const char *const names[] = {"confirmed", "rejected", "uncertain"};
	int i;

	memset(out, 0, sizeof(*out));
	out->verdict = -1;
	if (cJSON_IsString(v) && v->valuestring)
		for (i = 0; i < 3; i++)
			if (strcasecmp(v->valuestring, names[i]) == 0)
				out->verdict = i;
	if (out->verdict < 0) {
		snprintf(err, errlen, "report_verdict needs \"verdict\": one of confirmed, rejected, uncertain");
		return TRB_EINVAL;
	}
	out->exploitable = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(args, "exploitable"));
	out->mitigated = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(args, "mitigated"));
	out->consistent = !cJSON_IsFalse(cJSON_GetObjectItemCaseSensitive(args, "consistent"));
	if (!sev_field(args, "severity", &out->severity))
		out->severity = TRB_SEV_NONE;
	if (!num_field(args, "confidence", &out->confidence))
		out->confidence = out->verdict == 2 ? 0.5 : 0.7;
	if (out->confidence < 0)
		out->confidence = 0;
	if (out->confidence > 1)
		out->confidence = 1;
	out->reason = text_field(args, "reason", TEXT_MAX);
	if (!out->reason && !(out->reason = strdup("(no reason given)")))
		return TRB_ENOMEM;
	return 0;
}
