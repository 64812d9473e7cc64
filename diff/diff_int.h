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

/* Why a file is generated/minified, or NULL: looks at the name and the first lines. */
const char *diff_generated_reason(const char *path, const char *text, size_t len, char *detail,
				  size_t detail_size);

/* Assigns units to shards: longest-processing-time first, ties to the lowest index. */
void diff_assign_shards(struct diff_unit *units, size_t n, unsigned shards);

#endif
