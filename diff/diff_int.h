/* diff/diff_int.h: private to diff/ (and its unit tests). */
#ifndef TRB_DIFF_INT_H
#define TRB_DIFF_INT_H

#include "diff/diff.h"

/* Widening stops at functions or classes longer than this; the hunk then keeps only its context. */
#define DIFF_WIDEN_MAX_LINES 250
/* Signature lines looked at above an opening brace or a `def`. */
#define DIFF_SIGNATURE_LINES 6


/* Widens each target range (head lines, 1-based) to its enclosing function or class when that
 * is at most `cap` lines, adds `context` lines either side, clamps to the file, sorts and merges
 * overlapping or touching ranges. `changed` (sorted) fills in each range's changed count.
 * *out is malloc'd. */
int diff_widen(struct diff_range **out, size_t *n_out, const char *text, const uint32_t *line_off,
	       uint32_t n_lines, diff_lang_t lang, const struct diff_range *targets, size_t n_targets,
	       const uint32_t *changed, size_t n_changed, unsigned context, unsigned cap);

/* Why a file looks generated, strongest evidence first. Only DIFF_GEN_NAME is decided by the
 * repository's layout; the others come from content the merge request may have written itself. */
typedef enum {
	DIFF_GEN_NONE,
	DIFF_GEN_NAME,       /* a lockfile or a generated file name (*.min.js, *.pb.go, ...) */
	DIFF_GEN_MARKER,     /* a generator's marker in the first lines */
	DIFF_GEN_MINIFIED    /* a very long line, or long lines on average */
} diff_gen_t;

/* Whether a file is generated or minified, by its name and its content; detail (always set,
 * "" for DIFF_GEN_NONE) says what exactly, e.g. "lockfile". */
diff_gen_t diff_generated_kind(const char *path, const char *text, size_t len, char *detail,
			       size_t detail_size);

/* Assigns units to shards: longest-processing-time first, ties to the lowest index. */
void diff_assign_shards(struct diff_unit *units, size_t n, unsigned shards);

#endif
