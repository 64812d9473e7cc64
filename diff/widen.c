/* diff/widen.c: grows each hunk to the function or class around it, the way a reviewer reads it.
 * Brace languages use a small lexer (strings and comments skipped) to pair braces; Python and Ruby
 * use indentation. A wrong guess only costs context, never correctness: the changed lines are
 * always kept. */
#include "diff/diff_int.h"

#include <stdlib.h>
#include <string.h>

#include "util/array.h"
#include "util/err.h"

#define NO_BLOCK UINT32_MAX

/* Blocks are numbered in the order they open, so a block's parent has a smaller index. */
struct block {
	uint32_t open, close;    /* header line (incl. signature) and closing line; close 0: unclosed */
	uint32_t parent;         /* the closed block around it, or NO_BLOCK */
	uint32_t indent;         /* indentation of the header (Python, Ruby) */
};

struct blocks {
	struct block *v;
	size_t n, cap;
	/* per line (1-based, n_lines + 2 entries): the innermost closed block around the line,
	 * NO_BLOCK when none; for braces, around the start of the line (blocks opened on it are
	 * blocks first[line] .. first[line + 1] - 1) */
	uint32_t *top;
	uint32_t *first;
};

static int blocks_push(struct blocks *b, uint32_t open, uint32_t parent, uint32_t indent)
{
	int error;

	if ((error = trb_array_grow((void **)&b->v, &b->cap, b->n, sizeof(*b->v))) < 0)
		return error;
	b->v[b->n].open = open;
	b->v[b->n].close = 0;
	b->v[b->n].parent = parent;
	b->v[b->n].indent = indent;
	b->n++;
	return 0;
}

static void blocks_dispose(struct blocks *b)
{
	free(b->v);
	free(b->top);
	free(b->first);
}

int diff_line_index(uint32_t **out, uint32_t *n_lines, const char *text, size_t len)
{
	uint32_t *off, n = 0;
	size_t i, cap = 1;
	const char *p;

	*out = NULL;
	*n_lines = 0;
	if (len >= UINT32_MAX)
		return trb_err_set(TRB_ELIMIT, "file too large to index");
	for (p = text; (p = memchr(p, '\n', len - (size_t)(p - text))) != NULL; p++)
		cap++;
	if (!(off = malloc((cap + 1) * sizeof(*off))))
		return trb_err_oom();
	off[0] = 0;
	for (i = 0; i < len; i++) {
		const char *nl = memchr(text + i, '\n', len - i);
		if (!nl)
			break;
		i = (size_t)(nl - text);
		off[++n] = (uint32_t)(i + 1);
	}
	if (len > 0 && text[len - 1] != '\n')
		off[++n] = (uint32_t)len;
	*out = off;
	*n_lines = n;
	return 0;
}

/* ---- brace languages ------------------------------------------------------------------------ */

struct lexer {
	const char *line_comment;   /* "//" or "#" */
	bool hash_comment;          /* PHP: '#' as well as "//" */
	bool block_comment;
	bool squote_string;         /* '...' is a string (JS, PHP, shell), else a char literal */
	bool backtick_string;       /* JS template literals, Go raw strings */
};

static void lexer_for(struct lexer *lx, diff_lang_t lang)
{
	memset(lx, 0, sizeof(*lx));
	lx->line_comment = "//";
	lx->block_comment = true;
	switch (lang) {
	case DIFF_LANG_JS:
	case DIFF_LANG_TS:
		lx->squote_string = true;
		lx->backtick_string = true;
		break;
	case DIFF_LANG_GO:
		lx->backtick_string = true;
		break;
	case DIFF_LANG_PHP:
		lx->squote_string = true;
		lx->hash_comment = true;
		break;
	case DIFF_LANG_SHELL:
		lx->line_comment = "#";
		lx->block_comment = false;
		lx->squote_string = true;
		break;
	default:
		break;
	}
}

static bool is_blank(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r' && s[i] != '\n')
			return false;
	return true;
}

/* Last non-space byte of a line, or 0. */
static char last_char(const char *s, size_t n)
{
	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r' || s[n - 1] == '\n'))
		n--;
	return n ? s[n - 1] : 0;
}

