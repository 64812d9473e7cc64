/* report/markdown.c: the Markdown every platform shows (review comments, discussions, summary.md).
 * Model and repository text goes through trb_escape_md* (no mentions, images, raw HTML), code
 * through fences longer than any backtick run, and every field has a byte cap so that one comment
 * stays under GitHub's 65,536-character body limit whatever the models wrote. */
#include "report/internal.h"

#include <stdio.h>
#include <string.h>

#include "util/err.h"
#include "util/escape.h"

/* caps per field, in output bytes; their sum stays well under REPORT_COMMENT_MAX_BYTES */
#define CAP_TITLE 400
#define CAP_DESCRIPTION 12000
#define CAP_SCENARIO 6000
#define CAP_RECOMMENDATION 6000
#define CAP_REASON 3000
#define CAP_NOTE 400
#define CAP_PATCH 20000
#define CAP_FLOW_STEPS 25
#define CAP_LABEL 160

static void md(struct trb_buf *out, const char *s, size_t cap)
{
	if (s)
		trb_escape_md_capped(out, s, strlen(s), false, cap);
}

static void md_block(struct trb_buf *out, const char *s, size_t cap)
{
	if (s)
		trb_escape_md_capped(out, s, strlen(s), true, cap);
}

static bool nonempty(const char *s)
{
	return s && *s;
}

/* `path:line` or `path:first-last` as a code span */
static void md_location(struct trb_buf *out, const char *path, uint32_t first, uint32_t last)
{
	struct trb_buf loc = TRB_BUF_INIT(TRB_LIMIT_SMALL);
	size_t plen = path ? trb_utf8_prefix(path, strlen(path), 400) : 0;

	trb_buf_put(&loc, path ? path : "?", path ? plen : 1);
	if (last > first)
		trb_buf_printf(&loc, ":%u-%u", first, last);
	else
		trb_buf_printf(&loc, ":%u", first);
	if (trb_buf_error(&loc) == 0)
		trb_escape_md_code(out, loc.ptr, loc.len);
	trb_buf_dispose(&loc);
}

static void md_flow_list(struct trb_buf *out, const struct finding *f, unsigned shift)
{
	size_t steps = CAP_FLOW_STEPS >> shift, i, n = f->n_flow < steps ? f->n_flow : steps;

	trb_buf_puts(out, "**Data flow:**\n\n");
	for (i = 0; i < n; i++) {
		trb_buf_printf(out, "%zu. ", i + 1);
		md_location(out, f->flow[i].path, f->flow[i].line, f->flow[i].line);
		if (nonempty(f->flow[i].note)) {
			trb_buf_puts(out, " ");
			md(out, f->flow[i].note, CAP_NOTE >> shift);
		}
		trb_buf_putc(out, '\n');
	}
	if (f->n_flow > n)
		trb_buf_printf(out, "%zu. %zu more steps in findings.json\n", n + 1, f->n_flow - n);
	trb_buf_putc(out, '\n');
}

static void mermaid_label(struct trb_buf *out, const char *s)
{
	size_t len = s ? trb_utf8_prefix(s, strlen(s), CAP_LABEL) : 0;

	if (s)
		trb_escape_mermaid(out, s, len);
	if (s && len < strlen(s))
		trb_buf_puts(out, "\xe2\x80\xa6");
}

/* The data flow as a Mermaid flowchart, which GitHub and GitLab draw. */
static void md_flow_mermaid(struct trb_buf *out, const struct finding *f)
{
	size_t i, n = f->n_flow < CAP_FLOW_STEPS ? f->n_flow : CAP_FLOW_STEPS;
	char line[16];

	trb_buf_puts(out, "**Data flow:**\n\n```mermaid\nflowchart TD\n");
	for (i = 0; i < n; i++) {
		trb_buf_printf(out, "  n%zu[\"", i);
		mermaid_label(out, f->flow[i].path);
		snprintf(line, sizeof(line), ":%u", f->flow[i].line);
		trb_buf_puts(out, line);
		if (nonempty(f->flow[i].note)) {
			trb_buf_puts(out, "<br/>");
			mermaid_label(out, f->flow[i].note);
		}
		trb_buf_puts(out, "\"]\n");
	}
	if (f->n_flow > n)
		trb_buf_printf(out, "  n%zu[\"%zu more steps in findings.json\"]\n", n, f->n_flow - n);
	for (i = 0; i + 1 < n + (f->n_flow > n); i++)
		trb_buf_printf(out, "  n%zu --> n%zu\n", i, i + 1);
	trb_buf_puts(out, "```\n\n");
}

