/* diff/repo.c: opening the repository and resolving base, head and their merge base. */
#include "diff/diff_int.h"

#include <git2/sys/mempack.h>

#include <stdlib.h>
#include <string.h>

#include "util/array.h"
#include "util/buf.h"
#include "util/err.h"
#include "util/fsio.h"

#define SHALLOW_FIX "fetch the full history: GitHub Actions: actions/checkout with 'fetch-depth: 0'; " \
		    "GitLab CI: 'GIT_DEPTH: 0'; Jenkins: checkout with 'shallow: false' (or " \
		    "'git fetch --unshallow')"

/* ---- merge base in a shallow clone --------------------------------------------------------------- */

/* libgit2 1.5 knows nothing of shallow grafts: its merge-base walk reaches the clone's boundary,
 * asks for a parent that was never fetched and fails (leaking a little), even when base and head
 * meet inside the fetched history, where git merge-base finds their merge base. So in a shallow
 * clone tribunal computes it itself, as git does: the commits listed in .git/shallow (and any
 * whose parents are missing) have no parents; the common ancestors of base and head are found,
 * those that are ancestors of another common one are dropped, and of the rest (more than one only
 * after criss-cross merges) the newest is taken. Commit dates never decide which commits count,
 * only which of several best ones is reported: a merge request's author sets them. The walks are
 * bounded by SHALLOW_WALK_MAX commits. */
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

struct shallow_graph {
	git_repository *repo;
	git_odb *odb;
	struct oid_set boundary;   /* .git/shallow: commits whose parents were not fetched */
	size_t visited;            /* commits read by all walks, against SHALLOW_WALK_MAX */
};

/* The commits .git/shallow lists (a missing file lists none). */
static int read_boundary(struct shallow_graph *g)
{
	char path[4096], *text = NULL, *line, *save = NULL;
	size_t len = 0;
	git_oid id;
	int error;

	if ((size_t)snprintf(path, sizeof(path), "%sshallow", git_repository_path(g->repo)) >= sizeof(path))
		return trb_err_set(TRB_ELIMIT, "the repository's path is too long");
	if ((error = trb_read_file(&text, &len, path, (size_t)64 << 20)) < 0) {
		trb_err_clear();
		return 0;
	}
	for (line = strtok_r(text, "\n", &save); line && error >= 0; line = strtok_r(NULL, "\n", &save))
		if (git_oid_fromstrp(&id, line) == 0)
			error = oid_set_add(&g->boundary, &id);   /* 1 when new */
	free(text);
	return error < 0 ? error : 0;
}

/* Expands one commit of a walk: each parent that was fetched, is not at the boundary's far side
 * and is not in *out yet goes into *out and onto the stack. */
static int push_parents(git_oid **stack, size_t *n, size_t *cap, struct oid_set *out, struct shallow_graph *g,
			const git_oid *id)
{
	git_commit *c = NULL;
	unsigned p;
	int error = 0, added;

	if (++g->visited > SHALLOW_WALK_MAX)
		return trb_err_set(TRB_ELIMIT, "more than %d commits to walk for the merge base in this shallow "
				   "clone", SHALLOW_WALK_MAX);
	if (oid_set_has(&g->boundary, id) || git_commit_lookup(&c, g->repo, id) < 0)
		return 0;
	for (p = 0; p < git_commit_parentcount(c) && error == 0; p++) {
		const git_oid *pid = git_commit_parent_id(c, p);
		if (oid_set_has(out, pid) || !git_odb_exists(g->odb, pid))
			continue;
		if ((added = oid_set_add(out, pid)) < 0)
			error = added;
		else if ((error = trb_array_grow((void **)stack, cap, *n, sizeof(**stack))) == 0)
			(*stack)[(*n)++] = *pid;
	}
	git_commit_free(c);
	return error;
}

/* Adds to *out every commit reachable from `starts`: themselves included when with_starts, else
 * only their ancestors; history ends at the boundary and where parents were not fetched. */
static int ancestors(struct oid_set *out, struct shallow_graph *g, const git_oid *starts, size_t n_starts,
		    bool with_starts)
{
	git_oid *stack = NULL;
	size_t n = 0, cap = 0, i;
	int error = 0, added;

	for (i = 0; i < n_starts && error == 0; i++) {
		if (!with_starts) {
			error = push_parents(&stack, &n, &cap, out, g, &starts[i]);
		} else if ((added = oid_set_add(out, &starts[i])) < 0) {
			error = added;
		} else if (added && (error = trb_array_grow((void **)&stack, &cap, n, sizeof(*stack))) == 0) {
			stack[n++] = starts[i];
		}
	}
	while (n > 0 && error == 0) {
		git_oid id = stack[--n];
		error = push_parents(&stack, &n, &cap, out, g, &id);
	}
	free(stack);
	return error;
}

/* The merge base of base and head in a shallow clone (see above). 0, TRB_ENOTFOUND (no message)
 * when they share no fetched history, or an error (message set). */
static int shallow_merge_base(git_oid *out, git_repository *repo, const git_oid *base, const git_oid *head)
{
	struct shallow_graph g = {repo, NULL, {0}, 0};
	struct oid_set of_base = {0}, of_head = {0}, below = {0};
	git_oid *common = NULL;
	size_t n = 0, i;
	git_time_t best_time = 0;
	bool found = false;
	int error;

	if (git_repository_odb(&g.odb, repo) < 0)
		return trb_err_set(TRB_ERROR, "cannot open the object store");
	if ((error = read_boundary(&g)) < 0 || (error = ancestors(&of_base, &g, base, 1, true)) < 0 ||
	    (error = ancestors(&of_head, &g, head, 1, true)) < 0)
		goto done;
	if (!(common = calloc(of_head.n ? of_head.n : 1, sizeof(*common)))) {
		error = trb_err_oom();
		goto done;
	}
	for (i = 0; i < of_head.cap; i++)
		if (!git_oid_is_zero(&of_head.v[i]) && oid_set_has(&of_base, &of_head.v[i]))
			common[n++] = of_head.v[i];
	/* a common ancestor below another one is not a best one */
	if ((error = ancestors(&below, &g, common, n, false)) < 0)
		goto done;
	for (i = 0; i < n; i++) {
		git_commit *c = NULL;
		git_time_t t;
		if (oid_set_has(&below, &common[i]))
			continue;
		t = git_commit_lookup(&c, repo, &common[i]) == 0 ? git_commit_time(c) : 0;
		git_commit_free(c);
		if (!found || t > best_time || (t == best_time && git_oid_cmp(&common[i], out) < 0)) {
			*out = common[i];
			best_time = t;
			found = true;
		}
	}
	error = found ? 0 : TRB_ENOTFOUND;   /* the caller says it, with the fix */
done:
	free(common);
	free(of_base.v);
	free(of_head.v);
	free(below.v);
	free(g.boundary.v);
	git_odb_free(g.odb);
	return error;
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
		if (d->shallow) {
			/* our walk's own errors (a limit, out of memory) keep their message */
			if (error == TRB_ENOTFOUND)
				error = trb_err_set(TRB_ENOTFOUND, "base and head have no common ancestor in this "
						    "shallow clone; %s", SHALLOW_FIX);
		} else if (error == GIT_ENOTFOUND)
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