/* The bytes the brace lexer acts on in code. */
static const unsigned char special[256] = {
	['{'] = 1, ['}'] = 1, ['"'] = 1, ['\''] = 1, ['`'] = 1, ['/'] = 1, ['#'] = 1,
};

/* Pairs braces; each pair becomes a block from the line of '{' to the line of '}'. Fills top and
 * first; parents skip unclosed braces, so that walking out from a line never visits them. */
static int scan_braces(struct blocks *out, uint32_t **depth_out, const char *text,
		       const uint32_t *off, uint32_t n_lines, diff_lang_t lang)
{
	struct lexer lx;
	uint32_t *stack = NULL, *depth = NULL;
	size_t sp = 0, scap = 0, i;
	uint32_t line;
	enum { CODE, BLOCK_COMMENT, BACKTICK } st = CODE;
	int error = 0;

	lexer_for(&lx, lang);
	if (!(depth = calloc((size_t)n_lines + 2, sizeof(*depth))) ||
	    !(out->top = malloc(((size_t)n_lines + 2) * sizeof(*out->top))) ||
	    !(out->first = malloc(((size_t)n_lines + 2) * sizeof(*out->first)))) {
		free(depth);
		return trb_err_oom();
	}
	out->top[0] = NO_BLOCK;
	out->first[0] = 0;
	for (line = 1; line <= n_lines; line++) {
		const char *s = text + off[line - 1];
		size_t n = off[line] - off[line - 1];

		i = 0;
		depth[line] = (uint32_t)sp;
		out->top[line] = sp ? stack[sp - 1] : NO_BLOCK;
		out->first[line] = (uint32_t)out->n;
		while (i < n) {
			char c;
			/* most bytes are none of { } " ' ` / # \ *: skip them in a tight loop */
			if (st == CODE)
				while (i < n && !special[(unsigned char)s[i]])
					i++;
			if (i >= n)
				break;
			c = s[i];
			if (st == BLOCK_COMMENT) {
				if (c == '*' && i + 1 < n && s[i + 1] == '/') {
					st = CODE;
					i += 2;
				} else {
					i++;
				}
				continue;
			}
			if (st == BACKTICK) {
				if (c == '\\' && lang != DIFF_LANG_GO)
					i += 2;
				else {
					if (c == '`')
						st = CODE;
					i++;
				}
				continue;
			}
			if (lx.block_comment && c == '/' && i + 1 < n && s[i + 1] == '*') {
				st = BLOCK_COMMENT;
				i += 2;
				continue;
			}
			if ((lx.line_comment[0] == '/' && c == '/' && i + 1 < n && s[i + 1] == '/') ||
			    (lx.line_comment[0] == '#' && c == '#' && (i == 0 || s[i - 1] == ' ' || s[i - 1] == '\t')) ||
			    (lx.hash_comment && c == '#'))
				break;  /* rest of the line */
			if (c == '"' || (c == '\'' && lx.squote_string)) {
				/* ends at the quote or at the end of the line: an unclosed string must not
				 * swallow the rest of the file */
				char q = c;
				i++;
				while (i < n && s[i] != q && s[i] != '\n') {
					if (s[i] == '\\' && !(lang == DIFF_LANG_SHELL && q == '\''))
						i++;
					i++;
				}
				i++;
				continue;
			}
			if (c == '\'') {
				/* char literal ('x', '\n', '\u{1F600}') or a Rust lifetime ('a) */
				if (i + 2 < n && s[i + 1] != '\\' && s[i + 2] == '\'')
					i += 3;
				else if (i + 1 < n && s[i + 1] == '\\') {
					size_t j = i + 2;
					while (j < n && j < i + 12 && s[j] != '\'')
						j++;
					i = j + 1;
				} else
					i++;
				continue;
			}
			if (c == '`' && lx.backtick_string) {
				st = BACKTICK;
				i++;
				continue;
			}
			if (c == '{') {
				if ((error = trb_array_grow((void **)&stack, &scap, sp, sizeof(*stack))) < 0)
					goto done;
				if ((error = blocks_push(out, line, sp ? stack[sp - 1] : NO_BLOCK, 0)) < 0)
					goto done;
				stack[sp++] = (uint32_t)(out->n - 1);
			} else if (c == '}' && sp > 0) {
				out->v[stack[--sp]].close = line;
			}
			i++;
		}
	}
	depth[n_lines + 1] = (uint32_t)sp;
	out->top[n_lines + 1] = NO_BLOCK;
	out->first[n_lines + 1] = (uint32_t)out->n;
	/* parents in opening order, so each one's own parent is already a closed block */
	for (i = 0; i < out->n; i++) {
		uint32_t p = out->v[i].parent;
		if (p != NO_BLOCK && out->v[p].close == 0)
			out->v[i].parent = out->v[p].parent;
	}
	for (line = 1; line <= n_lines; line++) {
		uint32_t t = out->top[line];
		if (t != NO_BLOCK && out->v[t].close == 0)
			out->top[line] = out->v[t].parent;
	}
done:
	free(stack);
	if (error < 0) {
		free(depth);
		return error;
	}
	*depth_out = depth;
	return 0;
}

