/* agents/render.c: what the models are shown. Every byte from the repository is wrapped in
 * <untrusted-NONCE> delimiters (the nonce is random per run, so repository text cannot close
 * them), secrets are redacted first (line numbers unchanged), and the shared part of every unit
 * (the file list) comes first so that prompt caching can reuse it. */
#include "agents/render.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/err.h"
#include "util/escape.h"
#include "util/sha256.h"

#define DIFF_TEXT_MAX ((size_t)256 * 1024)

void render_open(struct trb_buf *b, const char *nonce)
{
	trb_buf_printf(b, "<untrusted-%s>\n", nonce);
}

void render_close(struct trb_buf *b, const char *nonce)
{
	trb_buf_printf(b, "</untrusted-%s>\n", nonce);
}

/* Untrusted text: valid UTF-8, and the closing delimiter cannot appear in it (the nonce is
 * unguessable, this is belt and braces). */
void render_untrusted(struct trb_buf *b, const char *text, size_t len, const char *nonce)
{
	struct trb_buf clean = TRB_BUF_INIT(TRB_LIMIT_PROMPT);
	char close[96];
	const char *s, *hit;

	trb_escape_utf8(&clean, text, len);
	snprintf(close, sizeof(close), "</untrusted-%s>", nonce);
	for (s = trb_buf_cstr(&clean); (hit = strstr(s, close)) != NULL; s = hit + strlen(close)) {
		trb_buf_put(b, s, (size_t)(hit - s));
		trb_buf_puts(b, "</untrusted-REMOVED>");
	}
	trb_buf_puts(b, s);
	trb_buf_dispose(&clean);
}

int render_file_from_text(struct render_file *out, const char *text, size_t len, const struct rules *rules)
{
	struct trb_buf b = TRB_BUF_INIT(TRB_LIMIT_FILE);
	int error;

	memset(out, 0, sizeof(*out));
	if (rules)
		error = rules_redact(&b, rules, text, len);
	else
		error = trb_buf_put(&b, text, len);
	if (error < 0 || (error = trb_buf_error(&b)) < 0) {
		trb_buf_dispose(&b);
		return error;
	}
	out->len = b.len;
	if (!(out->text = trb_buf_detach(&b)))
		return trb_err_oom();
	/* redaction keeps the line count: the diff's line index still applies */
	if ((error = diff_line_index(&out->off, &out->n_lines, out->text, out->len)) < 0)
		render_file_dispose(out);
	return error;
}

int render_file_text(struct render_file *out, git_repository *repo, const struct diff_file *f,
		     const struct rules *rules)
{
	git_blob *blob = NULL;
	int error;

	memset(out, 0, sizeof(*out));
	if (git_blob_lookup(&blob, repo, &f->new_oid) < 0)
		return trb_err_set(TRB_ERROR, "cannot read %s", f->path);
	error = render_file_from_text(out, git_blob_rawcontent(blob), (size_t)git_blob_rawsize(blob), rules);
	git_blob_free(blob);
	return error;
}

void render_file_dispose(struct render_file *rf)
{
	free(rf->text);
	free(rf->off);
	memset(rf, 0, sizeof(*rf));
}

void render_lines(struct trb_buf *b, const struct render_file *rf, const struct diff_file *f, uint32_t start,
		  uint32_t end, bool mark)
{
	uint32_t l;

	if (end > rf->n_lines)
		end = rf->n_lines;
	for (l = start; l >= 1 && l <= end; l++) {
		size_t s = rf->off[l - 1], e = rf->off[l];
		if (e > s && rf->text[e - 1] == '\n')
			e--;
		trb_buf_printf(b, "%s%5u | ", mark && f && diff_line_changed(f, l) ? ">" : " ", l);
		trb_buf_put(b, rf->text + s, e - s);
		trb_buf_putc(b, '\n');
	}
}

/* One file of a unit: its head text and its base -> head diff, both redacted. Redacting each
 * side whole and diffing the results, not redacting hunks: a hunk of a rotated key holds only
 * body lines, which no rule recognises without the BEGIN line above them. */
