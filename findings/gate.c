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

static int suppress(struct finding *f, const char *kind, const char *reason, const char *owner, int expires)
{
	char date[16];
	int error;

	f->status = FINDING_SUPPRESSED;
	f->suppression.present = true;
	if ((error = set_str(&f->suppression.kind, kind)) < 0 || (error = set_str(&f->suppression.reason, reason)) < 0 ||
	    (error = set_str(&f->suppression.owner, owner)) < 0)
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

int findings_apply_policy(struct findings *fs, const struct config *policy)
{
	size_t i, j;
	int error;

	for (i = 0; i < fs->n; i++) {
		struct finding *f = &fs->v[i];
		if (f->status == FINDING_SUPPRESSED)
			continue;
		for (j = 0; j < policy->n_suppressions; j++) {
			const struct config_suppression *s = &policy->suppressions[j];
			if (s->expired)
				continue;
			if ((s->fingerprint && f->fingerprint && strcmp(s->fingerprint, f->fingerprint) == 0) ||
			    rule_matches(s, f)) {
				if ((error = suppress(f, "policy", s->reason, s->owner, s->expires)) < 0)
					return error;
				break;
			}
		}
		if (f->status != FINDING_SUPPRESSED && config_category_disabled(policy, f->category, f->cwe)) {
			char reason[128];
			snprintf(reason, sizeof(reason), "category %.60s is disabled by the policy",
				 f->category ? f->category : f->cwe);
			if ((error = suppress(f, "policy", reason, NULL, 0)) < 0)
				return error;
		}
	}
	return 0;
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
