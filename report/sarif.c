/* report/sarif.c: results.sarif, SARIF 2.1.0 as GitHub code scanning reads it (REFERENCE.md §1),
 * also read by Jenkins warnings-ng and SARIF viewers.
 * Choices: one rule per policy rule or CWE (security-severity is the highest of its results,
 * since GitHub reads it from the rule); active and suppressed findings are results (suppressed
 * ones carry `suppressions`), rejected ones are not (they are in findings.json and summary.md);
 * results are capped at REPORT_SARIF_MAX_RESULTS by severity and the file at SARIF_MAX_GZIP
 * bytes once gzipped (measured as it is written: high-entropy text barely compresses) and
 * SARIF_MAX_BYTES before, with a notification saying so. `executionSuccessful` says that tribunal ran to the end and
 * wrote a complete record, which it did whenever this file exists: units no agent reviewed are
 * warning-level toolExecutionNotifications (the gate and exit code 3 decide what they mean for
 * the pipeline), so that code scanning still takes the results it has. */
#include "report/internal.h"

#include <stdlib.h>
#include <string.h>

#include <zlib.h>

#include "util/err.h"
#include "util/escape.h"

#define SRCROOT "%SRCROOT%"
#define SARIF_MAX_BYTES ((size_t)40 * 1000 * 1000)   /* uncompressed, to bound memory */
/* GitHub takes 10 MB of gzip; deflate may still hold up to a few hundred KB it has not emitted */
#define SARIF_MAX_GZIP ((size_t)9 * 1000 * 1000)
#define MSG_DESCRIPTION 1000
#define FLOW_MAX 100                                  /* GitHub shows 1,000; keep files small */
#define SNIPPET_MAX 2000
#define PATCH_MAX 20000

/* The gzipped size of what was written so far, counted and thrown away. Level 1 compresses
 * less than the level an uploader uses, so the count errs on the safe side. */
struct gz_meter {
	z_stream z;
	bool ok;              /* false: no zlib stream (out of memory); only the raw cap applies */
	size_t fed, out;      /* bytes of the report fed in, compressed bytes out */
};

static void gz_init(struct gz_meter *g)
{
	memset(g, 0, sizeof(*g));
	g->ok = deflateInit2(&g->z, 1, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) == Z_OK;
}

/* Feeds the bytes of `b` after the ones already fed, from `start`. */
static void gz_feed(struct gz_meter *g, const struct trb_buf *b, size_t start)
{
	unsigned char sink[16384];
	size_t from = start + g->fed;

	if (!g->ok || b->len <= from)
		return;
	g->z.next_in = (Bytef *)(b->ptr + from);
	g->z.avail_in = (uInt)(b->len - from);   /* one result: far below 4 GB */
	g->fed = b->len - start;
	do {
		g->z.next_out = sink;
		g->z.avail_out = sizeof(sink);
		if (deflate(&g->z, Z_NO_FLUSH) == Z_STREAM_ERROR) {
			deflateEnd(&g->z);
			g->ok = false;
			return;
		}
		g->out += sizeof(sink) - g->z.avail_out;
	} while (g->z.avail_out == 0 || g->z.avail_in > 0);
}

static void gz_dispose(struct gz_meter *g)
{
	if (g->ok)
		deflateEnd(&g->z);
}

struct rule {
	char *id;
	size_t first;           /* index of the first finding with this rule */
	trb_sev_t max_sev;
};

static int cmp_rule(const void *a, const void *b)
{
	return strcmp(((const struct rule *)a)->id, ((const struct rule *)b)->id);
}

static bool sarif_included(const struct finding *f)
{
	return report_active(f) || f->status == FINDING_SUPPRESSED;
}

static const char *level_of(const struct finding *f)
{
	if (f->gating)
		return "error";
	if (f->severity >= TRB_SEV_HIGH)
		return f->status == FINDING_CONFIRMED || f->status == FINDING_SUPPRESSED ? "error" : "warning";
	if (f->severity == TRB_SEV_MEDIUM)
		return "warning";
	return "note";
}

static const char *level_of_sev(trb_sev_t s)
{
	return s >= TRB_SEV_HIGH ? "error" : s == TRB_SEV_MEDIUM ? "warning" : "note";
}

