/* rules/engine.c: compiling the rule table: built-ins and the policy's rules, PCRE2 with JIT. */
#include "rules/rules_int.h"

#include <stdlib.h>
#include <string.h>

#include "util/array.h"
#include "util/buf.h"
#include "util/err.h"
#include "util/glob.h"

#define POLICY_PATTERN_MAX 4096

/* A language as the policy names it (config_language_name: canonical names and aliases). */
static int lang_parse(diff_lang_t *out, const char *name)
{
	const char *canon = config_language_name(name);
	size_t i;

	if (canon && strcmp(canon, "other") == 0) {
		*out = DIFF_LANG_NONE;
		return 0;
	}
	for (i = 1; canon && i < DIFF_LANG_COUNT; i++) {
		if (strcmp(canon, diff_lang_name((diff_lang_t)i)) == 0) {
			*out = (diff_lang_t)i;
			return 0;
		}
	}
	return TRB_EINVAL;
}

static void entry_dispose(struct rules_entry *e)
{
	size_t i;

	pcre2_code_free(e->code);
	for (i = 0; i < e->n_paths; i++)
		free(e->paths[i]);
	free(e->paths);
	for (i = 0; i < TRB_ARRAY_LEN(e->owned); i++)
		free(e->owned[i]);
}

void rules_free(struct rules *r)
{
	size_t i;

	if (!r)
		return;
	for (i = 0; i < r->n; i++)
		entry_dispose(&r->v[i]);
	free(r->v);
	free(r);
}

/* Compiles e->info.pattern; `where` names the rule in messages. */
static int compile(struct rules *r, struct rules_entry *e, const char *where)
{
	int errcode;
	PCRE2_SIZE erroff;
	uint32_t caps = 0;
	PCRE2_UCHAR msg[256];

	if (!e->info.pattern[0])
		return 0;   /* meta rules match nothing themselves */
	/* the options `policy check` compiles with too: a pattern it accepts compiles here */
	e->code = pcre2_compile((PCRE2_SPTR)e->info.pattern, PCRE2_ZERO_TERMINATED, CONFIG_RULE_PCRE2_OPTIONS,
				&errcode, &erroff, NULL);
	if (!e->code) {
		pcre2_get_error_message(errcode, msg, sizeof(msg));
		return trb_err_set(TRB_EINVAL, "%s: pattern does not compile at offset %zu: %s", where,
				   (size_t)erroff, (const char *)msg);
	}
	/* Without JIT (unsupported platform, or a pattern too large for it) the interpreter runs
	 * it under the same limits. */
	e->jit = pcre2_jit_compile(e->code, PCRE2_JIT_COMPLETE) == 0;
	if (pcre2_pattern_info(e->code, PCRE2_INFO_CAPTURECOUNT, &caps) == 0 && caps + 1 > r->ovec_pairs)
		r->ovec_pairs = caps + 1;
	if (e->group > 0 && (uint32_t)e->group > caps)
		return trb_err_set(TRB_ERROR, "%s: no capture group %d", where, e->group);
	return 0;
}

static int strdup_to(char **out, const char *s)
{
	if (!(*out = strdup(s ? s : "")))
		return trb_err_oom();
	return 0;
}

