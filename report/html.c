/* report/html.c: report.html, one self-contained page (Jenkins publishHTML, GitLab expose_as).
 * No scripts, no external assets: inline CSS only, and a Content-Security-Policy that forbids
 * everything else, so that even a missed escape could not load or run anything. Every text from
 * models and repositories goes through trb_escape_html. */
#include "report/internal.h"

#include <stdlib.h>
#include <string.h>

#include "util/err.h"
#include "util/escape.h"

static const char css[] =
	"body{font:14px/1.5 system-ui,-apple-system,'Segoe UI',sans-serif;margin:0 auto;max-width:70em;"
	"padding:1em 2em;color:#1f2328;background:#fff}"
	"h1{margin:.2em 0}h2{border-bottom:1px solid #d0d7de;padding-bottom:.2em;margin-top:1.5em}"
	"header{padding:.8em 1.2em;border-radius:6px;margin-bottom:1em}"
	"header.pass{background:#dafbe1;border:1px solid #4ac26b}header.fail{background:#ffebe9;border:1px solid #ff8182}"
	".notice{background:#fff8c5;border:1px solid #d4a72c;border-radius:6px;padding:.6em 1em;margin:.5em 0;font-weight:600}"
	"table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #d0d7de;padding:.3em .8em;text-align:right}"
	"th:first-child,td:first-child{text-align:left}"
	"details{border:1px solid #d0d7de;border-radius:6px;margin:.6em 0;padding:.4em .8em}"
	"summary{cursor:pointer;font-weight:600}"
	".sev{display:inline-block;min-width:5.5em;border-radius:4px;padding:0 .4em;color:#fff;text-align:center}"
	".sev-critical{background:#a40e26}.sev-high{background:#cf222e}.sev-medium{background:#bf8700}.sev-low{background:#0969da}"
	".gating{color:#cf222e;font-weight:700}.meta{color:#59636e}"
	"pre{background:#f6f8fa;padding:.6em;overflow:auto;border-radius:6px;white-space:pre-wrap;word-break:break-all}"
	"code{background:#f6f8fa;padding:0 .2em;border-radius:3px}.text{white-space:pre-wrap}"
	"footer{margin-top:2em;color:#59636e;font-size:12px;border-top:1px solid #d0d7de;padding-top:.6em}";

static void h(struct trb_buf *out, const char *s, size_t max)
{
	size_t len, n;

	if (!s)
		return;
	len = strlen(s);
	n = trb_utf8_prefix(s, len, max);
	trb_escape_html(out, s, n);
	if (n < len)
		trb_buf_puts(out, "\xe2\x80\xa6");
}

static const char *sev_class(trb_sev_t s)
{
	static const char *const l[TRB_SEV_COUNT] = {"low", "medium", "high", "critical"};

	return s >= 0 && s < TRB_SEV_COUNT ? l[s] : "low";
}

static void para(struct trb_buf *out, const char *label, const char *s, size_t max)
{
	if (!s || !*s)
		return;
	trb_buf_puts(out, "<p class=\"text\">");
	if (label)
		trb_buf_printf(out, "<strong>%s</strong> ", label);
	h(out, s, max);
	trb_buf_puts(out, "</p>\n");
}

