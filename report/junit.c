/* report/junit.c: junit.xml for Jenkins `junit` and GitLab `artifacts:reports:junit`, written with
 * libxml2's xmlwriter (which escapes markup) after trb_escape_xml_clean (which removes what XML
 * cannot carry: control characters, invalid UTF-8).
 * Shape: one testsuite per file with one testcase per finding (a failure when it gates, else a
 * passing case whose system-out says what it is), a "not reviewed" suite with a skipped case per
 * unit no agent reviewed, and a "gate" suite whose one case fails exactly when the gate failed,
 * so that the test report and the pipeline agree. */
#include "report/internal.h"

#include <string.h>

#include "report/xml_dl.h"

#include "util/err.h"
#include "util/escape.h"

#define TEXT_MAX 20000

struct jx {
	xmlTextWriterPtr w;
	struct trb_buf tmp;
	int rc;        /* first negative xmlwriter return */
};

static const xmlChar *X(const char *s)
{
	return (const xmlChar *)s;
}

static void check(struct jx *x, int rc)
{
	if (rc < 0 && x->rc >= 0)
		x->rc = rc;
}

/* Cleans s (at most max bytes) for XML into x->tmp and returns it. */
static const xmlChar *clean(struct jx *x, const char *s, size_t max)
{
	size_t len = s ? strlen(s) : 0;

	trb_buf_clear(&x->tmp);
	if (s)
		trb_escape_xml_clean(&x->tmp, s, trb_utf8_prefix(s, len, max));
	if (s && trb_utf8_prefix(s, len, max) < len)
		trb_buf_puts(&x->tmp, "\xe2\x80\xa6");
	return X(trb_buf_cstr(&x->tmp));
}

static void attr(struct jx *x, const char *name, const char *value, size_t max)
{
	check(x, xmlTextWriterWriteAttribute(x->w, X(name), clean(x, value, max)));
}

static void attr_num(struct jx *x, const char *name, size_t v)
{
	check(x, xmlTextWriterWriteFormatAttribute(x->w, X(name), "%zu", v));
}

static void start(struct jx *x, const char *name)
{
	check(x, xmlTextWriterStartElement(x->w, X(name)));
}

static void end(struct jx *x)
{
	check(x, xmlTextWriterEndElement(x->w));
}

static void text(struct jx *x, const char *s)
{
	check(x, xmlTextWriterWriteString(x->w, clean(x, s, TEXT_MAX)));
}

/* The plain-text account of one finding (failure body or system-out) */
static void describe(struct trb_buf *t, const struct finding *f)
{
	size_t i;

	trb_buf_printf(t, "%s:%u", f->path ? f->path : "?", report_line(f));
	if (report_end_line(f) > report_line(f))
		trb_buf_printf(t, "-%u", report_end_line(f));
	trb_buf_printf(t, " %s %s (%s, confidence %.2f%s%s)\n", trb_sev_name(f->severity),
		       f->cwe ? f->cwe : (f->category ? f->category : "unclassified"), report_status_phrase(f),
		       f->confidence, f->pre_existing ? ", pre-existing" : "", f->gating ? ", blocks the merge" : "");
	if (f->title)
		trb_buf_printf(t, "\n%s\n", f->title);
	if (f->description)
		trb_buf_printf(t, "\n%s\n", f->description);
	if (f->exploit_scenario)
		trb_buf_printf(t, "\nExploit scenario: %s\n", f->exploit_scenario);
	if (f->n_flow) {
		trb_buf_puts(t, "\nData flow:\n");
		for (i = 0; i < f->n_flow && i < 50; i++)
			trb_buf_printf(t, "  %zu. %s:%u %s\n", i + 1, f->flow[i].path ? f->flow[i].path : "?",
				       f->flow[i].line, f->flow[i].note ? f->flow[i].note : "");
	}
	if (f->recommendation)
		trb_buf_printf(t, "\nRecommendation: %s\n", f->recommendation);
	if (f->verification.reason)
		trb_buf_printf(t, "\nVerifier: %s\n", f->verification.reason);
	if (f->status == FINDING_SUPPRESSED) {
		trb_buf_printf(t, "\nSuppressed: %s\n", f->suppression.reason ? f->suppression.reason : "by policy");
		if (f->suppression.match)
			trb_buf_printf(t, "Matched: %s\n", f->suppression.match);
	}
	if (findings_patch_offered(f))
		trb_buf_puts(t, "\nA patch that applies cleanly was proposed (see findings.json).\n");
	else if (f->patch.present && f->patch.dropped)
		trb_buf_printf(t, "\nA proposed patch was not offered: %s\n", f->patch.dropped);
}

