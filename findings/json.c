/* findings/json.c: findings.json in both directions, report order, and the merge of shard records.
 * The field names are a contract (ARCHITECTURE.md, docs/findings.schema.json): add, never rename.
 * The parser treats its input as hostile (a findings.json can come from another job's artifact):
 * every field is checked into our structs and nothing downstream sees raw JSON. */
#include "findings/findings.h"

#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "findings/internal.h"
#include "util/buf.h"
#include "util/err.h"
#include "util/escape.h"
#include "util/jsonw.h"
#include "util/path.h"

static const char *const policy_sources[] = {"base", "head", "file", "default", NULL};
static const char *const verdicts[] = {"confirmed", "rejected", "uncertain", NULL};
static const char *const suppression_kinds[] = {"policy", "inline", NULL};
static const char *const gate_results[] = {"pass", "fail", NULL};

/* ---- writing ------------------------------------------------------------------------------ */

/* Streamed with util/jsonw, keys in a fixed order: a cJSON tree of 5,000 findings would cost more
 * than all other reports together. */
static void finding_json(struct trb_jw *w, const struct finding *f)
{
	size_t i;

	trb_jw_obj(w, NULL);
	trb_jw_str(w, "id", f->id);
	trb_jw_str(w, "fingerprint", f->fingerprint);
	trb_jw_str(w, "source", findings_source_name(f->source));
	trb_jw_str(w, "status", findings_status_name(f->status));
	trb_jw_bool(w, "pre_existing", f->pre_existing);
	trb_jw_bool(w, "gating", f->gating);
	trb_jw_bool(w, "in_diff", f->in_diff);
	trb_jw_uint(w, "anchor_line", f->anchor_line);
	trb_jw_uint(w, "unit", f->unit);
	trb_jw_str(w, "path", f->path);
	trb_jw_str(w, "old_path", f->old_path);
	trb_jw_uint(w, "start_line", f->start_line);
	trb_jw_uint(w, "end_line", f->end_line);
	trb_jw_str(w, "category", f->category);
	trb_jw_str(w, "cwe", f->cwe);
	trb_jw_str(w, "severity", trb_sev_name(f->severity));
	trb_jw_double(w, "confidence", f->confidence);
	trb_jw_str(w, "title", f->title);
	trb_jw_str(w, "description", f->description);
	trb_jw_str(w, "exploit_scenario", f->exploit_scenario);
	trb_jw_arr(w, "data_flow");
	for (i = 0; i < f->n_flow; i++) {
		trb_jw_obj(w, NULL);
		trb_jw_str(w, "path", f->flow[i].path);
		trb_jw_uint(w, "line", f->flow[i].line);
		trb_jw_str(w, "note", f->flow[i].note);
		trb_jw_obj_end(w);
	}
	trb_jw_arr_end(w);
	trb_jw_str(w, "recommendation", f->recommendation);
	trb_jw_str(w, "rule_id", f->rule_id);
	trb_jw_str(w, "snippet", f->snippet);
	/* an unverified finding keeps why no verifier answered: verdict null, reason set */
	if (f->verification.done || f->verification.reason) {
		trb_jw_obj(w, "verification");
		trb_jw_str(w, "verdict", f->verification.verdict);
		trb_jw_str(w, "reason", f->verification.reason);
		trb_jw_str(w, "model", f->verification.model);
		trb_jw_uint(w, "votes", f->verification.votes);
		trb_jw_bool(w, "exploitable", f->verification.exploitable);
		trb_jw_bool(w, "mitigated", f->verification.mitigated);
		trb_jw_bool(w, "consistent", f->verification.consistent);
		trb_jw_obj_end(w);
	} else {
		trb_jw_str(w, "verification", NULL);
	}
	if (f->patch.present) {
		trb_jw_obj(w, "patch");
		trb_jw_str(w, "diff", f->patch.diff);
		trb_jw_str(w, "explanation", f->patch.explanation);
		trb_jw_bool(w, "applies", f->patch.applies);
		trb_jw_bool(w, "reverified", f->patch.reverified);
		trb_jw_str(w, "dropped", f->patch.dropped);
		trb_jw_obj_end(w);
	} else {
		trb_jw_str(w, "patch", NULL);
	}
	if (f->suppression.present) {
		trb_jw_obj(w, "suppression");
		trb_jw_str(w, "kind", f->suppression.kind);
		trb_jw_str(w, "reason", f->suppression.reason);
		trb_jw_str(w, "owner", f->suppression.owner);
		trb_jw_str(w, "expires", f->suppression.expires);
		trb_jw_str(w, "match", f->suppression.match);
		trb_jw_obj_end(w);
	} else {
		trb_jw_str(w, "suppression", NULL);
	}
	trb_jw_obj_end(w);
}

static void run_json(struct trb_jw *w, const struct findings_run *r)
{
	int a;

	trb_jw_obj(w, "run");
	trb_jw_str(w, "scan_id", r->scan_id);
	trb_jw_str(w, "repository", r->repository);
	trb_jw_str(w, "merge_request", r->merge_request);
	trb_jw_str(w, "base", r->base);
	trb_jw_str(w, "head", r->head);
	trb_jw_str(w, "merge_base", r->merge_base);
	trb_jw_str(w, "range_source", r->range_source);
	trb_jw_obj(w, "policy");
	trb_jw_str(w, "source", r->policy_source);
	trb_jw_str(w, "sha256", r->policy_sha256);
	trb_jw_obj_end(w);
	trb_jw_str(w, "mode", config_mode_name((unsigned)r->mode <= CONFIG_MODE_MONITOR ? r->mode : CONFIG_MODE_BLOCK));
	trb_jw_obj(w, "models");
	for (a = 0; a < CONFIG_AGENT_COUNT; a++)
		trb_jw_str(w, config_agent_name((config_agent_t)a), r->models[a]);
	trb_jw_obj_end(w);
	trb_jw_obj(w, "prompts");
	for (a = 0; a < CONFIG_AGENT_COUNT; a++)
		trb_jw_str(w, config_agent_name((config_agent_t)a), r->prompts[a]);
	trb_jw_obj_end(w);
	trb_jw_str(w, "started_at", r->started_at);
	trb_jw_uint(w, "duration_ms", r->duration_ms);
	trb_jw_str(w, "shard", r->shard);
	trb_jw_obj(w, "units");
	trb_jw_uint(w, "total", r->units_total);
	trb_jw_uint(w, "reviewed", r->units_reviewed);
	trb_jw_uint(w, "not_reviewed", r->units_not_reviewed);
	trb_jw_obj_end(w);
	trb_jw_obj(w, "tokens");
	trb_jw_uint(w, "input", r->tokens_input);
	trb_jw_uint(w, "output", r->tokens_output);
	trb_jw_uint(w, "cache_read", r->tokens_cache_read);
	trb_jw_uint(w, "cache_write", r->tokens_cache_write);
	trb_jw_obj_end(w);
	trb_jw_double(w, "cost_usd", round(r->cost_usd * 1e6) / 1e6);  /* micro-dollars: sums of shards print the same */
	trb_jw_bool(w, "agents_ran", r->agents_ran);
	trb_jw_strv(w, "notices", r->notices, r->n_notices);
	trb_jw_obj(w, "gate");
	trb_jw_str(w, "result", r->gate_pass ? "pass" : "fail");
	trb_jw_strv(w, "reasons", r->gate_reasons, r->n_gate_reasons);
	trb_jw_obj_end(w);
	trb_jw_obj_end(w);
}