struct render_diff {
	struct render_file head;
	struct render_file base;    /* empty for an added file */
	git_patch *patch;           /* borrows head.text and base.text */
};

static void render_diff_dispose(struct render_diff *rd)
{
	git_patch_free(rd->patch);
	render_file_dispose(&rd->head);
	render_file_dispose(&rd->base);
	memset(rd, 0, sizeof(*rd));
}

static int render_diff_file(struct render_diff *out, git_repository *repo, const struct diff_file *f,
			    const struct rules *rules)
{
	git_blob *old = NULL;
	git_diff_options o;
	int error;

	memset(out, 0, sizeof(*out));
	if ((error = render_file_text(&out->head, repo, f, rules)) < 0)
		goto done;
	if (!git_oid_is_zero(&f->old_oid) && f->status != DIFF_STATUS_ADDED && git_blob_lookup(&old, repo, &f->old_oid) == 0 &&
	    !diff_is_binary(git_blob_rawcontent(old), (size_t)git_blob_rawsize(old)) &&
	    (error = render_file_from_text(&out->base, git_blob_rawcontent(old), (size_t)git_blob_rawsize(old), rules)) < 0)
		goto done;
	git_diff_options_init(&o, GIT_DIFF_OPTIONS_VERSION);
	o.context_lines = 0;
	o.flags = GIT_DIFF_FORCE_TEXT;
	if (git_patch_from_buffers(&out->patch, out->base.text, out->base.len, f->old_path, out->head.text, out->head.len,
				   f->path, &o) < 0)
		error = trb_err_set(TRB_ERROR, "cannot diff %s", f->path);
done:
	git_blob_free(old);
	if (error < 0)
		render_diff_dispose(out);
	return error;
}

/* The diff hunks of a file that touch [start, end] on the head side. */
static int render_hunks(struct trb_buf *b, git_patch *patch, uint32_t start, uint32_t end)
{
	const git_diff_hunk *h;
	const git_diff_line *line;
	size_t i, j, lines, from = b->len;

	for (i = 0; i < git_patch_num_hunks(patch); i++) {
		uint32_t hs, he;
		if (git_patch_get_hunk(&h, &lines, patch, i) < 0)
			continue;
		hs = (uint32_t)h->new_start;
		he = h->new_lines ? (uint32_t)(h->new_start + h->new_lines - 1) : hs + 1;
		if (he < start || hs > end)
			continue;
		trb_buf_put(b, h->header, h->header_len);
		if (h->header_len == 0 || h->header[h->header_len - 1] != '\n')
			trb_buf_putc(b, '\n');
		for (j = 0; j < lines; j++) {
			if (git_patch_get_line_in_hunk(&line, patch, i, j) < 0)
				continue;
			if (line->origin != GIT_DIFF_LINE_ADDITION && line->origin != GIT_DIFF_LINE_DELETION &&
			    line->origin != GIT_DIFF_LINE_CONTEXT)
				continue;
			trb_buf_putc(b, line->origin);
			trb_buf_put(b, line->content, line->content_len);
			if (line->content_len == 0 || line->content[line->content_len - 1] != '\n')
				trb_buf_putc(b, '\n');
			if (b->len - from > DIFF_TEXT_MAX) {
				trb_buf_puts(b, "[diff truncated]\n");
				return trb_buf_error(b);
			}
		}
	}
	return trb_buf_error(b);
}

int render_mr_files(struct trb_buf *b, const struct diff *d, const char *nonce)
{
	size_t i;

	trb_buf_puts(b, "The merge request changes these files (the list is repository content):\n");
	render_open(b, nonce);
	for (i = 0; i < d->n_files; i++) {
		const struct diff_file *f = &d->files[i];
		struct trb_buf line = TRB_BUF_INIT(TRB_LIMIT_SMALL);
		trb_buf_puts(&line, "- ");
		trb_buf_puts(&line, f->path);
		trb_buf_printf(&line, " (%s, +%u -%u", diff_status_name(f->status), f->added, f->deleted);
		if (f->status == DIFF_STATUS_RENAMED || f->status == DIFF_STATUS_COPIED) {
			trb_buf_puts(&line, ", from ");
			trb_buf_puts(&line, f->old_path);
		}
		if (f->skip)
			trb_buf_printf(&line, "; not shown: %s", f->skip);
		else if (f->never_send)
			trb_buf_puts(&line, "; not shown: privacy.never_send");
		trb_buf_puts(&line, ")\n");
		if (trb_buf_error(&line) == 0)
			render_untrusted(b, trb_buf_cstr(&line), line.len, nonce);
		trb_buf_dispose(&line);
	}
	render_close(b, nonce);
	return trb_buf_error(b);
}

