/* report/gitlab.c: GitLab's three files (REFERENCE.md §3): gl-code-quality-report.json
 * (artifacts:reports:codequality), gl-sast-report.json (artifacts:reports:sast, schema 15.1.4,
 * a version GitLab 16.x-17.x accepts) and gitlab-discussions.json (bodies for
 * POST /projects/:id/merge_requests/:iid/discussions).
 * Active findings only (confirmed, uncertain, unverified); suppressed and rejected ones are in
 * findings.json and the summary. No BOM; paths repository-relative; SAST times without a zone. */
#include "report/internal.h"

#include <stdlib.h>
#include <string.h>

#include "util/err.h"
#include "util/escape.h"

#define SAST_SCHEMA_VERSION "15.1.4"

/* ---- code quality ---- */

static const char *cq_severity(const struct finding *f)
{
	static const char *const l[TRB_SEV_COUNT] = {"minor", "major", "critical", "blocker"};

	return f->severity >= 0 && f->severity < TRB_SEV_COUNT ? l[f->severity] : "info";
}

int report_codequality(struct trb_buf *out, const struct findings *fs)
{
	struct trb_buf t = TRB_BUF_INIT(TRB_LIMIT_SMALL), rid = TRB_BUF_INIT(TRB_LIMIT_SMALL);
	size_t *order = NULL, i;
	struct trb_jw w;
	int error;

	if ((error = report_order(&order, fs)) < 0)
		return error;
	trb_jw_init(&w, out);
	trb_jw_arr(&w, NULL);
	for (i = 0; i < fs->n; i++) {
		const struct finding *f = &fs->v[order[i]];
		if (!report_active(f))
			continue;
		trb_buf_clear(&t);
		trb_buf_clear(&rid);
		report_rule_id(&rid, f);
		/* the widget shows the description as plain text on one line */
		trb_buf_printf(&t, "[%s] ", report_sev_label(f->severity));
		trb_escape_plain(&t, f->title && *f->title ? f->title : "(untitled)",
				 f->title && *f->title ? trb_utf8_prefix(f->title, strlen(f->title), 300) : 10);
		trb_buf_printf(&t, " (%s%s%s)", f->cwe ? f->cwe : trb_buf_cstr(&rid),
			       f->status == FINDING_CONFIRMED ? "" : ", ",
			       f->status == FINDING_CONFIRMED ? "" : report_status_phrase(f));
		trb_jw_obj(&w, NULL);
		trb_jw_strn(&w, "description", t.ptr, t.len);
		trb_jw_str(&w, "check_name", trb_buf_cstr(&rid));
		trb_jw_str(&w, "fingerprint", f->fingerprint && *f->fingerprint ? f->fingerprint : f->id);
		trb_jw_str(&w, "severity", cq_severity(f));
		trb_jw_str(&w, "type", "issue");
		trb_jw_arr(&w, "categories");
		trb_jw_str(&w, NULL, "Security");
		trb_jw_arr_end(&w);
		trb_jw_obj(&w, "location");
		trb_jw_str(&w, "path", f->path ? f->path : "unknown");
		trb_jw_obj(&w, "lines");
		trb_jw_uint(&w, "begin", report_line(f));
		trb_jw_uint(&w, "end", report_end_line(f));
		trb_jw_obj_end(&w);
		trb_jw_obj_end(&w);
		trb_jw_obj_end(&w);
	}
	trb_jw_arr_end(&w);
	error = trb_jw_finish(&w);
	free(order);
	trb_buf_dispose(&t);
	trb_buf_dispose(&rid);
	return error;
}

/* ---- SAST ---- */