int findings_to_json(char **out, size_t *out_len, const struct findings *fs)
{
	struct trb_buf b = TRB_BUF_INIT(TRB_LIMIT_REPORT);
	int error;

	*out = NULL;
	if (out_len)
		*out_len = 0;
	if ((error = findings_to_json_buf(&b, fs)) < 0) {
		trb_buf_dispose(&b);
		return error;
	}
	if (out_len)
		*out_len = b.len;
	*out = trb_buf_detach(&b);
	return *out ? 0 : trb_err_oom();
}

int findings_to_json_buf(struct trb_buf *out, const struct findings *fs)
{
	struct trb_jw w;
	size_t i;

	trb_jw_init(&w, out);
	trb_jw_obj(&w, NULL);
	trb_jw_uint(&w, "schema_version", FINDINGS_SCHEMA_VERSION);
	trb_jw_obj(&w, "tool");
	trb_jw_str(&w, "name", "tribunal");
	trb_jw_str(&w, "version", fs->run.tool_version ? fs->run.tool_version : "unknown");
	trb_jw_obj_end(&w);
	run_json(&w, &fs->run);
	trb_jw_arr(&w, "findings");
	for (i = 0; i < fs->n; i++)
		finding_json(&w, &fs->v[i]);
	trb_jw_arr_end(&w);
	trb_jw_arr(&w, "not_reviewed");
	for (i = 0; i < fs->n_unreviewed; i++) {
		const struct findings_unreviewed *u = &fs->unreviewed[i];
		trb_jw_obj(&w, NULL);
		trb_jw_uint(&w, "unit", u->unit);
		trb_jw_strv(&w, "paths", u->paths, u->n_paths);
		trb_jw_str(&w, "reason", u->reason);
		trb_jw_obj_end(&w);
	}
	trb_jw_arr_end(&w);
	trb_jw_arr(&w, "skipped");
	for (i = 0; i < fs->n_skipped; i++) {
		trb_jw_obj(&w, NULL);
		trb_jw_str(&w, "path", fs->skipped[i].path);
		trb_jw_str(&w, "reason", fs->skipped[i].reason);
		trb_jw_str(&w, "detail", fs->skipped[i].detail);
		trb_jw_obj_end(&w);
	}
	trb_jw_arr_end(&w);
	trb_jw_obj_end(&w);
	return trb_jw_finish(&w);
}

/* ---- reading ------------------------------------------------------------------------------ */

struct rd {
	const char *name;   /* the input, for messages */
	char where[256];    /* the field being read: "findings[3].severity" */
};

static int bad(struct rd *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int bad(struct rd *r, const char *fmt, ...)
{
	struct trb_buf b = TRB_BUF_INIT(1024);
	va_list ap;
	int error;

	va_start(ap, fmt);
	trb_buf_vprintf(&b, fmt, ap);
	va_end(ap);
	error = trb_err_set(TRB_EINVAL, "%s: %s: %s", r->name, r->where, trb_buf_cstr(&b));
	trb_buf_dispose(&b);
	return error;
}

/* Sets r->where to prefix + "." + key (or prefix + "[i]" when key is NULL). */
static void at(struct rd *r, const char *prefix, const char *key, size_t i)
{
	if (key)
		snprintf(r->where, sizeof(r->where), "%.180s%s%.60s", prefix, *prefix ? "." : "", key);
	else
		snprintf(r->where, sizeof(r->where), "%.180s[%zu]", prefix, i);
}

static int dupstr(char **out, const char *s)
{
	if (!(*out = strdup(s)))
		return trb_err_oom();
	return 0;
}

/* The value of key in o, NULL when absent or null (null is no value). Sets r->where to the field,
 * for the caller's messages; a required field without a value is refused here. */
static int rd_get(struct rd *r, const cJSON **out, const cJSON *o, const char *prefix, const char *key,
		  bool required)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

	at(r, prefix, key, 0);
	*out = v && !cJSON_IsNull(v) ? v : NULL;
	return !*out && required ? bad(r, "missing") : 0;
}

/* A string (absent: *out NULL), checked as UTF-8 and copied. */
static int rd_str(struct rd *r, char **out, const cJSON *o, const char *prefix, const char *key,
		  bool required)
{
	const cJSON *v;
	int error;

	*out = NULL;
	if ((error = rd_get(r, &v, o, prefix, key, required)) < 0 || !v)
		return error;
	if (!cJSON_IsString(v) || !v->valuestring)
		return bad(r, "expected a string");
	if (!trb_utf8_valid(v->valuestring, strlen(v->valuestring)))
		return bad(r, "invalid UTF-8");
	return dupstr(out, v->valuestring);
}

/* Names of an enumeration, by index (NULL past the end) */
typedef const char *(*name_at_t)(const void *table, int i);

static const char *table_name(const void *table, int i)
{
	return ((const char *const *)table)[i];
}

/* A string that must be one of n names; its index through *out (-1 when absent). */
static int rd_enum_of(struct rd *r, int *out, const cJSON *o, const char *prefix, const char *key,
		      name_at_t name_at, const void *table, int n, bool required)
{
	struct trb_buf b = TRB_BUF_INIT(1024);
	const cJSON *v;
	const char *name;
	int i, error;

	*out = -1;
	if ((error = rd_get(r, &v, o, prefix, key, required)) < 0 || !v)
		return error;
	if (cJSON_IsString(v) && v->valuestring)
		for (i = 0; i < n && (name = name_at(table, i)); i++)
			if (strcmp(v->valuestring, name) == 0) {
				*out = i;
				return 0;
			}
	for (i = 0; i < n && (name = name_at(table, i)); i++)
		trb_buf_printf(&b, "%s%s", i ? ", " : "", name);
	error = bad(r, "expected one of %s", trb_buf_cstr(&b));
	trb_buf_dispose(&b);
	return error;
}

