/* rules/scan.c: running the rules over the added lines of a file.
 * Consecutive added lines form one PCRE2 subject (patterns never cross a line, MULTILINE makes
 * ^ and $ per line), so each rule is one JIT scan per hunk rather than one call per line. */
#include "rules/rules_int.h"

#include <stdlib.h>
#include <string.h>

#include "util/array.h"
#include "util/err.h"
#include "util/glob.h"

int rules_text_index(struct rules_text *t, size_t **line_off, const char *s, size_t len)
{
	size_t n = 0, i, *off;
	const char *p = s, *end = s + len;

	while (p < end && (p = memchr(p, '\n', (size_t)(end - p))) != NULL) {
		n++;
		p++;
	}
	if (len > 0 && s[len - 1] != '\n')
		n++;
	if (n >= UINT32_MAX)
		return trb_err_set(TRB_ELIMIT, "file has too many lines");
	if (!(off = malloc((n + 1) * sizeof(*off))))
		return trb_err_oom();
	off[0] = 0;
	for (i = 1, p = s; i <= n; i++) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		p = nl ? nl + 1 : end;
		off[i] = (size_t)(p - s);
	}
	t->s = s;
	t->len = len;
	t->line_off = off;
	t->n_lines = (uint32_t)n;
	*line_off = off;
	return 0;
}

uint32_t rules_line_of(const struct rules_text *t, size_t off)
{
	uint32_t lo = 1, hi = t->n_lines;

	if (hi == 0)
		return 1;
	while (lo < hi) {
		uint32_t mid = lo + (hi - lo + 1) / 2;
		if (t->line_off[mid - 1] <= off)
			lo = mid;
		else
			hi = mid - 1;
	}
	return lo;
}

/* The end of line l, newline excluded. */
static size_t line_end(const struct rules_text *t, uint32_t l)
{
	size_t e = t->line_off[l];

	if (e > t->line_off[l - 1] && t->s[e - 1] == '\n')
		e--;
	return e;
}

void rules_spans_dispose(struct rules_spans *s)
{
	size_t i;

	for (i = 0; i < s->n; i++) {
		free(s->v[i].joined_text);
		free(s->v[i].parts);
	}
	free(s->v);
	free(s->secrets);
	for (i = 0; i < s->n_warnings; i++)
		free(s->warnings[i]);
	free(s->warnings);
	memset(s, 0, sizeof(*s));
}

static int spans_push(struct rules_span **out, struct rules_spans *s, bool secret)
{
	void *v;
	int error;

	if (secret) {
		v = s->secrets;
		if ((error = trb_array_grow(&v, &s->cap_secrets, s->n_secrets, sizeof(*s->secrets))) < 0)
			return error;
		s->secrets = v;
	}
	v = s->v;
	if ((error = trb_array_grow(&v, &s->cap, s->n, sizeof(*s->v))) < 0)
		return error;
	s->v = v;
	if (secret)
		s->secrets[s->n_secrets++] = s->n;
	*out = &s->v[s->n++];
	memset(*out, 0, sizeof(**out));
	return 0;
}

/* Appends the message built in b (released here) to s->warnings. */
static int push_warning(struct rules_spans *s, struct trb_buf *b)
{
	void *v = s->warnings;
	int error;

	if ((error = trb_buf_error(b)) < 0 ||
	    (error = trb_array_grow(&v, &s->cap_warnings, s->n_warnings, sizeof(*s->warnings))) < 0) {
		trb_buf_dispose(b);
		return error;
	}
	s->warnings = v;
	if (!(s->warnings[s->n_warnings] = trb_buf_detach(b)))
		return trb_err_oom();
	s->n_warnings++;
	return 0;
}

/* Warning buffers leave room for the path, however long: a planted 100 KiB file name must not turn
 * a warning into a failed scan. */
#define WARNING_LIMIT(path) (TRB_LIMIT_SMALL + strlen(path))

const char *rules_limit_name(int rc)
{
	return rc == PCRE2_ERROR_MATCHLIMIT ? "match limit"
	       : rc == PCRE2_ERROR_DEPTHLIMIT || rc == PCRE2_ERROR_JIT_STACKLIMIT ? "depth limit"
	       : rc == PCRE2_ERROR_HEAPLIMIT ? "heap limit" : "engine error";
}

/* A rule stopped at a PCRE2 limit on line `line`: that line was skipped for it. The failure that
 * reaches RULES_MAX_LIMIT_FAILURES switches the rule off for the rest of the file. */
