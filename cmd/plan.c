/* cmd/plan.c: `tribunal plan`: what would be reviewed, as text or one JSON document. */
#include "cmd/cmd.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "agents/agents.h"
#include "config/config.h"
#include "diff/diff.h"
#include "util/buf.h"
#include "util/err.h"
#include "util/escape.h"

/* JSON strings must be valid UTF-8: hostile names get U+FFFD for invalid bytes. */
static cJSON *jstr(const char *s)
{
	struct trb_buf b = TRB_BUF_INIT(TRB_LIMIT_SMALL);
	cJSON *j;

	if (trb_utf8_valid(s, strlen(s)))
		return cJSON_CreateString(s);
	trb_escape_utf8(&b, s, strlen(s));
	j = cJSON_CreateString(trb_buf_cstr(&b));
	trb_buf_dispose(&b);
	return j;
}

static void add_str(cJSON *o, const char *k, const char *v)
{
	cJSON_AddItemToObject(o, k, v ? jstr(v) : cJSON_CreateNull());
}

#define EMPTY_DIFF_NOTE "the merge request changes no files: nothing to review, the gate passes"

static const char *oid_str(const git_oid *oid, char *buf)
{
	git_oid_tostr(buf, GIT_OID_HEXSZ + 1, oid);
	return buf;
}

