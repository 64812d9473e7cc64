/* tests/helpers/fixture_repo.h: repositories built with libgit2 in a mkdtemp directory, for unit
 * tests. Commits have a fixed author and time, so the same fixture always has the same SHAs. */
#ifndef TRB_TESTS_FIXTURE_REPO_H
#define TRB_TESTS_FIXTURE_REPO_H

#include <stddef.h>

#include <git2.h>

struct fixture_file {
	const char *path;         /* may contain '/', creates subtrees */
	const char *content;      /* NULL ends the list */
	size_t len;               /* 0: strlen(content) */
	unsigned mode;            /* 0: 0100644; 0120000 symlink, 0160000 gitlink (content = hex sha) */
};

struct fixture_repo {
	char *dir;                /* the temporary directory (removed by fixture_repo_free) */
	git_repository *repo;
};

/* A new repository with libgit2 initialized; returns NULL on failure. */
struct fixture_repo *fixture_repo_new(void);
/* Commits exactly these files (the whole tree) on HEAD with the given parent (NULL: root). */
int fixture_repo_commit(git_oid *out, struct fixture_repo *r, const git_oid *parent, const char *msg,
			const struct fixture_file *files);
void fixture_repo_free(struct fixture_repo *r);

#endif
