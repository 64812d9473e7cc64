/* report/patch.c: reads the patcher's unified diffs, for review suggestions and SARIF fixes.
 * The diff is model output: counts are checked against the hunk headers and anything that is not
 * a well-formed unified diff is refused (the report then shows no suggestion, never a wrong one). */
#include "report/internal.h"

#include <stdlib.h>
#include <string.h>

#include "util/err.h"

void patch_dispose(struct patch *p)
{
	size_t i;

	for (i = 0; i < p->n_files; i++) {
		free(p->files[i].old_path);
		free(p->files[i].new_path);
	}
	free(p->files);
	free(p->hunks);
	free(p->lines);
	memset(p, 0, sizeof(*p));
}

/* Grows *v (of *n elements of size sz) by one zeroed element. */
static void *grow(void **v, size_t *n, size_t sz)
{
	size_t bytes;
	char *nv;

	if (trb_mul_size(&bytes, *n + 1, sz) < 0)
		return NULL;
	if (!(nv = realloc(*v, bytes)))
		return NULL;
	*v = nv;
	memset(nv + *n * sz, 0, sz);
	return nv + (*n)++ * sz;
}

/* "a/src/x.c\t2024-..." -> "src/x.c"; "/dev/null" -> NULL (*out) */
static int header_path(char **out, const char *s, size_t len)
{
	size_t n = 0;

	*out = NULL;
	while (n < len && s[n] != '\t')
		n++;
	while (n > 0 && s[n - 1] == ' ')
		n--;
	if (n == 9 && memcmp(s, "/dev/null", 9) == 0)
		return 0;
	if (n > 2 && (s[0] == 'a' || s[0] == 'b') && s[1] == '/') {
		s += 2;
		n -= 2;
	}
	if (n == 0)
		return trb_err_set(TRB_EINVAL, "patch: empty file name");
	if (!(*out = strndup(s, n)))
		return trb_err_oom();
	return 0;
}

/* Parses "N" or "N,M" at *s; M defaults to 1. */
static bool range(const char **s, uint32_t *start, uint32_t *count)
{
	unsigned long long v = 0;
	const char *p = *s;
	int digits = 0;

	while (*p >= '0' && *p <= '9' && digits < 10) {
		v = v * 10 + (unsigned)(*p++ - '0');
		digits++;
	}
	if (!digits || v > UINT32_MAX)
		return false;
	*start = (uint32_t)v;
	*count = 1;
	if (*p == ',') {
		p++;
		v = 0;
		digits = 0;
		while (*p >= '0' && *p <= '9' && digits < 10) {
			v = v * 10 + (unsigned)(*p++ - '0');
			digits++;
		}
		if (!digits || v > UINT32_MAX)
			return false;
		*count = (uint32_t)v;
	}
	*s = p;
	return true;
}

static bool hunk_header(const char *s, size_t len, struct patch_hunk *h)
{
	const char *p = s + 4;

	if (len < 12 || memcmp(s, "@@ -", 4) != 0)
		return false;
	if (!range(&p, &h->old_start, &h->old_count) || *p++ != ' ' || *p++ != '+' ||
	    !range(&p, &h->new_start, &h->new_count) || strncmp(p, " @@", 3) != 0)
		return false;
	return true;
}