static cJSON *plan_json(const struct diff *d, const struct config *policy, const char *policy_source,
			const struct cmd_opts *o, const struct agents_estimate *est)
{
	cJSON *root = cJSON_CreateObject(), *x, *arr, *u, *files, *part, *ranges;
	char sha[GIT_OID_HEXSZ + 1];
	size_t i, j, reviewed = 0, skipped = 0, units = 0, tokens = 0, changed = 0;
	int a;

	cJSON_AddNumberToObject(root, "schema_version", 1);
	x = cJSON_AddObjectToObject(root, "tool");
	cJSON_AddStringToObject(x, "name", "tribunal");
	cJSON_AddStringToObject(x, "version", TRB_VERSION);

	x = cJSON_AddObjectToObject(root, "range");
	cJSON_AddStringToObject(x, "source", diff_source_name(d->spec.source));
	add_str(x, "note", d->spec.note);
	add_str(x, "base_rev", d->spec.base);
	add_str(x, "head_rev", d->spec.head);
	cJSON_AddStringToObject(x, "base", oid_str(&d->base, sha));
	cJSON_AddStringToObject(x, "head", oid_str(&d->head, sha));
	cJSON_AddStringToObject(x, "merge_base", oid_str(&d->merge_base, sha));
	add_str(x, "merge_request", d->spec.pr);
	cJSON_AddBoolToObject(x, "shallow", d->shallow);

	x = cJSON_AddObjectToObject(root, "policy");
	cJSON_AddStringToObject(x, "source", policy_source);
	cJSON_AddStringToObject(x, "mode", config_mode_name(policy->mode));
	cJSON_AddNumberToObject(x, "context_lines", policy->context_lines);
	cJSON_AddNumberToObject(x, "unit_tokens", policy->budget.unit_tokens);

	x = cJSON_AddObjectToObject(root, "shard");
	cJSON_AddNumberToObject(x, "index", o->shard_i);
	cJSON_AddNumberToObject(x, "count", o->shard_n);

	arr = cJSON_AddArrayToObject(root, "units");
	for (i = 0; i < d->n_units; i++) {
		const struct diff_unit *un = &d->units[i];
		if (un->shard != o->shard_i)
			continue;
		units++;
		tokens += un->est_tokens;
		changed += un->changed;
		u = cJSON_CreateObject();
		cJSON_AddNumberToObject(u, "id", (double)un->id);
		cJSON_AddNumberToObject(u, "estimated_tokens", (double)un->est_tokens);
		cJSON_AddNumberToObject(u, "changed_lines", un->changed);
		files = cJSON_AddArrayToObject(u, "files");
		part = NULL;
		ranges = NULL;
		for (j = 0; j < un->n_parts; j++) {
			const struct diff_part *p = &un->parts[j];
			cJSON *r;
			if (j == 0 || p->file != un->parts[j - 1].file) {
				const struct diff_file *f = &d->files[p->file];
				part = cJSON_CreateObject();
				add_str(part, "path", f->path);
				cJSON_AddStringToObject(part, "language", diff_lang_name(f->lang));
				ranges = cJSON_AddArrayToObject(part, "ranges");
				cJSON_AddItemToArray(files, part);
			}
			r = cJSON_CreateObject();
			cJSON_AddNumberToObject(r, "start", p->start);
			cJSON_AddNumberToObject(r, "end", p->end);
			cJSON_AddNumberToObject(r, "changed", p->changed);
			cJSON_AddItemToArray(ranges, r);
		}
		cJSON_AddItemToArray(arr, u);
	}

	arr = cJSON_AddArrayToObject(root, "files");
	for (i = 0; i < d->n_files; i++) {
		const struct diff_file *f = &d->files[i];
		x = cJSON_CreateObject();
		add_str(x, "path", f->path);
		if (strcmp(f->old_path, f->path) != 0)
			add_str(x, "old_path", f->old_path);
		cJSON_AddStringToObject(x, "status", diff_status_name(f->status));
		if (f->status == DIFF_STATUS_RENAMED || f->status == DIFF_STATUS_COPIED)
			cJSON_AddNumberToObject(x, "similarity", f->similarity);
		cJSON_AddNumberToObject(x, "added", f->added);
		cJSON_AddNumberToObject(x, "deleted", f->deleted);
		if (f->skip) {
			skipped++;
			add_str(x, "skipped", f->skip);
			if (f->skip_detail)
				add_str(x, "detail", f->skip_detail);
		} else {
			reviewed++;
			cJSON_AddStringToObject(x, "language", diff_lang_name(f->lang));
			cJSON_AddNumberToObject(x, "unit", (double)f->unit);
			if (f->never_send)
				cJSON_AddBoolToObject(x, "never_send", true);
			cJSON_AddNumberToObject(x, "estimated_tokens", (double)f->est_tokens);
		}
		cJSON_AddItemToArray(arr, x);
	}

	arr = cJSON_AddArrayToObject(root, "skipped");
	for (i = 0; i < d->n_files; i++) {
		const struct diff_file *f = &d->files[i];
		if (!f->skip)
			continue;
		x = cJSON_CreateObject();
		add_str(x, "path", f->path);
		add_str(x, "reason", f->skip);
		if (f->skip_detail)
			add_str(x, "detail", f->skip_detail);
		cJSON_AddItemToArray(arr, x);
	}

	x = cJSON_AddObjectToObject(root, "totals");
	cJSON_AddNumberToObject(x, "files_changed", (double)d->n_files);
	cJSON_AddNumberToObject(x, "files_reviewed", (double)reviewed);
	cJSON_AddNumberToObject(x, "files_skipped", (double)skipped);
	cJSON_AddNumberToObject(x, "units", (double)units);
	cJSON_AddNumberToObject(x, "units_all_shards", (double)d->n_units);
	cJSON_AddNumberToObject(x, "changed_lines", (double)changed);
	cJSON_AddNumberToObject(x, "estimated_tokens", (double)tokens);
	arr = cJSON_AddArrayToObject(root, "notes");
	if (d->n_files == 0)
		cJSON_AddItemToArray(arr, cJSON_CreateString(EMPTY_DIFF_NOTE));

	x = cJSON_AddObjectToObject(root, "estimate");
	arr = cJSON_AddObjectToObject(x, "agents");
	for (a = 0; a < CONFIG_AGENT_COUNT; a++) {
		cJSON *ag = cJSON_AddObjectToObject(arr, config_agent_name((config_agent_t)a));
		cJSON_AddBoolToObject(ag, "enabled", est->agent[a].enabled);
		cJSON_AddStringToObject(ag, "provider", config_provider_name(policy->agents[a].provider));
		add_str(ag, "model", est->agent[a].model);
		cJSON_AddNumberToObject(ag, "input_tokens", (double)est->agent[a].input_tokens);
		cJSON_AddNumberToObject(ag, "output_tokens", (double)est->agent[a].output_tokens);
		if (est->agent[a].price_known)
			cJSON_AddNumberToObject(ag, "cost_usd", (double)(long long)(est->agent[a].cost_usd * 1e4 + 0.5) / 1e4);
		else
			cJSON_AddNullToObject(ag, "cost_usd");
	}
	cJSON_AddNumberToObject(x, "input_tokens", (double)est->input_tokens);
	cJSON_AddNumberToObject(x, "output_tokens", (double)est->output_tokens);
	if (est->price_known)
		cJSON_AddNumberToObject(x, "cost_usd", (double)(long long)(est->cost_usd * 1e4 + 0.5) / 1e4);
	else
		cJSON_AddNullToObject(x, "cost_usd");
	cJSON_AddNumberToObject(x, "max_usd", policy->budget.max_usd);
	return root;
}