/* A UUID-shaped id from the fingerprint, stable across runs (GitLab recommends UUIDs). */
static void uuid_of(char out[37], const struct finding *f)
{
	static const char hex[] = "0123456789abcdef";
	const char *fp = f->fingerprint ? f->fingerprint : "";
	unsigned char b[16];
	size_t i, n = strlen(fp), o = 0;

	/* fold every hex digit of the fingerprint into 16 bytes (FNV-style), so any length works */
	memset(b, 0, sizeof(b));
	for (i = 0; i < n; i++)
		b[i % 16] = (unsigned char)(b[i % 16] * 31u + (unsigned char)fp[i] + (unsigned)(i / 16));
	if (n == 0)
		for (i = 0; f->id && f->id[i]; i++)
			b[i % 16] = (unsigned char)(b[i % 16] * 31u + (unsigned char)f->id[i]);
	if (n == 32) {
		for (i = 0; i < 16; i++) {
			unsigned hi = (unsigned)(strchr(hex, fp[2 * i]) ? strchr(hex, fp[2 * i]) - hex : 0);
			unsigned lo = (unsigned)(strchr(hex, fp[2 * i + 1]) ? strchr(hex, fp[2 * i + 1]) - hex : 0);
			b[i] = (unsigned char)(hi << 4 | lo);
		}
	}
	b[6] = (unsigned char)((b[6] & 0x0f) | 0x50);   /* version 5 shape: name-based */
	b[8] = (unsigned char)((b[8] & 0x3f) | 0x80);
	for (i = 0; i < 16; i++) {
		if (i == 4 || i == 6 || i == 8 || i == 10)
			out[o++] = '-';
		out[o++] = hex[b[i] >> 4];
		out[o++] = hex[b[i] & 15];
	}
	out[o] = '\0';
}

static void put_capped(struct trb_jw *w, const char *key, const char *s, size_t max)
{
	size_t len = s ? strlen(s) : 0;

	trb_jw_strn(w, key, s ? s : "", trb_utf8_prefix(s ? s : "", len, max));
}

/* scan.analyzer and scan.scanner: tribunal is both */
static void sast_tool(struct trb_jw *w, const char *key, const char *version)
{
	trb_jw_obj(w, key);
	trb_jw_str(w, "id", "tribunal");
	trb_jw_str(w, "name", "tribunal");
	trb_jw_str(w, "version", version);
	trb_jw_obj(w, "vendor");
	trb_jw_str(w, "name", "tribunal");
	trb_jw_obj_end(w);
	trb_jw_obj_end(w);
}

