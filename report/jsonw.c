/* report/jsonw.c: a streaming JSON writer over trb_buf: two-space indentation, keys in the order
 * written (deterministic output), strings escaped by trb_escape_json (valid UTF-8 always). */
#include "report/internal.h"

#include <math.h>
#include <string.h>

#include "util/err.h"
#include "util/escape.h"

void jw_init(struct jw *w, struct trb_buf *b)
{
	w->b = b;
	w->depth = 0;
	w->flat = 0;
	w->first[0] = true;
}

void jw_init_flat(struct jw *w, struct trb_buf *b, unsigned flat)
{
	jw_init(w, b);
	w->flat = flat;
}

static bool flat_at(const struct jw *w, unsigned depth)
{
	return w->flat && depth >= w->flat;
}

static void indent(struct jw *w)
{
	static const char spaces[] = "\n                                                                ";

	trb_buf_put(w->b, spaces, 1 + 2 * (w->depth < 32 ? w->depth : 32));
}

/* Separator, indentation and key before a value */
static void prefix(struct jw *w, const char *key)
{
	if (w->depth > 0) {
		if (!w->first[w->depth])
			trb_buf_put(w->b, ", ", flat_at(w, w->depth) ? 2 : 1);
		if (!flat_at(w, w->depth))
			indent(w);
	}
	w->first[w->depth] = false;
	if (key) {
		trb_buf_putc(w->b, '"');
		trb_escape_json(w->b, key, strlen(key));
		trb_buf_put(w->b, "\": ", 3);
	}
}

static void open_level(struct jw *w, const char *key, char c)
{
	prefix(w, key);
	trb_buf_putc(w->b, c);
	if (TRB_ALWAYS(w->depth + 1 < JW_MAX_DEPTH)) {
		w->depth++;
		w->first[w->depth] = true;
	}
}

static void close_level(struct jw *w, char c)
{
	bool empty = w->first[w->depth], flat = flat_at(w, w->depth);

	if (TRB_ALWAYS(w->depth > 0))
		w->depth--;
	if (!empty && !flat)
		indent(w);
	trb_buf_putc(w->b, c);
}

void jw_obj(struct jw *w, const char *key)
{
	open_level(w, key, '{');
}

void jw_obj_end(struct jw *w)
{
	close_level(w, '}');
}

void jw_arr(struct jw *w, const char *key)
{
	open_level(w, key, '[');
}

void jw_arr_end(struct jw *w)
{
	close_level(w, ']');
}

void jw_strn(struct jw *w, const char *key, const char *s, size_t n)
{
	prefix(w, key);
	trb_buf_putc(w->b, '"');
	trb_escape_json(w->b, s, n);
	trb_buf_putc(w->b, '"');
}

void jw_str(struct jw *w, const char *key, const char *s)
{
	if (!s)
		jw_null(w, key);
	else
		jw_strn(w, key, s, strlen(s));
}

void jw_uint(struct jw *w, const char *key, unsigned long long v)
{
	char digits[24];
	size_t n = sizeof(digits);

	prefix(w, key);
	/* by hand: printf is the slowest step of a 5,000-finding SARIF file */
	do {
		digits[--n] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	trb_buf_put(w->b, digits + n, sizeof(digits) - n);
}

void jw_fixed(struct jw *w, const char *key, double v, int decimals)
{
	prefix(w, key);
	if (!isfinite(v))
		v = 0;
	trb_buf_printf(w->b, "%.*f", decimals, v);
}

void jw_bool(struct jw *w, const char *key, bool v)
{
	prefix(w, key);
	trb_buf_puts(w->b, v ? "true" : "false");
}

void jw_null(struct jw *w, const char *key)
{
	prefix(w, key);
	trb_buf_puts(w->b, "null");
}

int jw_finish(struct jw *w)
{
	trb_buf_putc(w->b, '\n');
	return trb_buf_error(w->b);
}
