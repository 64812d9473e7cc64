/* report/github.c: github-review.json (the body of POST /repos/{owner}/{repo}/pulls/{n}/reviews)
 * and the workflow-command annotations printed in GitHub Actions (REFERENCE.md §2).
 * Inline comments only where GitHub accepts them (a line of the diff: in_diff or anchor_line), at
 * most review_max_comments; the rest are listed in the review body. Every comment and list item
 * carries the fingerprint marker, so that `tribunal publish` recognizes what it posted before. */
#include "report/internal.h"

#include <stdlib.h>
#include <string.h>

#include "util/err.h"
#include "util/escape.h"

int report_github_review(struct trb_buf *out, const struct findings *fs, const struct report_options *o)
{
	struct trb_buf body = TRB_BUF_INIT(TRB_LIMIT_FILE), rest = TRB_BUF_INIT(TRB_LIMIT_FILE),
		       c = TRB_BUF_INIT(TRB_LIMIT_FILE);
	size_t *order = NULL, i, inline_n = 0, rest_n = 0, rest_omitted = 0;
	size_t max = o && o->review_max_comments ? o->review_max_comments : REPORT_REVIEW_MAX_COMMENTS;
	bool request_changes = fs->run.mode == CONFIG_MODE_BLOCK && !fs->run.gate_pass;
	struct trb_jw w;
	int error;

	if ((error = report_order(&order, fs)) < 0)
		return error;
	/* the verdict first, so that the list below knows how much room is left */
	report_md_verdict(&body, fs);
	trb_jw_init(&w, out);
	trb_jw_obj(&w, NULL);
	if (fs->run.head)   /* omitted, GitHub takes the pull request's head */
		trb_jw_str(&w, "commit_id", fs->run.head);
	trb_jw_str(&w, "event", request_changes ? "REQUEST_CHANGES" : "COMMENT");
	trb_jw_arr(&w, "comments");
	for (i = 0; i < fs->n; i++) {
		const struct finding *f = &fs->v[order[i]];
		uint32_t first, last, line;
		if (!report_active(f))
			continue;
		if (!f->pre_existing && inline_n < max && report_inline_range(f, &first, &last, &line)) {
			trb_buf_clear(&c);
			report_md_finding(&c, f, MD_FLAVOR_GITHUB, first, last, line);
			trb_jw_obj(&w, NULL);
			trb_jw_str(&w, "path", f->path);
			if (last > first) {
				trb_jw_uint(&w, "start_line", first);
				trb_jw_str(&w, "start_side", "RIGHT");
			}
			trb_jw_uint(&w, "line", last);
			trb_jw_str(&w, "side", "RIGHT");
			trb_jw_strn(&w, "body", c.ptr, c.len);
			trb_jw_obj_end(&w);
			inline_n++;
			continue;
		}
		if (body.len + rest.len > REPORT_COMMENT_MAX_BYTES - 10000) {
			rest_omitted++;
			continue;
		}
		report_md_list_item(&rest, f);
		rest_n++;
	}
	trb_jw_arr_end(&w);

	if (inline_n)
		trb_buf_printf(&body, "%zu finding%s commented inline below.\n\n", inline_n, inline_n == 1 ? " is" : "s are");
	if (rest_n) {
		trb_buf_printf(&body, "**%zu finding%s not on a changed line%s:**\n\n", rest_n + rest_omitted,
			       rest_n + rest_omitted == 1 ? "" : "s",
			       inline_n >= max ? " or beyond the inline comment limit" : "");
		trb_buf_put(&body, rest.ptr, rest.len);
		if (rest_omitted)
			trb_buf_printf(&body, "- and %zu more: see the job summary or findings.json\n", rest_omitted);
		trb_buf_putc(&body, '\n');
	}
	if (!inline_n && !rest_n)
		trb_buf_puts(&body, "No security findings in the changed code.\n\n");
	if (body.len < REPORT_COMMENT_MAX_BYTES - 8000)
		report_md_unreviewed(&body, fs, 10);
	trb_buf_puts(&body, "<!-- tribunal:review -->\n");
	if ((error = trb_buf_error(&body)) < 0)
		goto cleanup;
	if (body.len > REPORT_COMMENT_MAX_BYTES) {
		/* cannot happen with the caps above; never send a body GitHub refuses */
		body.len = trb_utf8_prefix(body.ptr, body.len, REPORT_COMMENT_MAX_BYTES - 100);
		body.ptr[body.len] = '\0';
		trb_buf_puts(&body, "\n\n(truncated)\n");
	}
	trb_jw_strn(&w, "body", body.ptr, body.len);
	trb_jw_obj_end(&w);
	error = trb_jw_finish(&w);
	if (!error && (error = trb_buf_error(&rest)) == 0)
		error = trb_buf_error(&c);
cleanup:
	free(order);
	trb_buf_dispose(&body);
	trb_buf_dispose(&rest);
	trb_buf_dispose(&c);
	return error;
}