static void md_patch(struct trb_buf *out, const struct finding *f, md_flavor_t flavor,
		     uint32_t first, uint32_t last, uint32_t line, unsigned shift)
{
	struct trb_buf sug = TRB_BUF_INIT(CAP_PATCH);
	struct patch p;
	bool suggested = false;

	if (!f->patch.present)
		return;
	if (!findings_patch_offered(f)) {
		if (nonempty(f->patch.dropped)) {
			trb_buf_puts(out, "_A proposed patch was not offered: ");
			md(out, f->patch.dropped, CAP_NOTE);
			trb_buf_puts(out, "_\n\n");
		}
		return;
	}
	if (strlen(f->patch.diff) > ((size_t)CAP_PATCH >> shift)) {
		trb_buf_puts(out, "_A patch that applies cleanly was proposed; it is too long to show here "
				  "(see findings.json)._\n\n");
		return;
	}
	if (flavor != MD_FLAVOR_SUMMARY && first && patch_parse(&p, f->patch.diff) == 0) {
		if (patch_suggestion(&sug, &p, f->path, first, last) == 1 && trb_buf_error(&sug) == 0) {
			trb_buf_puts(out, "**Suggested fix**");
			if (f->patch.reverified)
				trb_buf_puts(out, " (re-verified)");
			trb_buf_puts(out, ":\n\n");
			if (flavor == MD_FLAVOR_GITLAB) {
				char info[64];
				snprintf(info, sizeof(info), "suggestion:-%u+%u", line - first, last - line);
				trb_escape_md_fence(out, sug.ptr ? sug.ptr : "", sug.len, info);
			} else {
				trb_escape_md_fence(out, sug.ptr ? sug.ptr : "", sug.len, "suggestion");
			}
			trb_buf_putc(out, '\n');
			suggested = true;
		}
		patch_dispose(&p);
	}
	trb_buf_dispose(&sug);
	if (!suggested) {
		trb_buf_puts(out, "<details><summary>Proposed patch");
		if (f->patch.reverified)
			trb_buf_puts(out, " (re-verified)");
		trb_buf_puts(out, "</summary>\n\n");
		trb_escape_md_fence(out, f->patch.diff, strlen(f->patch.diff), "diff");
		trb_buf_puts(out, "\n</details>\n\n");
	}
	if (nonempty(f->patch.explanation)) {
		md_block(out, f->patch.explanation, (CAP_NOTE * 5) >> shift);
		trb_buf_puts(out, "\n\n");
	}
}

