#include "util/glob.h"

#include <stdlib.h>
#include <string.h>

struct seg {
	const char *p;
	size_t n;
};

/* Character class at p (after '['); sets *used to the bytes consumed incl. ']'; -1 if malformed. */
static int class_match(const char *p, size_t n, char c, size_t *used)
{
	size_t i = 0;
	int neg = 0, hit = 0;

	if (i < n && (p[i] == '!' || p[i] == '^')) {
		neg = 1;
		i++;
	}
	if (i < n && p[i] == ']') {  /* a leading ']' is literal */
		hit |= (c == ']');
		i++;
	}
	while (i < n && p[i] != ']') {
		char lo = p[i], hi = p[i];
		if (i + 2 < n && p[i + 1] == '-' && p[i + 2] != ']') {
			hi = p[i + 2];
			i += 3;
		} else {
			i++;
		}
		if ((unsigned char)c >= (unsigned char)lo && (unsigned char)c <= (unsigned char)hi)
			hit = 1;
	}
	if (i >= n)
		return -1;
	*used = i + 1;
	return hit ^ neg;
}

/* One segment with * ? [..]: greedy with a single backtrack point, O(n*m) worst case. */
static bool seg_match(const char *p, size_t pn, const char *s, size_t sn)
{
	size_t pi = 0, si = 0, star_p = (size_t)-1, star_s = 0;

	while (si < sn) {
		if (pi < pn && p[pi] == '*') {
			star_p = ++pi;
			star_s = si;
			continue;
		}
		if (pi < pn) {
			size_t used = 1;
			int ok;
			if (p[pi] == '?')
				ok = 1;
			else if (p[pi] == '[') {
				ok = class_match(p + pi + 1, pn - pi - 1, s[si], &used);
				if (ok < 0) {
					ok = (s[si] == '[');
					used = 1;
				} else {
					used += 1;
				}
			} else if (p[pi] == '\\' && pi + 1 < pn) {
				ok = (p[pi + 1] == s[si]);
				used = 2;
			} else
				ok = (p[pi] == s[si]);
			if (ok) {
				pi += used;
				si++;
				continue;
			}
		}
		if (star_p == (size_t)-1)
			return false;
		pi = star_p;
		si = ++star_s;
	}
	while (pi < pn && p[pi] == '*')
		pi++;
	return pi == pn;
}

static size_t split(const char *s, struct seg *out, size_t max)
{
	size_t n = 0;
	const char *start = s;

	for (;; s++) {
		if (*s == '/' || *s == '\0') {
			if (s > start && n < max) {
				out[n].p = start;
				out[n].n = (size_t)(s - start);
				n++;
			}
			if (*s == '\0')
				break;
			start = s + 1;
		}
	}
	return n;
}

static size_t count_segs(const char *s)
{
	size_t n = 1;
	for (; *s; s++)
		n += (*s == '/');
	return n;
}

static bool is_dstar(const struct seg *g)
{
	return g->n == 2 && g->p[0] == '*' && g->p[1] == '*';
}

/* Segment lists matched by dynamic programming: ok[i][j] = pat[i..] matches path[j..]. */
static bool segs_match(const struct seg *pat, size_t pn, const struct seg *path, size_t sn)
{
	unsigned char *ok;
	size_t i, j, w = sn + 1;
	bool r;

	ok = calloc((pn + 1) * w, 1);
	if (!ok)
		return false;  /* fail closed: no match */
	ok[pn * w + sn] = 1;
	for (i = pn; i-- > 0;) {
		for (j = sn + 1; j-- > 0;) {
			unsigned char v = 0;
			if (is_dstar(&pat[i])) {
				v = ok[(i + 1) * w + j] || (j < sn && ok[i * w + j + 1]);
			} else if (j < sn) {
				v = ok[(i + 1) * w + j + 1] &&
				    seg_match(pat[i].p, pat[i].n, path[j].p, path[j].n);
			}
			ok[i * w + j] = v;
		}
	}
	r = ok[0];
	free(ok);
	return r;
}

bool trb_glob_match(const char *pattern, const char *path)
{
	struct seg *ps = NULL, *ss = NULL;
	size_t pn, sn, plen = strlen(pattern);
	bool anchored = false, dir_only = false, r = false;
	const char *base;

	if (plen == 0)
		return false;
	if (pattern[0] == '/') {
		anchored = true;
		pattern++;
		plen--;
	}
	if (plen && pattern[plen - 1] == '/')
		dir_only = true;
	if (!anchored && !memchr(pattern, '/', plen)) {
		/* no slash: the base name at any depth */
		base = strrchr(path, '/');
		base = base ? base + 1 : path;
		return seg_match(pattern, plen, base, strlen(base));
	}
	ps = calloc(count_segs(pattern) + 1, sizeof(*ps));
	ss = calloc(count_segs(path) + 1, sizeof(*ss));
	if (!ps || !ss)
		goto done;
	pn = split(pattern, ps, count_segs(pattern) + 1);
	sn = split(path, ss, count_segs(path) + 1);
	if (dir_only) {
		/* a trailing slash: the directory itself is not matched, only what lies below it */
		size_t j;
		for (j = pn; j < sn; j++)
			if (segs_match(ps, pn, ss, j)) {
				r = true;
				break;
			}
		goto done;
	}
	r = segs_match(ps, pn, ss, sn);
done:
	free(ps);
	free(ss);
	return r;
}

const char *trb_glob_check(const char *pattern)
{
	const char *p;

	if (!*pattern)
		return "empty pattern";
	for (p = pattern; *p; p++) {
		if (*p == '[') {
			const char *q = p + 1;
			if (*q == '!' || *q == '^')
				q++;
			if (*q == ']')
				q++;
			while (*q && *q != ']')
				q++;
			if (!*q)
				return "unclosed '[' in pattern";
			p = q;
		}
		if ((unsigned char)*p < 0x20)
			return "control character in pattern";
	}
	return NULL;
}