static void prop(struct trb_buf *out, const char *name, const char *value, size_t max)
{
	trb_buf_puts(out, name);
	trb_buf_putc(out, '=');
	trb_escape_ghcmd_prop(out, value, trb_utf8_prefix(value, strlen(value), max));
}

static void annotation(struct trb_buf *out, const char *level, const struct finding *f)
{
	struct trb_buf t = TRB_BUF_INIT(TRB_LIMIT_SMALL);
	const char *title = f->title && *f->title ? f->title : "(untitled)";

	trb_buf_printf(out, "::%s ", level);
	prop(out, "file", f->path ? f->path : "unknown", 1000);
	trb_buf_printf(out, ",line=%u,endLine=%u,", report_line(f), report_end_line(f));
	trb_buf_printf(&t, "tribunal: %s", report_sev_label(f->severity));
	if (f->cwe)
		trb_buf_printf(&t, " %s", f->cwe);
	prop(out, "title", trb_buf_cstr(&t), 200);
	trb_buf_puts(out, "::");
	trb_escape_ghcmd_data(out, title, trb_utf8_prefix(title, strlen(title), 300));
	/* the id is data too: a shard's findings.json may hold anything there */
	trb_buf_puts(out, " (");
	trb_escape_ghcmd_data(out, f->id ? f->id : "?", f->id ? trb_utf8_prefix(f->id, strlen(f->id), 40) : 1);
	trb_buf_printf(out, ", %s)", report_status_phrase(f));
	if (f->description && *f->description) {
		trb_buf_puts(out, "%0A%0A");
		trb_escape_ghcmd_data(out, f->description, trb_utf8_prefix(f->description, strlen(f->description), 2000));
	}
	trb_buf_putc(out, '\n');
	trb_buf_dispose(&t);
}

int report_annotations(struct trb_buf *out, const struct findings *fs)
{
	size_t *order = NULL, i, errors = 0, warnings = 0, left = 0, n, total;
	int error;

	if ((error = report_order(&order, fs)) < 0)
		return error;
	/* run-level warnings first: they must not be crowded out by findings */
	if (fs->run.n_notices) {
		trb_buf_puts(out, "::warning title=tribunal::");
		for (i = 0; i < fs->run.n_notices && i < 5; i++) {
			if (i)
				trb_buf_puts(out, "%0A");
			trb_escape_ghcmd_data(out, fs->run.notices[i], trb_utf8_prefix(fs->run.notices[i], strlen(fs->run.notices[i]), 500));
		}
		trb_buf_putc(out, '\n');
		warnings++;
	}
	if (report_unreviewed_counts(fs, &n, &total)) {
		trb_buf_printf(out, "::warning title=tribunal::%zu of %zu review units were not reviewed by an agent; "
				    "see the job summary\n", n, total);
		warnings++;
	}
	for (i = 0; i < fs->n; i++) {
		const struct finding *f = &fs->v[order[i]];
		if (!report_active(f))
			continue;
		if (f->gating && errors < REPORT_ANNOTATIONS_PER_LEVEL) {
			annotation(out, "error", f);
			errors++;
		} else if (!f->gating && warnings < REPORT_ANNOTATIONS_PER_LEVEL) {
			annotation(out, "warning", f);
			warnings++;
		} else {
			left++;
		}
	}
	if (left)
		trb_buf_printf(out, "tribunal: %zu more finding%s not annotated (GitHub shows at most %d errors and "
				    "%d warnings per step); see the job summary\n",
			       left, left == 1 ? "" : "s", REPORT_ANNOTATIONS_PER_LEVEL, REPORT_ANNOTATIONS_PER_LEVEL);
	free(order);
	return trb_buf_error(out);
}
