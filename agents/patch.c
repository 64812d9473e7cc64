/* agents/patch.c: a proposed patch is applied with libgit2 to the head tree in memory (the
 * repository's object store is shadowed by an in-memory one, see diff_open), never to a working
 * tree. A patch that does not parse, touches anything but existing regular files, or does not
 * apply cleanly is refused with the reason. */
#include "agents/agents_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/err.h"
#include "util/escape.h"
#include "util/path.h"

#define PATCH_MAX_BYTES (64 * 1024)
#define PATCH_MAX_FILES 10

/* ---- normalizing what models write --------------------------------------------------------- */

/* Models write plain unified diffs ("--- a/x" without "diff --git"), miscount hunk lengths, drop
 * the space of blank context lines and misnumber hunks by a few lines. libgit2 wants a git diff
 * with exact headers. So: headers are rewritten in git's form, counts recomputed from the hunk
 * bodies, and each hunk is moved to where its preimage (context and removed lines) really is in the
 * head file, nearest to where the model put it. Nothing else is changed: a hunk whose preimage is
 * not in the file still fails to apply. */

struct lines {
	const char **p;
	size_t *n;
	size_t count;
};

static int split_lines(struct lines *out, const char *text, size_t len)
{
	size_t cap = 64, i = 0;

	out->count = 0;
	out->p = malloc(cap * sizeof(*out->p));
	out->n = malloc(cap * sizeof(*out->n));
	if (!out->p || !out->n)
		return TRB_ENOMEM;
	while (i < len) {
		const char *nl = memchr(text + i, '\n', len - i);
		size_t n = nl ? (size_t)(nl - (text + i)) : len - i;
		if (out->count == cap) {
			const char **p2;
			size_t *n2;
			cap *= 2;
			if (!(p2 = realloc(out->p, cap * sizeof(*p2))))
				return TRB_ENOMEM;
			out->p = p2;
			if (!(n2 = realloc(out->n, cap * sizeof(*n2))))
				return TRB_ENOMEM;
			out->n = n2;
		}
		out->p[out->count] = text + i;
		out->n[out->count] = n && text[i + n - 1] == '\r' ? n - 1 : n;
		out->count++;
		i += n + 1;
	}
	return 0;
}

static void lines_dispose(struct lines *l)
{
	free(l->p);
	free(l->n);
	memset(l, 0, sizeof(*l));
}

static bool starts(const char *p, size_t n, const char *prefix)
{
	size_t k = strlen(prefix);

	return n >= k && memcmp(p, prefix, k) == 0;
}

/* "a/src/x.c\t2024-01-01" -> "src/x.c" */
static void header_path(struct trb_buf *out, const char *p, size_t n)
{
	size_t e = 0;

	while (e < n && p[e] != '\t')
		e++;
	while (e > 0 && p[e - 1] == ' ')
		e--;
	if (e >= 2 && (p[0] == 'a' || p[0] == 'b') && p[1] == '/') {
		p += 2;
		e -= 2;
	}
	trb_buf_put(out, p, e);
}

/* Where the preimage (lines) starts in the file, nearest to `near` (1-based); 0 when absent. */
static size_t locate(const struct lines *file, const char **pre, const size_t *pre_n, size_t n_pre, size_t near)
{
	size_t best = 0, best_d = (size_t)-1, s, k;

	size_t from = 0, to = file->count;

	if (n_pre == 0)
		return near;
	/* bounded work on hostile input: a huge file against a huge hunk searches only near where
	 * the model said the hunk is */
	if ((double)file->count * (double)n_pre > 2e7) {
		from = near > 1000 ? near - 1000 : 0;
		to = near + 1000 < file->count ? near + 1000 : file->count;
	}
	for (s = from; s + n_pre <= to; s++) {
		for (k = 0; k < n_pre; k++)
			if (file->n[s + k] != pre_n[k] || memcmp(file->p[s + k], pre[k], pre_n[k]) != 0)
				break;
		if (k == n_pre) {
			size_t d = s + 1 > near ? s + 1 - near : near - (s + 1);
			if (d < best_d) {
				best_d = d;
				best = s + 1;
			}
		}
	}
	return best;
}