int patch_parse(struct patch *out, const char *diff)
{
	const char *s = diff, *nl;
	struct patch_file *file = NULL;
	struct patch_hunk *h = NULL;
	uint32_t need_old = 0, need_new = 0;
	int error = 0;

	memset(out, 0, sizeof(*out));
	while (*s) {
		size_t len;
		nl = strchr(s, '\n');
		len = nl ? (size_t)(nl - s) : strlen(s);
		if (h && (need_old || need_new)) {
			struct patch_line *l;
			char kind = len ? s[0] : ' ';   /* an empty line is blank context */
			if (kind == '\\')
				goto next;   /* "\ No newline at end of file" */
			if ((kind == ' ' && (!need_old || !need_new)) || (kind == '-' && !need_old) ||
			    (kind == '+' && !need_new) || (kind != ' ' && kind != '-' && kind != '+')) {
				error = trb_err_set(TRB_EINVAL, "patch: hunk lines do not match its header");
				goto fail;
			}
			if (!(l = grow((void **)&out->lines, &out->n_lines, sizeof(*l)))) {
				error = trb_err_oom();
				goto fail;
			}
			l->kind = kind;
			l->text = len ? s + 1 : s;
			l->len = len ? len - 1 : 0;
			h->n++;
			if (kind != '+')
				need_old--;
			if (kind != '-')
				need_new--;
		} else if (len >= 4 && memcmp(s, "--- ", 4) == 0 && nl && strncmp(nl + 1, "+++ ", 4) == 0) {
			const char *s2 = nl + 1, *nl2 = strchr(s2, '\n');
			size_t len2 = nl2 ? (size_t)(nl2 - s2) : strlen(s2);
			if (!(file = grow((void **)&out->files, &out->n_files, sizeof(*file)))) {
				error = trb_err_oom();
				goto fail;
			}
			file->first_hunk = out->n_hunks;
			if ((error = header_path(&file->old_path, s + 4, len - 4)) < 0 ||
			    (error = header_path(&file->new_path, s2 + 4, len2 - 4)) < 0)
				goto fail;
			h = NULL;
			nl = nl2;
		} else if (len >= 4 && memcmp(s, "@@ -", 4) == 0) {
			struct patch_hunk hh;
			memset(&hh, 0, sizeof(hh));
			if (!file || !hunk_header(s, len, &hh)) {
				error = trb_err_set(TRB_EINVAL, "patch: malformed hunk header");
				goto fail;
			}
			if (!(h = grow((void **)&out->hunks, &out->n_hunks, sizeof(*h)))) {
				error = trb_err_oom();
				goto fail;
			}
			*h = hh;
			h->first = out->n_lines;
			file->n_hunks++;
			need_old = h->old_count;
			need_new = h->new_count;
		}
next:
		if (!nl)
			break;
		s = nl + 1;
	}
	if (need_old || need_new) {
		error = trb_err_set(TRB_EINVAL, "patch: the last hunk is shorter than its header says");
		goto fail;
	}
	if (out->n_hunks == 0) {
		error = trb_err_set(TRB_EINVAL, "patch: no hunks");
		goto fail;
	}
	return 0;
fail:
	patch_dispose(out);
	return error;
}

int patch_suggestion(struct trb_buf *out, const struct patch *p, const char *path, uint32_t first,
		     uint32_t last)
{
	struct trb_buf tmp = TRB_BUF_INIT(out->limit);
	const struct patch_file *file;
	const struct patch_hunk *h;
	bool changed = false;
	uint32_t o;
	size_t i;
	int result = 0;

	if (p->n_files != 1 || p->n_hunks != 1 || first == 0 || last < first)
		return 0;
	file = &p->files[0];
	if (!file->old_path || !file->new_path || !path || strcmp(file->old_path, path) != 0 ||
	    strcmp(file->new_path, path) != 0)
		return 0;
	h = &p->hunks[0];
	/* the hunk must show every commented line, so that the suggestion can repeat the kept ones */
	if (h->old_start > first || (uint64_t)h->old_start + h->old_count < (uint64_t)last + 1)
		return 0;
	o = h->old_start;
	for (i = h->first; i < h->first + h->n; i++) {
		const struct patch_line *l = &p->lines[i];
		bool inside = o >= first && o <= last;
		if (l->kind == '+') {
			/* an insertion sits before old line o: at the range's start, inside or right after */
			if (o < first || o > last + 1)
				goto cleanup;
			trb_buf_put(&tmp, l->text, l->len);
			trb_buf_putc(&tmp, '\n');
			changed = true;
			continue;
		}
		if (l->kind == '-') {
			if (!inside)
				goto cleanup;
			changed = true;
		} else if (inside) {
			trb_buf_put(&tmp, l->text, l->len);
			trb_buf_putc(&tmp, '\n');
		}
		o++;
	}
	if (!changed || trb_buf_error(&tmp) < 0)
		goto cleanup;
	trb_buf_put(out, trb_buf_cstr(&tmp), tmp.len);
	result = 1;
cleanup:
	trb_buf_dispose(&tmp);
	return result;
}
