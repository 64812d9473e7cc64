/* util/path.h: the one checker every repository-relative path goes through, whether it came from
 * a git tree (hostile repository) or from a model's tool call (hostile reply).
 * Refuses what could reach outside the tree or into git's own data: empty and absolute paths,
 * `.` and `..` segments, `.git` in any case or with Windows aliases (`git~1`, trailing dots or
 * spaces), backslashes, NUL and control characters, invalid UTF-8. */
#ifndef TRB_UTIL_PATH_H
#define TRB_UTIL_PATH_H

#include <stddef.h>

/* Returns NULL when the path is a safe repository-relative path, else a static reason that can be
 * shown to a user or to a model ("absolute paths are refused"). */
const char *trb_path_check(const char *path, size_t len);

/* Normalizes a model-supplied path in place: strips a leading "./" and repeated or trailing
 * slashes. Does not make an unsafe path safe: call trb_path_check after. */
void trb_path_tidy(char *path);

#endif