int report_sast(struct trb_buf *out, const struct findings *fs)
{
	struct trb_buf t = TRB_BUF_INIT(TRB_LIMIT_FILE), rid = TRB_BUF_INIT(TRB_LIMIT_SMALL);
	const char *version = fs->run.tool_version ? fs->run.tool_version : "unknown";
	size_t *order = NULL, i, j, n_rem = 0;
	long long st, en;
	char ts[32], uuid[37];
	struct trb_jw w;
	int error;

	if ((error = report_order(&order, fs)) < 0)
		return error;
	report_run_times(fs, &st, &en);
	trb_jw_init(&w, out);
	trb_jw_obj(&w, NULL);
	trb_jw_str(&w, "version", SAST_SCHEMA_VERSION);
	trb_jw_obj(&w, "scan");
	sast_tool(&w, "analyzer", version);
	sast_tool(&w, "scanner", version);
	trb_jw_str(&w, "type", "sast");
	report_format_time(ts, st, false);
	trb_jw_str(&w, "start_time", ts);
	report_format_time(ts, en, false);
	trb_jw_str(&w, "end_time", ts);
	trb_jw_str(&w, "status", "success");
	trb_jw_arr(&w, "messages");
	for (i = 0; i < fs->run.n_notices; i++) {
		trb_jw_obj(&w, NULL);
		trb_jw_str(&w, "level", "warn");
		put_capped(&w, "value", fs->run.notices[i][0] ? fs->run.notices[i] : "notice", 2000);
		trb_jw_obj_end(&w);
	}
	for (i = 0; i < fs->n_unreviewed; i++) {
		const struct findings_unreviewed *u = &fs->unreviewed[i];
		trb_buf_clear(&t);
		trb_buf_printf(&t, "review unit %zu was not reviewed by an agent (%s)", u->unit,
			       u->reason ? u->reason : "unknown reason");
		for (j = 0; j < u->n_paths && j < 20; j++)
			trb_buf_printf(&t, "%s%s", j ? ", " : ": ", u->paths[j]);
		trb_jw_obj(&w, NULL);
		trb_jw_str(&w, "level", "warn");
		put_capped(&w, "value", trb_buf_cstr(&t), 4000);
		trb_jw_obj_end(&w);
	}
	trb_jw_arr_end(&w);
	trb_jw_obj_end(&w);

	trb_jw_arr(&w, "vulnerabilities");
	for (i = 0; i < fs->n; i++) {
		const struct finding *f = &fs->v[order[i]];
		unsigned cwe = report_cwe_num(f);
		if (!report_active(f))
			continue;
		uuid_of(uuid, f);
		trb_buf_clear(&rid);
		report_rule_id(&rid, f);
		trb_jw_obj(&w, NULL);
		trb_jw_str(&w, "id", uuid);
		trb_buf_clear(&t);
		trb_escape_plain(&t, f->title && *f->title ? f->title : "(untitled)",
				 f->title && *f->title ? trb_utf8_prefix(f->title, strlen(f->title), 200) : 10);
		trb_jw_strn(&w, "name", t.ptr, t.len);
		/* GitLab renders the description and the solution as Markdown: escaped like every
		 * other Markdown we write (no mentions, images, HTML) */
		trb_buf_clear(&t);
		if (f->description)
			trb_escape_md_capped(&t, f->description, strlen(f->description), true, 200000);
		if (f->exploit_scenario && *f->exploit_scenario) {
			trb_buf_puts(&t, "\n\n**Exploit scenario:** ");
			trb_escape_md_capped(&t, f->exploit_scenario, strlen(f->exploit_scenario), true, 100000);
		}
		if (f->status != FINDING_CONFIRMED)
			trb_buf_printf(&t, "\n\n(%s)", report_status_phrase(f));
		if (f->pre_existing)
			trb_buf_puts(&t, "\n\n(pre-existing: not changed by this merge request)");
		trb_jw_strn(&w, "description", t.ptr ? t.ptr : "", t.len);
		trb_jw_str(&w, "severity", report_sev_label(f->severity));
		if (f->recommendation && *f->recommendation) {
			trb_buf_clear(&t);
			trb_escape_md_capped(&t, f->recommendation, strlen(f->recommendation), true, 6900);
			trb_jw_strn(&w, "solution", t.ptr ? t.ptr : "", t.len);
		}
		trb_jw_arr(&w, "identifiers");
		trb_jw_obj(&w, NULL);
		trb_jw_str(&w, "type", "tribunal_rule");
		trb_buf_clear(&t);
		trb_buf_printf(&t, "tribunal %s", trb_buf_cstr(&rid));
		trb_jw_str(&w, "name", trb_buf_cstr(&t));
		trb_jw_str(&w, "value", trb_buf_cstr(&rid));
		trb_jw_obj_end(&w);
		if (cwe) {
			char name[32], value[16], url[80];
			snprintf(name, sizeof(name), "CWE-%u", cwe);
			snprintf(value, sizeof(value), "%u", cwe);
			snprintf(url, sizeof(url), "https://cwe.mitre.org/data/definitions/%u.html", cwe);
			trb_jw_obj(&w, NULL);
			trb_jw_str(&w, "type", "cwe");
			trb_jw_str(&w, "name", name);
			trb_jw_str(&w, "value", value);
			trb_jw_str(&w, "url", url);
			trb_jw_obj_end(&w);
		}
		if (report_owasp(cwe)) {
			trb_jw_obj(&w, NULL);
			trb_jw_str(&w, "type", "owasp");
			trb_jw_str(&w, "name", report_owasp(cwe));
			trb_buf_clear(&t);
			trb_buf_put(&t, report_owasp(cwe), 8);   /* "A03:2021" */
			trb_jw_str(&w, "value", trb_buf_cstr(&t));
			trb_jw_obj_end(&w);
		}
		trb_jw_arr_end(&w);
		trb_jw_obj(&w, "location");
		trb_jw_str(&w, "file", f->path ? f->path : "unknown");
		trb_jw_uint(&w, "start_line", report_line(f));
		trb_jw_uint(&w, "end_line", report_end_line(f));
		trb_jw_obj_end(&w);
		if (findings_patch_offered(f))
			n_rem++;
		trb_jw_obj_end(&w);
	}
	trb_jw_arr_end(&w);

	/* remediations: patches that apply, base64 as `git apply` takes them */
	trb_jw_arr(&w, "remediations");
	for (i = 0; i < fs->n && n_rem; i++) {
		const struct finding *f = &fs->v[order[i]];
		if (!report_active(f) || !findings_patch_offered(f))
			continue;
		uuid_of(uuid, f);
		trb_jw_obj(&w, NULL);
		trb_jw_arr(&w, "fixes");
		trb_jw_obj(&w, NULL);
		trb_jw_str(&w, "id", uuid);
		trb_jw_obj_end(&w);
		trb_jw_arr_end(&w);
		put_capped(&w, "summary", f->patch.explanation && *f->patch.explanation ? f->patch.explanation
											: "Patch proposed by tribunal's patcher agent", 2000);
		trb_buf_clear(&t);
		trb_base64(&t, f->patch.diff, strlen(f->patch.diff));
		trb_jw_strn(&w, "diff", t.ptr ? t.ptr : "", t.len);
		trb_jw_obj_end(&w);
	}
	trb_jw_arr_end(&w);
	trb_jw_obj_end(&w);
	error = trb_jw_finish(&w);
	if (!error)
		error = trb_buf_error(&t);
	free(order);
	trb_buf_dispose(&t);
	trb_buf_dispose(&rid);
	return error;
}