static int limit_warning(struct rules_spans *s, const char *path, uint32_t line, const struct rules_entry *e,
			 size_t rule, int rc, unsigned failures)
{
	struct trb_buf b;

	trb_buf_init(&b, WARNING_LIMIT(path));
	if (failures < RULES_MAX_LIMIT_FAILURES)
		trb_buf_printf(&b, "%s:%u: rule '%s' stopped at the regex %s; its matches on this line were skipped",
			       path, line, e->info.id, rules_limit_name(rc));
	else
		trb_buf_printf(&b, "%s:%u: rule '%s' stopped at the regex %s on %u lines; its matches in the rest of "
			       "this file were skipped", path, line, e->info.id, rules_limit_name(rc), failures);
	if (s->n_limited++ == 0) {
		s->limited_rule = rule;
		s->limited_line = line;
		s->limited_rc = rc;
	}
	return push_warning(s, &b);
}

/* Records that a cap was reached, once per file. */
static int spans_full(struct rules_spans *s, const char *path)
{
	struct trb_buf b;

	if (s->full)
		return 0;
	s->full = true;
	trb_buf_init(&b, WARNING_LIMIT(path));
	trb_buf_printf(&b, "%s: more than %u matches (%u secrets); the rest of the file was not scanned", path,
		       RULES_MAX_SPANS, RULES_MAX_SECRETS);
	return push_warning(s, &b);
}

static bool spans_at_cap(const struct rules_spans *s, bool secret)
{
	return s->n >= RULES_MAX_SPANS || (secret && s->n_secrets >= RULES_MAX_SECRETS);
}

/* Where in_comment() got to on a line. The candidates of one rule arrive in increasing order, so
 * the lexer resumes where the previous candidate left it instead of starting over at the line's
 * start: a long line with many rejected candidates is lexed once per rule, not once per candidate. */
struct lexer {
	uint32_t line;       /* the line lexed, 0 before the first candidate */
	size_t last;         /* the previous candidate's offset */
	size_t pos;          /* the next byte to lex */
	size_t comment;      /* where a comment starts on the line, SIZE_MAX when none before pos */
	char q;              /* the open quote at pos, 0 when none */
};

#define LEXER_INIT {0, 0, 0, SIZE_MAX, 0}

/* Is off inside a line comment, or (in a programming language) inside a one-line string literal?
 * Only API hints ask: a commented-out call is not a call, nor is a call written in a test's
 * string. Shell and other files keep strings: CI YAML quotes whole command lines. */
static bool in_comment(struct lexer *lx, const struct rules_text *t, size_t off, diff_lang_t lang)
{
	const char *s = t->s;
	size_t i, ls;
	bool slash = lang != DIFF_LANG_PYTHON && lang != DIFF_LANG_RUBY && lang != DIFF_LANG_SHELL &&
		     lang != DIFF_LANG_SQL && lang != DIFF_LANG_NONE;
	bool hash = lang == DIFF_LANG_PYTHON || lang == DIFF_LANG_RUBY || lang == DIFF_LANG_SHELL ||
		    lang == DIFF_LANG_PHP || lang == DIFF_LANG_NONE;
	uint32_t l = rules_line_of(t, off);

	ls = t->line_off[l - 1];
	if (lx->line != l || off < lx->last) {
		lx->line = l;
		lx->q = 0;
		lx->comment = SIZE_MAX;
		for (i = ls; i < t->line_off[l] && (s[i] == ' ' || s[i] == '\t'); i++)
			;
		lx->pos = i;
		if (i < t->line_off[l] && s[i] == '*' && slash)
			lx->comment = i;   /* inside a block comment */
	}
	lx->last = off;
	for (i = lx->pos; i < off && lx->comment == SIZE_MAX; i++) {
		char c = s[i];
		if (lx->q) {
			if (c == '\\')
				i++;
			else if (c == lx->q)
				lx->q = 0;
			continue;
		}
		if (c == '"' || c == '\'' || c == '`')
			lx->q = c;
		else if (slash && c == '/' && i + 1 < t->len && (s[i + 1] == '/' || s[i + 1] == '*'))
			lx->comment = i;
		else if (hash && c == '#' && (i == ls || s[i - 1] == ' ' || s[i - 1] == '\t') &&
			 !(i + 1 < t->len && s[i + 1] == '{'))
			lx->comment = i;
		else if (lang == DIFF_LANG_SQL && c == '-' && i + 1 < t->len && s[i + 1] == '-')
			lx->comment = i;
	}
	if (i > lx->pos)
		lx->pos = i;
	if (lx->comment < off)
		return true;
	return lx->q != 0 && lang != DIFF_LANG_SHELL && lang != DIFF_LANG_NONE && lang != DIFF_LANG_SQL;
}

