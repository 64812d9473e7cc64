/* publish/marker.c: the hidden markers report/ puts in bodies, and the set of those already
 * posted. A marker is `<!-- tribunal:fingerprint=HEX -->` (a finding) or `<!-- tribunal:body=HEX -->`
 * (publish's own, for a body without a finding: GitLab's summary); the key is the text between
 * "tribunal:" and " -->", hex in lower case. */
#include "publish/publish.h"

#include <stdlib.h>
#include <string.h>

#include "util/array.h"
#include "util/err.h"

#define SEEN_MAX 200000
#define HEX_MIN 8
#define HEX_MAX 128

static const char marker_open[] = "<!-- tribunal:";

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* The marker starting at p: its length, with its key in key; 0 when p holds none. */
static size_t marker_at(char key[PUBLISH_MARKER_MAX + 1], const char *p, size_t left)
{
	static const char *const kinds[] = {"fingerprint=", "body="};
	size_t i = sizeof(marker_open) - 1, k, kl = 0, n, start;

	if (left < i || memcmp(p, marker_open, i) != 0)
		return 0;
	for (k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++) {
		kl = strlen(kinds[k]);
		if (left - i >= kl && memcmp(p + i, kinds[k], kl) == 0)
			break;
	}
	if (k == sizeof(kinds) / sizeof(kinds[0]))
		return 0;
	memcpy(key, kinds[k], kl);
	n = kl;
	i += kl;
	start = i;
	while (i < left && hexval(p[i]) >= 0) {
		if (i - start == HEX_MAX)
			return 0;
		key[n++] = "0123456789abcdef"[hexval(p[i])];
		i++;
	}
	if (i - start < HEX_MIN)
		return 0;
	key[n] = '\0';
	if (left - i >= 4 && memcmp(p + i, " -->", 4) == 0)
		return i + 4;
	if (left - i >= 3 && memcmp(p + i, "-->", 3) == 0)
		return i + 3;
	return 0;
}

int publish_seen_add(struct publish_seen *s, const char *key)
{
	void *v = s->v;
	char *copy;
	int error;

	if (s->n >= SEEN_MAX)
		return trb_err_set(TRB_ELIMIT, "more than %d tribunal markers on the merge request", SEEN_MAX);
	if ((error = trb_array_grow(&v, &s->cap, s->n, sizeof(*s->v))) < 0)
		return error;
	s->v = v;
	if (!(copy = strdup(key)))
		return trb_err_oom();
	s->v[s->n++] = copy;
	s->sorted = false;
	return 0;
}

static bool blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* The backticks that start line[0..len) (after indentation); *rest: what follows them. */
static size_t backtick_run(const char *line, size_t len, const char **rest)
{
	size_t i = 0, n;

	while (i < len && (line[i] == ' ' || line[i] == '\t'))
		i++;
	for (n = 0; i + n < len && line[i + n] == '`'; n++)
		;
	*rest = line + i + n;
	return n;
}

/* The key of the marker that ends line[0..len) (trailing blanks trimmed): true when there is one. */
static bool marker_ends(char key[PUBLISH_MARKER_MAX + 1], const char *line, size_t len)
{
	size_t from = len > PUBLISH_MARKER_MAX + 32 ? len - PUBLISH_MARKER_MAX - 32 : 0, i;

	for (i = from; i < len; i++)
		if (line[i] == '<' && marker_at(key, line + i, len - i) == len - i)
			return true;
	return false;
}

/* report/ puts a marker at the end of a line of its own text, where Markdown escaping turns every
 * '<' of a title or description into "&lt;". Raw text from the repository or a model reaches a
 * body only inside code: fences (a run of backticks longer than any inside) and code spans (which
 * end in a backtick, never at a line end). So markers count at line ends outside fences only, and
 * code quoted in tribunal's own comment cannot silence another finding. */
int publish_seen_add_markers(struct publish_seen *s, const char *text, size_t len)
{
	char key[PUBLISH_MARKER_MAX + 1];
	size_t i = 0, end, n, run, fence = 0;
	const char *nl, *rest;
	int error;

	while (i < len) {
		nl = memchr(text + i, '\n', len - i);
		end = nl ? (size_t)(nl - text) : len;
		n = end - i;
		while (n > 0 && blank(text[i + n - 1]))
			n--;
		run = backtick_run(text + i, n, &rest);
		if (fence) {
			if (run >= fence && rest == text + i + n)
				fence = 0;
		} else if (run >= 3 && !memchr(rest, '`', (size_t)(text + i + n - rest))) {
			fence = run;
		} else if (marker_ends(key, text + i, n) && (error = publish_seen_add(s, key)) < 0) {
			return error;
		}
		i = end + 1;
	}
	return 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

bool publish_seen_has(struct publish_seen *s, const char *key)
{
	if (!s->n)
		return false;
	if (!s->sorted) {
		qsort(s->v, s->n, sizeof(*s->v), cmp_str);
		s->sorted = true;
	}
	return bsearch(&key, s->v, s->n, sizeof(*s->v), cmp_str) != NULL;
}

void publish_seen_dispose(struct publish_seen *s)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		free(s->v[i]);
	free(s->v);
	memset(s, 0, sizeof(*s));
}

bool publish_marker_end(char out[PUBLISH_MARKER_MAX + 1], const char *body, size_t len)
{
	size_t end = len, start;

	while (end > 0 && blank(body[end - 1]))
		end--;
	start = end;
	while (start > 0 && body[start - 1] != '\n')
		start--;
	while (start < end && (body[start] == ' ' || body[start] == '\t'))
		start++;
	out[0] = '\0';
	if (start == end || marker_at(out, body + start, end - start) != end - start) {
		out[0] = '\0';
		return false;
	}
	return true;
}