/* Moves a block's start up over its signature: lines at the same depth that do not end a
 * statement (multi-line signatures, Allman braces, annotations, doc comments). */
static uint32_t signature_start(const char *text, const uint32_t *off, const uint32_t *depth,
				uint32_t open)
{
	uint32_t l = open, k;

	for (k = 0; k < DIFF_SIGNATURE_LINES && l > 1; k++) {
		const char *s = text + off[l - 2];
		size_t n = off[l - 1] - off[l - 2];
		char c = last_char(s, n);
		if (is_blank(s, n) || c == ';' || c == '}' || c == '{' || depth[l - 1] != depth[open])
			break;
		l--;
	}
	return l;
}

/* ---- indentation languages ------------------------------------------------------------------ */

static int indent_of(const char *s, size_t n, bool *blank)
{
	size_t i;
	int col = 0;

	for (i = 0; i < n; i++) {
		if (s[i] == ' ')
			col++;
		else if (s[i] == '\t')
			col = (col / 8 + 1) * 8;
		else
			break;
	}
	*blank = (i >= n || s[i] == '\n' || s[i] == '\r' || s[i] == '#');
	return col;
}

static bool starts_word(const char *s, size_t n, const char *w)
{
	size_t k = strlen(w);

	return n > k && memcmp(s, w, k) == 0 && (s[k] == ' ' || s[k] == '\t' || s[k] == '(' || s[k] == ':');
}

static bool is_header(diff_lang_t lang, const char *s, size_t n)
{
	while (n > 0 && (*s == ' ' || *s == '\t')) {
		s++;
		n--;
	}
	if (lang == DIFF_LANG_PYTHON)
		return starts_word(s, n, "def") || starts_word(s, n, "class") ||
		       (starts_word(s, n, "async") && n > 9 && memcmp(s + 6, "def", 3) == 0);
	return starts_word(s, n, "def") || starts_word(s, n, "class") || starts_word(s, n, "module");
}

static bool is_end(const char *s, size_t n)
{
	while (n > 0 && (*s == ' ' || *s == '\t')) {
		s++;
		n--;
	}
	return n >= 3 && memcmp(s, "end", 3) == 0 && (n == 3 || s[3] == '\n' || s[3] == '\r' ||
						      s[3] == ' ' || s[3] == '#');
}

/* Every `def`/`class` (Ruby: also `module`) block of the file in one pass, with its end: before
 * the next non-blank line indented as much or less (Python), or that line when it is the
 * matching `end` (Ruby). A stack of open headers, each indented deeper than the one below, so
 * top[line] (the innermost block holding the line) is the stack's top. */
