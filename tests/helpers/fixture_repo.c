#define _XOPEN_SOURCE 700
#include "tests/helpers/fixture_repo.h"

#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int rm_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	return remove(path);
}

struct fixture_repo *fixture_repo_new(void)
{
	struct fixture_repo *r = calloc(1, sizeof(*r));
	char tmpl[] = "/tmp/tribunal-fixture-XXXXXX";

	if (!r || git_libgit2_init() < 0 || !mkdtemp(tmpl)) {
		free(r);
		return NULL;
	}
	r->dir = strdup(tmpl);
	if (!r->dir || git_repository_init(&r->repo, r->dir, 0) < 0) {
		fixture_repo_free(r);
		return NULL;
	}
	return r;
}

/* Inserts path (with '/' segments) into the tree being built under root. */
static int insert(git_repository *repo, git_treebuilder *root, const char *path, const git_oid *oid,
		  git_filemode_t mode)
{
	const char *slash = strchr(path, '/');
	git_treebuilder *sub = NULL;
	const git_tree_entry *e;
	git_tree *existing = NULL;
	git_oid sub_oid;
	char name[256];
	int error;

	if (!slash)
		return git_treebuilder_insert(NULL, root, path, oid, mode);
	snprintf(name, sizeof(name), "%.*s", (int)(slash - path), path);
	e = git_treebuilder_get(root, name);
	if (e && git_tree_lookup(&existing, repo, git_tree_entry_id(e)) < 0)
		return -1;
	if ((error = git_treebuilder_new(&sub, repo, existing)) < 0 ||
	    (error = insert(repo, sub, slash + 1, oid, mode)) < 0 || (error = git_treebuilder_write(&sub_oid, sub)) < 0 ||
	    (error = git_treebuilder_insert(NULL, root, name, &sub_oid, GIT_FILEMODE_TREE)) < 0)
		goto done;
done:
	git_treebuilder_free(sub);
	git_tree_free(existing);
	return error;
}

int fixture_repo_commit(git_oid *out, struct fixture_repo *r, const git_oid *parent, const char *msg,
			const struct fixture_file *files)
{
	git_treebuilder *tb = NULL;
	git_signature *sig = NULL;
	git_tree *tree = NULL;
	git_commit *par = NULL;
	git_oid tree_oid, oid;
	int error;

	if ((error = git_treebuilder_new(&tb, r->repo, NULL)) < 0)
		return error;
	for (; files->content; files++) {
		git_filemode_t mode = files->mode ? (git_filemode_t)files->mode : GIT_FILEMODE_BLOB;
		size_t len = files->len ? files->len : strlen(files->content);
		if (mode == GIT_FILEMODE_COMMIT)
			error = git_oid_fromstr(&oid, files->content);
		else
			error = git_blob_create_from_buffer(&oid, r->repo, files->content, len);
		if (error < 0 || (error = insert(r->repo, tb, files->path, &oid, mode)) < 0)
			goto done;
	}
	if ((error = git_treebuilder_write(&tree_oid, tb)) < 0 || (error = git_tree_lookup(&tree, r->repo, &tree_oid)) < 0 ||
	    (error = git_signature_new(&sig, "Fixture", "fixture@example.com", 1767225600, 0)) < 0)
		goto done;
	if (parent && (error = git_commit_lookup(&par, r->repo, parent)) < 0)
		goto done;
	error = git_commit_create_v(out, r->repo, "HEAD", sig, sig, NULL, msg, tree, par ? 1 : 0, par);
done:
	git_commit_free(par);
	git_tree_free(tree);
	git_signature_free(sig);
	git_treebuilder_free(tb);
	return error;
}

void fixture_repo_free(struct fixture_repo *r)
{
	if (!r)
		return;
	git_repository_free(r->repo);
	if (r->dir)
		nftw(r->dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
	free(r->dir);
	free(r);
	git_libgit2_shutdown();
}