static void finding_case(struct jx *x, const struct finding *f, struct trb_buf *t, struct trb_buf *rid)
{
	struct trb_buf name = TRB_BUF_INIT(TRB_LIMIT_SMALL);

	trb_buf_clear(rid);
	report_rule_id(rid, f);
	trb_buf_printf(&name, "%s %s:%u [%s] ", f->id ? f->id : "?", f->path ? f->path : "?", report_line(f),
		       trb_sev_name(f->severity));
	trb_buf_put(&name, f->title ? f->title : "(untitled)",
		    f->title ? trb_utf8_prefix(f->title, strlen(f->title), 300) : 10);
	start(x, "testcase");
	attr(x, "name", trb_buf_cstr(&name), 1000);
	trb_buf_clear(&name);
	trb_buf_printf(&name, "tribunal.%s", trb_buf_cstr(rid));
	attr(x, "classname", trb_buf_cstr(&name), 200);
	attr(x, "time", "0", 8);
	trb_buf_clear(t);
	describe(t, f);
	if (f->gating) {
		start(x, "failure");
		attr(x, "type", trb_buf_cstr(rid), 200);
		attr(x, "message", f->title ? f->title : "(untitled)", 500);
		text(x, trb_buf_cstr(t));
		end(x);
	} else {
		start(x, "system-out");
		text(x, trb_buf_cstr(t));
		end(x);
	}
	end(x);
	trb_buf_dispose(&name);
}

static void suite_attrs(struct jx *x, const char *name, size_t tests, size_t failures, size_t skipped,
			const char *timestamp)
{
	attr(x, "name", name, 1000);
	attr_num(x, "tests", tests);
	attr_num(x, "failures", failures);
	attr_num(x, "errors", 0);
	attr_num(x, "skipped", skipped);
	attr(x, "time", "0", 8);
	if (timestamp)
		attr(x, "timestamp", timestamp, 40);
}