int render_unit(struct trb_buf *b, char hash[65], git_repository *repo, const struct diff *d,
		const struct diff_unit *u, size_t n_units, const struct config *policy, const struct rules *rules,
		const struct rules_hits *hints, const char *nonce)
{
	struct trb_buf content = TRB_BUF_INIT(TRB_LIMIT_PROMPT);
	struct render_diff rd = {0};
	size_t i, j, k, n_instr = 0, n_hints = 0;
	int error = 0;

	/* the unit's code, without the nonce: its hash keys the review cache */
	for (i = 0; i < u->n_parts; i++) {
		const struct diff_part *p = &u->parts[i];
		const struct diff_file *f = &d->files[p->file];
		size_t before;
		if (i == 0 || p->file != u->parts[i - 1].file) {
			render_diff_dispose(&rd);
			if ((error = render_diff_file(&rd, repo, f, rules)) < 0)
				goto done;
			trb_buf_printf(&content, "\n## File: %s (%s%s%s)\n", f->path, diff_status_name(f->status),
				       f->lang ? ", " : "", diff_lang_name(f->lang));
		}
		trb_buf_printf(&content, "\n### Diff for lines %u-%u (base -> head)\n", p->start, p->end);
		before = content.len;
		if ((error = render_hunks(&content, rd.patch, p->start, p->end)) < 0)
			goto done;
		if (content.len == before) {
			/* secrets redacted on both sides look alike: a rotated key shows no diff lines */
			uint32_t l;
			for (l = p->start; l <= p->end && !diff_line_changed(f, l); l++)
				;
			trb_buf_puts(&content, l <= p->end ? "(the lines changed here are redacted secrets)\n" :
					       "(no diff lines here: context of another change)\n");
		}
		trb_buf_printf(&content, "\n### Code at head, lines %u-%u ('>' marks changed lines)\n", p->start, p->end);
		render_lines(&content, &rd.head, f, p->start, p->end, true);
	}
	if ((error = trb_buf_error(&content)) < 0)
		goto done;

	trb_buf_printf(b, "Review unit %zu of %zu. The diff and the code below are repository content.\n", u->id, n_units);
	render_open(b, nonce);
	render_untrusted(b, trb_buf_cstr(&content), content.len, nonce);
	render_close(b, nonce);
	/* the guidance and the hints below go into the cache key as well (without the nonce): a
	 * changed instruction or rule must not be answered from a review made without it */
	trb_buf_put(&content, "\n\0instructions\n", sizeof("\n\0instructions\n") - 1);

	/* the policy's guidance for these files (written by the security lead: trusted) */
	for (k = 0; policy && k < policy->n_instructions; k++) {
		const struct config_instruction *in = &policy->instructions[k];
		bool applies = false;
		for (i = 0; i < u->n_parts && !applies; i++)
			for (j = 0; j < in->paths.n && !applies; j++)
				applies = trb_glob_match(in->paths.v[j], d->files[u->parts[i].file].path);
		if (!applies)
			continue;
		if (n_instr++ == 0)
			trb_buf_puts(b, "\nGuidance from the repository's security policy for these files:\n");
		trb_buf_puts(b, "- ");
		trb_escape_utf8(b, in->text, strlen(in->text));
		trb_buf_putc(b, '\n');
		trb_buf_puts(&content, in->text);
		trb_buf_putc(&content, '\n');
	}
	trb_buf_put(&content, "\n\0hints\n", sizeof("\n\0hints\n") - 1);
	/* deterministic hints on the unit's lines (they quote repository code: untrusted) */
	for (k = 0; hints && k < hints->n; k++) {
		const struct rules_hit *h = &hints->v[k];
		bool inside = false;
		for (i = 0; i < u->n_parts && !inside; i++)
			inside = strcmp(d->files[u->parts[i].file].path, h->path) == 0 && h->line >= u->parts[i].start &&
				 h->line <= u->parts[i].end;
		if (!inside || h->suppressed)
			continue;
		if (n_hints++ == 0) {
			trb_buf_puts(b, "\nDeterministic rules flagged these lines (hints: they may be false positives, "
					"and they are not the only things to check):\n");
			render_open(b, nonce);
		}
		{
			struct trb_buf hint = TRB_BUF_INIT(TRB_LIMIT_SMALL);
			rules_hit_hint(&hint, h);
			render_untrusted(b, trb_buf_cstr(&hint), hint.len, nonce);
			trb_buf_put(&content, trb_buf_cstr(&hint), hint.len);
			trb_buf_putc(&content, '\n');
			trb_buf_dispose(&hint);
		}
	}
	if (n_hints)
		render_close(b, nonce);
	trb_buf_puts(b, "\nFirst say what the changed code is for and where its trust boundaries are, then review it, "
			"and finish by calling report_findings.\n");
	if ((error = trb_buf_error(b)) == 0 && (error = trb_buf_error(&content)) == 0)
		trb_sha256_hex(hash, trb_buf_cstr(&content), content.len);
done:
	render_diff_dispose(&rd);
	trb_buf_dispose(&content);
	return error;
}

