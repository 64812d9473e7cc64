/* findings/gate.c: suppressions, fingerprints and the gate. */
#include "findings/findings.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"
#include "util/err.h"
#include "util/glob.h"
#include "util/sha256.h"

int findings_fingerprint(char **out, const char *path, const char *cwe, const char *code, size_t len)
{
	struct trb_sha256 s;
	char hex[65];
	size_t i;

	trb_sha256_init(&s);
	trb_sha256_update(&s, path, strlen(path) + 1);
	trb_sha256_update(&s, cwe ? cwe : "", strlen(cwe ? cwe : "") + 1);
	/* whitespace carries no meaning for the fingerprint: re-indenting keeps it */
	for (i = 0; i < len; i++)
		if (!isspace((unsigned char)code[i]))
			trb_sha256_update(&s, code + i, 1);
	trb_sha256_final_hex(&s, hex);
	hex[32] = '\0';
	if (!(*out = strdup(hex)))
		return trb_err_oom();
	return 0;
}

static int set_str(char **dst, const char *src)
{
	free(*dst);
	*dst = NULL;
	if (src && !(*dst = strdup(src)))
		return trb_err_oom();
	return 0;
}

static int suppress(struct finding *f, const char *kind, const char *reason, const char *owner, int expires,
		    const char *match)
{
	char date[16];
	int error;

	f->status = FINDING_SUPPRESSED;
	f->suppression.present = true;
	if ((error = set_str(&f->suppression.kind, kind)) < 0 || (error = set_str(&f->suppression.reason, reason)) < 0 ||
	    (error = set_str(&f->suppression.owner, owner)) < 0 || (error = set_str(&f->suppression.match, match)) < 0)
		return error;
	if (expires) {
		snprintf(date, sizeof(date), "%04d-%02d-%02d", expires / 10000, expires / 100 % 100, expires % 100);
		return set_str(&f->suppression.expires, date);
	}
	return 0;
}

static bool rule_matches(const struct config_suppression *s, const struct finding *f)
{
	if (!s->rule)
		return false;
	if (!((f->rule_id && strcmp(s->rule, f->rule_id) == 0) || (f->cwe && strcmp(s->rule, f->cwe) == 0) ||
	      (f->category && strcmp(s->rule, f->category) == 0)))
		return false;
	return !s->path || (f->path && trb_glob_match(s->path, f->path));
}

/* The entry that matched, as its author finds it in the policy: "suppressions[2]: rule py-eval in
 * *.py (.tribunal.yml@base:14)". Policy strings are capped: the record names the entry, the policy
 * holds it. */
static void describe_entry(struct trb_buf *b, const struct config *policy, size_t j, bool by_fingerprint)
{
	const struct config_suppression *s = &policy->suppressions[j];

	trb_buf_printf(b, "suppressions[%zu]: ", j);
	if (by_fingerprint)
		trb_buf_printf(b, "fingerprint %.128s", s->fingerprint);
	else
		trb_buf_printf(b, "rule %.200s%s%.200s", s->rule, s->path ? " in " : "", s->path ? s->path : "");
	if (s->line && policy->source_name)
		trb_buf_printf(b, " (%.200s:%zu)", policy->source_name, s->line);
}

/* The categories.disable entry that disables f (the category or its CWE), NULL when none does. */
static const char *disabled_by(const struct config *policy, const struct finding *f)
{
	size_t i;

	for (i = 0; i < policy->categories_disable.n; i++) {
		const char *e = policy->categories_disable.v[i];
		if ((f->category && strcmp(e, f->category) == 0) || (f->cwe && strcmp(e, f->cwe) == 0))
			return e;
	}
	return NULL;
}

int findings_apply_policy(struct findings *fs, const struct config *policy)
{
	struct trb_buf match = TRB_BUF_INIT(TRB_LIMIT_SMALL);
	size_t i, j;
	int error = 0;

	for (i = 0; i < fs->n; i++) {
		struct finding *f = &fs->v[i];
		if (f->status == FINDING_SUPPRESSED)
			continue;
		for (j = 0; j < policy->n_suppressions; j++) {
			const struct config_suppression *s = &policy->suppressions[j];
			bool by_fp;
			if (s->expired)
				continue;
			by_fp = s->fingerprint && f->fingerprint && strcmp(s->fingerprint, f->fingerprint) == 0;
			if (by_fp || rule_matches(s, f)) {
				trb_buf_clear(&match);
				describe_entry(&match, policy, j, by_fp);
				if ((error = trb_buf_error(&match)) < 0 ||
				    (error = suppress(f, "policy", s->reason, s->owner, s->expires, trb_buf_cstr(&match))) < 0)
					goto cleanup;
				break;
			}
		}
		if (f->status != FINDING_SUPPRESSED && config_category_disabled(policy, f->category, f->cwe)) {
			const char *entry = disabled_by(policy, f);
			char reason[128];
			snprintf(reason, sizeof(reason), "category %.60s is disabled by the policy",
				 f->category ? f->category : f->cwe);
			trb_buf_clear(&match);
			trb_buf_printf(&match, "categories.disable: %.200s", entry ? entry : "?");
			if ((error = trb_buf_error(&match)) < 0 ||
			    (error = suppress(f, "policy", reason, NULL, 0, trb_buf_cstr(&match))) < 0)
				goto cleanup;
		}
	}
cleanup:
	trb_buf_dispose(&match);
	return error;
}

