/* util/jsonw.c: a streaming JSON writer over trb_buf (see jsonw.h). */
#include "util/jsonw.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/err.h"
#include "util/escape.h"

void trb_jw_init(struct trb_jw *w, struct trb_buf *b)
{
	w->b = b;
	w->depth = 0;
	w->flat = 0;
	w->first[0] = true;
}

void trb_jw_init_flat(struct trb_jw *w, struct trb_buf *b, unsigned flat)
{
	trb_jw_init(w, b);
	w->flat = flat;
}

static bool flat_at(const struct trb_jw *w, unsigned depth)
{
	return w->flat && depth >= w->flat;
}

static void indent(struct trb_jw *w)
{
	static const char spaces[] = "\n                                                                ";

	trb_buf_put(w->b, spaces, 1 + 2 * (w->depth < 32 ? w->depth : 32));
}

/* Separator, indentation and key before a value */
static void prefix(struct trb_jw *w, const char *key)
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

static void open_level(struct trb_jw *w, const char *key, char c)
{
	prefix(w, key);
	trb_buf_putc(w->b, c);
	if (TRB_ALWAYS(w->depth + 1 < TRB_JW_MAX_DEPTH)) {
		w->depth++;
		w->first[w->depth] = true;
	}
}

static void close_level(struct trb_jw *w, char c)
{
	bool empty = w->first[w->depth], flat = flat_at(w, w->depth);

	if (TRB_ALWAYS(w->depth > 0))
		w->depth--;
	if (!empty && !flat)
		indent(w);
	trb_buf_putc(w->b, c);
}

void trb_jw_obj(struct trb_jw *w, const char *key)
{
	open_level(w, key, '{');
}

void trb_jw_obj_end(struct trb_jw *w)
{
	close_level(w, '}');
}

void trb_jw_arr(struct trb_jw *w, const char *key)
{
	open_level(w, key, '[');
}

void trb_jw_arr_end(struct trb_jw *w)
{
	close_level(w, ']');
}

void trb_jw_strn(struct trb_jw *w, const char *key, const char *s, size_t n)
{
	prefix(w, key);
	trb_buf_putc(w->b, '"');
	trb_escape_json(w->b, s, n);
	trb_buf_putc(w->b, '"');
}

void trb_jw_str(struct trb_jw *w, const char *key, const char *s)
{
	if (!s)
		trb_jw_null(w, key);
	else
		trb_jw_strn(w, key, s, strlen(s));
}

void trb_jw_strv(struct trb_jw *w, const char *key, char *const *v, size_t n)
{
	size_t i;

	trb_jw_arr(w, key);
	for (i = 0; i < n; i++)
		trb_jw_str(w, NULL, v[i]);
	trb_jw_arr_end(w);
}

void trb_jw_uint(struct trb_jw *w, const char *key, unsigned long long v)
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

void trb_jw_fixed(struct trb_jw *w, const char *key, double v, int decimals)
{
	prefix(w, key);
	if (!isfinite(v))
		v = 0;
	trb_buf_printf(w->b, "%.*f", decimals, v);
}

void trb_jw_double(struct trb_jw *w, const char *key, double v)
{
	char tmp[40];

	prefix(w, key);
	if (!isfinite(v))
		v = 0;
	snprintf(tmp, sizeof(tmp), "%.15g", v);
	if (strtod(tmp, NULL) != v)
		snprintf(tmp, sizeof(tmp), "%.17g", v);
	trb_buf_puts(w->b, tmp);
}

void trb_jw_bool(struct trb_jw *w, const char *key, bool v)
{
	prefix(w, key);
	trb_buf_puts(w->b, v ? "true" : "false");
}

void trb_jw_null(struct trb_jw *w, const char *key)
{
	prefix(w, key);
	trb_buf_puts(w->b, "null");
}

int trb_jw_finish(struct trb_jw *w)
{
	trb_buf_putc(w->b, '\n');
	return trb_buf_error(w->b);
}