/* Structured secrets (a fixed prefix, a checksum-like shape) decide alone about their text: when
 * their check drops a candidate as a placeholder, the looser rules (generic assignment, AWS secret,
 * URL password) must not report the same text. */
static bool is_structured(const struct rules_entry *e)
{
	return e->info.kind == RULES_KIND_SECRET && (e->flags & (RULES_F_CONCAT | RULES_F_BLOCK));
}

static bool overlaps_secret(struct rules_spans *out, const struct rules *r, size_t first, size_t s,
			    size_t e, bool displace_loose)
{
	size_t i;

	for (i = out->n_secrets; i > 0 && out->secrets[i - 1] >= first; i--) {
		struct rules_span *o = &out->v[out->secrets[i - 1]];
		if (o->dead || !(o->sec_start < e && s < o->sec_end))
			continue;
		if (displace_loose && !is_structured(&r->v[o->rule])) {
			o->dead = true;
			continue;
		}
		return true;
	}
	return false;
}

struct ranges {
	size_t *v;   /* pairs */
	size_t n, cap;
};

static int ranges_add(struct ranges *rg, size_t a, size_t z)
{
	void *v = rg->v;
	int error;

	if ((error = trb_array_grow(&v, &rg->cap, rg->n, 2 * sizeof(*rg->v))) < 0)
		return error;
	rg->v = v;
	rg->v[rg->n * 2] = a;
	rg->v[rg->n * 2 + 1] = z;
	rg->n++;
	return 0;
}

static bool ranges_overlap(const struct ranges *rg, size_t a, size_t z)
{
	size_t i;

	for (i = 0; i < rg->n; i++)
		if (rg->v[i * 2] < z && a < rg->v[i * 2 + 1])
			return true;
	return false;
}

struct matcher {
	pcre2_match_data *md;
	pcre2_match_context *mc;
};

static int run_match(const struct rules_entry *e, const struct matcher *m, const char *s, size_t len,
		     size_t off)
{
	if (e->jit)
		return pcre2_jit_match(e->code, (PCRE2_SPTR)s, len, off, 0, m->md, m->mc);
	return pcre2_match(e->code, (PCRE2_SPTR)s, len, off, 0, m->md, m->mc);
}

/* ---- secrets assembled from string literals: "AKIA" + "..." ------------------------------- */

struct literal_group {
	size_t parts[32];   /* content [start, end) pairs */
	size_t n;
	size_t end;         /* where scanning resumes */
};

static bool is_quote(char c)
{
	return c == '"' || c == '\'' || c == '`';
}

/* Literals known not to close: a literal opened with quote kind k at an offset in
 * [from[k], to[k]) runs into a newline or the end of the range. When the literal opened at j does
 * not close before `to`, no later opening of the same quote before `to` can close either (it is
 * escaped in j's reading, and both readings agree after it), so it is not lexed again: a line of
 * unclosed quotes costs one pass, not one per quote. */
struct unclosed {
	size_t from[3], to[3];
};

static int quote_kind(char q)
{
	return q == '"' ? 0 : q == '\'' ? 1 : 2;
}

/* Parses the literal starting at i (a quote); returns its closing quote's offset, or 0. */
static size_t literal_end(struct unclosed *u, const char *s, size_t i, size_t lim)
{
	char q = s[i];
	int k = quote_kind(q);
	size_t j;

	if (i >= u->from[k] && i < u->to[k])
		return 0;
	for (j = i + 1; j < lim; j++) {
		if (s[j] == '\\')
			j++;
		else if (s[j] == q)
			return j;
		else if (s[j] == '\n')
			break;
	}
	u->from[k] = i;
	u->to[k] = j < lim ? j : lim;
	return 0;
}

/* After a literal ending at i: whitespace (newlines too), a `\` continuation and at most one
 * joining operator (+ . .. || & <<), then a literal: returns its opening quote, or 0. */
static size_t next_literal(const char *s, size_t i, size_t lim)
{
	bool op = false;

	while (i < lim) {
		char c = s[i];
		if (c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '(') {
			i++;
		} else if (c == '\\' && i + 1 < lim && (s[i + 1] == '\n' || s[i + 1] == '\r')) {
			i += 2;
		} else if (!op && (c == '+' || c == '&')) {
			op = true;
			i++;
		} else if (!op && c == '.') {
			op = true;
			i += (i + 1 < lim && s[i + 1] == '.') ? 2 : 1;
		} else if (!op && i + 1 < lim && ((c == '|' && s[i + 1] == '|') || (c == '<' && s[i + 1] == '<'))) {
			op = true;
			i += 2;
		} else if (is_quote(c)) {
			return i;
		} else {
			return 0;
		}
	}
	return 0;
}