/* True when a finding is eligible to gate at all (status, pre-existing, confidence). */
static bool counts_for_gate(const struct finding *f, const struct config *c)
{
	switch (f->status) {
	case FINDING_SUPPRESSED:
	case FINDING_REJECTED:
		return false;
	case FINDING_UNCERTAIN:
		if (!c->gate.fail_on_uncertain)
			return false;
		break;
	case FINDING_UNVERIFIED:
		if (c->gate.require_verified)
			return false;
		/* a model's claim that no verifier confirmed (verifier disabled, failed, out of budget)
		 * weighs what an uncertain verdict does; rule hits are deterministic and count */
		if (f->source == FINDING_SOURCE_FINDER && !c->gate.fail_on_uncertain)
			return false;
		break;
	case FINDING_CONFIRMED:
		break;
	}
	return !f->pre_existing && f->confidence + 1e-9 >= c->gate.min_confidence;
}

static int add_reason(struct findings_run *run, const char *text)
{
	char **v = realloc(run->gate_reasons, (run->n_gate_reasons + 1) * sizeof(*v));

	if (!v)
		return trb_err_oom();
	run->gate_reasons = v;
	if (!(v[run->n_gate_reasons] = strdup(text)))
		return trb_err_oom();
	run->n_gate_reasons++;
	return 0;
}

int findings_gate(struct findings *fs, const struct config *c)
{
	size_t i, above[TRB_SEV_COUNT] = {0}, count[TRB_SEV_COUNT] = {0};
	char text[256];
	int s, error;
	bool fail = false;

	for (i = 0; i < fs->run.n_gate_reasons; i++)
		free(fs->run.gate_reasons[i]);
	free(fs->run.gate_reasons);
	fs->run.gate_reasons = NULL;
	fs->run.n_gate_reasons = 0;
	for (i = 0; i < fs->n; i++) {
		struct finding *f = &fs->v[i];
		f->gating = false;
		if (!counts_for_gate(f, c) || f->severity < 0 || f->severity >= TRB_SEV_COUNT)
			continue;
		count[f->severity]++;
		if (c->gate.fail_on != TRB_SEV_NONE && f->severity >= c->gate.fail_on) {
			f->gating = true;
			above[f->severity]++;
		}
	}
	for (s = TRB_SEV_COUNT - 1; s >= 0; s--) {
		if (above[s]) {
			fail = true;
			snprintf(text, sizeof(text), "%zu %s finding%s at or above fail_on: %s (confidence >= %.2f)",
				 above[s], trb_sev_name((trb_sev_t)s), above[s] == 1 ? "" : "s",
				 trb_sev_name(c->gate.fail_on), c->gate.min_confidence);
			if ((error = add_reason(&fs->run, text)) < 0)
				return error;
		}
	}
	for (s = TRB_SEV_COUNT - 1; s >= 0; s--) {
		if (c->gate.max_findings[s] < 0 || count[s] <= (size_t)c->gate.max_findings[s])
			continue;
		fail = true;
		snprintf(text, sizeof(text), "%zu %s finding%s, more than max_findings.%s: %ld", count[s],
			 trb_sev_name((trb_sev_t)s), count[s] == 1 ? "" : "s", trb_sev_name((trb_sev_t)s),
			 c->gate.max_findings[s]);
		if ((error = add_reason(&fs->run, text)) < 0)
			return error;
		for (i = 0; i < fs->n; i++)
			if (fs->v[i].severity == s && counts_for_gate(&fs->v[i], c))
				fs->v[i].gating = true;
	}
	if (!fail) {
		if (c->gate.fail_on == TRB_SEV_NONE)
			snprintf(text, sizeof(text), "no limit is exceeded (fail_on: none)");
		else
			snprintf(text, sizeof(text), "no finding at or above %s with confidence >= %.2f",
				 trb_sev_name(c->gate.fail_on), c->gate.min_confidence);
		if ((error = add_reason(&fs->run, text)) < 0)
			return error;
	}
	if (c->mode != CONFIG_MODE_BLOCK) {
		snprintf(text, sizeof(text), "mode: %s: the gate is reported, never enforced", config_mode_name(c->mode));
		if ((error = add_reason(&fs->run, text)) < 0)
			return error;
	}
	fs->run.gate_pass = !fail;
	fs->run.mode = c->mode;
	return 0;
}
