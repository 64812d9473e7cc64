/* diff/diff.h: turns base..head of a repository into review units.
 * In: a repository path, base and head revisions (flags or the CI environment), the policy's path
 * filters, context_lines, max_file_bytes and the unit token budget.
 * Out: struct diff with every changed file (reviewed, or skipped with a reason) and the review units,
 * owned by the caller; release with diff_free().
 * Reads the object database only: never the working tree or the index, never writes to the
 * repository, never runs anything from it (no hooks, no filters, no fsmonitor). */
#ifndef TRB_DIFF_DIFF_H
#define TRB_DIFF_DIFF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <git2.h>

#include "config/config.h"

/* ---- where base and head come from -------------------------------------------------------- */

typedef enum {
	DIFF_SOURCE_FLAGS,
	DIFF_SOURCE_GITHUB,
	DIFF_SOURCE_GITLAB,
	DIFF_SOURCE_JENKINS,
	DIFF_SOURCE_DEFAULT
} diff_source_t;

/* Reads one environment variable; NULL when unset. Tests pass a table, main passes getenv. */
typedef const char *(*diff_getenv_fn)(const char *name, void *payload);
/* Reads a whole file (the GitHub event payload); tests pass an in-memory one. */
typedef int (*diff_readfile_fn)(char **out, size_t *out_len, const char *path, void *payload);

struct diff_spec {
	char *base;              /* revision expression: a sha, "origin/main", "HEAD~1" */
	char *head;
	diff_source_t source;
	char *pr;                /* merge request / pull request number when known, else NULL */
	char *note;              /* why this source was picked, for plan */
};

/* Resolves base and head in the documented order: flags, GitHub Actions, GitLab CI, Jenkins,
 * then HEAD~1..HEAD. Values from the environment are validated (hex SHAs, sane ref names).
 * Returns 0, TRB_EINVAL with a message naming the variable, or TRB_ENOMEM. */
int diff_spec_resolve(struct diff_spec *out, const char *flag_base, const char *flag_head,
		      diff_getenv_fn getenv_fn, diff_readfile_fn readfile_fn, void *payload);
void diff_spec_dispose(struct diff_spec *spec);
const char *diff_source_name(diff_source_t s);

/* Parses a GitHub event payload: pull_request.base.sha / pull_request.head.sha (both 40 or 64
 * hex digits) and pull_request.number. *base and *head are NULL when the event has no pull
 * request. Hostile input gives TRB_EINVAL, never a crash. */
int diff_spec_parse_github_event(char **base, char **head, char **number, const char *json, size_t len);

/* ---- files and ranges ----------------------------------------------------------------------- */

typedef enum {
	DIFF_LANG_NONE, DIFF_LANG_C, DIFF_LANG_CPP, DIFF_LANG_GO, DIFF_LANG_JAVA, DIFF_LANG_KOTLIN,
	DIFF_LANG_JS, DIFF_LANG_TS, DIFF_LANG_RUST, DIFF_LANG_PHP, DIFF_LANG_CSHARP, DIFF_LANG_SWIFT,
	DIFF_LANG_SCALA, DIFF_LANG_PYTHON, DIFF_LANG_RUBY, DIFF_LANG_SHELL, DIFF_LANG_SQL,
	DIFF_LANG_COUNT
} diff_lang_t;

diff_lang_t diff_lang_of_path(const char *path);
const char *diff_lang_name(diff_lang_t l);

typedef enum {
	DIFF_STATUS_ADDED, DIFF_STATUS_MODIFIED, DIFF_STATUS_DELETED, DIFF_STATUS_RENAMED,
	DIFF_STATUS_COPIED, DIFF_STATUS_TYPECHANGE
} diff_status_t;

const char *diff_status_name(diff_status_t s);

/* A head-side line range, 1-based and inclusive. */
struct diff_range {
	uint32_t start;
	uint32_t end;
	uint32_t changed;        /* changed (added) head lines inside */
};

/* A hunk as git shows it (0 context lines), head side: new_lines 0 is a pure deletion after
 * line new_start. */
struct diff_hunk {
	uint32_t new_start, new_lines;
};

struct diff_file {
	char *path;              /* head-side path (base-side for deletions) */
	char *old_path;          /* base-side path; equals path unless renamed/copied */
	diff_status_t status;
	uint16_t similarity;     /* renames and copies */
	const char *skip;        /* NULL when reviewed, else the reason (static string) */
	char *skip_detail;       /* what exactly, e.g. "lockfile", "a line of 5214 bytes"; may be NULL */
	diff_lang_t lang;
	git_oid old_oid, new_oid;
	uint32_t added, deleted; /* line counts from the diff */
	uint32_t n_lines;        /* head-side line count (reviewed files) */
	struct diff_hunk *hunks;
	size_t n_hunks;
	uint32_t *changed;       /* sorted head-side line numbers that were added or modified */
	size_t n_changed;
	struct diff_range *ranges;  /* widened, merged ranges to review */
	size_t n_ranges;
	size_t est_tokens;
	size_t unit;             /* id of the (first) unit holding it; 0 when skipped */
	bool never_send;         /* privacy.never_send: rules scan it, no unit holds it (never leaves
				  * the machine) */
	uint32_t *line_off;      /* head-side offset of each line, n_lines + 1 entries (reviewed files) */
	size_t *refs;            /* indices of other changed files this one names (for grouping) */
	size_t n_refs;
};