/* A joined-buffer offset as a file offset, and the literal it falls in. An end offset belongs to
 * the literal it closes, a start offset to the literal it opens. */
static size_t group_map(const struct literal_group *g, size_t joff, bool is_end, size_t *part)
{
	size_t p, acc = 0;

	for (p = 0; p < g->n; p++) {
		size_t pl = g->parts[p * 2 + 1] - g->parts[p * 2];
		if (is_end ? joff <= acc + pl : joff < acc + pl) {
			*part = p;
			return g->parts[p * 2] + (joff - acc);
		}
		acc += pl;
	}
	*part = g->n - 1;
	return g->parts[(g->n - 1) * 2 + 1];
}

static int concat_pass(struct rules_spans *out, const struct rules *r, const char *path,
		       const struct rules_text *t, size_t rs, size_t re, const struct matcher *m, size_t first)
{
	const char *s = t->s;
	size_t i = rs, k;
	int error = 0;
	char *joined = NULL;
	struct unclosed u = {{0, 0, 0}, {0, 0, 0}};

	while (i < re) {
		struct literal_group g;
		size_t close, nxt, jl = 0;
		if (!is_quote(s[i])) {
			const char *q = NULL;
			size_t j;
			for (j = i; j < re; j++)
				if (is_quote(s[j])) {
					q = s + j;
					break;
				}
			if (!q)
				break;
			i = (size_t)(q - s);
		}
		g.n = 0;
		close = literal_end(&u, s, i, re);
		if (!close) {
			i++;
			continue;
		}
		g.parts[g.n * 2] = i + 1;
		g.parts[g.n * 2 + 1] = close;
		g.n++;
		while (g.n < 16 && (nxt = next_literal(s, close + 1, re)) != 0) {
			size_t c2 = literal_end(&u, s, nxt, re);
			if (!c2)
				break;
			close = c2;
			g.parts[g.n * 2] = nxt + 1;
			g.parts[g.n * 2 + 1] = close;
			g.n++;
		}
		i = close + 1;
		if (g.n < 2)
			continue;
		for (k = 0; k < g.n; k++)
			jl += g.parts[k * 2 + 1] - g.parts[k * 2];
		if (jl < 16 || jl > 4096)
			continue;
		if (!(joined = malloc(jl + 1)))
			return trb_err_oom();
		jl = 0;
		for (k = 0; k < g.n; k++) {
			size_t pl = g.parts[k * 2 + 1] - g.parts[k * 2];
			memcpy(joined + jl, s + g.parts[k * 2], pl);
			jl += pl;
		}
		joined[jl] = '\0';
		{
			size_t joff[2] = {0, jl};
			struct rules_text jt = {joined, jl, joff, 1};
			size_t ri;
			for (ri = 0; ri < r->n; ri++) {
				const struct rules_entry *e = &r->v[ri];
				size_t off = 0;
				if (e->info.kind != RULES_KIND_SECRET || !(e->flags & RULES_F_CONCAT) || !e->code)
					continue;
				while (off < jl) {
					PCRE2_SIZE *ov;
					struct rules_cand c;
					size_t a, b, ma, pa = 0, pb = 0, p;
					struct rules_span *sp;
					int rc = run_match(e, m, joined, jl, off);
					if (rc < 0)
						break;
					ov = pcre2_get_ovector_pointer(m->md);
					c.t = &jt;
					c.start = ov[0];
					c.end = ov[1];
					c.sec_start = ov[0];
					c.sec_end = ov[1];
					if (e->group > 0 && rc > e->group && ov[2 * e->group] != PCRE2_UNSET) {
						c.sec_start = ov[2 * e->group];
						c.sec_end = ov[2 * e->group + 1];
					}
					c.joined = true;
					off = ov[1] > ov[0] ? ov[1] : ov[0] + 1;
					if (e->check && !e->check(&c))
						continue;
					/* Which literals does the match cover? One only: the plain pass has it. */
					ma = group_map(&g, c.start, false, &pa);
					(void)group_map(&g, c.end, true, &pb);
					if (pa == pb)
						continue;
					a = group_map(&g, c.sec_start, false, &pa);
					b = group_map(&g, c.sec_end, true, &pb);
					if (overlaps_secret(out, r, first, a, b, true))
						continue;
					if (spans_at_cap(out, true)) {
						error = spans_full(out, path);
						goto cleanup;
					}
					if ((error = spans_push(&sp, out, true)) < 0)
						goto cleanup;
					sp->rule = ri;
					sp->start = ma;
					sp->end = b;
					sp->sec_start = a;
					sp->sec_end = b;
					sp->line = rules_line_of(t, ma);
					sp->end_line = rules_line_of(t, b > a ? b - 1 : a);
					sp->joined = true;
					sp->joined_len = c.sec_end - c.sec_start;
					if (!(sp->joined_text = malloc(sp->joined_len + 1)) ||
					    !(sp->parts = malloc((pb - pa + 1) * 2 * sizeof(size_t)))) {
						error = trb_err_oom();
						goto cleanup;
					}
					memcpy(sp->joined_text, joined + c.sec_start, sp->joined_len);
					sp->joined_text[sp->joined_len] = '\0';
					for (p = pa; p <= pb; p++) {
						sp->parts[(p - pa) * 2] = p == pa ? a : g.parts[p * 2];
						sp->parts[(p - pa) * 2 + 1] = p == pb ? b : g.parts[p * 2 + 1];
					}
					sp->n_parts = pb - pa + 1;
				}
			}
		}
		free(joined);
		joined = NULL;
	}
cleanup:
	free(joined);
	return error;
}

