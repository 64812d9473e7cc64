/* util/glob.h: path globs as policy authors write them (gitignore-like).
 * `*` and `?` stay inside one path segment, `**` spans any number of segments (zero included),
 * `[a-z]`/`[!x]` are character classes, a leading `/` anchors at the repository root, a trailing `/`
 * matches everything under a directory, and a pattern without any `/` matches the base name at any
 * depth (`*.pem` matches `a/b/key.pem`). Matching is polynomial in the input: no backtracking blow-up
 * on hostile paths. */
#ifndef TRB_UTIL_GLOB_H
#define TRB_UTIL_GLOB_H

#include <stdbool.h>

/* True when the repository-relative path matches the pattern. A malformed pattern (unclosed `[`)
 * matches literally. */
bool trb_glob_match(const char *pattern, const char *path);

/* Checks a pattern for use in a policy; returns NULL when fine, else a static message. */
const char *trb_glob_check(const char *pattern);

#endif