/* Text for a SARIF message: embedded-link brackets escaped, at most cap bytes of s. */
static void sarif_text(struct trb_buf *out, const char *s, size_t cap)
{
	size_t len, n;

	if (!s)
		return;
	len = strlen(s);
	n = trb_utf8_prefix(s, len, cap);
	trb_escape_sarif_text(out, s, n);
	if (n < len)
		trb_buf_puts(out, "\xe2\x80\xa6");
}

static void put_buf(struct trb_jw *w, const char *key, const struct trb_buf *t)
{
	trb_jw_strn(w, key, t->ptr ? t->ptr : "", t->len);
}

static void artifact(struct trb_jw *w, const char *path)
{
	struct trb_buf uri = TRB_BUF_INIT(TRB_LIMIT_SMALL);

	trb_escape_uri_path(&uri, path ? path : "unknown", strlen(path ? path : "unknown"));
	trb_jw_obj(w, "artifactLocation");
	put_buf(w, "uri", &uri);
	trb_jw_str(w, "uriBaseId", SRCROOT);
	trb_jw_obj_end(w);
	trb_buf_dispose(&uri);
}

static void location(struct trb_jw *w, const char *path, uint32_t first, uint32_t last, const char *snippet)
{
	trb_jw_obj(w, "physicalLocation");
	artifact(w, path);
	trb_jw_obj(w, "region");
	trb_jw_uint(w, "startLine", first ? first : 1);
	if (last > first)
		trb_jw_uint(w, "endLine", last);
	if (snippet && *snippet) {
		size_t n = trb_utf8_prefix(snippet, strlen(snippet), SNIPPET_MAX);
		trb_jw_obj(w, "snippet");
		trb_jw_strn(w, "text", snippet, n);
		trb_jw_obj_end(w);
	}
	trb_jw_obj_end(w);
	trb_jw_obj_end(w);
}

/* UTF-16 code units in a UTF-8 line (SARIF columns with columnKind utf16CodeUnits) */
static size_t utf16_len(const char *s, size_t len)
{
	size_t i = 0, n = 0, k;

	while (i < len) {
		k = (unsigned char)s[i] < 0x80 ? 1 : trb_utf8_seq(s + i, len - i);
		if (k == 0)
			k = 1;
		n += k == 4 ? 2 : 1;
		i += k;
	}
	return n;
}

/* fixes[] from a patch that applies: each hunk replaces its old lines (first column of the first
 * line to the end of the last, newline excluded) with its new lines. */
static void fixes(struct trb_jw *w, const struct finding *f)
{
	struct patch p;
	size_t i, h, k;

	if (!findings_patch_offered(f) || strlen(f->patch.diff) > PATCH_MAX)
		return;
	if (patch_parse(&p, f->patch.diff) < 0)
		return;
	for (i = 0; i < p.n_files; i++) {
		const struct patch_file *pf = &p.files[i];
		if (!pf->old_path || !pf->new_path || strcmp(pf->old_path, pf->new_path) != 0)
			goto done;   /* creations, deletions and renames have no SARIF replacement */
		for (h = pf->first_hunk; h < pf->first_hunk + pf->n_hunks; h++)
			if (p.hunks[h].old_count == 0 || p.hunks[h].old_start == 0)
				goto done;
	}
	trb_jw_arr(w, "fixes");
	trb_jw_obj(w, NULL);
	if (f->patch.explanation && *f->patch.explanation) {
		struct trb_buf t = TRB_BUF_INIT(TRB_LIMIT_SMALL);
		sarif_text(&t, f->patch.explanation, 2000);
		trb_jw_obj(w, "description");
		put_buf(w, "text", &t);
		trb_jw_obj_end(w);
		trb_buf_dispose(&t);
	}
	trb_jw_arr(w, "artifactChanges");
	for (i = 0; i < p.n_files; i++) {
		const struct patch_file *pf = &p.files[i];
		trb_jw_obj(w, NULL);
		artifact(w, pf->new_path);
		trb_jw_arr(w, "replacements");
		for (h = pf->first_hunk; h < pf->first_hunk + pf->n_hunks; h++) {
			const struct patch_hunk *hk = &p.hunks[h];
			struct trb_buf text = TRB_BUF_INIT(TRB_LIMIT_FILE);
			const struct patch_line *last_old = NULL;
			bool first = true;
			for (k = hk->first; k < hk->first + hk->n; k++) {
				const struct patch_line *l = &p.lines[k];
				if (l->kind != '+')
					last_old = l;
				if (l->kind != '-') {
					if (!first)
						trb_buf_putc(&text, '\n');
					trb_buf_put(&text, l->text, l->len);
					first = false;
				}
			}
			trb_jw_obj(w, NULL);
			trb_jw_obj(w, "deletedRegion");
			trb_jw_uint(w, "startLine", hk->old_start);
			trb_jw_uint(w, "startColumn", 1);
			trb_jw_uint(w, "endLine", hk->old_start + hk->old_count - 1);
			trb_jw_uint(w, "endColumn", 1 + (last_old ? utf16_len(last_old->text, last_old->len) : 0));
			trb_jw_obj_end(w);
			trb_jw_obj(w, "insertedContent");
			put_buf(w, "text", &text);
			trb_jw_obj_end(w);
			trb_jw_obj_end(w);
			trb_buf_dispose(&text);
		}
		trb_jw_arr_end(w);
		trb_jw_obj_end(w);
	}
	trb_jw_arr_end(w);
	trb_jw_obj_end(w);
	trb_jw_arr_end(w);
done:
	patch_dispose(&p);
}