/* The same, for a NULL-terminated table of this file */
static int rd_enum(struct rd *r, int *out, const cJSON *o, const char *prefix, const char *key,
		   const char *const *names, bool required)
{
	return rd_enum_of(r, out, o, prefix, key, table_name, names, INT_MAX, required);
}

/* The enumerations other modules name (one table each, where the type is defined) */
static const char *status_at(const void *table, int i)
{
	(void)table;
	return i <= FINDING_SUPPRESSED ? findings_status_name((finding_status_t)i) : NULL;
}

static const char *source_at(const void *table, int i)
{
	(void)table;
	return i <= FINDING_SOURCE_IMPORT ? findings_source_name((finding_source_t)i) : NULL;
}

static const char *sev_at(const void *table, int i)
{
	(void)table;
	return i < TRB_SEV_COUNT ? trb_sev_name((trb_sev_t)i) : NULL;
}

static const char *range_source_at(const void *table, int i)
{
	(void)table;
	return i <= DIFF_SOURCE_DEFAULT ? diff_source_name((diff_source_t)i) : NULL;
}

static const char *mode_at(const void *table, int i)
{
	(void)table;
	return i <= CONFIG_MODE_MONITOR ? config_mode_name((config_mode_t)i) : NULL;
}

/* absent: keeps the default */
static int rd_bool(struct rd *r, bool *out, const cJSON *o, const char *prefix, const char *key)
{
	const cJSON *v;
	int error;

	if ((error = rd_get(r, &v, o, prefix, key, false)) < 0 || !v)
		return error;
	if (!cJSON_IsBool(v))
		return bad(r, "expected true or false");
	*out = cJSON_IsTrue(v);
	return 0;
}

/* An integer from min to max (absent: keeps *out). */
static int rd_uint(struct rd *r, uint64_t *out, const cJSON *o, const char *prefix, const char *key,
		   uint64_t min, uint64_t max, bool required)
{
	const cJSON *v;
	double d;
	int error;

	if ((error = rd_get(r, &v, o, prefix, key, required)) < 0 || !v)
		return error;
	if (!cJSON_IsNumber(v))
		return bad(r, "expected a number");
	d = v->valuedouble;
	if (!isfinite(d) || d != floor(d) || d < (double)min || d > (double)max || d > 9007199254740992.0)
		return bad(r, "expected an integer from %llu to %llu", (unsigned long long)min,
			   (unsigned long long)max);
	*out = (uint64_t)d;
	return 0;
}

static int rd_u32(struct rd *r, uint32_t *out, const cJSON *o, const char *prefix, const char *key,
		  uint32_t min, bool required)
{
	uint64_t v = *out;
	int error;

	if ((error = rd_uint(r, &v, o, prefix, key, min, UINT32_MAX, required)) < 0)
		return error;
	*out = (uint32_t)v;
	return 0;
}

static int rd_size(struct rd *r, size_t *out, const cJSON *o, const char *prefix, const char *key)
{
	uint64_t v = *out;
	int error;

	if ((error = rd_uint(r, &v, o, prefix, key, 0, SIZE_MAX < UINT64_MAX ? SIZE_MAX : UINT64_MAX, false)) < 0)
		return error;
	*out = (size_t)v;
	return 0;
}

/* A number from min to max (absent: keeps *out). */
static int rd_double(struct rd *r, double *out, const cJSON *o, const char *prefix, const char *key,
		     double min, double max)
{
	const cJSON *v;
	int error;

	if ((error = rd_get(r, &v, o, prefix, key, false)) < 0 || !v)
		return error;
	if (!cJSON_IsNumber(v) || !isfinite(v->valuedouble) || v->valuedouble < min || v->valuedouble > max)
		return bad(r, "expected a number from %g to %g", min, max);
	*out = v->valuedouble;
	return 0;
}

/* An object (absent: *out NULL). */
static int rd_obj(struct rd *r, const cJSON **out, const cJSON *o, const char *prefix, const char *key,
		  bool required)
{
	int error;

	if ((error = rd_get(r, out, o, prefix, key, required)) < 0 || !*out)
		return error;
	if (!cJSON_IsObject(*out)) {
		*out = NULL;
		return bad(r, "expected an object");
	}
	return 0;
}

/* An array (absent: *out NULL). */
static int rd_arr(struct rd *r, const cJSON **out, const cJSON *o, const char *prefix, const char *key,
		  bool required)
{
	int error;

	if ((error = rd_get(r, out, o, prefix, key, required)) < 0 || !*out)
		return error;
	if (!cJSON_IsArray(*out)) {
		*out = NULL;
		return bad(r, "expected an array");
	}
	return 0;
}

static int rd_strv(struct rd *r, char ***out, size_t *n_out, const cJSON *o, const char *prefix,
		   const char *key)
{
	const cJSON *a, *v;
	char field[256];
	size_t n, i = 0;
	int error;

	*out = NULL;
	*n_out = 0;
	if ((error = rd_arr(r, &a, o, prefix, key, false)) < 0 || !a)
		return error;
	snprintf(field, sizeof(field), "%.180s", r->where);
	n = (size_t)cJSON_GetArraySize(a);
	if (n && !(*out = calloc(n, sizeof(**out))))
		return trb_err_oom();
	cJSON_ArrayForEach(v, a) {
		at(r, field, NULL, i);
		if (!cJSON_IsString(v) || !v->valuestring)
			return bad(r, "expected a string");
		if (!trb_utf8_valid(v->valuestring, strlen(v->valuestring)))
			return bad(r, "invalid UTF-8");
		if ((error = dupstr(&(*out)[i], v->valuestring)) < 0)
			return error;
		*n_out = ++i;
	}
	return 0;
}

static int check_path(struct rd *r, const char *path)
{
	const char *why = trb_path_check(path, strlen(path));

	return why ? bad(r, "%s", why) : 0;
}

static bool is_hex(const char *s)
{
	size_t n = 0;

	for (; *s; s++, n++)
		if (!((*s >= '0' && *s <= '9') || (*s >= 'a' && *s <= 'f')))
			return false;
	return n > 0 && n <= 128;
}

/* A full SHA-1 or SHA-256 object id in lowercase hex */
static bool is_oid(const char *s)
{
	size_t n = strlen(s);

	return (n == 40 || n == 64) && is_hex(s);
}