static void finding(struct trb_buf *out, const struct finding *f)
{
	unsigned cwe = report_cwe_num(f);
	size_t i;

	trb_buf_printf(out, "<details class=\"finding\"><summary><span class=\"sev sev-%s\">%s</span> ",
		       sev_class(f->severity), report_sev_label(f->severity));
	h(out, f->title && *f->title ? f->title : "(untitled)", 400);
	trb_buf_puts(out, " <code>");
	h(out, f->path ? f->path : "?", 400);
	trb_buf_printf(out, ":%u</code>", report_line(f));
	if (f->gating)
		trb_buf_puts(out, " <span class=\"gating\">blocks the merge</span>");
	trb_buf_puts(out, "</summary>\n<p class=\"meta\">");
	h(out, f->id ? f->id : "?", 20);
	trb_buf_printf(out, " \xc2\xb7 lines %u-%u \xc2\xb7 ", report_line(f), report_end_line(f));
	if (cwe) {
		trb_buf_printf(out, "<a href=\"https://cwe.mitre.org/data/definitions/%u.html\">CWE-%u</a>", cwe, cwe);
		if (report_cwe_name(cwe))
			trb_buf_printf(out, " %s", report_cwe_name(cwe));
	} else {
		h(out, f->category ? f->category : "unclassified", 100);
	}
	if (report_owasp(cwe))
		trb_buf_printf(out, " \xc2\xb7 OWASP %s", report_owasp(cwe));
	trb_buf_printf(out, " \xc2\xb7 confidence %.2f \xc2\xb7 %s%s</p>\n", f->confidence, report_status_phrase(f),
		       f->pre_existing ? " \xc2\xb7 pre-existing" : "");
	para(out, NULL, f->description, 20000);
	para(out, "Exploit scenario:", f->exploit_scenario, 10000);
	if (f->n_flow) {
		trb_buf_puts(out, "<p><strong>Data flow:</strong></p>\n<ol>\n");
		for (i = 0; i < f->n_flow && i < 100; i++) {
			trb_buf_puts(out, "<li><code>");
			h(out, f->flow[i].path ? f->flow[i].path : "?", 400);
			trb_buf_printf(out, ":%u</code> ", f->flow[i].line);
			h(out, f->flow[i].note, 600);
			trb_buf_puts(out, "</li>\n");
		}
		if (f->n_flow > 100)
			trb_buf_printf(out, "<li>%zu more steps in findings.json</li>\n", f->n_flow - 100);
		trb_buf_puts(out, "</ol>\n");
	}
	para(out, "Recommendation:", f->recommendation, 10000);
	para(out, "Verifier:", f->verification.reason, 5000);
	if (f->status == FINDING_SUPPRESSED) {
		para(out, "Suppressed:", f->suppression.reason ? f->suppression.reason : "by policy", 2000);
		para(out, "Matched:", f->suppression.match, 300);
	}
	if (f->snippet && *f->snippet) {
		trb_buf_puts(out, "<pre>");
		h(out, f->snippet, 10000);
		trb_buf_puts(out, "</pre>\n");
	}
	if (findings_patch_offered(f)) {
		trb_buf_printf(out, "<p><strong>Proposed patch</strong>%s:</p>\n<pre>",
			       f->patch.reverified ? " (re-verified)" : "");
		h(out, f->patch.diff, 50000);
		trb_buf_puts(out, "</pre>\n");
		para(out, NULL, f->patch.explanation, 2000);
	} else if (f->patch.present && f->patch.dropped) {
		para(out, "A proposed patch was not offered:", f->patch.dropped, 1000);
	}
	trb_buf_puts(out, "</details>\n");
}