static void code_flows(struct trb_jw *w, const struct finding *f)
{
	size_t i, n = f->n_flow < FLOW_MAX ? f->n_flow : FLOW_MAX;

	if (!f->n_flow)
		return;
	trb_jw_arr(w, "codeFlows");
	trb_jw_obj(w, NULL);
	trb_jw_arr(w, "threadFlows");
	trb_jw_obj(w, NULL);
	trb_jw_arr(w, "locations");
	for (i = 0; i < n; i++) {
		struct trb_buf t = TRB_BUF_INIT(TRB_LIMIT_SMALL);
		trb_jw_obj(w, NULL);
		trb_jw_obj(w, "location");
		location(w, f->flow[i].path, f->flow[i].line, f->flow[i].line, NULL);
		sarif_text(&t, f->flow[i].note && *f->flow[i].note ? f->flow[i].note : "step", 500);
		trb_jw_obj(w, "message");
		put_buf(w, "text", &t);
		trb_jw_obj_end(w);
		trb_jw_obj_end(w);
		trb_jw_obj_end(w);
		trb_buf_dispose(&t);
	}
	trb_jw_arr_end(w);
	trb_jw_obj_end(w);
	trb_jw_arr_end(w);
	trb_jw_obj_end(w);
	trb_jw_arr_end(w);
}

