/* diff/files.c: the changed files of merge-base..head, classified and widened into ranges. */
#include "diff/diff_int.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/err.h"
#include "util/escape.h"
#include "util/path.h"

#define DETAIL_MAX 160

static const char *const status_names[] = {"added", "modified", "deleted", "renamed", "copied", "typechange"};

const char *diff_status_name(diff_status_t s)
{
	return (unsigned)s <= DIFF_STATUS_TYPECHANGE ? status_names[s] : "?";
}

static int set_skip(struct diff_file *f, const char *reason, const char *detail)
{
	f->skip = reason;
	if (detail && *detail && !(f->skip_detail = strdup(detail)))
		return trb_err_oom();
	return 0;
}

/* ---- references between changed files (for grouping related files into one unit) ------------ */

struct stem {
	const char *p;   /* points into a file path */
	size_t n;
	size_t file;
	size_t next;     /* next stem in the same hash chain, or SIZE_MAX */
};

/* Stems of the changed files in a chained hash table, so that every word of the changed code can
 * be looked up in O(1): linking files costs one pass over their ranges. */
struct stems {
	struct stem *v;
	size_t n;
	size_t *heads;   /* bucket -> first stem, SIZE_MAX when empty */
	size_t mask;
	size_t min_len, max_len;
};

static uint32_t fnv1a(const char *p, size_t n)
{
	uint32_t h = 2166136261u;

	while (n--)
		h = (h ^ (unsigned char)*p++) * 16777619u;
	return h;
}

