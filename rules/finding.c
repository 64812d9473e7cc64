/* rules/finding.c: a rule hit as a finding, and as a hint for the finder. */
#include "rules/rules_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/err.h"

bool rules_hit_is_finding(const struct rules_hit *h, bool agent_reviewed)
{
	return h->rule->standalone || !agent_reviewed || h->suppressed;
}

static int dup(char **out, const char *s)
{
	if (!s) {
		*out = NULL;
		return 0;
	}
	return (*out = strdup(s)) ? 0 : trb_err_oom();
}

int rules_hit_to_finding(struct finding **out, struct findings *fs, const struct rules_hit *h, size_t unit)
{
	const struct rules_rule *rule = h->rule;
	struct trb_buf desc = TRB_BUF_INIT(TRB_LIMIT_SMALL);
	struct finding *f;
	int error;

	if (out)
		*out = NULL;
	if ((error = findings_add(&f, fs)) < 0)
		return error;
	f->source = FINDING_SOURCE_RULE;
	f->status = h->suppressed ? FINDING_SUPPRESSED : FINDING_UNVERIFIED;
	f->unit = unit;
	f->start_line = h->line;
	f->end_line = h->end_line >= h->line ? h->end_line : h->line;
	/* Hits start on added lines, and joined literals only span consecutive added lines. */
	f->in_diff = true;
	f->anchor_line = h->line;
	f->severity = rule->severity;
	f->confidence = rule->confidence;
	if (rule->kind == RULES_KIND_SECRET)
		trb_buf_printf(&desc, "%s (%s) on line %u%s. %s", rule->title, h->masked ? h->masked : "\xe2\x80\xa6",
			       h->line, h->joined ? ", assembled from concatenated string literals" : "",
			       rule->message);
	else
		trb_buf_puts(&desc, rule->message);
	if ((error = trb_buf_error(&desc)) < 0)
		goto fail;
	if ((error = dup(&f->path, h->path)) < 0 || (error = dup(&f->category, rule->category)) < 0 ||
	    (error = dup(&f->cwe, rule->cwe)) < 0 || (error = dup(&f->title, rule->title)) < 0 ||
	    (error = dup(&f->recommendation, rule->recommendation)) < 0 ||
	    (error = dup(&f->rule_id, rule->id)) < 0 || (error = dup(&f->snippet, h->snippet)) < 0)
		goto fail;
	if (!(f->description = trb_buf_detach(&desc))) {
		error = trb_err_oom();
		goto fail;
	}
	if (h->suppressed) {
		char match[64];
		snprintf(match, sizeof(match), "tribunal-ignore on line %u", h->ignore_line);
		f->suppression.present = true;
		if ((error = dup(&f->suppression.kind, "inline")) < 0 ||
		    (error = dup(&f->suppression.reason, h->ignore_reason)) < 0 ||
		    (error = dup(&f->suppression.match, match)) < 0)
			goto fail;
	}
	if (out)
		*out = f;
	return 0;
fail:
	trb_buf_dispose(&desc);
	finding_dispose(f);
	fs->n--;
	return error;
}

int rules_hit_hint(struct trb_buf *out, const struct rules_hit *h)
{
	const struct rules_rule *rule = h->rule;

	trb_buf_printf(out, "- %s:%u %s (%s%s%s): %s%s", h->path, h->line, rule->id, rule->cwe ? rule->cwe : "",
		       rule->cwe ? ", " : "", trb_sev_name(rule->severity), rule->title,
		       h->suppressed ? " [suppressed inline]" : "");
	if (h->snippet && h->snippet[0]) {
		/* The snippet is repository text: no backticks that could close the span. */
		const char *p;
		trb_buf_puts(out, ": `");
		for (p = h->snippet; *p; p++)
			trb_buf_putc(out, *p == '`' ? '\'' : *p);
		trb_buf_putc(out, '`');
	}
	trb_buf_putc(out, '\n');
	return trb_buf_error(out);
}