/* ---- the plain pass --------------------------------------------------------------------------- */

static bool applies(const struct rules_entry *e, const char *path, diff_lang_t lang, unsigned kinds)
{
	size_t i;

	if (!e->code || !(kinds & (1u << e->info.kind)))
		return false;
	if (e->langs && !(e->langs & (1u << lang)))
		return false;
	if (e->n_paths) {
		for (i = 0; i < e->n_paths; i++)
			if (trb_glob_match(e->paths[i], path))
				return true;
		return false;
	}
	return true;
}

/* Per file and rule: whether it runs, and how often a PCRE2 limit stopped it. */
struct rule_state {
	bool disabled;       /* not for this path, language or kind, or switched off by limits */
	unsigned failures;   /* lines skipped at a PCRE2 limit */
};

static int scan_run(struct rules_spans *out, const struct rules *r, const char *path, diff_lang_t lang,
		    const struct rules_text *t, uint32_t la, uint32_t lb, const struct matcher *m,
		    unsigned kinds, struct rule_state *st)
{
	size_t rs = t->line_off[la - 1], re = t->line_off[lb], first = out->n, ri;
	struct ranges veto = {NULL, 0, 0};
	int error = 0;

	for (ri = 0; ri < r->n; ri++) {
		const struct rules_entry *e = &r->v[ri];
		struct lexer lx = LEXER_INIT;
		size_t off = rs, end = re;
		bool by_line = false;   /* after a limit: one line per subject, to skip just the bad one */
		if (out->full)
			break;
		if (st[ri].disabled)
			continue;
		while (off < re) {
			PCRE2_SIZE *ov;
			struct rules_cand c;
			struct rules_span *sp;
			int rc;
			if (by_line && off >= end)
				end = t->line_off[rules_line_of(t, off)];
			rc = run_match(e, m, t->s, end, off);
			if (rc == PCRE2_ERROR_NOMATCH) {
				if (!by_line)
					break;
				off = end;
				continue;
			}
			if (rc < 0) {
				uint32_t l = rules_line_of(t, off);
				if (!by_line) {
					/* the limit may have been reached on any line of the run: look again,
					 * one line at a time, from this one */
					by_line = true;
					end = t->line_off[l];
					continue;
				}
				if ((error = limit_warning(out, path, l, e, ri, rc, ++st[ri].failures)) < 0)
					goto cleanup;
				if (st[ri].failures >= RULES_MAX_LIMIT_FAILURES) {
					st[ri].disabled = true;
					break;
				}
				off = end;
				continue;
			}
			ov = pcre2_get_ovector_pointer(m->md);
			c.t = t;
			c.start = ov[0];
			c.end = ov[1];
			c.sec_start = ov[0];
			c.sec_end = ov[1];
			c.joined = false;
			if (e->group > 0 && rc > e->group && ov[2 * e->group] != PCRE2_UNSET) {
				c.sec_start = ov[2 * e->group];
				c.sec_end = ov[2 * e->group + 1];
			}
			off = ov[1] > ov[0] ? ov[1] : ov[0] + 1;
			if (c.start >= re)
				break;
			if (e->check && !e->check(&c)) {
				if (is_structured(e) && veto.n < RULES_MAX_SECRETS &&
				    (error = ranges_add(&veto, c.sec_start, c.sec_end)) < 0)
					goto cleanup;
				continue;
			}
			if (e->info.kind == RULES_KIND_SECRET && !is_structured(e) &&
			    ranges_overlap(&veto, c.sec_start, c.sec_end))
				continue;
			if ((e->flags & RULES_F_CODE) && in_comment(&lx, t, c.start, lang))
				continue;
			if (e->flags & RULES_F_BLOCK) {
				/* A marker inside a block already found is part of it. */
				if (overlaps_secret(out, r, first, c.start, c.end, false))
					continue;
				c.sec_start = c.end;
				c.sec_end = rules_block_end(t->s, t->len, c.end);
			}
			if (e->info.kind == RULES_KIND_SECRET &&
			    overlaps_secret(out, r, first, c.sec_start, c.sec_end, false))
				continue;
			if (spans_at_cap(out, e->info.kind == RULES_KIND_SECRET)) {
				error = spans_full(out, path);
				goto cleanup;
			}
			if ((error = spans_push(&sp, out, e->info.kind == RULES_KIND_SECRET)) < 0)
				goto cleanup;
			sp->rule = ri;
			sp->start = c.start;
			sp->end = c.end;
			sp->sec_start = c.sec_start;
			sp->sec_end = c.sec_end;
			sp->line = rules_line_of(t, c.start);
			sp->end_line = sp->line;
			if (e->info.kind != RULES_KIND_SECRET) {
				/* One hint per rule and line is enough for a reader. */
				size_t next = t->line_off[sp->line];
				if (next > off)
					off = next;
			}
		}
	}
	if ((kinds & (1u << RULES_KIND_SECRET)) && !out->full)
		error = concat_pass(out, r, path, t, rs, re, m, first);
cleanup:
	free(veto.v);
	return error;
}