static int normalize(struct trb_buf *out, struct agents_tools *t, const char *patch, size_t len)
{
	struct lines pl = {0}, file = {0};
	git_blob *blob = NULL;
	const char **pre = NULL;
	size_t *pre_n = NULL, i = 0;
	long delta = 0;
	int error;

	if ((error = split_lines(&pl, patch, len)) < 0)
		goto done;
	if (!(pre = malloc((pl.count + 1) * sizeof(*pre))) || !(pre_n = malloc((pl.count + 1) * sizeof(*pre_n)))) {
		error = TRB_ENOMEM;
		goto done;
	}
	while (i < pl.count) {
		const char *p = pl.p[i];
		size_t n = pl.n[i];
		if (starts(p, n, "--- ") && i + 1 < pl.count && starts(pl.p[i + 1], pl.n[i + 1], "+++ ")) {
			struct trb_buf oldp = TRB_BUF_INIT(4096), newp = TRB_BUF_INIT(4096);
			header_path(&oldp, p + 4, n - 4);
			header_path(&newp, pl.p[i + 1] + 4, pl.n[i + 1] - 4);
			if (strcmp(trb_buf_cstr(&oldp), "/dev/null") == 0)
				trb_buf_printf(out, "diff --git a/%s b/%s\nnew file mode 100644\n--- /dev/null\n+++ b/%s\n",
					       trb_buf_cstr(&newp), trb_buf_cstr(&newp), trb_buf_cstr(&newp));
			else if (strcmp(trb_buf_cstr(&newp), "/dev/null") == 0)
				trb_buf_printf(out, "diff --git a/%s b/%s\ndeleted file mode 100644\n--- a/%s\n+++ /dev/null\n",
					       trb_buf_cstr(&oldp), trb_buf_cstr(&oldp), trb_buf_cstr(&oldp));
			else
				trb_buf_printf(out, "diff --git a/%s b/%s\n--- a/%s\n+++ b/%s\n", trb_buf_cstr(&oldp),
					       trb_buf_cstr(&newp), trb_buf_cstr(&oldp), trb_buf_cstr(&newp));
			git_blob_free(blob);
			blob = NULL;
			lines_dispose(&file);
			if (!agents_head_file(&blob, t, trb_buf_cstr(&oldp)) &&
			    (error = split_lines(&file, git_blob_rawcontent(blob), (size_t)git_blob_rawsize(blob))) < 0) {
				trb_buf_dispose(&oldp);
				trb_buf_dispose(&newp);
				goto done;
			}
			trb_buf_dispose(&oldp);
			trb_buf_dispose(&newp);
			delta = 0;
			i += 2;
			continue;
		}
		if (starts(p, n, "@@ -")) {
			size_t j = i + 1, old_start, n_pre = 0, oldc = 0, newc = 0, at;
			char *end;
			old_start = strtoul(p + 4, &end, 10);
			/* the body: until the next hunk or file */
			while (j < pl.count && !starts(pl.p[j], pl.n[j], "@@ -") && !starts(pl.p[j], pl.n[j], "diff --git ") &&
			       !(starts(pl.p[j], pl.n[j], "--- ") && j + 1 < pl.count && starts(pl.p[j + 1], pl.n[j + 1], "+++ "))) {
				char c = pl.n[j] ? pl.p[j][0] : ' ';
				if (c == '\\') {
					j++;   /* "\ No newline at end of file" */
					continue;
				}
				if (c != ' ' && c != '-' && c != '+') {
					/* a context line whose leading space the model dropped */
					pre[n_pre] = pl.p[j];
					pre_n[n_pre++] = pl.n[j];
					oldc++;
					newc++;
					j++;
					continue;
				}
				if (c == ' ' || c == '-') {
					pre[n_pre] = pl.n[j] ? pl.p[j] + 1 : pl.p[j];
					pre_n[n_pre++] = pl.n[j] ? pl.n[j] - 1 : 0;
					oldc++;
				}
				if (c == ' ' || c == '+')
					newc++;
				j++;
			}
			/* trailing blank lines after the last hunk are not context */
			while (j > i + 1 && pl.n[j - 1] == 0 && j == pl.count) {
				j--;
				n_pre--;
				oldc--;
				newc--;
			}
			at = file.count ? locate(&file, pre, pre_n, n_pre, old_start ? old_start : 1) : 0;
			if (!at)
				at = old_start;
			if (oldc == 0 && at > 0)
				at = old_start;   /* pure insertion: git numbers the line before */
			{
				/* git numbers an empty side by the line before it */
				long ns = (long)at + delta + (oldc == 0 ? 1 : 0) - (newc == 0 ? 1 : 0);
				trb_buf_printf(out, "@@ -%zu,%zu +%ld,%zu @@\n", at, oldc, ns < 0 ? 0 : ns, newc);
			}
			for (i = i + 1; i < j; i++) {
				char c0 = pl.n[i] ? pl.p[i][0] : ' ';
				if (c0 == '\\')
					continue;
				if (pl.n[i] == 0 || (c0 != ' ' && c0 != '-' && c0 != '+'))
					trb_buf_putc(out, ' ');
				trb_buf_put(out, pl.p[i], pl.n[i]);
				trb_buf_putc(out, '\n');
			}
			delta += (long)newc - (long)oldc;
			continue;
		}
		/* "diff --git", "index", "new file mode"...: dropped; the headers above are rebuilt */
		i++;
	}
	error = trb_buf_error(out);
done:
	git_blob_free(blob);
	lines_dispose(&pl);
	lines_dispose(&file);
	free(pre);
	free(pre_n);
	return error;
}

