/* diff/repo.c: opening the repository and resolving base, head and their merge base. */
#include "diff/diff_int.h"

#include <git2/sys/mempack.h>

#include <stdlib.h>
#include <string.h>

#include "util/array.h"
#include "util/buf.h"
#include "util/err.h"

#define SHALLOW_FIX "fetch the full history: GitHub Actions: actions/checkout with 'fetch-depth: 0'; " \
		    "GitLab CI: 'GIT_DEPTH: 0'; Jenkins: checkout with 'shallow: false' (or " \
		    "'git fetch --unshallow')"

/* ---- merge base in a shallow clone --------------------------------------------------------------- */

/* libgit2 1.5 knows nothing of shallow grafts: a walk that reaches the clone's boundary asks for
 * a parent that was never fetched and fails (leaking a little), even when base and head meet at
 * or inside the boundary (git merge-base finds that commit). In a shallow clone this walk is used
 * instead: a missing parent is the end of history, and the newest commit (by commit time) that
 * head reaches and base reaches too is the merge base. Commits are visited at most once each and
 * at most SHALLOW_WALK_MAX in all. */
#define SHALLOW_WALK_MAX 200000

struct oid_set {
	git_oid *v;           /* open addressing; an all-zero oid marks a free slot */
	size_t n, cap;        /* cap is a power of two */
};

static size_t oid_slot(const struct oid_set *s, const git_oid *id)
{
	size_t h, mask = s->cap - 1;

	memcpy(&h, id->id, sizeof(h));
	for (h &= mask; !git_oid_is_zero(&s->v[h]) && !git_oid_equal(&s->v[h], id); h = (h + 1) & mask)
		;
	return h;
}

static bool oid_set_has(const struct oid_set *s, const git_oid *id)
{
	return s->cap && !git_oid_is_zero(&s->v[oid_slot(s, id)]);
}

/* Adds id; 1 when it was new, 0 when already there, TRB_ENOMEM. */
static int oid_set_add(struct oid_set *s, const git_oid *id)
{
	size_t i;

	if ((s->n + 1) * 2 > s->cap) {
		struct oid_set bigger = {calloc(s->cap ? s->cap * 2 : 256, sizeof(git_oid)), 0,
					 s->cap ? s->cap * 2 : 256};
		if (!bigger.v)
			return trb_err_oom();
		for (i = 0; i < s->cap; i++)
			if (!git_oid_is_zero(&s->v[i]))
				bigger.v[oid_slot(&bigger, &s->v[i])] = s->v[i];
		bigger.n = s->n;
		free(s->v);
		*s = bigger;
	}
	i = oid_slot(s, id);
	if (!git_oid_is_zero(&s->v[i]))
		return 0;
	s->v[i] = *id;
	s->n++;
	return 1;
}

/* Walks from `from`, newest commit first, over parents that exist. With `mark`, every commit
 * reached goes into *mark; with `stop`, the walk ends at the first commit in *stop, written to
 * *found (1 returned). 0 when the walk ended without one, <0 on error. */
static int shallow_walk(git_repository *repo, const git_oid *from, struct oid_set *mark, const struct oid_set *stop,
			git_oid *found)
{
	struct oid_set seen = {0};
	struct item { git_oid id; git_time_t when; } *q = NULL;
	size_t n = 0, cap = 0, visited = 0, i, best;
	git_odb *odb = NULL;
	int error = 0;

	if (git_repository_odb(&odb, repo) < 0)
		return trb_err_set(TRB_ERROR, "cannot open the object store");
	if ((error = oid_set_add(&seen, from)) < 0 || (error = trb_array_grow((void **)&q, &cap, 0, sizeof(*q))) < 0)
		goto done;
	q[n++] = (struct item){*from, 0};
	while (n > 0) {
		git_commit *c = NULL;
		struct item it;
		unsigned p;

		for (best = 0, i = 1; i < n; i++)
			if (q[i].when > q[best].when)
				best = i;
		it = q[best];
		q[best] = q[--n];
		if (stop && oid_set_has(stop, &it.id)) {
			*found = it.id;
			error = 1;
			goto done;
		}
		if (mark && (error = oid_set_add(mark, &it.id)) < 0)
			goto done;
		if (++visited > SHALLOW_WALK_MAX) {
			error = trb_err_set(TRB_ELIMIT, "more than %d commits between base and head", SHALLOW_WALK_MAX);
			goto done;
		}
		if (git_commit_lookup(&c, repo, &it.id) < 0)
			continue;   /* the boundary: history ends here */
		for (p = 0; p < git_commit_parentcount(c); p++) {
			const git_oid *pid = git_commit_parent_id(c, p);
			git_commit *pc = NULL;
			int added;
			if (!git_odb_exists(odb, pid))
				continue;
			if ((added = oid_set_add(&seen, pid)) < 0) {
				error = added;
				break;
			}
			if (!added)
				continue;
			if ((error = trb_array_grow((void **)&q, &cap, n, sizeof(*q))) < 0)
				break;
			q[n].id = *pid;
			q[n].when = git_commit_lookup(&pc, repo, pid) == 0 ? git_commit_time(pc) : 0;
			git_commit_free(pc);
			n++;
		}
		git_commit_free(c);
		if (error < 0)
			goto done;
	}
done:
	free(q);
	free(seen.v);
	git_odb_free(odb);
	return error;
}

