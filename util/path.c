#include "util/path.h"

#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "util/escape.h"

static int is_git_alias(const char *seg, size_t n)
{
	/* NTFS and HFS+ treat ".git." / ".git " / "GIT~1" as .git */
	while (n > 0 && (seg[n - 1] == '.' || seg[n - 1] == ' '))
		n--;
	if (n == 4 && strncasecmp(seg, ".git", 4) == 0)
		return 1;
	if (n == 5 && strncasecmp(seg, "git~1", 5) == 0)
		return 1;
	return 0;
}

const char *trb_path_check(const char *path, size_t len)
{
	size_t i, start = 0;

	if (len == 0)
		return "empty path";
	if (path[0] == '/')
		return "absolute paths are refused; use a path relative to the repository root";
	if (len >= 2 && isalpha((unsigned char)path[0]) && path[1] == ':')
		return "absolute paths are refused; use a path relative to the repository root";
	if (!trb_utf8_valid(path, len))
		return "path is not valid UTF-8";
	for (i = 0; i <= len; i++) {
		if (i < len) {
			unsigned char c = (unsigned char)path[i];
			if (c == '\0')
				return "path contains a NUL byte";
			if (c < 0x20 || c == 0x7f)
				return "path contains a control character";
			if (c == '\\')
				return "backslashes are refused in paths; use '/'";
			if (c != '/')
				continue;
		}
		{
			const char *seg = path + start;
			size_t n = i - start;
			if (n == 0 && i < len)
				return "empty path segment";
			if (n == 1 && seg[0] == '.')
				return "'.' segments are refused";
			if (n == 2 && seg[0] == '.' && seg[1] == '.')
				return "'..' segments are refused: paths must stay inside the repository";
			if (is_git_alias(seg, n))
				return "paths into .git are refused";
		}
		start = i + 1;
	}
	return NULL;
}

void trb_path_tidy(char *path)
{
	char *r = path, *w = path;

	while (r[0] == '.' && r[1] == '/')
		r += 2;
	while (*r == '/' && r[1] == '/')
		r++;
	while (*r) {
		if (*r == '/' && (r[1] == '/' || r[1] == '\0')) {
			r++;
			continue;
		}
		if (*r == '/' && r[1] == '.' && r[2] == '/') {
			r += 2;
			continue;
		}
		*w++ = *r++;
	}
	*w = '\0';
}