static void put_term(struct trb_buf *b, const char *s)
{
	trb_escape_term(b, s, strlen(s));
}

static void plan_text(struct trb_buf *b, const struct diff *d, const struct config *policy,
		      const char *policy_source, const struct cmd_opts *o, const struct agents_estimate *est)
{
	char sha[GIT_OID_HEXSZ + 1];
	size_t i, j, reviewed = 0, skipped = 0, units = 0, tokens = 0, changed = 0;
	int a;

	for (i = 0; i < d->n_files; i++)
		d->files[i].skip ? skipped++ : reviewed++;
	for (i = 0; i < d->n_units; i++)
		if (d->units[i].shard == o->shard_i) {
			units++;
			tokens += d->units[i].est_tokens;
			changed += d->units[i].changed;
		}
	trb_buf_printf(b, "range     %s: ", diff_source_name(d->spec.source));
	put_term(b, d->spec.note ? d->spec.note : "");
	trb_buf_puts(b, "\n          base ");
	trb_buf_puts(b, oid_str(&d->base, sha));
	trb_buf_puts(b, " (");
	put_term(b, d->spec.base);
	trb_buf_puts(b, ")\n          head ");
	trb_buf_puts(b, oid_str(&d->head, sha));
	trb_buf_puts(b, " (");
	put_term(b, d->spec.head);
	trb_buf_printf(b, ")\n          merge base %s%s\n", oid_str(&d->merge_base, sha),
		       d->shallow ? " (shallow clone)" : "");
	trb_buf_printf(b, "policy    %s, mode %s, context_lines %u, unit budget %u tokens\n", policy_source,
		       config_mode_name(policy->mode), policy->context_lines, policy->budget.unit_tokens);
	if (o->shard_n > 1)
		trb_buf_printf(b, "shard     %u of %u: %zu of %zu units\n", o->shard_i, o->shard_n, units, d->n_units);
	for (i = 0; i < d->n_units; i++) {
		const struct diff_unit *u = &d->units[i];
		if (u->shard != o->shard_i)
			continue;
		trb_buf_printf(b, "\nunit %zu   ~%zu tokens, %u changed lines\n", u->id, u->est_tokens, u->changed);
		for (j = 0; j < u->n_parts; j++) {
			const struct diff_part *p = &u->parts[j];
			if (j == 0 || p->file != u->parts[j - 1].file) {
				if (j)
					trb_buf_putc(b, '\n');
				trb_buf_puts(b, "  ");
				put_term(b, d->files[p->file].path);
				trb_buf_puts(b, "  ");
			} else {
				trb_buf_puts(b, ", ");
			}
			trb_buf_printf(b, "%u-%u (%u changed)", p->start, p->end, p->changed);
		}
		trb_buf_putc(b, '\n');
	}
	for (i = 0, j = 0; i < d->n_files; i++) {
		if (d->files[i].skip || !d->files[i].never_send)
			continue;
		if (j++ == 0)
			trb_buf_puts(b, "\nnever sent (privacy.never_send: deterministic rules only)\n");
		trb_buf_puts(b, "  ");
		put_term(b, d->files[i].path);
		trb_buf_putc(b, '\n');
	}
	if (skipped) {
		trb_buf_puts(b, "\nskipped\n");
		for (i = 0; i < d->n_files; i++) {
			const struct diff_file *f = &d->files[i];
			if (!f->skip)
				continue;
			trb_buf_puts(b, "  ");
			put_term(b, f->path);
			trb_buf_printf(b, "  %s", f->skip);
			if (f->skip_detail) {
				trb_buf_puts(b, " (");
				put_term(b, f->skip_detail);
				trb_buf_putc(b, ')');
			}
			trb_buf_putc(b, '\n');
		}
	}
	trb_buf_printf(b, "\ntotals    %zu files changed: %zu reviewed, %zu skipped; %zu unit%s, %zu changed lines, "
		       "~%zu tokens of code\n", d->n_files, reviewed, skipped, units, units == 1 ? "" : "s", changed, tokens);
	if (d->n_files == 0)
		trb_buf_puts(b, "note      " EMPTY_DIFF_NOTE "\n");
	trb_buf_puts(b, "estimate  ");
	for (a = 0; a < CONFIG_AGENT_COUNT; a++) {
		if (!est->agent[a].enabled)
			continue;
		trb_buf_printf(b, "%s%s ", a ? "; " : "", config_agent_name((config_agent_t)a));
		put_term(b, est->agent[a].model);
		if (est->agent[a].price_known)
			trb_buf_printf(b, " $%.2f", est->agent[a].cost_usd);
		else
			trb_buf_puts(b, " (no known price: set prices in the policy)");
	}
	trb_buf_printf(b, "\n          ~%zu input + %zu output tokens", est->input_tokens, est->output_tokens);
	if (est->price_known)
		trb_buf_printf(b, ", about $%.2f (budget.max_usd %.2f)\n", est->cost_usd, policy->budget.max_usd);
	else
		trb_buf_puts(b, "\n");
}