static int read_finding(struct rd *r, struct finding *f, const cJSON *o, size_t idx)
{
	char p[64], q[96];
	const cJSON *x, *a, *s;
	int e, error;
	size_t i;

	snprintf(p, sizeof(p), "findings[%zu]", idx);
	at(r, "findings", NULL, idx);
	if (!cJSON_IsObject(o))
		return bad(r, "expected an object");
	if ((error = rd_str(r, &f->id, o, p, "id", true)) < 0 ||
	    (error = rd_str(r, &f->fingerprint, o, p, "fingerprint", true)) < 0)
		return error;
	if (!is_hex(f->fingerprint))
		return at(r, p, "fingerprint", 0), bad(r, "expected lowercase hex digits");
	if ((error = rd_enum_of(r, &e, o, p, "source", source_at, NULL, INT_MAX, true)) < 0)
		return error;
	f->source = (finding_source_t)e;
	if ((error = rd_enum_of(r, &e, o, p, "status", status_at, NULL, INT_MAX, true)) < 0)
		return error;
	f->status = (finding_status_t)e;
	if ((error = rd_bool(r, &f->pre_existing, o, p, "pre_existing")) < 0 ||
	    (error = rd_bool(r, &f->gating, o, p, "gating")) < 0 ||
	    (error = rd_bool(r, &f->in_diff, o, p, "in_diff")) < 0 ||
	    (error = rd_u32(r, &f->anchor_line, o, p, "anchor_line", 0, false)) < 0 ||
	    (error = rd_size(r, &f->unit, o, p, "unit")) < 0 ||
	    (error = rd_str(r, &f->path, o, p, "path", true)) < 0 ||
	    (error = check_path(r, f->path)) < 0 ||
	    (error = rd_str(r, &f->old_path, o, p, "old_path", false)) < 0 ||
	    (f->old_path && (error = check_path(r, f->old_path)) < 0) ||
	    (error = rd_u32(r, &f->start_line, o, p, "start_line", 1, true)) < 0 ||
	    (error = rd_u32(r, &f->end_line, o, p, "end_line", 1, true)) < 0)
		return error;
	if (f->old_path && strcmp(f->old_path, f->path) == 0) {
		free(f->old_path);   /* the record's rule: NULL when not renamed */
		f->old_path = NULL;
	}
	if (f->end_line < f->start_line)
		return bad(r, "end_line %u is before start_line %u", f->end_line, f->start_line);
	if (f->anchor_line && (f->anchor_line < f->start_line || f->anchor_line > f->end_line))
		return at(r, p, "anchor_line", 0), bad(r, "outside start_line..end_line");
	if ((error = rd_str(r, &f->category, o, p, "category", false)) < 0 ||
	    (error = rd_str(r, &f->cwe, o, p, "cwe", false)) < 0)
		return error;
	if (f->cwe) {
		const char *c = f->cwe + 4;
		if (strncmp(f->cwe, "CWE-", 4) != 0 || !*c || strlen(c) > 9 || strspn(c, "0123456789") != strlen(c))
			return bad(r, "expected CWE-<number>");
	}
	if ((error = rd_enum_of(r, &e, o, p, "severity", sev_at, NULL, INT_MAX, true)) < 0)
		return error;
	f->severity = (trb_sev_t)e;
	if ((error = rd_double(r, &f->confidence, o, p, "confidence", 0.0, 1.0)) < 0 ||
	    (error = rd_str(r, &f->title, o, p, "title", true)) < 0 ||
	    (error = rd_str(r, &f->description, o, p, "description", false)) < 0 ||
	    (error = rd_str(r, &f->exploit_scenario, o, p, "exploit_scenario", false)) < 0 ||
	    (error = rd_str(r, &f->recommendation, o, p, "recommendation", false)) < 0 ||
	    (error = rd_str(r, &f->rule_id, o, p, "rule_id", false)) < 0 ||
	    (error = rd_str(r, &f->snippet, o, p, "snippet", false)) < 0)
		return error;

	if ((error = rd_arr(r, &a, o, p, "data_flow", false)) < 0)
		return error;
	if (a && cJSON_GetArraySize(a) > 0) {
		size_t n = (size_t)cJSON_GetArraySize(a);
		if (!(f->flow = calloc(n, sizeof(*f->flow))))
			return trb_err_oom();
		i = 0;
		cJSON_ArrayForEach(s, a) {
			struct finding_step *st = &f->flow[i];
			snprintf(q, sizeof(q), "%s.data_flow[%zu]", p, i);
			snprintf(r->where, sizeof(r->where), "%s", q);
			if (!cJSON_IsObject(s))
				return bad(r, "expected an object");
			f->n_flow = ++i;
			if ((error = rd_str(r, &st->path, s, q, "path", true)) < 0 ||
			    (error = check_path(r, st->path)) < 0 ||
			    (error = rd_u32(r, &st->line, s, q, "line", 1, true)) < 0 ||
			    (error = rd_str(r, &st->note, s, q, "note", false)) < 0)
				return error;
		}
	}

	snprintf(q, sizeof(q), "%s.verification", p);
	if ((error = rd_obj(r, &x, o, p, "verification", false)) < 0)
		return error;
	if (x) {
		uint64_t votes = 1;
		if ((error = rd_enum(r, &e, x, q, "verdict", verdicts, false)) < 0 ||
		    (error = rd_str(r, &f->verification.verdict, x, q, "verdict", false)) < 0 ||
		    (error = rd_str(r, &f->verification.reason, x, q, "reason", false)) < 0 ||
		    (error = rd_str(r, &f->verification.model, x, q, "model", false)) < 0 ||
		    (error = rd_uint(r, &votes, x, q, "votes", 0, 1000, false)) < 0 ||
		    (error = rd_bool(r, &f->verification.exploitable, x, q, "exploitable")) < 0 ||
		    (error = rd_bool(r, &f->verification.mitigated, x, q, "mitigated")) < 0 ||
		    (error = rd_bool(r, &f->verification.consistent, x, q, "consistent")) < 0)
			return error;
		f->verification.votes = (unsigned)votes;
		f->verification.done = f->verification.verdict != NULL;
	}

	snprintf(q, sizeof(q), "%s.patch", p);
	if ((error = rd_obj(r, &x, o, p, "patch", false)) < 0)
		return error;
	if (x) {
		f->patch.present = true;
		if ((error = rd_str(r, &f->patch.diff, x, q, "diff", false)) < 0 ||
		    (error = rd_str(r, &f->patch.explanation, x, q, "explanation", false)) < 0 ||
		    (error = rd_bool(r, &f->patch.applies, x, q, "applies")) < 0 ||
		    (error = rd_bool(r, &f->patch.reverified, x, q, "reverified")) < 0 ||
		    (error = rd_str(r, &f->patch.dropped, x, q, "dropped", false)) < 0)
			return error;
		if (f->patch.applies && !f->patch.diff)
			return at(r, q, "diff", 0), bad(r, "missing (applies is true)");
	}

	snprintf(q, sizeof(q), "%s.suppression", p);
	if ((error = rd_obj(r, &x, o, p, "suppression", false)) < 0)
		return error;
	if (x) {
		f->suppression.present = true;
		if ((error = rd_enum(r, &e, x, q, "kind", suppression_kinds, false)) < 0 ||
		    (error = rd_str(r, &f->suppression.kind, x, q, "kind", false)) < 0 ||
		    (error = rd_str(r, &f->suppression.reason, x, q, "reason", false)) < 0 ||
		    (error = rd_str(r, &f->suppression.owner, x, q, "owner", false)) < 0 ||
		    (error = rd_str(r, &f->suppression.expires, x, q, "expires", false)) < 0 ||
		    (error = rd_str(r, &f->suppression.match, x, q, "match", false)) < 0)
			return error;
	}
	return 0;
}