int report_html(struct trb_buf *out, const struct findings *fs)
{
	const struct findings_run *r = &fs->run;
	struct report_counts c;
	size_t *order = NULL, i, j, n, total;
	int error, s, a;

	if ((error = report_order(&order, fs)) < 0)
		return error;
	report_count(&c, fs);
	trb_buf_puts(out, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
			  "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
			  "style-src 'unsafe-inline'\">\n"
			  "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
	trb_buf_printf(out, "<title>tribunal: gate %s</title>\n<style>%s</style>\n</head>\n<body>\n",
		       r->gate_pass ? "passed" : "failed", css);
	trb_buf_printf(out, "<header class=\"%s\">\n<h1>%s tribunal: gate %s</h1>\n", r->gate_pass ? "pass" : "fail",
		       r->gate_pass ? "\xe2\x9c\x85" : "\xe2\x9d\x8c", r->gate_pass ? "passed" : "failed");
	trb_buf_printf(out, "<p>Mode <strong>%s</strong>.", config_mode_name(r->mode));
	if (r->n_gate_reasons) {
		trb_buf_puts(out, r->gate_pass ? " The gate noted:</p>\n<ul>\n" : " The gate failed because:</p>\n<ul>\n");
		for (i = 0; i < r->n_gate_reasons; i++) {
			trb_buf_puts(out, "<li>");
			h(out, r->gate_reasons[i], 2000);
			trb_buf_puts(out, "</li>\n");
		}
		trb_buf_puts(out, "</ul>\n");
	} else {
		trb_buf_puts(out, "</p>\n");
	}
	trb_buf_puts(out, "</header>\n");
	for (i = 0; i < r->n_notices; i++) {
		trb_buf_puts(out, "<div class=\"notice\">");
		h(out, r->notices[i], 2000);
		trb_buf_puts(out, "</div>\n");
	}
	if (report_unreviewed_counts(fs, &n, &total))
		trb_buf_printf(out, "<div class=\"notice\">%zu of %zu review units were not reviewed by an agent "
				    "(listed below).</div>\n", n, total);

	trb_buf_puts(out, "<table>\n<tr><th>Severity</th><th>Findings</th></tr>\n");
	for (s = TRB_SEV_CRITICAL; s >= TRB_SEV_LOW; s--)
		trb_buf_printf(out, "<tr><td><span class=\"sev sev-%s\">%s</span></td><td>%zu</td></tr>\n",
			       sev_class((trb_sev_t)s), report_sev_label((trb_sev_t)s), c.active_by_sev[s]);
	trb_buf_printf(out, "</table>\n<p>%zu blocking \xc2\xb7 %zu pre-existing \xc2\xb7 %zu suppressed \xc2\xb7 "
			    "%zu rejected by the verifier</p>\n",
		       c.gating, c.pre_existing, c.status[FINDING_SUPPRESSED], c.status[FINDING_REJECTED]);

	trb_buf_printf(out, "<h2>Findings (%zu)</h2>\n", c.active);
	if (!c.active)
		trb_buf_puts(out, "<p>No security findings in the changed code.</p>\n");
	for (i = 0; i < fs->n; i++)
		if (report_active(&fs->v[order[i]]))
			finding(out, &fs->v[order[i]]);
	if (c.status[FINDING_REJECTED]) {
		trb_buf_printf(out, "<h2>Rejected by the verifier (%zu)</h2>\n", c.status[FINDING_REJECTED]);
		for (i = 0; i < fs->n; i++)
			if (fs->v[order[i]].status == FINDING_REJECTED)
				finding(out, &fs->v[order[i]]);
	}
	if (c.status[FINDING_SUPPRESSED]) {
		trb_buf_printf(out, "<h2>Suppressed (%zu)</h2>\n", c.status[FINDING_SUPPRESSED]);
		for (i = 0; i < fs->n; i++)
			if (fs->v[order[i]].status == FINDING_SUPPRESSED)
				finding(out, &fs->v[order[i]]);
	}
	if (fs->n_unreviewed) {
		trb_buf_printf(out, "<h2>Not reviewed by an agent (%zu)</h2>\n<ul>\n", fs->n_unreviewed);
		for (i = 0; i < fs->n_unreviewed; i++) {
			const struct findings_unreviewed *u = &fs->unreviewed[i];
			trb_buf_printf(out, "<li>unit %zu: ", u->unit);
			h(out, u->reason ? u->reason : "unknown reason", 300);
			for (j = 0; j < u->n_paths; j++) {
				trb_buf_puts(out, j ? ", <code>" : " \xe2\x80\x94 <code>");
				h(out, u->paths[j], 400);
				trb_buf_puts(out, "</code>");
			}
			trb_buf_puts(out, "</li>\n");
		}
		trb_buf_puts(out, "</ul>\n");
	}
	if (fs->n_skipped) {
		trb_buf_printf(out, "<h2>Skipped files (%zu)</h2>\n<ul>\n", fs->n_skipped);
		for (i = 0; i < fs->n_skipped; i++) {
			trb_buf_puts(out, "<li><code>");
			h(out, fs->skipped[i].path, 400);
			trb_buf_puts(out, "</code>: ");
			h(out, fs->skipped[i].reason, 200);
			if (fs->skipped[i].detail) {
				trb_buf_puts(out, " (");
				h(out, fs->skipped[i].detail, 200);
				trb_buf_puts(out, ")");
			}
			trb_buf_puts(out, "</li>\n");
		}
		trb_buf_puts(out, "</ul>\n");
	}
	trb_buf_puts(out, "<footer>tribunal ");
	h(out, r->tool_version ? r->tool_version : "?", 40);
	if (r->scan_id) {
		trb_buf_puts(out, " \xc2\xb7 scan ");
		h(out, r->scan_id, 80);
	}
	if (r->base && r->head) {
		trb_buf_puts(out, " \xc2\xb7 ");
		h(out, r->base, 12);
		trb_buf_puts(out, "..");
		h(out, r->head, 12);
	}
	if (r->started_at) {
		trb_buf_puts(out, " \xc2\xb7 started ");
		h(out, r->started_at, 40);
	}
	report_run_stats(out, r);
	for (a = 0; a < CONFIG_AGENT_COUNT; a++) {
		if (!r->models[a])
			continue;
		trb_buf_printf(out, " \xc2\xb7 %s ", config_agent_name((config_agent_t)a));
		h(out, r->models[a], 100);
	}
	trb_buf_puts(out, "</footer>\n</body>\n</html>\n");
	free(order);
	return trb_buf_error(out);
}