static int add_policy_rule(struct rules *r, struct rules_entry *e, const struct config_rule *cr,
			   const char *src)
{
	struct trb_buf where = TRB_BUF_INIT(TRB_LIMIT_SMALL), buf = TRB_BUF_INIT(TRB_LIMIT_SMALL);
	size_t i;
	int error = 0;
	const char *bad;

	trb_buf_printf(&where, "%s%s%zu:%zu: rule '%s'", src ? src : "", src ? ":" : "", cr->line,
		       cr->col, cr->id ? cr->id : "");
	if ((error = trb_buf_error(&where)) < 0)
		goto cleanup;
	if (!cr->id || !cr->id[0]) {
		error = trb_err_set(TRB_EINVAL, "%s: a rule needs an id", trb_buf_cstr(&where));
		goto cleanup;
	}
	if (!cr->pattern || !cr->pattern[0]) {
		error = trb_err_set(TRB_EINVAL, "%s: a rule needs a pattern", trb_buf_cstr(&where));
		goto cleanup;
	}
	if (strlen(cr->pattern) > POLICY_PATTERN_MAX) {
		error = trb_err_set(TRB_EINVAL, "%s: pattern longer than %d bytes", trb_buf_cstr(&where),
				    POLICY_PATTERN_MAX);
		goto cleanup;
	}
	for (i = 0; &r->v[i] != e; i++) {
		if (strcmp(r->v[i].info.id, cr->id) == 0) {
			error = trb_err_set(TRB_EINVAL, "%s: id already used by %s rule", trb_buf_cstr(&where),
					    r->v[i].info.kind == RULES_KIND_POLICY ? "another policy" : "a built-in");
			goto cleanup;
		}
	}
	e->info.kind = RULES_KIND_POLICY;
	e->info.category = "policy";
	e->info.severity = cr->severity;
	e->info.confidence = 0.9;
	e->info.standalone = cr->standalone;
	if ((error = strdup_to(&e->owned[0], cr->id)) < 0 || (error = strdup_to(&e->owned[1], cr->pattern)) < 0)
		goto cleanup;
	e->info.id = e->owned[0];
	e->info.pattern = e->owned[1];
	if (cr->message && cr->message[0])
		error = strdup_to(&e->owned[2], cr->message);
	else
		error = (trb_buf_printf(&buf, "Policy rule %s matched", cr->id) < 0) ? trb_buf_error(&buf)
										     : strdup_to(&e->owned[2], trb_buf_cstr(&buf));
	if (error < 0)
		goto cleanup;
	e->info.title = e->owned[2];
	e->info.message = e->owned[2];
	trb_buf_clear(&buf);
	trb_buf_printf(&buf, "Follow the policy rule '%s', or add `tribunal-ignore: %s <reason>` where the match is intended.",
		       cr->id, cr->id);
	if ((error = trb_buf_error(&buf)) < 0 || (error = strdup_to(&e->owned[3], trb_buf_cstr(&buf))) < 0)
		goto cleanup;
	e->info.recommendation = e->owned[3];
	if (cr->cwe) {
		if ((error = strdup_to(&e->owned[4], cr->cwe)) < 0)
			goto cleanup;
		e->info.cwe = e->owned[4];
	}
	trb_buf_clear(&buf);
	for (i = 0; i < cr->languages.n; i++) {
		diff_lang_t l;
		if (lang_parse(&l, cr->languages.v[i]) < 0) {
			error = trb_err_set(TRB_EINVAL, "%s: unknown language '%s'", trb_buf_cstr(&where),
					    cr->languages.v[i]);
			goto cleanup;
		}
		e->langs |= 1u << l;
		trb_buf_printf(&buf, "%s%s", i ? "," : "", l == DIFF_LANG_NONE ? "other" : diff_lang_name(l));
	}
	if ((error = trb_buf_error(&buf)) < 0 || (error = strdup_to(&e->owned[5], trb_buf_cstr(&buf))) < 0)
		goto cleanup;
	e->info.languages = e->owned[5];
	if (cr->paths.n) {
		if (!(e->paths = calloc(cr->paths.n, sizeof(*e->paths)))) {
			error = trb_err_oom();
			goto cleanup;
		}
		for (i = 0; i < cr->paths.n; i++) {
			if ((bad = trb_glob_check(cr->paths.v[i])) != NULL) {
				error = trb_err_set(TRB_EINVAL, "%s: path '%s': %s", trb_buf_cstr(&where),
						    cr->paths.v[i], bad);
				goto cleanup;
			}
			if ((error = strdup_to(&e->paths[i], cr->paths.v[i])) < 0)
				goto cleanup;
			e->n_paths++;
		}
	}
	error = compile(r, e, trb_buf_cstr(&where));
cleanup:
	trb_buf_dispose(&where);
	trb_buf_dispose(&buf);
	return error;
}

int rules_new(struct rules **out, const struct config *policy)
{
	struct rules *r;
	size_t i, n_policy = policy ? policy->n_rules : 0, total;
	int error = 0;

	*out = NULL;
	if ((error = trb_add_size(&total, rules_n_builtins, n_policy)) < 0)
		return error;
	if (!(r = calloc(1, sizeof(*r))) || !(r->v = calloc(total, sizeof(*r->v)))) {
		free(r);
		return trb_err_oom();
	}
	r->ovec_pairs = 1;
	for (i = 0; i < rules_n_builtins; i++) {
		const struct rules_builtin *b = &rules_builtins[i];
		struct rules_entry *e = &r->v[r->n++];
		e->info = b->info;
		e->langs = b->langs;
		e->group = b->group;
		e->flags = b->flags;
		e->check = b->check;
		if (b->info.kind == RULES_KIND_META)
			r->ignore_meta = i;
		if ((error = compile(r, e, b->info.id)) < 0)
			goto fail;
	}
	for (i = 0; i < n_policy; i++) {
		struct rules_entry *e = &r->v[r->n++];
		if ((error = add_policy_rule(r, e, &policy->rules[i], policy->source_name)) < 0)
			goto fail;
	}
	*out = r;
	return 0;
fail:
	rules_free(r);
	return error;
}

size_t rules_count(const struct rules *r)
{
	return r ? r->n : 0;
}

const struct rules_rule *rules_rule_at(const struct rules *r, size_t i)
{
	return r && i < r->n ? &r->v[i].info : NULL;
}

const struct rules_rule *rules_find(const struct rules *r, const char *id)
{
	size_t i;

	for (i = 0; r && i < r->n; i++)
		if (strcmp(r->v[i].info.id, id) == 0)
			return &r->v[i].info;
	return NULL;
}