static int span_cmp(const void *a, const void *b)
{
	const struct rules_span *x = a, *y = b;

	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	if (x->rule != y->rule)
		return x->rule < y->rule ? -1 : 1;
	return 0;
}

int rules_find_spans(struct rules_spans *out, const struct rules *r, const char *path, diff_lang_t lang,
		     const struct rules_text *t, const uint32_t *changed, size_t n_changed, unsigned kinds)
{
	struct matcher m = {NULL, NULL};
	struct rule_state *st = NULL;
	size_t i;
	int error = 0;

	if (t->n_lines == 0)
		return 0;
	if ((unsigned)lang >= DIFF_LANG_COUNT)
		lang = DIFF_LANG_NONE;
	if (!(m.md = pcre2_match_data_create(r->ovec_pairs, NULL)) ||
	    !(m.mc = pcre2_match_context_create(NULL)) || !(st = calloc(r->n + 1, sizeof(*st)))) {
		error = trb_err_oom();
		goto cleanup;
	}
	/* globs once per file, not once per hunk */
	for (i = 0; i < r->n; i++)
		st[i].disabled = !applies(&r->v[i], path, lang, kinds);
	pcre2_set_match_limit(m.mc, RULES_MATCH_LIMIT);
	pcre2_set_depth_limit(m.mc, RULES_DEPTH_LIMIT);
	pcre2_set_heap_limit(m.mc, RULES_HEAP_LIMIT);
	if (!changed) {
		error = scan_run(out, r, path, lang, t, 1, t->n_lines, &m, kinds, st);
		goto sort;
	}
	i = 0;
	while (i < n_changed) {
		uint32_t a = changed[i], b;
		if (a == 0 || a > t->n_lines) {
			i++;
			continue;
		}
		b = a;
		while (i + 1 < n_changed && changed[i + 1] == b + 1 && b + 1 <= t->n_lines) {
			b++;
			i++;
		}
		i++;
		if ((error = scan_run(out, r, path, lang, t, a, b, &m, kinds, st)) < 0)
			goto cleanup;
		if (out->full)
			break;
	}
sort:
	if (error == 0) {
		size_t w = 0;
		for (i = 0; i < out->n; i++) {
			if (out->v[i].dead) {
				free(out->v[i].joined_text);
				free(out->v[i].parts);
				continue;
			}
			if (out->v[i].sec_end > out->v[i].start && out->v[i].sec_end - out->v[i].start > out->max_reach)
				out->max_reach = out->v[i].sec_end - out->v[i].start;
			out->v[w++] = out->v[i];
		}
		out->n = w;
		out->n_secrets = 0;   /* indices are stale after compaction; callers only read v */
	}
	if (error == 0 && out->n > 1)
		qsort(out->v, out->n, sizeof(*out->v), span_cmp);
cleanup:
	pcre2_match_data_free(m.md);
	pcre2_match_context_free(m.mc);
	free(st);
	return error;
}

/* ---- hits ------------------------------------------------------------------------------------- */

void rules_hits_init(struct rules_hits *h)
{
	memset(h, 0, sizeof(*h));
}

static void hit_dispose(struct rules_hit *h)
{
	free(h->path);
	free(h->snippet);
	free(h->masked);
	free(h->ignore_reason);
}