/* The newest commit that base and head both reach, missing parents ending history. 0, or
 * GIT_ENOTFOUND when they share none, or another error. */
static int shallow_merge_base(git_oid *out, git_repository *repo, const git_oid *base, const git_oid *head)
{
	struct oid_set from_base = {0};
	int error;

	if ((error = shallow_walk(repo, base, &from_base, NULL, NULL)) >= 0)
		error = shallow_walk(repo, head, NULL, &from_base, out);
	free(from_base.v);
	if (error < 0)
		return error;
	return error == 1 ? 0 : GIT_ENOTFOUND;
}

int diff_global_init(void)
{
	if (git_libgit2_init() < 0)
		return trb_err_set(TRB_ERROR, "cannot initialize libgit2");
	/* CI containers often run as another user than the checkout's owner. The ownership check
	 * guards against running a hostile repository's config; tribunal only reads objects and
	 * libgit2 runs nothing from config, so the check would only break container jobs. */
	git_libgit2_opts(GIT_OPT_SET_OWNER_VALIDATION, 0);
	/* Re-hashing every object read costs a quarter of a scan; git itself does not do it, and a
	 * repository that lies about its content could as well have committed that content. */
	git_libgit2_opts(GIT_OPT_ENABLE_STRICT_HASH_VERIFICATION, 0);
	/* A hostile $HOME or system gitconfig must not change what is read either. */
	git_libgit2_opts(GIT_OPT_SET_SEARCH_PATH, GIT_CONFIG_LEVEL_SYSTEM, "");
	git_libgit2_opts(GIT_OPT_SET_SEARCH_PATH, GIT_CONFIG_LEVEL_XDG, "");
	git_libgit2_opts(GIT_OPT_SET_SEARCH_PATH, GIT_CONFIG_LEVEL_GLOBAL, "");
	git_libgit2_opts(GIT_OPT_SET_SEARCH_PATH, GIT_CONFIG_LEVEL_PROGRAMDATA, "");
	return 0;
}

void diff_global_shutdown(void)
{
	git_libgit2_shutdown();
}

static int dup_spec(struct diff_spec *dst, const struct diff_spec *src)
{
	memset(dst, 0, sizeof(*dst));
	dst->source = src->source;
	if ((src->base && !(dst->base = strdup(src->base))) || (src->head && !(dst->head = strdup(src->head))) ||
	    (src->pr && !(dst->pr = strdup(src->pr))) || (src->note && !(dst->note = strdup(src->note)))) {
		diff_spec_dispose(dst);
		return trb_err_oom();
	}
	return 0;
}

static int resolve(git_oid *out, struct diff *d, const char *spec, const char *which)
{
	git_object *obj = NULL, *commit = NULL;
	int error;
	const git_error *ge;

	error = git_revparse_single(&obj, d->repo, spec);
	if (error == 0)
		error = git_object_peel(&commit, obj, GIT_OBJECT_COMMIT);
	if (error < 0) {
		ge = git_error_last();
		if (d->shallow)
			error = trb_err_set(TRB_ENOTFOUND, "%s revision '%s' is not in this shallow clone; %s",
					    which, spec, SHALLOW_FIX);
		else if (strcmp(spec, "HEAD~1") == 0)
			error = trb_err_set(TRB_ENOTFOUND, "HEAD~1 does not exist (the repository has a single "
					    "commit); pass --base REV");
		else if (strncmp(spec, "origin/", 7) == 0)
			error = trb_err_set(TRB_ENOTFOUND, "%s revision '%s' not found: the target branch was "
					    "not fetched; %s", which, spec, SHALLOW_FIX);
		else
			error = trb_err_set(TRB_ENOTFOUND, "unknown %s revision '%s'%s%s", which, spec,
					    ge && ge->message ? ": " : "", ge && ge->message ? ge->message : "");
		goto cleanup;
	}
	git_oid_cpy(out, git_object_id(commit));
cleanup:
	git_object_free(commit);
	git_object_free(obj);
	return error;
}