static int read_run(struct rd *r, struct findings_run *run, const cJSON *o)
{
	const cJSON *x;
	int e, error, a;

	if ((error = rd_str(r, &run->scan_id, o, "run", "scan_id", false)) < 0 ||
	    (error = rd_str(r, &run->repository, o, "run", "repository", false)) < 0 ||
	    (error = rd_str(r, &run->merge_request, o, "run", "merge_request", false)) < 0 ||
	    (error = rd_str(r, &run->base, o, "run", "base", false)) < 0 ||
	    (error = rd_str(r, &run->head, o, "run", "head", false)) < 0 ||
	    (error = rd_str(r, &run->merge_base, o, "run", "merge_base", false)) < 0 ||
	    (error = rd_enum_of(r, &e, o, "run", "range_source", range_source_at, NULL, INT_MAX, false)) < 0 ||
	    (error = rd_str(r, &run->range_source, o, "run", "range_source", false)) < 0)
		return error;
	/* they become revision expressions in `tribunal merge`: full object ids only, never a name */
	if ((run->base && !is_oid(run->base)) || (run->head && !is_oid(run->head)) ||
	    (run->merge_base && !is_oid(run->merge_base)))
		return at(r, "run", "base/head/merge_base", 0), bad(r, "expected hex commit ids (40 or 64 digits)");
	if (!run->base != !run->head)
		return at(r, "run", run->base ? "head" : "base", 0),
		       bad(r, "missing (base and head come together, or neither is given)");
	if ((error = rd_obj(r, &x, o, "run", "policy", false)) < 0)
		return error;
	if (x && ((error = rd_enum(r, &e, x, "run.policy", "source", policy_sources, false)) < 0 ||
		  (error = rd_str(r, &run->policy_source, x, "run.policy", "source", false)) < 0 ||
		  (error = rd_str(r, &run->policy_sha256, x, "run.policy", "sha256", false)) < 0))
		return error;
	if ((error = rd_enum_of(r, &e, o, "run", "mode", mode_at, NULL, INT_MAX, false)) < 0)
		return error;
	run->mode = e < 0 ? CONFIG_MODE_BLOCK : (config_mode_t)e;
	if ((error = rd_obj(r, &x, o, "run", "models", false)) < 0)
		return error;
	for (a = 0; x && a < CONFIG_AGENT_COUNT; a++)
		if ((error = rd_str(r, &run->models[a], x, "run.models", config_agent_name((config_agent_t)a), false)) < 0)
			return error;
	if ((error = rd_obj(r, &x, o, "run", "prompts", false)) < 0)
		return error;
	for (a = 0; x && a < CONFIG_AGENT_COUNT; a++)
		if ((error = rd_str(r, &run->prompts[a], x, "run.prompts", config_agent_name((config_agent_t)a), false)) < 0)
			return error;
	if ((error = rd_str(r, &run->started_at, o, "run", "started_at", false)) < 0 ||
	    (error = rd_uint(r, &run->duration_ms, o, "run", "duration_ms", 0, UINT64_MAX, false)) < 0 ||
	    (error = rd_str(r, &run->shard, o, "run", "shard", false)) < 0)
		return error;
	if ((error = rd_obj(r, &x, o, "run", "units", false)) < 0)
		return error;
	if (x && ((error = rd_size(r, &run->units_total, x, "run.units", "total")) < 0 ||
		  (error = rd_size(r, &run->units_reviewed, x, "run.units", "reviewed")) < 0 ||
		  (error = rd_size(r, &run->units_not_reviewed, x, "run.units", "not_reviewed")) < 0))
		return error;
	if ((error = rd_obj(r, &x, o, "run", "tokens", false)) < 0)
		return error;
	if (x && ((error = rd_uint(r, &run->tokens_input, x, "run.tokens", "input", 0, UINT64_MAX, false)) < 0 ||
		  (error = rd_uint(r, &run->tokens_output, x, "run.tokens", "output", 0, UINT64_MAX, false)) < 0 ||
		  (error = rd_uint(r, &run->tokens_cache_read, x, "run.tokens", "cache_read", 0, UINT64_MAX, false)) < 0 ||
		  (error = rd_uint(r, &run->tokens_cache_write, x, "run.tokens", "cache_write", 0, UINT64_MAX, false)) < 0))
		return error;
	if ((error = rd_double(r, &run->cost_usd, o, "run", "cost_usd", 0.0, 1e12)) < 0 ||
	    (error = rd_bool(r, &run->agents_ran, o, "run", "agents_ran")) < 0 ||
	    (error = rd_strv(r, &run->notices, &run->n_notices, o, "run", "notices")) < 0)
		return error;
	if ((error = rd_obj(r, &x, o, "run", "gate", false)) < 0)
		return error;
	if (x) {
		if ((error = rd_enum(r, &e, x, "run.gate", "result", gate_results, true)) < 0 ||
		    (error = rd_strv(r, &run->gate_reasons, &run->n_gate_reasons, x, "run.gate", "reasons")) < 0)
			return error;
		run->gate_pass = e == 0;
	}
	return 0;
}