void rules_hits_dispose(struct rules_hits *h)
{
	size_t i;

	for (i = 0; i < h->n; i++)
		hit_dispose(&h->v[i]);
	free(h->v);
	for (i = 0; i < h->n_warnings; i++)
		free(h->warnings[i]);
	free(h->warnings);
	memset(h, 0, sizeof(*h));
}

static int hits_push(struct rules_hit **out, struct rules_hits *h)
{
	void *v = h->v;
	int error;

	if ((error = trb_array_grow(&v, &h->cap, h->n, sizeof(*h->v))) < 0)
		return error;
	h->v = v;
	*out = &h->v[h->n++];
	memset(*out, 0, sizeof(**out));
	return 0;
}

#define SNIPPET_MAX 200

/* The line, trimmed, each secret span on it masked, capped at SNIPPET_MAX bytes. */
/* The first span starting at or after off (spans are sorted by start). */
static size_t spans_lower_bound(const struct rules_spans *sp, size_t off)
{
	size_t lo = 0, hi = sp->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (sp->v[mid].start < off)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* The line around `at`, trimmed, each secret span on it masked, capped at SNIPPET_MAX bytes. A long
 * line shows a window that starts a little before `at`. */
static int snippet(char **out, const struct rules *r, const struct rules_text *t, uint32_t l, size_t at,
		   const struct rules_spans *sp)
{
	struct trb_buf b = TRB_BUF_INIT(TRB_LIMIT_SMALL);
	size_t ls = t->line_off[l - 1], le = line_end(t, l), i, k, first;

	while (ls < le && (t->s[ls] == ' ' || t->s[ls] == '\t'))
		ls++;
	while (le > ls && (t->s[le - 1] == ' ' || t->s[le - 1] == '\t' || t->s[le - 1] == '\r'))
		le--;
	if (at > ls + 120 && at <= le) {
		ls = at - 60;
		while (ls < at && ((unsigned char)t->s[ls] & 0xC0) == 0x80)
			ls++;
		trb_buf_puts(&b, "\xe2\x80\xa6");
	}
	if (le > ls + 2 * SNIPPET_MAX)
		le = ls + 2 * SNIPPET_MAX;
	/* Spans that can reach this window start at most the longest span's length before it. */
	first = spans_lower_bound(sp, ls > sp->max_reach ? ls - sp->max_reach : 0);
	i = ls;
	while (i < le) {
		size_t next = le, mask_end = 0;
		for (k = first; k < sp->n && sp->v[k].start < le; k++) {
			const struct rules_span *s = &sp->v[k];
			size_t a, z;
			if (r->v[s->rule].info.kind != RULES_KIND_SECRET)
				continue;
			a = s->sec_start > i ? s->sec_start : i;
			z = s->sec_end < le ? s->sec_end : le;
			if (a < z && a < next) {
				next = a;
				mask_end = z;
			} else if (a < z && a == next && z > mask_end) {
				mask_end = z;
			}
		}
		trb_buf_put(&b, t->s + i, next - i);
		if (next >= le)
			break;
		rules_mask(&b, t->s + next, mask_end - next);
		i = mask_end;
	}
	if (b.len > SNIPPET_MAX) {
		size_t cut = SNIPPET_MAX;
		while (cut > 0 && ((unsigned char)b.ptr[cut] & 0xC0) == 0x80)
			cut--;
		b.len = cut;
		b.ptr[cut] = '\0';
		trb_buf_puts(&b, "\xe2\x80\xa6");
	}
	if (trb_buf_error(&b) < 0)
		return trb_buf_error(&b);
	*out = trb_buf_detach(&b);
	return *out ? 0 : trb_err_oom();
}

/* For display: the secret without separators in front (block secrets start after a marker). */
static int masked_secret(char **out, const struct rules_text *t, const struct rules_span *s)
{
	struct trb_buf b = TRB_BUF_INIT(TRB_LIMIT_SMALL);
	const char *p = s->joined ? s->joined_text : t->s + s->sec_start;
	size_t n = s->joined ? s->joined_len : s->sec_end - s->sec_start;

	while (n > 0 && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r' || *p == '"' || *p == '\'' ||
			 (*p == '\\' && n > 1 && p[1] == 'n'))) {
		size_t step = *p == '\\' ? 2 : 1;
		p += step;
		n -= step;
	}
	rules_mask(&b, p, n);
	if (trb_buf_error(&b) < 0)
		return trb_buf_error(&b);
	*out = trb_buf_detach(&b);
	return *out ? 0 : trb_err_oom();
}