/* shift: every cap divided by 2^shift (the compact retry for a body over the limit) */
static void md_finding(struct trb_buf *out, const struct finding *f, md_flavor_t flavor,
		       uint32_t comment_first, uint32_t comment_last, uint32_t comment_line, unsigned shift)
{
	unsigned cwe = report_cwe_num(f);
	struct trb_buf rid = TRB_BUF_INIT(256);

	if (flavor != MD_FLAVOR_SUMMARY) {
		trb_buf_printf(out, "%s **%s** \xc2\xb7 **", report_sev_icon(f->severity),
			       report_sev_label(f->severity));
		md(out, nonempty(f->title) ? f->title : "(untitled)", CAP_TITLE >> shift);
		trb_buf_puts(out, "**\n\n");
	}
	md_location(out, f->path, report_line(f), report_end_line(f));
	report_rule_id(&rid, f);
	if (cwe) {
		trb_buf_printf(out, " \xc2\xb7 [CWE-%u](https://cwe.mitre.org/data/definitions/%u.html)", cwe, cwe);
		if (report_cwe_name(cwe))
			trb_buf_printf(out, " %s", report_cwe_name(cwe));
	} else {
		trb_buf_puts(out, " \xc2\xb7 ");
		trb_escape_md_code(out, trb_buf_cstr(&rid), rid.len);
	}
	if (report_owasp(cwe))
		trb_buf_printf(out, " \xc2\xb7 OWASP %s", report_owasp(cwe));
	trb_buf_printf(out, " \xc2\xb7 confidence %.2f \xc2\xb7 %s", f->confidence, report_status_phrase(f));
	if (f->gating)
		trb_buf_puts(out, " \xc2\xb7 **blocks the merge**");
	trb_buf_puts(out, "\n\n");
	trb_buf_dispose(&rid);
	if (shift)
		trb_buf_puts(out, "_Shortened to fit the platform's comment limit; findings.json has every field in full._\n\n");
	if (f->pre_existing)
		trb_buf_puts(out, "_Pre-existing: this code was not changed by the merge request, but the change "
				  "touches it._\n\n");
	if (nonempty(f->description)) {
		md_block(out, f->description, CAP_DESCRIPTION >> shift);
		trb_buf_puts(out, "\n\n");
	}
	if (nonempty(f->exploit_scenario)) {
		trb_buf_puts(out, "**Exploit scenario:** ");
		md_block(out, f->exploit_scenario, CAP_SCENARIO >> shift);
		trb_buf_puts(out, "\n\n");
	}
	if (f->n_flow) {
		if (flavor == MD_FLAVOR_SUMMARY)
			md_flow_mermaid(out, f);
		else
			md_flow_list(out, f, shift);
	}
	if (nonempty(f->recommendation)) {
		trb_buf_puts(out, "**Recommendation:** ");
		md_block(out, f->recommendation, CAP_RECOMMENDATION >> shift);
		trb_buf_puts(out, "\n\n");
	}
	if (nonempty(f->verification.reason)) {
		trb_buf_puts(out, "**Verifier:** ");
		md_block(out, f->verification.reason, CAP_REASON >> shift);
		if (nonempty(f->verification.model)) {
			trb_buf_puts(out, " (");
			md(out, f->verification.model, 100);
			trb_buf_putc(out, ')');
		}
		trb_buf_puts(out, "\n\n");
	}
	if (f->status == FINDING_SUPPRESSED && f->suppression.present) {
		trb_buf_puts(out, "**Suppressed:** ");
		md(out, nonempty(f->suppression.reason) ? f->suppression.reason : "no reason given", CAP_REASON >> shift);
		if (nonempty(f->suppression.match)) {
			trb_buf_puts(out, " (matched ");
			trb_escape_md_code(out, f->suppression.match,
					   trb_utf8_prefix(f->suppression.match, strlen(f->suppression.match), CAP_LABEL * 2));
			trb_buf_putc(out, ')');
		}
		trb_buf_puts(out, "\n\n");
	}
	md_patch(out, f, flavor, comment_first, comment_last, comment_line, shift);
	if (flavor != MD_FLAVOR_SUMMARY) {
		trb_buf_puts(out, "<sub>tribunal \xc2\xb7 ");
		md(out, f->id ? f->id : "?", 20);
		trb_buf_puts(out, "</sub>\n");
		report_marker(out, f);
		trb_buf_putc(out, '\n');
	}
}

int report_md_finding(struct trb_buf *out, const struct finding *f, md_flavor_t flavor,
		      uint32_t comment_first, uint32_t comment_last, uint32_t comment_line)
{
	struct trb_buf one = TRB_BUF_INIT(TRB_LIMIT_FILE);
	unsigned shift;
	int error = 0;

	/* the caps keep a body far under the limit; should the fields still add up past it, the
	 * same body is built again with every cap halved, until it fits */
	for (shift = 0; shift < 8; shift++) {
		trb_buf_clear(&one);
		md_finding(&one, f, flavor, comment_first, comment_last, comment_line, shift);
		if ((error = trb_buf_error(&one)) < 0 || one.len <= REPORT_COMMENT_MAX_BYTES)
			break;
	}
	if (error == 0)
		trb_buf_put(out, one.ptr, one.len);
	trb_buf_dispose(&one);
	return error ? error : trb_buf_error(out);
}

int report_md_finding_line(struct trb_buf *out, const struct finding *f)
{
	trb_buf_printf(out, "%s **%s** ", report_sev_icon(f->severity), report_sev_label(f->severity));
	md_location(out, f->path, report_line(f), report_end_line(f));
	trb_buf_puts(out, " ");
	md(out, nonempty(f->title) ? f->title : "(untitled)", CAP_TITLE);
	trb_buf_puts(out, " (");
	md(out, f->id ? f->id : "?", 20);
	trb_buf_printf(out, ", %s%s)", report_status_phrase(f), f->pre_existing ? ", pre-existing" : "");
	return trb_buf_error(out);
}

int report_md_list_item(struct trb_buf *out, const struct finding *f)
{
	trb_buf_puts(out, "- ");
	report_md_finding_line(out, f);
	trb_buf_putc(out, ' ');
	report_marker(out, f);
	trb_buf_putc(out, '\n');
	return trb_buf_error(out);
}

static const char *mode_sentence(config_mode_t m)
{
	switch (m) {
	case CONFIG_MODE_COMMENT: return "Mode **comment**: findings are reported; the pipeline is not failed.";
	case CONFIG_MODE_MONITOR: return "Mode **monitor**: findings are recorded only; the pipeline is not failed.";
	default: return "Mode **block**: a failed gate fails the pipeline.";
	}
}