int render_candidate(struct trb_buf *b, const struct finding *f, const struct render_file *rf,
		     const char *nonce, const char *verifier_reason)
{
	uint32_t s, e;
	size_t i;

	trb_buf_puts(b, "The claim to examine (written by another reviewer: untrusted):\n");
	render_open(b, nonce);
	{
		struct trb_buf c = TRB_BUF_INIT(TRB_LIMIT_PROMPT);
		trb_buf_printf(&c, "Location: %s lines %u-%u\n", f->path, f->start_line, f->end_line);
		trb_buf_printf(&c, "Category: %s (%s), claimed severity %s, confidence %.2f\n", f->category, f->cwe,
			       trb_sev_name(f->severity), f->confidence);
		trb_buf_printf(&c, "Title: %s\n", f->title);
		trb_buf_printf(&c, "Description: %s\n", f->description ? f->description : "");
		if (f->exploit_scenario)
			trb_buf_printf(&c, "Exploit scenario: %s\n", f->exploit_scenario);
		for (i = 0; i < f->n_flow; i++)
			trb_buf_printf(&c, "Data flow %zu: %s:%u %s\n", i + 1, f->flow[i].path, f->flow[i].line,
				       f->flow[i].note ? f->flow[i].note : "");
		if (f->recommendation)
			trb_buf_printf(&c, "Suggested fix: %s\n", f->recommendation);
		if (verifier_reason)
			trb_buf_printf(&c, "Verifier's reasoning: %s\n", verifier_reason);
		render_untrusted(b, trb_buf_cstr(&c), c.len, nonce);
		trb_buf_dispose(&c);
	}
	render_close(b, nonce);
	s = f->start_line > 40 ? f->start_line - 40 : 1;
	e = f->end_line + 40;
	if (rf && rf->n_lines) {
		if (e > rf->n_lines)
			e = rf->n_lines;
		trb_buf_printf(b, "\nThe code of %s at head, lines %u-%u (repository content):\n", f->path, s, e);
		render_open(b, nonce);
		{
			struct trb_buf c = TRB_BUF_INIT(TRB_LIMIT_PROMPT);
			render_lines(&c, rf, NULL, s, e, false);
			render_untrusted(b, trb_buf_cstr(&c), c.len, nonce);
			trb_buf_dispose(&c);
		}
		render_close(b, nonce);
	}
	return trb_buf_error(b);
}