static int read_record(struct rd *r, struct findings *fs, const cJSON *root)
{
	const cJSON *x, *a, *it;
	uint64_t version = 0;
	struct finding *f;
	char p[64];
	size_t i, n;
	int error;

	snprintf(r->where, sizeof(r->where), "(top level)");
	if (!cJSON_IsObject(root))
		return bad(r, "expected a JSON object");
	if ((error = rd_uint(r, &version, root, "", "schema_version", 1, 1000, true)) < 0)
		return error;
	if (version != FINDINGS_SCHEMA_VERSION)
		return bad(r, "version %llu is not supported (this tribunal reads version %d)",
			   (unsigned long long)version, FINDINGS_SCHEMA_VERSION);
	if ((error = rd_obj(r, &x, root, "", "tool", true)) < 0 ||
	    (error = rd_str(r, &fs->run.tool_version, x, "tool", "version", false)) < 0)
		return error;
	if ((error = rd_obj(r, &x, root, "", "run", true)) < 0 || (error = read_run(r, &fs->run, x)) < 0)
		return error;

	if ((error = rd_arr(r, &a, root, "", "findings", true)) < 0)
		return error;
	i = 0;
	cJSON_ArrayForEach(it, a) {
		if ((error = findings_add(&f, fs)) < 0 || (error = read_finding(r, f, it, i++)) < 0)
			return error;
	}

	if ((error = rd_arr(r, &a, root, "", "not_reviewed", false)) < 0)
		return error;
	if (a && (n = (size_t)cJSON_GetArraySize(a)) > 0) {
		if (!(fs->unreviewed = calloc(n, sizeof(*fs->unreviewed))))
			return trb_err_oom();
		i = 0;
		cJSON_ArrayForEach(it, a) {
			struct findings_unreviewed *u = &fs->unreviewed[i];
			size_t j;
			snprintf(p, sizeof(p), "not_reviewed[%zu]", i);
			snprintf(r->where, sizeof(r->where), "%s", p);
			if (!cJSON_IsObject(it))
				return bad(r, "expected an object");
			fs->n_unreviewed = ++i;
			if ((error = rd_size(r, &u->unit, it, p, "unit")) < 0 ||
			    (error = rd_strv(r, &u->paths, &u->n_paths, it, p, "paths")) < 0 ||
			    (error = rd_str(r, &u->reason, it, p, "reason", true)) < 0)
				return error;
			for (j = 0; j < u->n_paths; j++) {
				at(r, p, "paths", 0);
				if ((error = check_path(r, u->paths[j])) < 0)
					return error;
			}
		}
	}

	if ((error = rd_arr(r, &a, root, "", "skipped", false)) < 0)
		return error;
	if (a && (n = (size_t)cJSON_GetArraySize(a)) > 0) {
		if (!(fs->skipped = calloc(n, sizeof(*fs->skipped))))
			return trb_err_oom();
		i = 0;
		cJSON_ArrayForEach(it, a) {
			struct findings_skipped *s = &fs->skipped[i];
			snprintf(p, sizeof(p), "skipped[%zu]", i);
			snprintf(r->where, sizeof(r->where), "%s", p);
			if (!cJSON_IsObject(it))
				return bad(r, "expected an object");
			fs->n_skipped = ++i;
			if ((error = rd_str(r, &s->path, it, p, "path", true)) < 0 ||
			    (error = check_path(r, s->path)) < 0 ||
			    (error = rd_str(r, &s->reason, it, p, "reason", true)) < 0 ||
			    (error = rd_str(r, &s->detail, it, p, "detail", false)) < 0)
				return error;
		}
	}
	return 0;
}

int findings_from_json(struct findings **out, const char *json, size_t len, const char *name)
{
	struct rd r;
	struct findings *fs = NULL;
	cJSON *root = NULL;
	int error;

	*out = NULL;
	memset(&r, 0, sizeof(r));
	r.name = name ? name : "findings.json";
	if ((error = findings_new(&fs)) < 0)
		return error;
	if (!(root = cJSON_ParseWithLength(json, len))) {
		size_t off = 0;
		const char *e = cJSON_GetErrorPtr();
		if (e && e >= json && e <= json + len)
			off = (size_t)(e - json);
		error = trb_err_set(TRB_EINVAL, "%s: not valid JSON (near byte %zu)", r.name, off);
		goto cleanup;
	}
	if ((error = read_record(&r, fs, root)) < 0)
		goto cleanup;
	*out = fs;
	fs = NULL;
cleanup:
	cJSON_Delete(root);
	findings_free(fs);
	return error;
}

/* ---- order and merge ---------------------------------------------------------------------- */

static int cmp_str(const char *a, const char *b)
{
	return strcmp(a ? a : "", b ? b : "");
}

static int cmp_finding(const void *pa, const void *pb)
{
	const struct finding *a = pa, *b = pb;
	int c;

	if ((c = cmp_str(a->path, b->path)) != 0)
		return c;
	if (a->start_line != b->start_line)
		return a->start_line < b->start_line ? -1 : 1;
	if (a->end_line != b->end_line)
		return a->end_line < b->end_line ? -1 : 1;
	if ((c = cmp_str(a->fingerprint, b->fingerprint)) != 0)
		return c;
	if (a->status != b->status)
		return a->status < b->status ? -1 : 1;
	return cmp_str(a->title, b->title);
}

static int cmp_unreviewed(const void *pa, const void *pb)
{
	const struct findings_unreviewed *a = pa, *b = pb;

	if (a->unit != b->unit)
		return a->unit < b->unit ? -1 : 1;
	return cmp_str(a->reason, b->reason);
}

static int cmp_skipped(const void *pa, const void *pb)
{
	const struct findings_skipped *a = pa, *b = pb;
	int c;

	if ((c = cmp_str(a->path, b->path)) != 0)
		return c;
	return cmp_str(a->reason, b->reason);
}

void findings_order(struct findings *fs)
{
	size_t i;

	if (fs->n > 1)
		qsort(fs->v, fs->n, sizeof(*fs->v), cmp_finding);
	for (i = 0; i < fs->n; i++) {
		char id[32];
		char *p;
		snprintf(id, sizeof(id), "F%zu", i + 1);
		if ((p = strdup(id)) != NULL) {
			free(fs->v[i].id);
			fs->v[i].id = p;
		}
	}
	if (fs->n_unreviewed > 1)
		qsort(fs->unreviewed, fs->n_unreviewed, sizeof(*fs->unreviewed), cmp_unreviewed);
	if (fs->n_skipped > 1)
		qsort(fs->skipped, fs->n_skipped, sizeof(*fs->skipped), cmp_skipped);
}

/* strdup that keeps NULL and records a failure in *ok */
static char *dup_opt(const char *s, bool *ok)
{
	char *p;

	if (!s)
		return NULL;
	if (!(p = strdup(s)))
		*ok = false;
	return p;
}

