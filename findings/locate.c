/* findings/locate.c: where findings sit in the merge request (changed lines or context), their
 * fingerprints, de-duplication across units and sources, and report order. */
#include "findings/findings.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/err.h"

static const struct diff_file *file_of(const struct diff *d, const char *path)
{
	size_t i;

	for (i = 0; path && i < d->n_files; i++)
		if (!d->files[i].skip && strcmp(d->files[i].path, path) == 0)
			return &d->files[i];
	return NULL;
}

static bool changed(const struct diff_file *f, uint32_t line)
{
	size_t i;

	if (diff_line_changed(f, line))
		return true;
	/* the lines around a pure deletion count: a removed check is a change there */
	for (i = 0; i < f->n_hunks; i++)
		if (f->hunks[i].new_lines == 0 && (line == f->hunks[i].new_start || line == f->hunks[i].new_start + 1))
			return true;
	return false;
}

static bool touches(const struct diff *d, const char *path, uint32_t start, uint32_t end)
{
	const struct diff_file *f = file_of(d, path);
	uint32_t l;

	if (!f)
		return false;
	for (l = start; l <= end && l - start < 100000; l++)
		if (changed(f, l))
			return true;
	return false;
}

static int fingerprint_from_head(struct finding *f, struct diff *d)
{
	char *text = NULL;
	size_t len = 0;
	int error;

	if (diff_read_file(&text, &len, d, DIFF_SIDE_HEAD, f->path, (size_t)64 * 1024 * 1024) < 0)
		return findings_fingerprint(&f->fingerprint, f->path, f->cwe, f->title ? f->title : "", f->title ? strlen(f->title) : 0);
	error = findings_fingerprint_lines(&f->fingerprint, f->path, f->cwe, text, len, f->start_line, f->end_line);
	free(text);
	return error;
}

int findings_locate(struct findings *fs, struct diff *d)
{
	size_t i, k;
	int error;

	for (i = 0; i < fs->n; i++) {
		struct finding *f = &fs->v[i];
		const struct diff_file *df = file_of(d, f->path);
		uint32_t l;
		bool all = true;

		if (!f->path)
			continue;
		if (!f->fingerprint && (error = fingerprint_from_head(f, d)) < 0)
			return error;
		if (!df && f->source == FINDING_SOURCE_RULE) {
			/* a rule hit in a file the agents skipped: it starts on an added line by
			 * construction, and rules_hit_to_finding placed it */
			f->pre_existing = false;
			continue;
		}
		f->anchor_line = 0;
		f->in_diff = false;
		if (df) {
			for (l = f->start_line; l <= f->end_line && l - f->start_line < 100000; l++) {
				if (diff_line_changed(df, l))
					f->anchor_line = l;
				else
					all = false;
			}
			/* contiguous added lines are one hunk on the head side */
			f->in_diff = all && f->anchor_line != 0;
		}
		f->pre_existing = !touches(d, f->path, f->start_line, f->end_line);
		for (k = 0; f->pre_existing && k < f->n_flow; k++)
			if (touches(d, f->flow[k].path, f->flow[k].line, f->flow[k].line))
				f->pre_existing = false;
	}
	return 0;
}

int findings_dedupe(struct findings *fs)
{
	size_t i, j;

	for (i = 0; i < fs->n; i++)
		for (j = i + 1; j < fs->n; j++) {
			struct finding *a = &fs->v[i], *b = &fs->v[j];
			if (!a->path || !b->path || strcmp(a->path, b->path) != 0 || !a->cwe || !b->cwe ||
			    strcmp(a->cwe, b->cwe) != 0 || a->end_line < b->start_line || b->end_line < a->start_line)
				continue;
			/* an inline ignore speaks for one rule only: never folded into another finding */
			if (a->status == FINDING_SUPPRESSED || b->status == FINDING_SUPPRESSED)
				continue;
			if (findings_stronger(b, a)) {
				struct finding tmp = *a;
				*a = *b;
				*b = tmp;
			}
			/* a model never talks a deterministic finding down: the higher severity and
			 * confidence survive the merge */
			if (b->severity > a->severity)
				a->severity = b->severity;
			if (b->confidence > a->confidence)
				a->confidence = b->confidence;
			finding_dispose(b);
			memmove(b, b + 1, (fs->n - j - 1) * sizeof(*b));
			fs->n--;
			j--;
		}
	return 0;
}
