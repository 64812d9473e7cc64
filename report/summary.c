/* report/summary.c: summary.md, the GitHub job summary and GitLab MR note.
 * Verdict and notices first (what a reviewer must see), a severity table, one <details> per
 * finding, the rejected and suppressed candidates collapsed, a footer with cost and coverage.
 * It fits in max_bytes: the findings that do not fit are counted in a note. */
#include "report/internal.h"

#include <stdlib.h>
#include <string.h>

#include "util/err.h"
#include "util/escape.h"

#define LIST_MAX 200

/* The <summary> line is HTML inside Markdown: HTML-escaped, with mentions broken. */
static void details_open(struct trb_buf *out, const struct finding *f)
{
	struct trb_buf loc = TRB_BUF_INIT(TRB_LIMIT_SMALL);
	const char *title = f->title && *f->title ? f->title : "(untitled)";

	trb_buf_printf(out, "<details><summary>%s <b>%s</b> \xc2\xb7 ", report_sev_icon(f->severity),
		       report_sev_label(f->severity));
	trb_escape_md_html(out, title, trb_utf8_prefix(title, strlen(title), 300));
	trb_buf_puts(out, " \xc2\xb7 <code>");
	if (f->path)
		trb_buf_put(&loc, f->path, trb_utf8_prefix(f->path, strlen(f->path), 300));
	trb_buf_printf(&loc, ":%u", report_line(f));
	trb_escape_md_html(out, trb_buf_cstr(&loc), loc.len);
	trb_buf_printf(out, "</code> \xc2\xb7 %s%s%s</summary>\n\n", report_status_phrase(f),
		       f->gating ? " \xc2\xb7 <b>blocks the merge</b>" : "",
		       f->pre_existing ? " \xc2\xb7 pre-existing" : "");
	trb_buf_dispose(&loc);
}

static void table(struct trb_buf *out, const struct findings *fs)
{
	size_t by[TRB_SEV_COUNT][4], gating[TRB_SEV_COUNT];
	struct report_counts c;
	size_t i;
	int s;

	memset(by, 0, sizeof(by));
	memset(gating, 0, sizeof(gating));
	report_count(&c, fs);
	for (i = 0; i < fs->n; i++) {
		const struct finding *f = &fs->v[i];
		int col;
		if (f->severity < 0 || f->severity >= TRB_SEV_COUNT)
			continue;
		switch (f->status) {
		case FINDING_CONFIRMED: col = 0; break;
		case FINDING_UNCERTAIN: col = 1; break;
		case FINDING_UNVERIFIED: col = 2; break;
		default: col = 3; break;
		}
		if (col < 3)
			by[f->severity][col]++;
		if (f->gating)
			gating[f->severity]++;
	}
	trb_buf_puts(out, "| Severity | Blocking | Confirmed | Uncertain | Not verified |\n"
			  "| --- | ---: | ---: | ---: | ---: |\n");
	for (s = TRB_SEV_CRITICAL; s >= TRB_SEV_LOW; s--)
		trb_buf_printf(out, "| %s %s | %zu | %zu | %zu | %zu |\n", report_sev_icon((trb_sev_t)s),
			       report_sev_label((trb_sev_t)s), gating[s], by[s][0], by[s][1], by[s][2]);
	trb_buf_printf(out, "\n%zu finding%s to look at (%zu pre-existing) \xc2\xb7 %zu suppressed \xc2\xb7 "
			    "%zu rejected by the verifier\n\n",
		       c.active, c.active == 1 ? "" : "s", c.pre_existing, c.status[FINDING_SUPPRESSED],
		       c.status[FINDING_REJECTED]);
}

static void collapsed_list(struct trb_buf *out, const struct findings *fs, const size_t *order,
			   finding_status_t status, const char *heading)
{
	size_t i, n = 0, shown = 0;

	for (i = 0; i < fs->n; i++)
		if (fs->v[i].status == status)
			n++;
	if (!n)
		return;
	trb_buf_printf(out, "<details><summary>%s (%zu)</summary>\n\n", heading, n);
	for (i = 0; i < fs->n && shown < LIST_MAX; i++) {
		const struct finding *f = &fs->v[order[i]];
		const char *why;
		if (f->status != status)
			continue;
		shown++;
		trb_buf_puts(out, "- ");
		report_md_finding_line(out, f);
		why = status == FINDING_SUPPRESSED ? f->suppression.reason : f->verification.reason;
		if (why && *why) {
			trb_buf_puts(out, ": ");
			trb_escape_md_capped(out, why, strlen(why), false, 600);
		}
		if (status == FINDING_SUPPRESSED && f->suppression.owner && *f->suppression.owner) {
			trb_buf_puts(out, " (owner ");
			trb_escape_md_capped(out, f->suppression.owner, strlen(f->suppression.owner), false, 100);
			trb_buf_putc(out, ')');
		}
		if (status == FINDING_SUPPRESSED && f->suppression.expires && *f->suppression.expires) {
			trb_buf_puts(out, " (expires ");
			trb_escape_md_capped(out, f->suppression.expires, strlen(f->suppression.expires), false, 40);
			trb_buf_putc(out, ')');
		}
		/* which policy entry or inline ignore, so that it can be found and reviewed */
		if (status == FINDING_SUPPRESSED && f->suppression.match && *f->suppression.match) {
			trb_buf_puts(out, " (matched ");
			trb_escape_md_code(out, f->suppression.match,
					   trb_utf8_prefix(f->suppression.match, strlen(f->suppression.match), 300));
			trb_buf_putc(out, ')');
		}
		trb_buf_putc(out, '\n');
	}
	if (n > shown)
		trb_buf_printf(out, "- and %zu more (see findings.json)\n", n - shown);
	trb_buf_puts(out, "\n</details>\n\n");
}