static int finding_copy(struct finding *d, const struct finding *s)
{
	bool ok = true;
	size_t i;

	*d = *s;
	d->id = dup_opt(s->id, &ok);
	d->fingerprint = dup_opt(s->fingerprint, &ok);
	d->path = dup_opt(s->path, &ok);
	d->old_path = dup_opt(s->old_path, &ok);
	d->category = dup_opt(s->category, &ok);
	d->cwe = dup_opt(s->cwe, &ok);
	d->title = dup_opt(s->title, &ok);
	d->description = dup_opt(s->description, &ok);
	d->exploit_scenario = dup_opt(s->exploit_scenario, &ok);
	d->recommendation = dup_opt(s->recommendation, &ok);
	d->rule_id = dup_opt(s->rule_id, &ok);
	d->snippet = dup_opt(s->snippet, &ok);
	d->verification.verdict = dup_opt(s->verification.verdict, &ok);
	d->verification.reason = dup_opt(s->verification.reason, &ok);
	d->verification.model = dup_opt(s->verification.model, &ok);
	d->patch.diff = dup_opt(s->patch.diff, &ok);
	d->patch.explanation = dup_opt(s->patch.explanation, &ok);
	d->patch.dropped = dup_opt(s->patch.dropped, &ok);
	d->suppression.kind = dup_opt(s->suppression.kind, &ok);
	d->suppression.reason = dup_opt(s->suppression.reason, &ok);
	d->suppression.owner = dup_opt(s->suppression.owner, &ok);
	d->suppression.expires = dup_opt(s->suppression.expires, &ok);
	d->suppression.match = dup_opt(s->suppression.match, &ok);
	d->flow = NULL;
	d->n_flow = 0;
	if (s->n_flow) {
		if (!(d->flow = calloc(s->n_flow, sizeof(*d->flow)))) {
			ok = false;
		} else {
			d->n_flow = s->n_flow;
			for (i = 0; i < s->n_flow; i++) {
				d->flow[i].path = dup_opt(s->flow[i].path, &ok);
				d->flow[i].line = s->flow[i].line;
				d->flow[i].note = dup_opt(s->flow[i].note, &ok);
			}
		}
	}
	return ok ? 0 : trb_err_oom();
}

static bool same_opt(const char *a, const char *b)
{
	return !a || !b || strcmp(a, b) == 0;
}

/* An entry of one of the parts and its position in the concatenation of all of them: sorted with
 * the position as the last key, equal entries keep the parts' order (the first copy is kept). */
struct at_pos {
	const void *p;
	size_t pos;
};

static int alloc_at_pos(struct at_pos **out, size_t n)
{
	size_t bytes;
	int error;

	*out = NULL;
	if (n == 0)
		return 0;
	if ((error = trb_mul_size(&bytes, n, sizeof(**out))) < 0)
		return error;
	return (*out = malloc(bytes)) ? 0 : trb_err_oom();
}

static int cmp_pos(const struct at_pos *a, const struct at_pos *b)
{
	return a->pos < b->pos ? -1 : a->pos > b->pos;
}

static int cmp_fp(const void *pa, const void *pb)
{
	const struct at_pos *a = pa, *b = pb;
	const struct finding *x = a->p, *y = b->p;
	int c = cmp_str(x->fingerprint, y->fingerprint);

	return c ? c : cmp_pos(a, b);
}

static int cmp_unreviewed_pos(const void *pa, const void *pb)
{
	const struct at_pos *a = pa, *b = pb;
	int c = cmp_unreviewed(a->p, b->p);

	return c ? c : cmp_pos(a, b);
}

static int cmp_skipped_pos(const void *pa, const void *pb)
{
	const struct at_pos *a = pa, *b = pb;
	const struct findings_skipped *x = a->p, *y = b->p;
	int c = cmp_str(x->path, y->path);

	return c ? c : cmp_pos(a, b);
}

static int cmp_str_pos(const void *pa, const void *pb)
{
	const struct at_pos *a = pa, *b = pb;
	int c = cmp_str(a->p, b->p);

	return c ? c : cmp_pos(a, b);
}

/* A copy of v without repeats, the first of each kept where it was: found through a sorted index,
 * so that a unit naming a path many times costs n log n, not n^2. */
static int strv_copy_unique(char ***out, size_t *n_out, char *const *v, size_t n)
{
	struct at_pos *idx = NULL;
	bool *keep = NULL;
	size_t i, k = 0;
	int error;

	*out = NULL;
	*n_out = 0;
	if ((error = alloc_at_pos(&idx, n)) < 0 || n == 0)
		return error;
	if (!(keep = calloc(n, sizeof(*keep))) || !(*out = calloc(n, sizeof(**out)))) {
		error = trb_err_oom();
		goto cleanup;
	}
	for (i = 0; i < n; i++) {
		idx[i].p = v[i];
		idx[i].pos = i;
	}
	qsort(idx, n, sizeof(*idx), cmp_str_pos);
	for (i = 0; i < n; i++)
		keep[idx[i].pos] = i == 0 || cmp_str(idx[i].p, idx[i - 1].p) != 0;
	for (i = 0; i < n; i++) {
		if (!keep[i])
			continue;
		if (!((*out)[k] = strdup(v[i]))) {
			error = trb_err_oom();
			goto cleanup;
		}
		*n_out = ++k;
	}
cleanup:
	free(idx);
	free(keep);
	return error;
}

/* Units not reviewed, one per (unit, reason): concatenated, sorted, the first copy kept. */
static int merge_unreviewed(struct findings *m, struct findings *const *parts, size_t n)
{
	struct at_pos *all = NULL;
	size_t total = 0, i, j, k = 0;
	bool ok = true;
	int error;

	for (i = 0; i < n; i++)
		if ((error = trb_add_size(&total, total, parts[i]->n_unreviewed)) < 0)
			return error;
	if ((error = alloc_at_pos(&all, total)) < 0 || total == 0)
		return error;
	for (i = 0; i < n; i++)
		for (j = 0; j < parts[i]->n_unreviewed; j++, k++) {
			all[k].p = &parts[i]->unreviewed[j];
			all[k].pos = k;
		}
	qsort(all, total, sizeof(*all), cmp_unreviewed_pos);
	if (!(m->unreviewed = calloc(total, sizeof(*m->unreviewed)))) {
		error = trb_err_oom();
		goto cleanup;
	}
	for (i = 0, k = 0; i < total; i++) {
		const struct findings_unreviewed *u = all[i].p;
		struct findings_unreviewed *nu = &m->unreviewed[k];
		if (i > 0 && cmp_unreviewed(u, all[i - 1].p) == 0)
			continue;
		m->n_unreviewed = ++k;
		nu->unit = u->unit;
		nu->reason = dup_opt(u->reason, &ok);
		if ((error = strv_copy_unique(&nu->paths, &nu->n_paths, u->paths, u->n_paths)) < 0)
			goto cleanup;
	}
	if (!ok)
		error = trb_err_oom();
cleanup:
	free(all);
	return error;
}