/* ---- discussions ---- */

bool report_inline_range(const struct finding *f, uint32_t *first, uint32_t *last, uint32_t *line)
{
	if (f->in_diff) {
		*first = report_line(f);
		*last = report_end_line(f);
		*line = *last;
		return true;
	}
	if (f->anchor_line) {
		*first = *last = *line = f->anchor_line;
		return true;
	}
	return false;
}

int report_gitlab_discussions(struct trb_buf *out, const struct findings *fs, const struct report_options *o)
{
	struct trb_buf body = TRB_BUF_INIT(TRB_LIMIT_FILE), rest = TRB_BUF_INIT(TRB_LIMIT_FILE);
	size_t *order = NULL, i, inline_n = 0, rest_n = 0, rest_omitted = 0;
	size_t max = o && o->review_max_comments ? o->review_max_comments : REPORT_REVIEW_MAX_COMMENTS;
	struct trb_jw w;
	int error;

	if ((error = report_order(&order, fs)) < 0)
		return error;
	trb_jw_init(&w, out);
	trb_jw_arr(&w, NULL);
	for (i = 0; i < fs->n; i++) {
		const struct finding *f = &fs->v[order[i]];
		uint32_t first, last, line;
		if (!report_active(f))
			continue;
		if (!f->pre_existing && inline_n < max && report_inline_range(f, &first, &last, &line) &&
		    fs->run.head && fs->run.base) {
			trb_buf_clear(&body);
			report_md_finding(&body, f, MD_FLAVOR_GITLAB, first, last, line);
			trb_jw_obj(&w, NULL);
			trb_jw_strn(&w, "body", body.ptr, body.len);
			trb_jw_obj(&w, "position");
			trb_jw_str(&w, "base_sha", fs->run.merge_base ? fs->run.merge_base : fs->run.base);
			trb_jw_str(&w, "start_sha", fs->run.base);
			trb_jw_str(&w, "head_sha", fs->run.head);
			trb_jw_str(&w, "position_type", "text");
			/* both sides are required; a renamed file's thread is lost without its old name */
			trb_jw_str(&w, "old_path", f->old_path ? f->old_path : f->path);
			trb_jw_str(&w, "new_path", f->path);
			trb_jw_uint(&w, "new_line", line);
			trb_jw_obj_end(&w);
			trb_jw_obj_end(&w);
			inline_n++;
			continue;
		}
		/* one general discussion lists the rest (verdict ~15 KB at most, lists bounded) */
		if (rest.len > REPORT_COMMENT_MAX_BYTES - 25000) {
			rest_omitted++;
			continue;
		}
		report_md_list_item(&rest, f);
		rest_n++;
	}
	if (rest_n || fs->n_unreviewed || !fs->run.gate_pass || fs->run.n_notices) {
		trb_buf_clear(&body);
		report_md_verdict(&body, fs);
		if (rest_n) {
			trb_buf_printf(&body, "**%zu finding%s outside the changed lines** (or beyond %zu inline "
					      "discussions):\n\n", rest_n + rest_omitted, rest_n + rest_omitted == 1 ? "" : "s", max);
			trb_buf_put(&body, rest.ptr, rest.len);
			if (rest_omitted)
				trb_buf_printf(&body, "- and %zu more: see the pipeline's summary.md or findings.json\n",
					       rest_omitted);
			trb_buf_putc(&body, '\n');
		}
		report_md_unreviewed(&body, fs, 20);
		trb_buf_puts(&body, "<!-- tribunal:summary -->\n");
		trb_jw_obj(&w, NULL);
		trb_jw_strn(&w, "body", body.ptr, body.len);
		trb_jw_obj_end(&w);
	}
	trb_jw_arr_end(&w);
	error = trb_jw_finish(&w);
	if (!error && (error = trb_buf_error(&body)) == 0)
		error = trb_buf_error(&rest);
	free(order);
	trb_buf_dispose(&body);
	trb_buf_dispose(&rest);
	return error;
}