static void result(struct trb_jw *w, const struct finding *f, const char *rule_id, size_t rule_index)
{
	struct trb_buf msg = TRB_BUF_INIT(TRB_LIMIT_SMALL);
	const char *fp = f->fingerprint && *f->fingerprint ? f->fingerprint : (f->id ? f->id : "none");

	trb_jw_obj(w, NULL);
	trb_jw_str(w, "ruleId", rule_id);
	trb_jw_uint(w, "ruleIndex", rule_index);
	trb_jw_str(w, "level", level_of(f));
	sarif_text(&msg, f->title && *f->title ? f->title : "(untitled)", 300);
	if (f->description && *f->description) {
		trb_buf_puts(&msg, "\n\n");
		sarif_text(&msg, f->description, MSG_DESCRIPTION);
	}
	trb_jw_obj(w, "message");
	put_buf(w, "text", &msg);
	trb_jw_obj_end(w);
	trb_jw_arr(w, "locations");
	trb_jw_obj(w, NULL);
	location(w, f->path, report_line(f), report_end_line(f), f->snippet);
	trb_jw_obj_end(w);
	trb_jw_arr_end(w);
	trb_jw_obj(w, "partialFingerprints");
	trb_jw_str(w, "primaryLocationLineHash", fp);
	trb_jw_str(w, "tribunal/v1", fp);
	trb_jw_obj_end(w);
	code_flows(w, f);
	fixes(w, f);
	if (f->status == FINDING_SUPPRESSED) {
		struct trb_buf t = TRB_BUF_INIT(TRB_LIMIT_SMALL);
		sarif_text(&t, f->suppression.reason && *f->suppression.reason ? f->suppression.reason
									    : "suppressed by policy", 1000);
		if (f->suppression.match && *f->suppression.match) {
			trb_buf_puts(&t, " (matched ");
			sarif_text(&t, f->suppression.match, 300);
			trb_buf_putc(&t, ')');
		}
		trb_jw_arr(w, "suppressions");
		trb_jw_obj(w, NULL);
		trb_jw_str(w, "kind", f->suppression.kind && strcmp(f->suppression.kind, "inline") == 0 ? "inSource" : "external");
		trb_jw_str(w, "status", "accepted");
		put_buf(w, "justification", &t);
		trb_jw_obj_end(w);
		trb_jw_arr_end(w);
		trb_buf_dispose(&t);
	}
	trb_jw_obj(w, "properties");
	trb_jw_str(w, "tribunal/id", f->id);
	trb_jw_str(w, "tribunal/status", findings_status_name(f->status));
	trb_jw_str(w, "tribunal/source", findings_source_name(f->source));
	trb_jw_str(w, "tribunal/severity", trb_sev_name(f->severity));
	trb_jw_fixed(w, "tribunal/confidence", f->confidence, 2);
	trb_jw_bool(w, "tribunal/gating", f->gating);
	trb_jw_bool(w, "tribunal/pre_existing", f->pre_existing);
	if (f->category)
		trb_jw_str(w, "tribunal/category", f->category);
	trb_jw_obj_end(w);
	trb_jw_obj_end(w);
	trb_buf_dispose(&msg);
}