int report_junit(struct trb_buf *out, const struct findings *fs)
{
	struct jx x = {NULL, TRB_BUF_INIT(TRB_LIMIT_FILE), 0};
	struct trb_buf t = TRB_BUF_INIT(TRB_LIMIT_FILE), rid = TRB_BUF_INIT(TRB_LIMIT_SMALL),
		       name = TRB_BUF_INIT(TRB_LIMIT_SMALL);
	xmlBufferPtr xb = NULL;
	size_t i, j, k, tests, failures = 0;
	char ts[32], dur[32];
	long long st, en;
	int error = 0;

	report_run_times(fs, &st, &en);
	report_format_time(ts, st, false);
	for (i = 0; i < fs->n; i++)
		if (fs->v[i].gating)
			failures++;
	tests = fs->n + fs->n_unreviewed + 1;
	if (!fs->run.gate_pass)
		failures++;

	if ((error = report_xml_load()) < 0)
		goto cleanup;
	if (!(xb = xmlBufferCreate()) || !(x.w = xmlNewTextWriterMemory(xb, 0))) {
		error = trb_err_set(TRB_ENOMEM, "junit: cannot create the XML writer");
		goto cleanup;
	}
	check(&x, xmlTextWriterSetIndent(x.w, 1));
	check(&x, xmlTextWriterSetIndentString(x.w, X("  ")));
	check(&x, xmlTextWriterStartDocument(x.w, "1.0", "UTF-8", NULL));
	start(&x, "testsuites");
	attr(&x, "name", "tribunal", 20);
	attr_num(&x, "tests", tests);
	attr_num(&x, "failures", failures);
	attr_num(&x, "errors", 0);
	snprintf(dur, sizeof(dur), "%llu.%03llu", (unsigned long long)(fs->run.duration_ms / 1000),
		 (unsigned long long)(fs->run.duration_ms % 1000));
	attr(&x, "time", dur, 32);

	/* one suite per file, findings by line: report order (findings_order) groups them */
	for (i = 0; i < fs->n; i = j) {
		const char *path = fs->v[i].path ? fs->v[i].path : "";
		size_t fails = 0;
		for (j = i; j < fs->n && strcmp(fs->v[j].path ? fs->v[j].path : "", path) == 0; j++)
			fails += fs->v[j].gating;
		start(&x, "testsuite");
		trb_buf_clear(&name);
		trb_buf_printf(&name, "tribunal.%s", path);
		suite_attrs(&x, trb_buf_cstr(&name), j - i, fails, 0, ts);
		for (k = i; k < j; k++)
			finding_case(&x, &fs->v[k], &t, &rid);
		end(&x);
	}

	if (fs->n_unreviewed) {
		start(&x, "testsuite");
		suite_attrs(&x, "tribunal.not-reviewed", fs->n_unreviewed, 0, fs->n_unreviewed, ts);
		for (i = 0; i < fs->n_unreviewed; i++) {
			const struct findings_unreviewed *u = &fs->unreviewed[i];
			trb_buf_clear(&name);
			trb_buf_printf(&name, "unit %zu", u->unit);
			for (k = 0; k < u->n_paths && k < 10; k++)
				trb_buf_printf(&name, "%s%s", k ? ", " : ": ", u->paths[k]);
			if (u->n_paths > 10)
				trb_buf_printf(&name, " and %zu more", u->n_paths - 10);
			start(&x, "testcase");
			attr(&x, "name", trb_buf_cstr(&name), 2000);
			attr(&x, "classname", "tribunal.not-reviewed", 40);
			attr(&x, "time", "0", 8);
			start(&x, "skipped");
			trb_buf_clear(&t);
			trb_buf_printf(&t, "not reviewed by an agent: %s", u->reason ? u->reason : "unknown reason");
			attr(&x, "message", trb_buf_cstr(&t), 1000);
			end(&x);
			end(&x);
		}
		end(&x);
	}

	start(&x, "testsuite");
	suite_attrs(&x, "tribunal.gate", 1, fs->run.gate_pass ? 0 : 1, 0, ts);
	start(&x, "testcase");
	attr(&x, "name", "gate", 8);
	attr(&x, "classname", "tribunal.gate", 20);
	attr(&x, "time", "0", 8);
	trb_buf_clear(&t);
	trb_buf_printf(&t, "gate %s (mode %s)\n", fs->run.gate_pass ? "passed" : "failed",
		       config_mode_name(fs->run.mode));
	for (i = 0; i < fs->run.n_gate_reasons; i++)
		trb_buf_printf(&t, "- %s\n", fs->run.gate_reasons[i]);
	for (i = 0; i < fs->run.n_notices; i++)
		trb_buf_printf(&t, "notice: %s\n", fs->run.notices[i]);
	trb_buf_printf(&t, "units: %zu of %zu reviewed; %zu skipped files\n", fs->run.units_reviewed,
		       fs->run.units_total, fs->n_skipped);
	if (!fs->run.gate_pass) {
		start(&x, "failure");
		attr(&x, "type", "gate", 8);
		attr(&x, "message", fs->run.n_gate_reasons ? fs->run.gate_reasons[0] : "the gate failed", 1000);
		text(&x, trb_buf_cstr(&t));
		end(&x);
	} else {
		start(&x, "system-out");
		text(&x, trb_buf_cstr(&t));
		end(&x);
	}
	end(&x);
	end(&x);

	end(&x);
	check(&x, xmlTextWriterEndDocument(x.w));
	xmlFreeTextWriter(x.w);   /* flushes into xb */
	x.w = NULL;
	if (x.rc < 0 || (error = trb_buf_error(&x.tmp)) < 0 || (error = trb_buf_error(&t)) < 0) {
		if (!error)
			error = trb_err_set(TRB_ERROR, "junit: the XML writer failed");
		goto cleanup;
	}
	trb_buf_put(out, xmlBufferContent(xb), (size_t)xmlBufferLength(xb));
	error = trb_buf_error(out);
cleanup:
	if (x.w)
		xmlFreeTextWriter(x.w);
	if (xb)
		xmlBufferFree(xb);
	trb_buf_dispose(&x.tmp);
	trb_buf_dispose(&t);
	trb_buf_dispose(&rid);
	trb_buf_dispose(&name);
	return error;
}