int diff_open(struct diff **out, const char *repo_path, const struct diff_spec *spec)
{
	struct diff *d;
	int error;

	*out = NULL;
	if (!spec->base || !spec->head)
		return trb_err_set(TRB_EINVAL, "no %s revision to review", spec->head ? "base" : "head");
	if (!(d = calloc(1, sizeof(*d))))
		return trb_err_oom();
	if ((error = dup_spec(&d->spec, spec)) < 0)
		goto fail;
	/* As bare: libgit2 then consults no working tree (no .gitattributes, no index), so a modified
	 * checkout cannot change what is reviewed. */
	{
		git_buf gitdir = {0};
		error = git_repository_discover(&gitdir, repo_path, 0, NULL);
		if (error == 0)
			error = git_repository_open_ext(&d->repo, gitdir.ptr,
							GIT_REPOSITORY_OPEN_NO_SEARCH | GIT_REPOSITORY_OPEN_BARE, NULL);
		git_buf_dispose(&gitdir);
	}
	if (error < 0) {
		error = trb_err_set(TRB_EINVAL, "not a git repository: %s (run tribunal in a checkout or "
				    "pass --repo DIR)", repo_path);
		goto fail;
	}
	/* Anything libgit2 might write (patches applied in memory by the patcher) goes to an in-memory
	 * object store that outranks the repository's own: tribunal never writes to the repository. */
	{
		git_odb *odb = NULL;
		git_odb_backend *mem = NULL;
		if (git_repository_odb(&odb, d->repo) < 0 || git_mempack_new(&mem) < 0 ||
		    git_odb_add_backend(odb, mem, 1000) < 0) {
			git_odb_free(odb);
			error = trb_err_set(TRB_ERROR, "cannot set up the in-memory object store");
			goto fail;
		}
		git_odb_free(odb);
	}
	d->shallow = git_repository_is_shallow(d->repo) == 1;
	if ((error = resolve(&d->head, d, spec->head, "head")) < 0 ||
	    (error = resolve(&d->base, d, spec->base, "base")) < 0)
		goto fail;
	/* in a shallow clone libgit2's own walk fails at the boundary (and leaks as it does) */
	error = d->shallow ? shallow_merge_base(&d->merge_base, d->repo, &d->base, &d->head)
			   : git_merge_base(&d->merge_base, d->repo, &d->base, &d->head);
	if (error < 0) {
		if (d->shallow)
			error = trb_err_set(TRB_ENOTFOUND, "base and head have no common ancestor in this "
					    "shallow clone; %s", SHALLOW_FIX);
		else if (error == GIT_ENOTFOUND)
			error = trb_err_set(TRB_EINVAL, "base '%s' and head '%s' have no common ancestor; "
					    "pass a --base that shares history with the head", spec->base, spec->head);
		else
			error = trb_err_set(TRB_ERROR, "cannot compute the merge base: %s",
					    git_error_last() ? git_error_last()->message : "unknown error");
		goto fail;
	}
	*out = d;
	return 0;
fail:
	diff_free(d);
	return error;
}

int diff_read_file(char **out, size_t *out_len, struct diff *d, diff_side_t side, const char *path,
		   size_t max_bytes)
{
	git_commit *commit = NULL;
	git_tree *tree = NULL;
	git_tree_entry *entry = NULL;
	git_blob *blob = NULL;
	git_object_size_t size;
	char *buf = NULL;
	int error;

	*out = NULL;
	*out_len = 0;
	if ((error = git_commit_lookup(&commit, d->repo, side == DIFF_SIDE_BASE ? &d->base : &d->head)) < 0 ||
	    (error = git_commit_tree(&tree, commit)) < 0) {
		error = trb_err_set(TRB_ERROR, "cannot read the %s commit", side == DIFF_SIDE_BASE ? "base" : "head");
		goto cleanup;
	}
	if (git_tree_entry_bypath(&entry, tree, path) < 0 || git_tree_entry_type(entry) != GIT_OBJECT_BLOB ||
	    git_tree_entry_filemode(entry) == GIT_FILEMODE_LINK) {
		error = trb_err_set(TRB_ENOTFOUND, "%s not found in the %s commit", path,
				    side == DIFF_SIDE_BASE ? "base" : "head");
		goto cleanup;
	}
	if ((error = git_blob_lookup(&blob, d->repo, git_tree_entry_id(entry))) < 0) {
		error = trb_err_set(TRB_ERROR, "cannot read %s", path);
		goto cleanup;
	}
	size = git_blob_rawsize(blob);
	if (size > max_bytes) {
		error = trb_err_set(TRB_ELIMIT, "%s is larger than %zu bytes", path, max_bytes);
		goto cleanup;
	}
	if (!(buf = malloc((size_t)size + 1))) {
		error = trb_err_oom();
		goto cleanup;
	}
	memcpy(buf, git_blob_rawcontent(blob), (size_t)size);
	buf[size] = '\0';
	*out = buf;
	*out_len = (size_t)size;
	error = 0;
cleanup:
	git_blob_free(blob);
	git_tree_entry_free(entry);
	git_tree_free(tree);
	git_commit_free(commit);
	return error;
}

void diff_free(struct diff *d)
{
	size_t i;

	if (!d)
		return;
	for (i = 0; i < d->n_files; i++) {
		struct diff_file *f = &d->files[i];
		free(f->path);
		free(f->old_path);
		free(f->skip_detail);
		free(f->hunks);
		free(f->changed);
		free(f->ranges);
		free(f->line_off);
		free(f->refs);
	}
	free(d->files);
	for (i = 0; i < d->n_units; i++)
		free(d->units[i].parts);
	free(d->units);
	diff_spec_dispose(&d->spec);
	git_repository_free(d->repo);
	free(d);
}

size_t diff_estimate_tokens(size_t bytes, size_t lines)
{
	return (bytes + 3) / 4 + lines;
}
