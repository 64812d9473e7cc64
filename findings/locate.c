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

/* The base-side path of a file the merge request renamed into path, else NULL (borrowed from d).
 * Skipped files count: a finding in a renamed file that no unit holds is still in that file. A
 * copy is not a rename: its source stays, and GitLab shows the copy as a new file. */
static const char *renamed_from(const struct diff *d, const char *path)
{
	size_t i;

	for (i = 0; path && i < d->n_files; i++) {
		const struct diff_file *f = &d->files[i];
		if (f->status == DIFF_STATUS_RENAMED && f->old_path && strcmp(f->path, path) == 0)
			return strcmp(f->old_path, path) != 0 ? f->old_path : NULL;
	}
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

/* The head file fingerprints are cut from: one read and one line index per path, however many
 * findings it holds (500 rule hits in a 60 MB file are one read, not 500). */
struct head_text {
	const char *path;      /* borrowed from a finding; NULL before the first read */
	char *text;            /* NULL when the file could not be read */
	size_t len;
	uint32_t *off;         /* diff_line_index() */
	uint32_t n_lines;
};

static void head_text_dispose(struct head_text *h)
{
	free(h->text);
	free(h->off);
	memset(h, 0, sizeof(*h));
}

static int head_text_load(struct head_text *h, struct diff *d, const char *path)
{
	int error;

	if (h->path && strcmp(h->path, path) == 0)
		return 0;
	head_text_dispose(h);
	h->path = path;
	/* unreadable (absent, too large): the finding is fingerprinted from its title */
	if (diff_read_file(&h->text, &h->len, d, DIFF_SIDE_HEAD, path, (size_t)64 * 1024 * 1024) < 0) {
		h->text = NULL;
		h->len = 0;
		return 0;
	}
	if ((error = diff_line_index(&h->off, &h->n_lines, h->text, h->len)) < 0)
		head_text_dispose(h);
	return error;
}

static int fingerprint_from_head(struct finding *f, const struct head_text *h)
{
	uint32_t first = f->start_line ? f->start_line : 1;
	size_t s;

	if (!h->text)
		return findings_fingerprint(&f->fingerprint, f->path, f->cwe, f->title ? f->title : "",
					    f->title ? strlen(f->title) : 0);
	if (first > h->n_lines)
		return findings_fingerprint_lines(&f->fingerprint, f->path, f->cwe, "", 0, 1, 0);
	/* from the line index, so that only the finding's own lines are walked */
	s = h->off[first - 1];
	return findings_fingerprint_lines(&f->fingerprint, f->path, f->cwe, h->text + s, h->len - s, 1,
					  f->end_line >= first ? f->end_line - first + 1 : 0);
}

struct by_path {
	const char *path;
	size_t i;
};

static int cmp_by_path(const void *pa, const void *pb)
{
	const struct by_path *a = pa, *b = pb;
	int c = strcmp(a->path, b->path);

	return c ? c : (a->i > b->i) - (a->i < b->i);
}

/* Fingerprints the findings that have none, file by file. */
static int fingerprint_missing(struct findings *fs, struct diff *d)
{
	struct head_text h = {NULL, NULL, 0, NULL, 0};
	struct by_path *v = NULL;
	size_t i, n = 0, bytes;
	int error = 0;

	for (i = 0; i < fs->n; i++)
		n += fs->v[i].path && !fs->v[i].fingerprint;
	if (n == 0)
		return 0;
	if ((error = trb_mul_size(&bytes, n, sizeof(*v))) < 0)
		return error;
	if (!(v = malloc(bytes)))
		return trb_err_oom();
	for (i = 0, n = 0; i < fs->n; i++)
		if (fs->v[i].path && !fs->v[i].fingerprint) {
			v[n].path = fs->v[i].path;
			v[n++].i = i;
		}
	qsort(v, n, sizeof(*v), cmp_by_path);
	for (i = 0; i < n && error == 0; i++)
		if ((error = head_text_load(&h, d, v[i].path)) == 0)
			error = fingerprint_from_head(&fs->v[v[i].i], &h);
	head_text_dispose(&h);
	free(v);
	return error;
}

int findings_locate(struct findings *fs, struct diff *d)
{
	size_t i, k;
	int error;

	if ((error = fingerprint_missing(fs, d)) < 0)
		return error;
	for (i = 0; i < fs->n; i++) {
		struct finding *f = &fs->v[i];
		const struct diff_file *df = file_of(d, f->path);
		const char *old_path = renamed_from(d, f->path);
		uint32_t l;
		bool all = true;

		if (!f->path)
			continue;
		free(f->old_path);
		f->old_path = NULL;
		if (old_path && !(f->old_path = strdup(old_path)))
			return trb_err_oom();
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

/* True when fs is in report order as far as dedupe looks: by path, then start line. */
static bool by_path_and_line(const struct findings *fs)
{
	size_t i;

	for (i = 1; i < fs->n; i++) {
		const struct finding *a = &fs->v[i - 1], *b = &fs->v[i];
		int c;
		if (!a->path || !b->path)
			return false;
		if ((c = strcmp(a->path, b->path)) > 0 || (c == 0 && a->start_line > b->start_line))
			return false;
	}
	return true;
}

int findings_dedupe(struct findings *fs)
{
	bool sorted = by_path_and_line(fs);
	size_t i, j;

	for (i = 0; i < fs->n; i++)
		for (j = i + 1; j < fs->n; j++) {
			struct finding *a = &fs->v[i], *b = &fs->v[j];
			/* in report order, nothing after b can overlap a: b and every later finding is in
			 * another file or starts below a's end (a changes only by taking an overlapping
			 * copy, and none is left) */
			if (sorted && (strcmp(a->path, b->path) != 0 || b->start_line > a->end_line))
				break;
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