static void footer(struct trb_buf *out, const struct findings *fs)
{
	const struct findings_run *r = &fs->run;
	int a;
	bool any = false;

	report_md_unreviewed(out, fs, LIST_MAX);
	trb_buf_puts(out, "---\n<sub>tribunal ");
	trb_escape_md(out, r->tool_version ? r->tool_version : "?", strlen(r->tool_version ? r->tool_version : "?"));
	if (r->base && r->head)
		trb_buf_printf(out, " \xc2\xb7 reviewed %.7s..%.7s", r->base, r->head);
	report_run_stats(out, r);
	for (a = 0; a < CONFIG_AGENT_COUNT; a++) {
		if (!r->models[a])
			continue;
		trb_buf_printf(out, "%s%s ", any ? ", " : " \xc2\xb7 ", config_agent_name((config_agent_t)a));
		trb_escape_md(out, r->models[a], trb_utf8_prefix(r->models[a], strlen(r->models[a]), 100));
		any = true;
	}
	if (r->shard) {
		trb_buf_puts(out, " \xc2\xb7 shard ");
		trb_escape_md(out, r->shard, trb_utf8_prefix(r->shard, strlen(r->shard), 20));
	}
	trb_buf_puts(out, "</sub>\n");
}

int report_summary(struct trb_buf *out, const struct findings *fs, size_t max_bytes)
{
	struct trb_buf head = TRB_BUF_INIT(TRB_LIMIT_REPORT), body = TRB_BUF_INIT(TRB_LIMIT_REPORT),
		       tail = TRB_BUF_INIT(TRB_LIMIT_REPORT), one = TRB_BUF_INIT(TRB_LIMIT_REPORT);
	size_t *order = NULL, i, shown = 0, active = 0;
	int error;

	if (max_bytes == 0)
		max_bytes = REPORT_SUMMARY_DEFAULT_MAX;
	if ((error = report_order(&order, fs)) < 0)
		goto cleanup;
	trb_buf_puts(&head, "<!-- tribunal:summary -->\n");
	report_md_verdict(&head, fs);
	table(&head, fs);

	collapsed_list(&tail, fs, order, FINDING_REJECTED, "Rejected by the verifier");
	collapsed_list(&tail, fs, order, FINDING_SUPPRESSED, "Suppressed");
	footer(&tail, fs);
	if ((error = trb_buf_error(&head)) < 0 || (error = trb_buf_error(&tail)) < 0)
		goto cleanup;

	for (i = 0; i < fs->n; i++)
		if (report_active(&fs->v[order[i]]))
			active++;
	if (active)
		trb_buf_puts(&body, "### Findings\n\n");
	for (i = 0; i < fs->n; i++) {
		const struct finding *f = &fs->v[order[i]];
		if (!report_active(f))
			continue;
		trb_buf_clear(&one);
		details_open(&one, f);
		report_md_finding(&one, f, MD_FLAVOR_SUMMARY, 0, 0, 0);
		trb_buf_puts(&one, "</details>\n\n");
		if ((error = trb_buf_error(&one)) < 0)
			goto cleanup;
		/* 400 bytes: room for the note below */
		if (head.len + body.len + one.len + tail.len + 400 > max_bytes)
			break;
		trb_buf_put(&body, one.ptr, one.len);
		shown++;
	}
	if (shown < active)
		trb_buf_printf(&body, "> [!NOTE]\n> %zu more finding%s not shown: this summary is limited to "
				      "%zu bytes. Every finding is in findings.json and report.html.\n\n",
			       active - shown, active - shown == 1 ? "" : "s", max_bytes);
	if ((error = trb_buf_error(&body)) < 0)
		goto cleanup;
	if (head.len + body.len + tail.len > max_bytes) {
		/* pathological: not even the verdict and lists fit; say so in what does */
		trb_buf_puts(out, fs->run.gate_pass ? "## tribunal: gate passed\n\n" : "## tribunal: gate failed\n\n");
		trb_buf_puts(out, "The summary does not fit in the space left; see findings.json and report.html.\n");
		error = trb_buf_error(out);
		goto cleanup;
	}
	trb_buf_put(out, head.ptr, head.len);
	trb_buf_put(out, body.ptr ? body.ptr : "", body.len);
	trb_buf_put(out, tail.ptr, tail.len);
	error = trb_buf_error(out);
cleanup:
	free(order);
	trb_buf_dispose(&head);
	trb_buf_dispose(&body);
	trb_buf_dispose(&tail);
	trb_buf_dispose(&one);
	return error;
}