/* PascalCase name from an id or a CWE name: "SQL injection" -> "SqlInjection" */
static void rule_name(struct trb_buf *out, const char *s)
{
	bool up = true;

	for (; *s; s++) {
		char c = *s;
		bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
		if (!alnum) {
			up = true;
			continue;
		}
		if (up && c >= 'a' && c <= 'z')
			c = (char)(c - 'a' + 'A');
		else if (!up && c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		trb_buf_putc(out, c);
		up = false;
	}
}

static void rule(struct trb_jw *w, const struct rule *r, const struct finding *f)
{
	struct trb_buf shortd = TRB_BUF_INIT(TRB_LIMIT_SMALL), full = TRB_BUF_INIT(TRB_LIMIT_SMALL),
		       help = TRB_BUF_INIT(TRB_LIMIT_SMALL), md = TRB_BUF_INIT(TRB_LIMIT_SMALL),
		       name = TRB_BUF_INIT(TRB_LIMIT_SMALL);
	unsigned cwe = report_cwe_num(f);
	const char *cname = report_cwe_name(cwe), *owasp = report_owasp(cwe);

	if (f->source == FINDING_SOURCE_RULE && f->rule_id) {
		/* a deterministic rule, built in or the policy's own: its title and its fix */
		const char *title = f->title && *f->title ? f->title : f->rule_id;
		sarif_text(&shortd, title, 100);
		rule_name(&name, f->rule_id);
		trb_buf_puts(&full, "tribunal rule ");
		sarif_text(&full, f->rule_id, 100);
		trb_buf_puts(&full, ": ");
		sarif_text(&full, title, 600);
		trb_buf_puts(&full, ".");
		trb_buf_puts(&md, "**");
		trb_escape_md_capped(&md, title, strlen(title), false, 600);
		trb_buf_puts(&md, "** (tribunal rule ");
		trb_escape_md_code(&md, f->rule_id, trb_utf8_prefix(f->rule_id, strlen(f->rule_id), 100));
		trb_buf_puts(&md, ")");
		if (f->recommendation && *f->recommendation) {
			trb_buf_puts(&md, "\n\n**Fix:** ");
			trb_escape_md_capped(&md, f->recommendation, strlen(f->recommendation), false, 1000);
		}
	} else if (cwe) {
		if (cname)
			trb_buf_printf(&shortd, "%s (CWE-%u)", cname, cwe);
		else
			trb_buf_printf(&shortd, "CWE-%u", cwe);
		rule_name(&name, cname ? cname : r->id);
		trb_buf_printf(&full, "%s: a weakness of type CWE-%u found in the changed code by tribunal's finder "
				      "agent; each result says whether an independent verifier agent confirmed it.",
			       cname ? cname : "Security weakness", cwe);
		trb_buf_printf(&md, "**%s** ([CWE-%u](https://cwe.mitre.org/data/definitions/%u.html))",
			       cname ? cname : "Security weakness", cwe, cwe);
		if (owasp)
			trb_buf_printf(&md, ", OWASP Top 10 %s", owasp);
		trb_buf_puts(&md, ".\n\nFound in the changed code by tribunal's finder agent; each alert says whether "
				  "an independent verifier agent confirmed it, and explains the data flow and how to fix it.");
	} else {
		trb_buf_puts(&shortd, "Security issue");
		if (f->category) {
			trb_buf_puts(&shortd, ": ");
			sarif_text(&shortd, f->category, 100);
		}
		rule_name(&name, r->id);
		trb_buf_puts(&full, "A security issue without a CWE classification, found by tribunal's finder agent.");
		trb_buf_puts(&md, "A security issue without a CWE classification, found by tribunal's finder agent.");
	}
	trb_buf_put(&help, trb_buf_cstr(&full), full.len);
	if (f->source == FINDING_SOURCE_RULE && f->rule_id && f->recommendation && *f->recommendation) {
		trb_buf_puts(&help, " Fix: ");
		sarif_text(&help, f->recommendation, 1000);
		if (help.len && help.ptr[help.len - 1] != '.')
			trb_buf_putc(&help, '.');
	}
	if (owasp)
		trb_buf_printf(&help, " OWASP Top 10 %s.", owasp);

	trb_jw_obj(w, NULL);
	trb_jw_str(w, "id", r->id);
	put_buf(w, "name", &name);
	trb_jw_obj(w, "shortDescription");
	put_buf(w, "text", &shortd);
	trb_jw_obj_end(w);
	trb_jw_obj(w, "fullDescription");
	put_buf(w, "text", &full);
	trb_jw_obj_end(w);
	if (cwe) {
		struct trb_buf uri = TRB_BUF_INIT(256);
		trb_buf_printf(&uri, "https://cwe.mitre.org/data/definitions/%u.html", cwe);
		put_buf(w, "helpUri", &uri);
		trb_buf_dispose(&uri);
	}
	trb_jw_obj(w, "help");
	put_buf(w, "text", &help);
	put_buf(w, "markdown", &md);
	trb_jw_obj_end(w);
	trb_jw_obj(w, "defaultConfiguration");
	trb_jw_str(w, "level", level_of_sev(r->max_sev));
	trb_jw_obj_end(w);
	trb_jw_obj(w, "properties");
	trb_jw_arr(w, "tags");
	trb_jw_str(w, NULL, "security");
	if (cwe) {
		char tag[48];
		snprintf(tag, sizeof(tag), "external/cwe/cwe-%u", cwe);
		trb_jw_str(w, NULL, tag);
	}
	if (owasp) {
		struct trb_buf t = TRB_BUF_INIT(256);
		trb_buf_printf(&t, "external/owasp/%s", owasp);
		put_buf(w, NULL, &t);
		trb_buf_dispose(&t);
	}
	if (f->source == FINDING_SOURCE_RULE)
		trb_jw_str(w, NULL, "deterministic-rule");
	trb_jw_arr_end(w);
	trb_jw_str(w, "security-severity", report_security_severity(r->max_sev));
	trb_jw_str(w, "precision", f->source == FINDING_SOURCE_RULE ? "medium" : "high");
	trb_jw_obj_end(w);
	trb_jw_obj_end(w);
	trb_buf_dispose(&shortd);
	trb_buf_dispose(&full);
	trb_buf_dispose(&help);
	trb_buf_dispose(&md);
	trb_buf_dispose(&name);
}

static void automation_id(struct trb_buf *out, const struct findings *fs, const struct report_options *o)
{
	const char *p;

	if (o && o->sarif_category && *o->sarif_category) {
		trb_buf_puts(out, o->sarif_category);
	} else {
		trb_buf_puts(out, "tribunal");
		if (fs->run.shard) {
			/* "2/4" -> "/shard-2-of-4": each shard is its own category until merged */
			trb_buf_puts(out, "/shard-");
			for (p = fs->run.shard; *p; p++)
				if (*p >= '0' && *p <= '9')
					trb_buf_putc(out, *p);
				else if (*p == '/')
					trb_buf_puts(out, "-of-");
		}
	}
	trb_buf_putc(out, '/');
	for (p = fs->run.scan_id ? fs->run.scan_id : (fs->run.head ? fs->run.head : "run"); *p; p++)
		if ((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    *p == '-' || *p == '_' || *p == '.')
			trb_buf_putc(out, *p);
}

static void notification(struct trb_jw *w, const char *level, const char *id, const struct trb_buf *text)
{
	trb_jw_obj(w, NULL);
	trb_jw_str(w, "level", level);
	trb_jw_obj(w, "message");
	put_buf(w, "text", text);
	trb_jw_obj_end(w);
	trb_jw_obj(w, "descriptor");
	trb_jw_str(w, "id", id);
	trb_jw_obj_end(w);
	trb_jw_obj_end(w);
}

/* Units listed one by one in the notifications: with the notices, what comes after the results
 * stays well inside the 1 MB the gzip cap leaves. */
#define UNREVIEWED_LISTED 100

static void invocation(struct trb_jw *w, const struct findings *fs, size_t dropped_count, size_t dropped_size,
		       bool raw_cap)
{
	struct trb_buf t = TRB_BUF_INIT(TRB_LIMIT_SMALL);
	long long start, end;
	char ts[32];
	size_t i, j;

	report_run_times(fs, &start, &end);
	trb_jw_arr(w, "invocations");
	trb_jw_obj(w, NULL);
	trb_jw_bool(w, "executionSuccessful", true);
	if (fs->run.started_at && report_parse_time(fs->run.started_at) >= 0) {
		report_format_time(ts, start, true);
		trb_jw_str(w, "startTimeUtc", ts);
		report_format_time(ts, end, true);
		trb_jw_str(w, "endTimeUtc", ts);
	}
	trb_jw_arr(w, "toolExecutionNotifications");
	for (i = 0; i < fs->run.n_notices; i++) {
		trb_buf_clear(&t);
		sarif_text(&t, fs->run.notices[i], 2000);
		notification(w, "warning", "TRB0001", &t);
	}
	for (i = 0; i < fs->n_unreviewed && i < UNREVIEWED_LISTED; i++) {
		const struct findings_unreviewed *u = &fs->unreviewed[i];
		trb_buf_clear(&t);
		trb_buf_printf(&t, "Review unit %zu was not reviewed by an agent (", u->unit);
		sarif_text(&t, u->reason ? u->reason : "unknown reason", 200);
		trb_buf_puts(&t, "); its code was not checked");
		for (j = 0; j < u->n_paths && j < 20; j++) {
			trb_buf_puts(&t, j ? ", " : ": ");
			sarif_text(&t, u->paths[j], 300);
		}
		if (u->n_paths > 20)
			trb_buf_printf(&t, " and %zu more files", u->n_paths - 20);
		trb_buf_putc(&t, '.');
		notification(w, "warning", "TRB0002", &t);
	}
	if (fs->n_unreviewed > UNREVIEWED_LISTED) {
		trb_buf_clear(&t);
		trb_buf_printf(&t, "%zu more review units were not reviewed by an agent; findings.json lists them all.",
			       fs->n_unreviewed - UNREVIEWED_LISTED);
		notification(w, "warning", "TRB0002", &t);
	}
	if (fs->n_skipped) {
		trb_buf_clear(&t);
		trb_buf_printf(&t, "%zu changed file%s skipped (binary, generated, excluded, ...): ", fs->n_skipped,
			       fs->n_skipped == 1 ? " was" : "s were");
		for (i = 0; i < fs->n_skipped && i < 20; i++) {
			trb_buf_puts(&t, i ? ", " : "");
			sarif_text(&t, fs->skipped[i].path, 300);
			trb_buf_puts(&t, " (");
			sarif_text(&t, fs->skipped[i].reason, 100);
			trb_buf_putc(&t, ')');
		}
		if (fs->n_skipped > 20)
			trb_buf_printf(&t, " and %zu more", fs->n_skipped - 20);
		trb_buf_puts(&t, "; findings.json lists them all.");
		notification(w, "note", "TRB0003", &t);
	}
	if (dropped_count || dropped_size) {
		trb_buf_clear(&t);
		trb_buf_printf(&t, "%zu result%s left out of this file to stay within GitHub's limits "
				   "(at most %s); they are in findings.json.",
			       dropped_count + dropped_size, dropped_count + dropped_size == 1 ? " was" : "s were",
			       !dropped_size ? "5,000 results, by severity" :
			       raw_cap ? "40 MB before compression" : "10 MB once compressed");
		notification(w, "warning", "TRB0004", &t);
	}
	trb_jw_arr_end(w);
	trb_jw_obj_end(w);
	trb_jw_arr_end(w);
	trb_buf_dispose(&t);
}

int report_sarif(struct trb_buf *out, const struct findings *fs, const struct report_options *o)
{
	struct trb_buf aid = TRB_BUF_INIT(TRB_LIMIT_SMALL), ids = TRB_BUF_INIT(TRB_LIMIT_FILE);
	size_t *order = NULL, *id_at = NULL, i, n_sel = 0, n_rules = 0, max, dropped_size = 0, start;
	struct rule *rules = NULL, key;
	struct gz_meter gz;
	struct trb_jw w;
	bool raw_cap = false;
	int error;

	gz_init(&gz);
	max = o && o->sarif_max_results ? o->sarif_max_results : REPORT_SARIF_MAX_RESULTS;
	if ((error = report_order(&order, fs)) < 0)
		goto cleanup;
	/* the results kept: included findings in severity order, up to max */
	for (i = 0; i < fs->n; i++)
		if (sarif_included(&fs->v[order[i]]) && n_sel < max)
			order[n_sel++] = order[i];
	if (!(rules = calloc(n_sel ? n_sel : 1, sizeof(*rules))) ||
	    !(id_at = calloc(n_sel ? n_sel : 1, sizeof(*id_at)))) {
		error = trb_err_oom();
		goto cleanup;
	}
	/* each result's rule id, computed once: NUL-separated in ids, found by offset */
	for (i = 0; i < n_sel; i++) {
		const struct finding *f = &fs->v[order[i]];
		char *rid;
		struct rule *r;
		id_at[i] = ids.len;
		if ((error = report_rule_id(&ids, f)) < 0 || (error = trb_buf_putc(&ids, '\0')) < 0)
			goto cleanup;
		rid = ids.ptr + id_at[i];
		key.id = rid;
		r = n_rules ? bsearch(&key, rules, n_rules, sizeof(*rules), cmp_rule) : NULL;
		if (!r) {
			/* insertion keeps rules sorted by id for bsearch and a stable output */
			size_t at = 0;
			while (at < n_rules && strcmp(rules[at].id, rid) < 0)
				at++;
			memmove(&rules[at + 1], &rules[at], (n_rules - at) * sizeof(*rules));
			if (!(rules[at].id = strdup(rid))) {
				n_rules++;
				error = trb_err_oom();
				goto cleanup;
			}
			rules[at].first = order[i];
			rules[at].max_sev = f->severity;
			n_rules++;
		} else if (f->severity > r->max_sev) {
			r->max_sev = f->severity;
		}
	}

	start = out->len;
	trb_jw_init_flat(&w, out, 6);
	trb_jw_obj(&w, NULL);
	trb_jw_str(&w, "$schema", "https://json.schemastore.org/sarif-2.1.0.json");
	trb_jw_str(&w, "version", "2.1.0");
	trb_jw_arr(&w, "runs");
	trb_jw_obj(&w, NULL);
	trb_jw_obj(&w, "tool");
	trb_jw_obj(&w, "driver");
	trb_jw_str(&w, "name", "tribunal");
	trb_jw_str(&w, "version", fs->run.tool_version ? fs->run.tool_version : "unknown");
	w.flat = 7;   /* one line per rule */
	trb_jw_arr(&w, "rules");
	for (i = 0; i < n_rules; i++)
		rule(&w, &rules[i], &fs->v[rules[i].first]);
	trb_jw_arr_end(&w);
	w.flat = 6;
	trb_jw_obj_end(&w);
	trb_jw_obj_end(&w);
	automation_id(&aid, fs, o);
	trb_jw_obj(&w, "automationDetails");
	put_buf(&w, "id", &aid);
	trb_jw_obj_end(&w);
	if (o && o->repository_uri && fs->run.head) {
		trb_jw_arr(&w, "versionControlProvenance");
		trb_jw_obj(&w, NULL);
		trb_jw_str(&w, "repositoryUri", o->repository_uri);
		trb_jw_str(&w, "revisionId", fs->run.head);
		trb_jw_obj(&w, "mappedTo");
		trb_jw_str(&w, "uriBaseId", SRCROOT);
		trb_jw_obj_end(&w);
		trb_jw_obj_end(&w);
		trb_jw_arr_end(&w);
	}
	trb_jw_obj(&w, "originalUriBaseIds");
	trb_jw_obj(&w, SRCROOT);
	if (o && o->checkout_uri)
		trb_jw_str(&w, "uri", o->checkout_uri);
	trb_jw_obj(&w, "description");
	trb_jw_str(&w, "text", "The root of the repository under review.");
	trb_jw_obj_end(&w);
	trb_jw_obj_end(&w);
	trb_jw_obj_end(&w);
	trb_jw_arr(&w, "results");
	for (i = 0; i < n_sel; i++) {
		const struct finding *f = &fs->v[order[i]];
		struct rule *r;
		gz_feed(&gz, out, start);
		if (out->len - start > SARIF_MAX_BYTES || gz.out > SARIF_MAX_GZIP) {
			raw_cap = out->len - start > SARIF_MAX_BYTES;
			dropped_size = n_sel - i;
			break;
		}
		key.id = ids.ptr + id_at[i];
		r = bsearch(&key, rules, n_rules, sizeof(*rules), cmp_rule);
		if (!TRB_ALWAYS(r != NULL)) {
			error = trb_err_set(TRB_ERROR, "sarif: rule %s missing", key.id);
			goto cleanup;
		}
		result(&w, f, r->id, (size_t)(r - rules));
	}
	trb_jw_arr_end(&w);
	{
		size_t included = 0;
		for (i = 0; i < fs->n; i++)
			if (sarif_included(&fs->v[i]))
				included++;
		w.flat = 7;   /* one line per notification */
		invocation(&w, fs, included - n_sel, dropped_size, raw_cap);
		w.flat = 6;
	}
	trb_jw_str(&w, "columnKind", "utf16CodeUnits");
	trb_jw_obj(&w, "properties");
	trb_jw_str(&w, "tribunal/scan_id", fs->run.scan_id);
	trb_jw_str(&w, "tribunal/gate", fs->run.gate_pass ? "pass" : "fail");
	trb_jw_arr(&w, "tribunal/gate_reasons");
	for (i = 0; i < fs->run.n_gate_reasons; i++)
		trb_jw_str(&w, NULL, fs->run.gate_reasons[i]);
	trb_jw_arr_end(&w);
	trb_jw_uint(&w, "tribunal/units_total", fs->run.units_total);
	trb_jw_uint(&w, "tribunal/units_reviewed", fs->run.units_reviewed);
	trb_jw_obj_end(&w);
	trb_jw_obj_end(&w);
	trb_jw_arr_end(&w);
	trb_jw_obj_end(&w);
	error = trb_jw_finish(&w);
cleanup:
	gz_dispose(&gz);
	for (i = 0; rules && i < n_rules; i++)
		free(rules[i].id);
	free(rules);
	free(id_at);
	free(order);
	trb_buf_dispose(&aid);
	trb_buf_dispose(&ids);
	return error;
}