static int scan_indent(struct blocks *out, const char *text, const uint32_t *off, uint32_t n_lines,
		       diff_lang_t lang)
{
	uint32_t *stack = NULL, k, l, prev = 0;
	size_t sp = 0, scap = 0;
	int error = 0;

	if (!(out->top = malloc(((size_t)n_lines + 2) * sizeof(*out->top))))
		return trb_err_oom();
	out->top[0] = NO_BLOCK;
	for (k = 1; k <= n_lines; k++) {
		const char *s = text + off[k - 1];
		size_t n = off[k] - off[k - 1];
		uint32_t inner, ended = NO_BLOCK;
		bool blank;
		int ind = indent_of(s, n, &blank);

		if (blank)
			continue;
		while (sp > 0 && (int)out->v[stack[sp - 1]].indent >= ind) {
			uint32_t b = stack[--sp];
			if (lang == DIFF_LANG_RUBY && (int)out->v[b].indent == ind && is_end(s, n)) {
				out->v[b].close = k;
				ended = b;
			} else {
				out->v[b].close = prev;
			}
		}
		/* the blank lines before this one belong to what is still open, and to a block that
		 * this line ends */
		inner = ended != NO_BLOCK ? ended : sp ? stack[sp - 1] : NO_BLOCK;
		for (l = prev + 1; l < k; l++)
			out->top[l] = inner;
		out->top[k] = inner;
		prev = k;
		if (!is_header(lang, s, n))
			continue;
		/* decorators above a Python header */
		l = k;
		while (l > 1) {
			const char *t = text + off[l - 2];
			size_t tn = off[l - 1] - off[l - 2];
			bool tb;
			int ti = indent_of(t, tn, &tb);
			if (tb || ti != ind || t[ti < (int)tn ? ti : 0] != '@')
				break;
			l--;
		}
		if ((error = trb_array_grow((void **)&stack, &scap, sp, sizeof(*stack))) < 0)
			goto done;
		if ((error = blocks_push(out, l, sp ? stack[sp - 1] : NO_BLOCK, (uint32_t)ind)) < 0)
			goto done;
		stack[sp++] = (uint32_t)(out->n - 1);
		out->top[k] = (uint32_t)(out->n - 1);
	}
	while (sp > 0)
		out->v[stack[--sp]].close = prev;
	for (l = prev + 1; l <= n_lines + 1; l++)
		out->top[l] = NO_BLOCK;
done:
	free(stack);
	return error;
}

/* ---- widening ------------------------------------------------------------------------------- */

struct rangev {
	struct diff_range *v;
	size_t n, cap;
};

static int rv_push(struct rangev *r, uint32_t start, uint32_t end)
{
	int error;

	if ((error = trb_array_grow((void **)&r->v, &r->cap, r->n, sizeof(*r->v))) < 0)
		return error;
	r->v[r->n].start = start;
	r->v[r->n].end = end;
	r->v[r->n].changed = 0;
	r->n++;
	return 0;
}

static int cmp_range(const void *a, const void *b)
{
	const struct diff_range *x = a, *y = b;

	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	if (x->end != y->end)
		return x->end < y->end ? -1 : 1;
	return 0;
}

static bool brace_lang(diff_lang_t l)
{
	return l != DIFF_LANG_NONE && l != DIFF_LANG_PYTHON && l != DIFF_LANG_RUBY && l != DIFF_LANG_SQL;
}

/* What to show of the blocks that enclose a line: the longest that fits the cap (a whole small
 * class, else the method), and the shortest (whose header names the function). */
struct choice {
	const struct block *fit;
	const struct block *inner;
};

static void consider(struct choice *c, const struct block *k, uint32_t line, unsigned cap)
{
	uint32_t len = k->close - k->open;

	if (k->close == 0 || k->open > line || k->close < line)
		return;
	/* ties go to the block that closes first */
	if (len < cap && (!c->fit || len > c->fit->close - c->fit->open ||
			  (len == c->fit->close - c->fit->open && k->close < c->fit->close)))
		c->fit = k;
	if (!c->inner || len < c->inner->close - c->inner->open ||
	    (len == c->inner->close - c->inner->open && k->close < c->inner->close))
		c->inner = k;
}

/* The blocks around `line`: those open at its start (braces) or holding it (indentation), walked
 * outwards and no further than the first one over the cap, which is as far as a fitting block
 * can be; for braces also those opened on the line or starting on it with their signature.
 * O(depth) per line, so that no file makes widening quadratic. */