/* Names too common to say two files are related. */
static bool common_stem(const char *p, size_t n)
{
	static const char *const words[] = {"index", "main", "util", "utils", "test", "tests", "types",
		"common", "config", "init", "__init__", "setup", "helpers", "lib", "app", "README", "mod"};
	size_t i;

	if (n < 4)
		return true;
	for (i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (strlen(words[i]) == n && memcmp(words[i], p, n) == 0)
			return true;
	return false;
}

static const unsigned char word_chars[256] = {
	['0'] = 1, ['1'] = 1, ['2'] = 1, ['3'] = 1, ['4'] = 1, ['5'] = 1, ['6'] = 1, ['7'] = 1, ['8'] = 1,
	['9'] = 1, ['_'] = 1, ['-'] = 1,
	['a'] = 1, ['b'] = 1, ['c'] = 1, ['d'] = 1, ['e'] = 1, ['f'] = 1, ['g'] = 1, ['h'] = 1, ['i'] = 1,
	['j'] = 1, ['k'] = 1, ['l'] = 1, ['m'] = 1, ['n'] = 1, ['o'] = 1, ['p'] = 1, ['q'] = 1, ['r'] = 1,
	['s'] = 1, ['t'] = 1, ['u'] = 1, ['v'] = 1, ['w'] = 1, ['x'] = 1, ['y'] = 1, ['z'] = 1,
	['A'] = 1, ['B'] = 1, ['C'] = 1, ['D'] = 1, ['E'] = 1, ['F'] = 1, ['G'] = 1, ['H'] = 1, ['I'] = 1,
	['J'] = 1, ['K'] = 1, ['L'] = 1, ['M'] = 1, ['N'] = 1, ['O'] = 1, ['P'] = 1, ['Q'] = 1, ['R'] = 1,
	['S'] = 1, ['T'] = 1, ['U'] = 1, ['V'] = 1, ['W'] = 1, ['X'] = 1, ['Y'] = 1, ['Z'] = 1,
};

static int add_ref(struct diff_file *f, size_t other)
{
	size_t i, *v;

	for (i = 0; i < f->n_refs; i++)
		if (f->refs[i] == other)
			return 0;
	if (!(v = realloc(f->refs, (f->n_refs + 1) * sizeof(*v))))
		return trb_err_oom();
	f->refs = v;
	f->refs[f->n_refs++] = other;
	return 0;
}

/* Every word of the reviewed ranges that is the stem of another changed file links the two. */
static int find_refs(struct diff *d, size_t idx, const char *text, const struct stems *st)
{
	struct diff_file *f = &d->files[idx];
	size_t r;
	int error;

	if (st->n == 0)
		return 0;
	for (r = 0; r < f->n_ranges; r++) {
		size_t i = f->line_off[f->ranges[r].start - 1], end = f->line_off[f->ranges[r].end];
		while (i < end) {
			size_t j, k, n;
			if (!word_chars[(unsigned char)text[i]]) {
				i++;
				continue;
			}
			for (j = i + 1; j < end && word_chars[(unsigned char)text[j]]; j++)
				;
			n = j - i;
			if (n >= st->min_len && n <= st->max_len) {
				for (k = st->heads[fnv1a(text + i, n) & st->mask]; k != SIZE_MAX; k = st->v[k].next) {
					const struct stem *hit = &st->v[k];
					if (hit->n == n && memcmp(hit->p, text + i, n) == 0 && hit->file != idx &&
					    (error = add_ref(f, hit->file)) < 0)
						return error;
				}
			}
			i = j;
		}
	}
	return 0;
}

static void stems_dispose(struct stems *st)
{
	free(st->v);
	free(st->heads);
	memset(st, 0, sizeof(*st));
}

static int stems_build(struct stems *st, const struct diff *d)
{
	size_t i, buckets = 16;

	memset(st, 0, sizeof(*st));
	st->min_len = SIZE_MAX;
	while (buckets < d->n_files * 2)
		buckets *= 2;
	if (!(st->v = calloc(d->n_files + 1, sizeof(*st->v))) || !(st->heads = malloc(buckets * sizeof(size_t)))) {
		stems_dispose(st);
		return trb_err_oom();
	}
	st->mask = buckets - 1;
	for (i = 0; i < buckets; i++)
		st->heads[i] = SIZE_MAX;
	for (i = 0; i < d->n_files; i++) {
		const char *base, *dot;
		struct stem *s = &st->v[st->n];
		size_t b;
		if (d->files[i].skip)
			continue;
		base = strrchr(d->files[i].path, '/');
		base = base ? base + 1 : d->files[i].path;
		dot = strchr(base, '.');
		s->p = base;
		s->n = dot ? (size_t)(dot - base) : strlen(base);
		s->file = i;
		if (common_stem(s->p, s->n))
			continue;
		b = fnv1a(s->p, s->n) & st->mask;
		s->next = st->heads[b];
		st->heads[b] = st->n++;
		if (s->n < st->min_len)
			st->min_len = s->n;
		if (s->n > st->max_len)
			st->max_len = s->n;
	}
	return 0;
}

/* ---- per-file work -------------------------------------------------------------------------- */

static int lookup_blob(git_blob **out, git_repository *repo, const git_oid *oid)
{
	if (git_blob_lookup(out, repo, oid) < 0)
		return trb_err_set(TRB_ERROR, "cannot read blob %s: %s", git_oid_tostr_s(oid),
				   git_error_last() ? git_error_last()->message : "unknown error");
	return 0;
}

/* Whether a file's content exempts it from review. Its name (a lockfile, *.min.js) does as it
 * is; what the content says (a generator's marker, a minified line, bytes that are not UTF-8)
 * counts for a file with a base version only when the base already said the same: a merge
 * request must not exempt its own code by writing "DO NOT EDIT" or one long line at the top. A
 * file without a base version (added, or once a link) is judged by its content alone; one whose
 * base blob cannot be read (old NULL although has_base) is reviewed. */
static const char *content_skip(char *detail, size_t detail_size, const struct diff_file *f,
				const char *text, size_t len, bool has_base, const git_blob *old)
{
	const char *old_text = old ? git_blob_rawcontent(old) : NULL;
	size_t old_len = old ? (size_t)git_blob_rawsize(old) : 0;
	char old_detail[DETAIL_MAX];
	diff_gen_t kind;

	if (!trb_utf8_valid(text, len)) {
		detail[0] = '\0';
		if (!has_base || (old && !trb_utf8_valid(old_text, old_len)))
			return DIFF_SKIP_NOT_UTF8;
		return NULL;
	}
	kind = diff_generated_kind(f->path, text, len, detail, detail_size);
	if (kind == DIFF_GEN_NONE)
		return NULL;
	if (kind == DIFF_GEN_NAME)
		return DIFF_SKIP_GENERATED;
	if (!has_base)
		/* a new file claiming to be generated is still someone's code; a new minified one is
		 * skipped (its secrets are still checked) */
		return kind == DIFF_GEN_MINIFIED ? DIFF_SKIP_GENERATED : NULL;
	if (!old || diff_generated_kind(f->old_path, old_text, old_len, old_detail, sizeof(old_detail)) != kind)
		return NULL;
	/* the same marker; any minified shape */
	return kind == DIFF_GEN_MINIFIED || strcmp(detail, old_detail) == 0 ? DIFF_SKIP_GENERATED : NULL;
}

struct hunk_ctx {
	struct diff_file *f;
	struct diff_range *targets;
	size_t n, cap, changed_cap;
	int error;
};

/* With no context lines, a hunk's head side is all added lines and its base side all removed
 * ones: the hunk headers alone say which lines changed. */
static int on_hunk(const git_diff_delta *delta, const git_diff_hunk *hunk, void *payload)
{
	struct hunk_ctx *h = payload;
	struct diff_file *f = h->f;
	uint32_t l;

	(void)delta;
	if (h->n == h->cap) {
		size_t cap = h->cap ? h->cap * 2 : 16;
		struct diff_range *t = realloc(h->targets, cap * sizeof(*t));
		struct diff_hunk *v = realloc(f->hunks, cap * sizeof(*v));
		if (t)
			h->targets = t;
		if (v)
			f->hunks = v;
		if (!t || !v) {
			h->error = trb_err_oom();
			return -1;
		}
		h->cap = cap;
	}
	f->hunks[h->n].new_start = (uint32_t)hunk->new_start;
	f->hunks[h->n].new_lines = (uint32_t)hunk->new_lines;
	if (hunk->new_lines > 0) {
		h->targets[h->n].start = (uint32_t)hunk->new_start;
		h->targets[h->n].end = (uint32_t)(hunk->new_start + hunk->new_lines - 1);
	} else {
		/* a pure deletion sits between new_start and the next line: removed checks matter */
		h->targets[h->n].start = hunk->new_start > 0 ? (uint32_t)hunk->new_start : 1;
		h->targets[h->n].end = (uint32_t)hunk->new_start + 1;
	}
	h->n++;
	for (l = 0; l < (uint32_t)hunk->new_lines; l++) {
		if (f->n_changed == h->changed_cap) {
			size_t ncap = h->changed_cap ? h->changed_cap * 2 : 64;
			uint32_t *v = realloc(f->changed, ncap * sizeof(*v));
			if (!v) {
				h->error = trb_err_oom();
				return -1;
			}
			f->changed = v;
			h->changed_cap = ncap;
		}
		f->changed[f->n_changed++] = (uint32_t)hunk->new_start + l;
	}
	f->added += (uint32_t)hunk->new_lines;
	f->deleted += (uint32_t)hunk->old_lines;
	return 0;
}

static int file_hunks(struct diff_file *f, const git_blob *old, const git_blob *blob,
		      struct diff_range **targets, size_t *n_targets)
{
	git_diff_options o;
	struct hunk_ctx h;

	*targets = NULL;
	*n_targets = 0;
	memset(&h, 0, sizeof(h));
	h.f = f;
	git_diff_options_init(&o, GIT_DIFF_OPTIONS_VERSION);
	o.context_lines = 0;
	o.interhunk_lines = 0;
	o.flags = GIT_DIFF_FORCE_TEXT;
	/* no path: no diff driver and no attributes are looked up */
	if (git_diff_blobs(old, NULL, blob, NULL, &o, NULL, NULL, on_hunk, NULL, &h) < 0 && !h.error)
		h.error = trb_err_set(TRB_ERROR, "cannot diff %s: %s", f->path,
				      git_error_last() ? git_error_last()->message : "unknown error");
	if (h.error < 0) {
		free(h.targets);
		return h.error;
	}
	f->n_hunks = h.n;
	*targets = h.targets;
	*n_targets = h.n;
	return 0;
}

static int review_file(git_repository *repo, struct diff *d, size_t idx, const struct config *policy,
		       const struct stems *stems)
{
	struct diff_file *f = &d->files[idx];
	git_odb *odb = NULL;
	git_blob *blob = NULL, *old = NULL;
	git_object_t type;
	size_t size = 0, len, n_targets = 0, r, bytes = 0, lines = 0;
	struct diff_range *targets = NULL;
	const char *text, *why;
	char detail[DETAIL_MAX];
	bool has_base;
	int error = 0;

	if (git_repository_odb(&odb, repo) < 0 || git_odb_read_header(&size, &type, odb, &f->new_oid) < 0) {
		error = trb_err_set(TRB_ERROR, "cannot read %s from the head commit", f->path);
		goto cleanup;
	}
	if (size > policy->max_file_bytes) {
		snprintf(detail, sizeof(detail), "%zu bytes > max_file_bytes %zu", size, policy->max_file_bytes);
		error = set_skip(f, DIFF_SKIP_TOO_LARGE, detail);
		goto cleanup;
	}
	if ((error = lookup_blob(&blob, repo, &f->new_oid)) < 0)
		goto cleanup;
	text = git_blob_rawcontent(blob);
	len = (size_t)git_blob_rawsize(blob);
	/* git's rule (a NUL or mostly non-text in the first 8000 bytes), so that what git shows as
	 * binary is what tribunal skips */
	if (diff_is_binary(git_blob_rawcontent(blob), (size_t)git_blob_rawsize(blob))) {
		error = set_skip(f, DIFF_SKIP_BINARY, NULL);
		goto cleanup;
	}
	/* an unreadable base blob (a partial clone) leaves old NULL: the file is then diffed as new,
	 * and reviewed whatever its content says */
	has_base = f->status != DIFF_STATUS_ADDED && !git_oid_is_zero(&f->old_oid);
	if (has_base && git_blob_lookup(&old, repo, &f->old_oid) < 0)
		old = NULL;
	if ((why = content_skip(detail, sizeof(detail), f, text, len, has_base, old)) != NULL) {
		error = set_skip(f, why, detail);
		goto cleanup;
	}
	if (old && diff_is_binary(git_blob_rawcontent(old), (size_t)git_blob_rawsize(old))) {
		git_blob_free(old);  /* was binary: all of it is new text */
		old = NULL;
	}
	if ((error = diff_line_index(&f->line_off, &f->n_lines, text, len)) < 0 ||
	    (error = file_hunks(f, old, blob, &targets, &n_targets)) < 0 ||
	    (error = diff_widen(&f->ranges, &f->n_ranges, text, f->line_off, f->n_lines, f->lang, targets,
				n_targets, f->changed, f->n_changed, policy->context_lines,
				DIFF_WIDEN_MAX_LINES)) < 0)
		goto cleanup;
	for (r = 0; r < f->n_ranges; r++) {
		bytes += f->line_off[f->ranges[r].end] - f->line_off[f->ranges[r].start - 1];
		lines += f->ranges[r].end - f->ranges[r].start + 1;
	}
	f->est_tokens = diff_estimate_tokens(bytes, lines) + 16 * f->n_ranges;
	if (f->n_ranges == 0)
		error = f->n_lines == 0 ? set_skip(f, DIFF_SKIP_EMPTIED, "every line was removed")
					: set_skip(f, DIFF_SKIP_UNCHANGED, "no changed lines");
	else
		error = find_refs(d, idx, text, stems);
cleanup:
	free(targets);
	git_blob_free(old);
	git_blob_free(blob);
	git_odb_free(odb);
	return error;
}

/* ---- reading the files on a small pool of threads ---------------------------------------------- */

/* Per-file work (inflate, diff, widen) is independent, so it runs on up to DIFF_MAX_THREADS
 * threads, each with its own git_repository (libgit2 objects are single-thread). Each file is
 * written by exactly one worker; the queue is an index under a mutex. */
#define DIFF_MAX_THREADS 8
#define DIFF_FILES_PER_THREAD 16

struct pool {
	struct diff *d;
	const struct diff_opts *opts;
	const struct stems *stems;
	pthread_mutex_t lock;
	size_t next, done;
	int error;
	char *message;       /* the failing worker's error message */
};

static void pool_fail(struct pool *p, int error)
{
	pthread_mutex_lock(&p->lock);
	if (!p->error) {
		p->error = error;
		p->message = strdup(trb_err_msg());
	}
	pthread_mutex_unlock(&p->lock);
}

static void pool_run(struct pool *p, git_repository *repo)
{
	int error;

	for (;;) {
		size_t i;
		pthread_mutex_lock(&p->lock);
		i = p->error ? p->d->n_files : p->next++;
		pthread_mutex_unlock(&p->lock);
		if (i >= p->d->n_files)
			break;
		if (!p->d->files[i].skip &&
		    (error = review_file(repo, p->d, i, p->opts->policy, p->stems)) < 0) {
			pool_fail(p, error);
			break;
		}
		pthread_mutex_lock(&p->lock);
		p->done++;
		if (p->opts->progress)
			p->opts->progress(p->done, p->d->n_files, p->opts->payload);
		pthread_mutex_unlock(&p->lock);
	}
}

static void *pool_worker(void *arg)
{
	struct pool *p = arg;
	git_repository *repo = NULL;

	if (git_repository_open_ext(&repo, git_repository_path(p->d->repo),
				    GIT_REPOSITORY_OPEN_NO_SEARCH | GIT_REPOSITORY_OPEN_BARE, NULL) < 0) {
		pool_fail(p, trb_err_set(TRB_ERROR, "cannot open the repository in a worker: %s",
					 git_error_last() ? git_error_last()->message : "unknown error"));
		return NULL;
	}
	pool_run(p, repo);
	git_repository_free(repo);
	return NULL;
}

static int review_all(struct diff *d, const struct diff_opts *opts, const struct stems *stems)
{
	pthread_t threads[DIFF_MAX_THREADS];
	struct pool p;
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	size_t n = cpus > 0 ? (size_t)cpus : 1, started = 0, i;
	int error;

	if (n > DIFF_MAX_THREADS)
		n = DIFF_MAX_THREADS;
	if (n > d->n_files / DIFF_FILES_PER_THREAD)
		n = d->n_files / DIFF_FILES_PER_THREAD;
	memset(&p, 0, sizeof(p));
	p.d = d;
	p.opts = opts;
	p.stems = stems;
	if (n <= 1) {
		for (i = 0; i < d->n_files; i++) {
			if (!d->files[i].skip && (error = review_file(d->repo, d, i, opts->policy, stems)) < 0)
				return error;
			if (opts->progress)
				opts->progress(i + 1, d->n_files, opts->payload);
		}
		return 0;
	}
	if (pthread_mutex_init(&p.lock, NULL) != 0)
		return trb_err_set(TRB_ERROR, "cannot create a mutex");
	/* this thread is one of the workers, with the repository it already has */
	for (i = 1; i < n; i++)
		if (pthread_create(&threads[started], NULL, pool_worker, &p) == 0)
			started++;
	pool_run(&p, d->repo);
	for (i = 0; i < started; i++)
		pthread_join(threads[i], NULL);
	pthread_mutex_destroy(&p.lock);
	if (p.error) {
		trb_err_set(p.error, "%s", p.message ? p.message : "out of memory");
		free(p.message);
		return p.error;
	}
	return 0;
}

/* The first pass: what can be decided from the delta alone. */
static int classify_delta(struct diff_file *f, const git_diff_delta *dd, const struct config *policy)
{
	const char *newp = dd->new_file.path, *oldp = dd->old_file.path, *why;
	git_filemode_t mode;

	switch (dd->status) {
	case GIT_DELTA_ADDED: f->status = DIFF_STATUS_ADDED; break;
	case GIT_DELTA_DELETED: f->status = DIFF_STATUS_DELETED; break;
	case GIT_DELTA_RENAMED: f->status = DIFF_STATUS_RENAMED; break;
	case GIT_DELTA_COPIED: f->status = DIFF_STATUS_COPIED; break;
	case GIT_DELTA_TYPECHANGE: f->status = DIFF_STATUS_TYPECHANGE; break;
	default: f->status = DIFF_STATUS_MODIFIED; break;
	}
	if (f->status == DIFF_STATUS_DELETED)
		newp = oldp;
	if (!(f->path = strdup(newp)) || !(f->old_path = strdup(oldp)))
		return trb_err_oom();
	f->similarity = dd->similarity;
	git_oid_cpy(&f->old_oid, &dd->old_file.id);
	git_oid_cpy(&f->new_oid, &dd->new_file.id);
	f->lang = diff_lang_of_path(f->path);
	if ((why = trb_path_check(newp, strlen(newp))) || (why = trb_path_check(oldp, strlen(oldp))))
		return set_skip(f, DIFF_SKIP_UNSAFE, why);
	if (f->status == DIFF_STATUS_DELETED)
		return set_skip(f, DIFF_SKIP_DELETED, NULL);
	mode = dd->new_file.mode;
	if (mode == GIT_FILEMODE_COMMIT)
		return set_skip(f, DIFF_SKIP_SUBMODULE, NULL);
	if (mode == GIT_FILEMODE_LINK)
		return set_skip(f, DIFF_SKIP_SYMLINK, NULL);
	if (mode != GIT_FILEMODE_BLOB && mode != GIT_FILEMODE_BLOB_EXECUTABLE)
		return set_skip(f, DIFF_SKIP_UNSAFE, "not a regular file");
	if (!config_path_included(policy, f->path))
		return set_skip(f, DIFF_SKIP_EXCLUDED, "paths.include / paths.exclude");
	f->never_send = config_path_never_send(policy, f->path) || config_path_never_send(policy, f->old_path);
	if (git_oid_equal(&dd->old_file.id, &dd->new_file.id) && dd->old_file.mode != GIT_FILEMODE_LINK) {
		if (f->status == DIFF_STATUS_MODIFIED)
			return set_skip(f, DIFF_SKIP_MODE_ONLY, NULL);
		return set_skip(f, DIFF_SKIP_UNCHANGED, f->status == DIFF_STATUS_COPIED ? "copied" : "renamed");
	}
	if (f->status == DIFF_STATUS_TYPECHANGE)
		memset(&f->old_oid, 0, sizeof(f->old_oid));  /* was a link or submodule: nothing textual to diff against */
	return 0;
}

int diff_run(struct diff *d, const struct diff_opts *opts)
{
	git_commit *mb = NULL, *head = NULL;
	git_tree *mb_tree = NULL, *head_tree = NULL;
	git_diff *gd = NULL;
	git_diff_options o;
	git_diff_find_options fo;
	struct stems stems = {0};
	size_t i, n;
	int error = 0;

	if ((error = git_commit_lookup(&mb, d->repo, &d->merge_base)) < 0 ||
	    (error = git_commit_lookup(&head, d->repo, &d->head)) < 0 ||
	    (error = git_commit_tree(&mb_tree, mb)) < 0 || (error = git_commit_tree(&head_tree, head)) < 0) {
		error = trb_err_set(TRB_ERROR, "cannot read the commits: %s",
				    git_error_last() ? git_error_last()->message : "unknown error");
		goto cleanup;
	}
	git_diff_options_init(&o, GIT_DIFF_OPTIONS_VERSION);
	git_diff_find_options_init(&fo, GIT_DIFF_FIND_OPTIONS_VERSION);
	o.context_lines = 0;
	/* binary detection is ours (on the head blob); skipping libgit2's keeps the tree diff from
	 * loading blobs and consulting diff drivers */
	o.flags = GIT_DIFF_INCLUDE_TYPECHANGE | GIT_DIFF_SKIP_BINARY_CHECK;
	if (git_diff_tree_to_tree(&gd, d->repo, mb_tree, head_tree, &o) < 0) {
		error = trb_err_set(TRB_ERROR, "cannot diff the trees: %s",
				    git_error_last() ? git_error_last()->message : "unknown error");
		goto cleanup;
	}
	fo.flags = GIT_DIFF_FIND_RENAMES | GIT_DIFF_FIND_COPIES;
	fo.rename_limit = 1000;  /* fixed: a repository's diff.renameLimit must not make us quadratic */
	if (git_diff_find_similar(gd, &fo) < 0) {
		error = trb_err_set(TRB_ERROR, "rename detection failed: %s",
				    git_error_last() ? git_error_last()->message : "unknown error");
		goto cleanup;
	}
	n = git_diff_num_deltas(gd);
	if (n && !(d->files = calloc(n, sizeof(*d->files)))) {
		error = trb_err_oom();
		goto cleanup;
	}
	for (i = 0; i < n; i++) {
		d->n_files++;
		if ((error = classify_delta(&d->files[i], git_diff_get_delta(gd, i), opts->policy)) < 0)
			goto cleanup;
	}
	if ((error = stems_build(&stems, d)) < 0)
		goto cleanup;
	if ((error = review_all(d, opts, &stems)) < 0)
		goto cleanup;
cleanup:
	stems_dispose(&stems);
	git_diff_free(gd);
	git_tree_free(mb_tree);
	git_tree_free(head_tree);
	git_commit_free(mb);
	git_commit_free(head);
	return error;
}

int diff_added_lines(uint32_t **out, size_t *n, struct diff *d, size_t file, size_t max_bytes)
{
	struct diff_file *f = &d->files[file], probe;
	git_blob *old = NULL, *blob = NULL;
	struct diff_range *targets = NULL;
	size_t n_targets = 0;
	int error;

	*out = NULL;
	*n = 0;
	if (git_blob_lookup(&blob, d->repo, &f->new_oid) < 0)
		return trb_err_set(TRB_ERROR, "cannot read %s from the head commit", f->path);
	if (git_blob_rawsize(blob) > max_bytes) {
		git_blob_free(blob);
		return trb_err_set(TRB_ELIMIT, "%s is larger than %zu bytes", f->path, max_bytes);
	}
	if (f->status != DIFF_STATUS_ADDED && !git_oid_is_zero(&f->old_oid))
		git_blob_lookup(&old, d->repo, &f->old_oid);
	/* a scratch copy: the file keeps its skip reason and no ranges */
	memset(&probe, 0, sizeof(probe));
	probe.path = f->path;
	error = file_hunks(&probe, old, blob, &targets, &n_targets);
	free(targets);
	free(probe.hunks);
	git_blob_free(old);
	git_blob_free(blob);
	if (error < 0) {
		free(probe.changed);
		return error;
	}
	*out = probe.changed;
	*n = probe.n_changed;
	return 0;
}