/* The ignore with a reason naming id on `line` or the line above; ig is sorted by line. */
static const struct rules_ignore *ignore_for(const struct rules_ignore *ig, size_t n_ig, uint32_t line,
					     const char *id)
{
	size_t i, j, lo = 0, hi = n_ig;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (ig[mid].line + 1 < line)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (i = lo; i < n_ig && ig[i].line <= line; i++) {
		if (!ig[i].reason)
			continue;
		for (j = 0; j < ig[i].n_ids; j++)
			if (strcmp(ig[i].ids[j], id) == 0)
				return &ig[i];
	}
	return NULL;
}

static bool is_changed(const uint32_t *changed, size_t n, uint32_t line)
{
	size_t lo = 0, hi = n;

	if (!changed)
		return true;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (changed[mid] == line)
			return true;
		if (changed[mid] < line)
			lo = mid + 1;
		else
			hi = mid;
	}
	return false;
}

static int hit_cmp(const void *a, const void *b)
{
	const struct rules_hit *x = a, *y = b;

	if (x->line != y->line)
		return x->line < y->line ? -1 : 1;
	if (x->col != y->col)
		return x->col < y->col ? -1 : 1;
	return strcmp(x->rule->id, y->rule->id);
}

int rules_scan(struct rules_hits *out, const struct rules *r, const char *path, diff_lang_t lang,
	       const char *text, size_t len, const uint32_t *changed, size_t n_changed, unsigned kinds)
{
	struct rules_text t;
	struct rules_spans sp = {0};
	struct rules_ignore *ig = NULL;
	size_t n_ig = 0, i, first = out->n;
	size_t *line_off = NULL;
	int error;

	if (!path)
		path = "";
	if ((error = rules_text_index(&t, &line_off, text, len)) < 0)
		return error;
	if ((error = rules_find_spans(&sp, r, path, lang, &t, changed, n_changed, kinds)) < 0)
		goto cleanup;
	if ((error = rules_ignores_parse(&ig, &n_ig, &t)) < 0)
		goto cleanup;
	for (i = 0; i < sp.n; i++) {
		const struct rules_span *s = &sp.v[i];
		const struct rules_entry *e = &r->v[s->rule];
		const struct rules_ignore *g;
		struct rules_hit *h;
		if ((error = hits_push(&h, out)) < 0)
			goto cleanup;
		h->rule = &e->info;
		h->line = s->line;
		h->end_line = s->end_line;
		h->col = (uint32_t)(s->start - t.line_off[s->line - 1] + 1);
		h->joined = s->joined;
		if (!(h->path = strdup(path))) {
			error = trb_err_oom();
			goto cleanup;
		}
		if ((error = snippet(&h->snippet, r, &t, s->line, s->start, &sp)) < 0)
			goto cleanup;
		if (e->info.kind == RULES_KIND_SECRET && (error = masked_secret(&h->masked, &t, s)) < 0)
			goto cleanup;
		if ((g = ignore_for(ig, n_ig, s->line, e->info.id)) != NULL) {
			h->suppressed = true;
			h->ignore_line = g->line;
			if (!(h->ignore_reason = strdup(g->reason))) {
				error = trb_err_oom();
				goto cleanup;
			}
		}
	}
	for (i = 0; i < n_ig && (kinds & (1u << RULES_KIND_META)); i++) {
		struct rules_hit *h;
		if (ig[i].reason || !is_changed(changed, n_changed, ig[i].line))
			continue;
		if (out->n - first >= RULES_MAX_SPANS)
			break;
		if ((error = hits_push(&h, out)) < 0)
			goto cleanup;
		h->rule = &r->v[r->ignore_meta].info;
		h->line = h->end_line = ig[i].line;
		h->col = 1;
		if (!(h->path = strdup(path))) {
			error = trb_err_oom();
			goto cleanup;
		}
		if ((error = snippet(&h->snippet, r, &t, ig[i].line, t.line_off[ig[i].line - 1], &sp)) < 0)
			goto cleanup;
	}
	if (out->n - first > 1)
		qsort(out->v + first, out->n - first, sizeof(*out->v), hit_cmp);
	if (sp.n_warnings) {
		char **v = realloc(out->warnings, (out->n_warnings + sp.n_warnings) * sizeof(*v));
		if (!v) {
			error = trb_err_oom();
			goto cleanup;
		}
		out->warnings = v;
		for (i = 0; i < sp.n_warnings; i++) {
			v[out->n_warnings++] = sp.warnings[i];
			sp.warnings[i] = NULL;
		}
		sp.n_warnings = 0;
	}
cleanup:
	rules_ignores_free(ig, n_ig);
	rules_spans_dispose(&sp);
	free(line_off);
	return error;
}