int report_md_verdict(struct trb_buf *out, const struct findings *fs)
{
	size_t i, n, total;
	bool unreviewed;

	if (fs->run.gate_pass)
		trb_buf_puts(out, "## \xe2\x9c\x85 tribunal: gate passed\n\n");
	else
		trb_buf_puts(out, "## \xe2\x9d\x8c tribunal: gate failed\n\n");
	unreviewed = report_unreviewed_counts(fs, &n, &total);
	if (fs->run.n_notices || unreviewed) {
		trb_buf_puts(out, "> [!WARNING]\n");
		/* bounded: the verdict heads review bodies, which have a hard size limit */
		for (i = 0; i < fs->run.n_notices && i < 10; i++) {
			trb_buf_puts(out, "> **");
			md(out, fs->run.notices[i], 600);
			trb_buf_puts(out, "**\n>\n");
		}
		if (fs->run.n_notices > 10)
			trb_buf_printf(out, "> and %zu more notices (see findings.json)\n>\n", fs->run.n_notices - 10);
		if (unreviewed)
			trb_buf_printf(out, "> **%zu of %zu review units were not reviewed by an agent** "
					    "(listed at the end). Nothing there was passed silently: it was not "
					    "looked at.\n", n, total);
		trb_buf_putc(out, '\n');
	}
	trb_buf_puts(out, mode_sentence(fs->run.mode));
	if (fs->run.n_gate_reasons) {
		trb_buf_puts(out, fs->run.gate_pass ? " The gate noted:\n\n" : " The gate failed because:\n\n");
		for (i = 0; i < fs->run.n_gate_reasons && i < 20; i++) {
			trb_buf_puts(out, "- ");
			md(out, fs->run.gate_reasons[i], 400);
			trb_buf_putc(out, '\n');
		}
		if (fs->run.n_gate_reasons > 20)
			trb_buf_printf(out, "- and %zu more reasons (see findings.json)\n", fs->run.n_gate_reasons - 20);
	} else {
		trb_buf_putc(out, '\n');
	}
	trb_buf_putc(out, '\n');
	return trb_buf_error(out);
}

int report_md_unreviewed(struct trb_buf *out, const struct findings *fs, size_t max)
{
	size_t i, j;

	if (fs->n_unreviewed) {
		trb_buf_printf(out, "**Not reviewed by an agent** (%zu unit%s):\n\n", fs->n_unreviewed,
			       fs->n_unreviewed == 1 ? "" : "s");
		for (i = 0; i < fs->n_unreviewed && i < max; i++) {
			const struct findings_unreviewed *u = &fs->unreviewed[i];
			trb_buf_printf(out, "- unit %zu", u->unit);
			for (j = 0; j < u->n_paths && j < 10; j++) {
				trb_buf_puts(out, j ? ", " : " (");
				trb_escape_md_code(out, u->paths[j], trb_utf8_prefix(u->paths[j], strlen(u->paths[j]), 300));
			}
			if (u->n_paths > 10)
				trb_buf_printf(out, " and %zu more", u->n_paths - 10);
			trb_buf_puts(out, u->n_paths ? "): " : ": ");
			md(out, u->reason ? u->reason : "unknown reason", 300);
			trb_buf_putc(out, '\n');
		}
		if (fs->n_unreviewed > max)
			trb_buf_printf(out, "- and %zu more (see findings.json)\n", fs->n_unreviewed - max);
		trb_buf_putc(out, '\n');
	}
	if (fs->n_skipped) {
		trb_buf_printf(out, "<details><summary>Skipped files (%zu)</summary>\n\n", fs->n_skipped);
		for (i = 0; i < fs->n_skipped && i < max; i++) {
			trb_buf_puts(out, "- ");
			trb_escape_md_code(out, fs->skipped[i].path ? fs->skipped[i].path : "?",
					   fs->skipped[i].path ? trb_utf8_prefix(fs->skipped[i].path, strlen(fs->skipped[i].path), 300) : 1);
			trb_buf_puts(out, ": ");
			md(out, fs->skipped[i].reason ? fs->skipped[i].reason : "?", 200);
			if (nonempty(fs->skipped[i].detail)) {
				trb_buf_puts(out, " (");
				md(out, fs->skipped[i].detail, 200);
				trb_buf_putc(out, ')');
			}
			trb_buf_putc(out, '\n');
		}
		if (fs->n_skipped > max)
			trb_buf_printf(out, "- and %zu more (see findings.json)\n", fs->n_skipped - max);
		trb_buf_puts(out, "\n</details>\n\n");
	}
	return trb_buf_error(out);
}