/* Skipped files, one per path: concatenated, sorted, the first copy kept. */
static int merge_skipped(struct findings *m, struct findings *const *parts, size_t n)
{
	struct at_pos *all = NULL;
	size_t total = 0, i, j, k = 0;
	bool ok = true;
	int error;

	for (i = 0; i < n; i++)
		if ((error = trb_add_size(&total, total, parts[i]->n_skipped)) < 0)
			return error;
	if ((error = alloc_at_pos(&all, total)) < 0 || total == 0)
		return error;
	for (i = 0; i < n; i++)
		for (j = 0; j < parts[i]->n_skipped; j++, k++) {
			all[k].p = &parts[i]->skipped[j];
			all[k].pos = k;
		}
	qsort(all, total, sizeof(*all), cmp_skipped_pos);
	if (!(m->skipped = calloc(total, sizeof(*m->skipped)))) {
		error = trb_err_oom();
		goto cleanup;
	}
	for (i = 0, k = 0; i < total; i++) {
		const struct findings_skipped *sk = all[i].p, *prev = i ? all[i - 1].p : NULL;
		struct findings_skipped *ns = &m->skipped[k];
		if (prev && cmp_str(sk->path, prev->path) == 0)
			continue;
		m->n_skipped = ++k;
		ns->path = dup_opt(sk->path, &ok);
		ns->reason = dup_opt(sk->reason, &ok);
		ns->detail = dup_opt(sk->detail, &ok);
	}
	if (!ok)
		error = trb_err_oom();
cleanup:
	free(all);
	return error;
}

int findings_merge(struct findings **out, struct findings *const *parts, size_t n)
{
	struct findings *m = NULL;
	struct at_pos *all = NULL;
	size_t total = 0, i, j, k;
	bool ok = true;
	int error = 0, a;

	*out = NULL;
	if (n == 0)
		return trb_err_set(TRB_EINVAL, "merge: no findings.json to merge");
	for (i = 1; i < n; i++) {
		const struct findings_run *r0 = &parts[0]->run, *ri = &parts[i]->run;
		if (!same_opt(r0->head, ri->head) || !same_opt(r0->base, ri->base) ||
		    !same_opt(r0->merge_base, ri->merge_base))
			return trb_err_set(TRB_EINVAL, "merge: part %zu reviewed a different range (%.12s..%.12s) than part 1 (%.12s..%.12s)",
					   i + 1, ri->base ? ri->base : "?", ri->head ? ri->head : "?",
					   r0->base ? r0->base : "?", r0->head ? r0->head : "?");
		if (!same_opt(r0->policy_sha256, ri->policy_sha256))
			return trb_err_set(TRB_EINVAL, "merge: part %zu ran with a different policy than part 1", i + 1);
	}
	if ((error = findings_new(&m)) < 0)
		return error;

	/* run record: identity from the first part that has it, counts summed */
	for (i = 0; i < n; i++) {
		const struct findings_run *r = &parts[i]->run;
		struct findings_run *d = &m->run;
#define TAKE(field) do { if (!d->field && r->field) d->field = dup_opt(r->field, &ok); } while (0)
		TAKE(scan_id);
		TAKE(tool_version);
		TAKE(repository);
		TAKE(merge_request);
		TAKE(base);
		TAKE(head);
		TAKE(merge_base);
		TAKE(range_source);
		TAKE(policy_source);
		TAKE(policy_sha256);
		for (a = 0; a < CONFIG_AGENT_COUNT; a++) {
			TAKE(models[a]);
			TAKE(prompts[a]);
		}
#undef TAKE
		if (r->started_at && (!d->started_at || strcmp(r->started_at, d->started_at) < 0)) {
			free(d->started_at);
			d->started_at = dup_opt(r->started_at, &ok);
		}
		if (i == 0)
			d->mode = r->mode;
		if (r->duration_ms > d->duration_ms)
			d->duration_ms = r->duration_ms;
		d->units_total += r->units_total;
		d->units_reviewed += r->units_reviewed;
		d->units_not_reviewed += r->units_not_reviewed;
		d->tokens_input += r->tokens_input;
		d->tokens_output += r->tokens_output;
		d->tokens_cache_read += r->tokens_cache_read;
		d->tokens_cache_write += r->tokens_cache_write;
		d->cost_usd += r->cost_usd;
		/* agents reviewed the merge request only if they did in every shard */
		d->agents_ran = (i == 0 || d->agents_ran) && r->agents_ran;
		d->gate_pass = d->gate_pass && r->gate_pass;
		for (j = 0; j < r->n_notices && error == 0; j++)
			error = findings_add_notice(m, r->notices[j]);
		for (j = 0; j < r->n_gate_reasons && error == 0; j++)
			error = findings_strv_add_unique(&d->gate_reasons, &d->n_gate_reasons, r->gate_reasons[j]);
	}
	if (!ok)
		error = trb_err_oom();
	if (error < 0)
		goto cleanup;

	/* findings: one copy per fingerprint, the most decisive */
	for (i = 0; i < n; i++)
		if ((error = trb_add_size(&total, total, parts[i]->n)) < 0)
			goto cleanup;
	if ((error = alloc_at_pos(&all, total)) < 0)
		goto cleanup;
	for (i = 0, k = 0; i < n; i++)
		for (j = 0; j < parts[i]->n; j++, k++) {
			all[k].p = &parts[i]->v[j];
			all[k].pos = k;
		}
	if (total > 1)
		qsort(all, total, sizeof(*all), cmp_fp);
	for (i = 0; i < total; i = j) {
		const struct finding *best = all[i].p, *first = all[i].p;
		struct finding *f;
		for (j = i + 1; j < total && cmp_str(((const struct finding *)all[j].p)->fingerprint, first->fingerprint) == 0; j++)
			if (findings_stronger(all[j].p, best))
				best = all[j].p;
		if ((error = findings_add(&f, m)) < 0)
			goto cleanup;
		if ((error = finding_copy(f, best)) < 0)
			goto cleanup;
	}

	/* not reviewed (by unit and reason) and skipped (by path): united, the first copy kept */
	if ((error = merge_unreviewed(m, parts, n)) < 0 || (error = merge_skipped(m, parts, n)) < 0)
		goto cleanup;
	findings_order(m);
	*out = m;
	m = NULL;
cleanup:
	free(all);
	findings_free(m);
	return error;
}