static void choose(struct choice *c, const struct blocks *b, bool braces, uint32_t line, uint32_t n_lines,
		   unsigned cap)
{
	uint32_t i, l;

	c->fit = c->inner = NULL;
	if (braces)
		for (l = line; l <= n_lines && l <= line + DIFF_SIGNATURE_LINES; l++)
			for (i = b->first[l]; i < b->first[l + 1]; i++)
				consider(c, &b->v[i], line, cap);
	for (i = b->top[line]; i != NO_BLOCK; i = b->v[i].parent) {
		consider(c, &b->v[i], line, cap);
		if (b->v[i].close - b->v[i].open >= cap)
			break;
	}
}

int diff_widen(struct diff_range **out, size_t *n_out, const char *text, const uint32_t *line_off,
	       uint32_t n_lines, diff_lang_t lang, const struct diff_range *targets, size_t n_targets,
	       const uint32_t *changed, size_t n_changed, unsigned context, unsigned cap)
{
	struct blocks blocks = {0};
	struct rangev rv = {0};
	uint32_t *depth = NULL;
	size_t t, i, w, c;
	bool braces = brace_lang(lang), indent = lang == DIFF_LANG_PYTHON || lang == DIFF_LANG_RUBY;
	int error = 0;

	*out = NULL;
	*n_out = 0;
	if (n_lines == 0)
		return 0;
	if (braces) {
		if ((error = scan_braces(&blocks, &depth, text, line_off, n_lines, lang)) < 0)
			goto done;
		for (i = 0; i < blocks.n; i++)
			if (blocks.v[i].close)
				blocks.v[i].open = signature_start(text, line_off, depth, blocks.v[i].open);
	} else if (indent && (error = scan_indent(&blocks, text, line_off, n_lines, lang)) < 0) {
		goto done;
	}
	for (t = 0; t < n_targets; t++) {
		uint32_t a = targets[t].start, b = targets[t].end, ends[2];
		size_t e;

		if (a < 1)
			a = 1;
		if (b > n_lines)
			b = n_lines;
		if (a > n_lines)
			a = n_lines;
		if (b < a)
			b = a;
		if ((error = rv_push(&rv, a, b)) < 0)
			goto done;
		if (!braces && !indent)
			continue;
		/* each end of the hunk may sit in a different function */
		ends[0] = a;
		ends[1] = b;
		for (e = 0; e < 2; e++) {
			struct choice ch;

			if (e == 1 && b == a)
				break;
			choose(&ch, &blocks, braces, ends[e], n_lines, cap);
			if (ch.fit) {
				if ((error = rv_push(&rv, ch.fit->open, ch.fit->close)) < 0)
					goto done;
			} else if (ch.inner) {
				/* too long to include: keep at least the header that names it */
				uint32_t hend = ch.inner->open + 2 < ends[e] ? ch.inner->open + 2 : ends[e];
				if ((error = rv_push(&rv, ch.inner->open, hend)) < 0)
					goto done;
			}
		}
	}
	/* context, clamp */
	for (i = 0; i < rv.n; i++) {
		rv.v[i].start = rv.v[i].start > context ? rv.v[i].start - context : 1;
		rv.v[i].end = rv.v[i].end + context < n_lines ? rv.v[i].end + context : n_lines;
	}
	qsort(rv.v, rv.n, sizeof(*rv.v), cmp_range);
	for (i = 0, w = 0; i < rv.n; i++) {
		if (w > 0 && rv.v[i].start <= rv.v[w - 1].end + 1) {
			if (rv.v[i].end > rv.v[w - 1].end)
				rv.v[w - 1].end = rv.v[i].end;
			continue;
		}
		rv.v[w++] = rv.v[i];
	}
	rv.n = w;
	for (i = 0, c = 0; i < rv.n; i++) {
		while (c < n_changed && changed[c] < rv.v[i].start)
			c++;
		while (c < n_changed && changed[c] <= rv.v[i].end) {
			rv.v[i].changed++;
			c++;
		}
	}
	*out = rv.v;
	*n_out = rv.n;
	rv.v = NULL;
done:
	free(rv.v);
	blocks_dispose(&blocks);
	free(depth);
	return error;
}