int cmd_plan(struct cmd_opts *o)
{
	struct diff_spec spec = {0};
	struct diff *d = NULL;
	struct config *policy = NULL;
	struct agents_estimate est;
	const char *policy_source = "default";
	size_t *tokens = NULL, i, n = 0;
	cJSON *json = NULL;
	char *text = NULL;
	struct trb_buf out = TRB_BUF_INIT(TRB_LIMIT_REPORT);
	int rc = EXIT_USAGE;

	if (cmd_prepare(&d, &spec, &policy, &policy_source, o) != 0)
		goto done;
	if (d->n_units && !(tokens = calloc(d->n_units, sizeof(*tokens)))) {
		fprintf(stderr, "tribunal: error: out of memory\n");
		goto done;
	}
	for (i = 0; i < d->n_units; i++)
		if (d->units[i].shard == o->shard_i)
			tokens[n++] = d->units[i].est_tokens;
	agents_estimate(&est, policy, tokens, n);
	if (o->val[OPT_JSON]) {
		if (!(json = plan_json(d, policy, policy_source, o, &est)) || !(text = cJSON_PrintBuffered(json, 1 << 20, 1))) {
			fprintf(stderr, "tribunal: error: out of memory\n");
			goto done;
		}
		fputs(text, stdout);
		fputc('\n', stdout);
	} else {
		plan_text(&out, d, policy, policy_source, o, &est);
		if (trb_buf_error(&out) < 0) {
			cmd_report_error(o, NULL);
			goto done;
		}
		fputs(trb_buf_cstr(&out), stdout);
	}
	rc = fflush(stdout) == 0 ? EXIT_PASS : EXIT_USAGE;
done:
	trb_buf_dispose(&out);
	cJSON_free(text);
	cJSON_Delete(json);
	free(tokens);
	config_free(policy);
	diff_free(d);
	diff_spec_dispose(&spec);
	return rc;
}