static int refuse(char *why, size_t whylen, const char *msg)
{
	snprintf(why, whylen, "%s", msg);
	return TRB_EINVAL;
}

int agents_patch_apply(char **patched, size_t *patched_len, struct agents_tools *t, const char *patch,
		       const char *path, char *why, size_t whylen)
{
	git_diff *diff = NULL;
	git_index *index = NULL;
	const git_index_entry *entry;
	git_blob *blob = NULL;
	size_t i, n, len = strlen(patch);
	int error = 0;

	if (patched) {
		*patched = NULL;
		*patched_len = 0;
	}
	if (len == 0)
		return refuse(why, whylen, "the patch is empty");
	if (len > PATCH_MAX_BYTES)
		return refuse(why, whylen, "the patch is larger than 64 KiB");
	if (!trb_utf8_valid(patch, len))
		return refuse(why, whylen, "the patch is not UTF-8 text");
	{
		struct trb_buf norm = TRB_BUF_INIT(PATCH_MAX_BYTES * 2);
		int perr = normalize(&norm, t, patch, len);
		if (perr == TRB_ENOMEM) {
			trb_buf_dispose(&norm);
			return trb_err_oom();
		}
		if (perr < 0 || norm.len == 0 || git_diff_from_buffer(&diff, trb_buf_cstr(&norm), norm.len) < 0) {
			trb_buf_dispose(&norm);
			return refuse(why, whylen, "the patch is not a unified diff");
		}
		trb_buf_dispose(&norm);
	}
	n = git_diff_num_deltas(diff);
	if (n == 0 || n > PATCH_MAX_FILES) {
		error = refuse(why, whylen, n ? "the patch touches too many files" : "the patch changes nothing");
		goto done;
	}
	for (i = 0; i < n; i++) {
		const git_diff_delta *d = git_diff_get_delta(diff, i);
		git_blob *head = NULL;
		if (d->status != GIT_DELTA_MODIFIED) {
			error = refuse(why, whylen, "the patch may only modify existing files (no new, deleted or renamed files)");
			goto done;
		}
		if (!d->new_file.path || strcmp(d->old_file.path, d->new_file.path) != 0 ||
		    trb_path_check(d->new_file.path, strlen(d->new_file.path)) ||
		    (t->policy && config_path_never_send(t->policy, d->new_file.path))) {
			error = refuse(why, whylen, "the patch names a path outside the reviewable tree");
			goto done;
		}
		if (agents_head_file(&head, t, d->new_file.path)) {
			error = refuse(why, whylen, "the patch changes a file that is not a text file of the head commit");
			goto done;
		}
		git_blob_free(head);
	}
	if (git_apply_to_tree(&index, t->repo, t->head, diff, NULL) < 0) {
		const git_error *ge = git_error_last();
		snprintf(why, whylen, "the patch does not apply cleanly to the head commit%s%.150s",
			 ge && ge->message ? ": " : "", ge && ge->message ? ge->message : "");
		error = TRB_EINVAL;
		goto done;
	}
	if (patched && path && (entry = git_index_get_bypath(index, path, 0)) != NULL &&
	    git_blob_lookup(&blob, t->repo, &entry->id) == 0) {
		*patched_len = (size_t)git_blob_rawsize(blob);
		if (!(*patched = malloc(*patched_len + 1))) {
			error = trb_err_oom();
			goto done;
		}
		memcpy(*patched, git_blob_rawcontent(blob), *patched_len);
		(*patched)[*patched_len] = '\0';
	}
done:
	git_blob_free(blob);
	git_index_free(index);
	git_diff_free(diff);
	return error;
}