/* Reasons a changed file is not reviewed (shown to users; stable strings). */
#define DIFF_SKIP_DELETED   "deleted"
#define DIFF_SKIP_BINARY    "binary"
#define DIFF_SKIP_TOO_LARGE "too large"
#define DIFF_SKIP_GENERATED "generated"
#define DIFF_SKIP_EXCLUDED  "excluded"
#define DIFF_SKIP_SUBMODULE "submodule"
#define DIFF_SKIP_SYMLINK   "symlink"
#define DIFF_SKIP_NOT_UTF8  "not utf-8"
#define DIFF_SKIP_MODE_ONLY "mode only"
#define DIFF_SKIP_UNCHANGED "content unchanged"
#define DIFF_SKIP_UNSAFE    "unsafe path"
#define DIFF_SKIP_EMPTIED   "emptied"

/* ---- review units --------------------------------------------------------------------------- */

struct diff_part {
	size_t file;             /* index into diff.files */
	uint32_t start, end;     /* head-side lines, inclusive */
	uint32_t changed;
};

struct diff_unit {
	size_t id;               /* 1-based, stable for the same input */
	struct diff_part *parts;
	size_t n_parts;
	size_t est_tokens;
	uint32_t changed;
	unsigned shard;          /* 1-based shard this unit belongs to */
};

struct diff {
	git_repository *repo;
	struct diff_spec spec;
	git_oid base, head, merge_base;
	bool shallow;
	struct diff_file *files;
	size_t n_files;
	struct diff_unit *units;
	size_t n_units;
};

struct diff_opts {
	const struct config *policy;   /* paths, context_lines, max_file_bytes, budget.unit_tokens */
	/* optional progress callback, called per file; may be NULL */
	void (*progress)(size_t done, size_t total, void *payload);
	void *payload;
};

/* Opens the repository (never as a working tree: as bare, so nothing there is consulted) and
 * resolves base, head and their merge base. Takes ownership of nothing; copies spec.
 * Errors (TRB_ENOTFOUND / TRB_EINVAL) carry a message with the fix, e.g. for shallow clones;
 * a spec without base or head is TRB_EINVAL. */
int diff_open(struct diff **out, const char *repo_path, const struct diff_spec *spec);

/* Reads a file from the tree of base or head; TRB_ENOTFOUND when absent. *out is NUL-terminated,
 * caller frees. Refuses files larger than max_bytes with TRB_ELIMIT. */
typedef enum { DIFF_SIDE_BASE, DIFF_SIDE_HEAD } diff_side_t;
int diff_read_file(char **out, size_t *out_len, struct diff *d, diff_side_t side, const char *path,
		   size_t max_bytes);

/* Computes the changed files, classifies them and widens their hunks into ranges. */
int diff_run(struct diff *d, const struct diff_opts *opts);

/* True when head line `line` of f was added or modified by the merge request. */
bool diff_line_changed(const struct diff_file *f, uint32_t line);

/* The added head lines of a skipped file (generated, too large, not UTF-8), for the secret
 * rules, which look at every text the merge request adds. *out is malloc'd. TRB_ELIMIT when the
 * head blob is larger than max_bytes. */
int diff_added_lines(uint32_t **out, size_t *n, struct diff *d, size_t file, size_t max_bytes);

/* Packs the ranges into units under the token budget; deterministic. Then assigns every unit to
 * one of `shards` shards, balanced by estimated tokens. */
int diff_pack(struct diff *d, size_t unit_tokens, unsigned shards);

void diff_free(struct diff *d);

/* git's notion of a binary blob: a NUL in the first 8000 bytes. (libgit2's git_blob_is_binary
 * adds a byte-at-a-time printable count that cost 7% of plan on a large merge request.) */
bool diff_is_binary(const char *data, size_t len);

/* Offsets of each line start in text, plus one final entry == len (so line i, 1-based, spans
 * [off[i-1], off[i])). *n_lines is 0 for empty text. *out is malloc'd. */
int diff_line_index(uint32_t **out, uint32_t *n_lines, const char *text, size_t len);

/* The token estimate used everywhere: ceil(bytes / 4) + one per line (numbering) + 16 per file. */
size_t diff_estimate_tokens(size_t bytes, size_t lines);

/* Process-wide libgit2 set-up, once, from main(). */
int diff_global_init(void);
void diff_global_shutdown(void);

#endif
