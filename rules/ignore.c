/* rules/ignore.c: inline suppressions.
 * `tribunal-ignore: RULE-ID[,RULE-ID...] reason` in a comment suppresses those rules on the same
 * line and the line below. The reason is required: an ignore without one suppresses nothing and
 * is reported itself (tribunal-ignore-without-reason), so every suppression in the code says why. */
#include "rules/rules_int.h"

#include <stdlib.h>
#include <string.h>

#include "util/array.h"
#include "util/err.h"

#define MARKER "tribunal-ignore"
#define MARKER_LEN (sizeof(MARKER) - 1)

static const char *find_marker(const char *s, size_t n)
{
	const char *p = s, *end = s + n;

	while (p + MARKER_LEN <= end && (p = memchr(p, 't', (size_t)(end - p - MARKER_LEN + 1))) != NULL) {
		if (memcmp(p, MARKER, MARKER_LEN) == 0)
			return p;
		p++;
	}
	return NULL;
}

/* A comment leader before the marker on its line: // # /\* -- <!-- ; or a line starting with *. */
static bool in_comment(const char *ls, const char *marker)
{
	const char *p = ls;

	while (p < marker && (*p == ' ' || *p == '\t'))
		p++;
	if (p < marker && *p == '*')
		return true;
	for (; p < marker; p++) {
		if (*p == '#' || *p == ';')
			return true;
		if (p + 1 < marker && ((p[0] == '/' && (p[1] == '/' || p[1] == '*')) || (p[0] == '-' && p[1] == '-')))
			return true;
		if (p + 3 < marker && memcmp(p, "<!--", 4) == 0)
			return true;
	}
	return false;
}

static bool id_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
	       c == '_' || c == '.' || c == '/';
}

static int push_id(struct rules_ignore *g, const char *s, size_t n)
{
	char **v = realloc(g->ids, (g->n_ids + 1) * sizeof(*v));

	if (!v)
		return trb_err_oom();
	g->ids = v;
	if (!(v[g->n_ids] = malloc(n + 1)))
		return trb_err_oom();
	memcpy(v[g->n_ids], s, n);
	v[g->n_ids][n] = '\0';
	g->n_ids++;
	return 0;
}

/* Parses "ID[,ID] reason" after the colon; p..e is the rest of the line. */
static int parse_one(struct rules_ignore *g, const char *p, const char *e)
{
	const char *q;
	int error;

	for (;;) {
		while (p < e && (*p == ' ' || *p == '\t'))
			p++;
		q = p;
		while (q < e && id_char(*q))
			q++;
		/* "--" and "*" close comments; they are not ids. */
		while (q > p && (q[-1] == '.' || q[-1] == '-'))
			q--;
		if (q == p || g->n_ids >= 32)
			break;
		if ((error = push_id(g, p, (size_t)(q - p))) < 0)
			return error;
		p = q;
		while (p < e && (*p == ' ' || *p == '\t'))
			p++;
		if (p < e && *p == ',') {
			p++;
			continue;
		}
		break;
	}
	/* The reason: the rest, without separators in front and comment closers behind. */
	while (p < e && (*p == ' ' || *p == '\t' || *p == ':' || *p == '-' || *p == '(' || *p == '\xe2')) {
		if (*p == '\xe2' && e - p >= 3 && (unsigned char)p[1] == 0x80 && ((unsigned char)p[2] == 0x94 || (unsigned char)p[2] == 0x93))
			p += 3;   /* em or en dash */
		else if (*p == '\xe2')
			break;
		else
			p++;
	}
	while (e > p && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r'))
		e--;
	if (e - p >= 3 && memcmp(e - 3, "-->", 3) == 0)
		e -= 3;
	else if (e - p >= 2 && memcmp(e - 2, "*/", 2) == 0)
		e -= 2;
	else if (e - p >= 2 && memcmp(e - 2, "%>", 2) == 0)
		e -= 2;
	while (e > p && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == ')'))
		e--;
	/* A reason needs a word, not a lone character. */
	if (e - p >= 2) {
		if (!(g->reason = malloc((size_t)(e - p) + 1)))
			return trb_err_oom();
		memcpy(g->reason, p, (size_t)(e - p));
		g->reason[e - p] = '\0';
	}
	return 0;
}

void rules_ignores_free(struct rules_ignore *v, size_t n)
{
	size_t i, j;

	for (i = 0; i < n; i++) {
		for (j = 0; j < v[i].n_ids; j++)
			free(v[i].ids[j]);
		free(v[i].ids);
		free(v[i].reason);
	}
	free(v);
}

int rules_ignores_parse(struct rules_ignore **out, size_t *n_out, const struct rules_text *t)
{
	struct rules_ignore *v = NULL;
	void *vp;
	size_t n = 0, cap = 0, off = 0;
	int error = 0;

	*out = NULL;
	*n_out = 0;
	while (off < t->len) {
		const char *m = find_marker(t->s + off, t->len - off), *ls, *le, *p;
		uint32_t l;
		struct rules_ignore *g;
		if (!m)
			break;
		l = rules_line_of(t, (size_t)(m - t->s));
		ls = t->s + t->line_off[l - 1];
		le = t->s + t->line_off[l];
		if (le > ls && le[-1] == '\n')
			le--;
		off = (size_t)(le - t->s) + 1;
		p = m + MARKER_LEN;
		if (p >= le || *p != ':' || !in_comment(ls, m))
			continue;
		vp = v;
		if ((error = trb_array_grow(&vp, &cap, n, sizeof(*v))) < 0)
			goto fail;
		v = vp;
		g = &v[n++];
		memset(g, 0, sizeof(*g));
		g->line = l;
		if ((error = parse_one(g, p + 1, le)) < 0)
			goto fail;
		if (g->n_ids == 0) {
			/* A marker with no rule id: reported like a missing reason. */
			free(g->reason);
			g->reason = NULL;
		}
	}
	*out = v;
	*n_out = n;
	return 0;
fail:
	rules_ignores_free(v, n);
	return error;
}
