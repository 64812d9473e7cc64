#include "util/buf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/err.h"

void trb_buf_init(struct trb_buf *b, size_t limit)
{
	b->ptr = NULL;
	b->len = 0;
	b->cap = 0;
	b->limit = limit;
	b->error = 0;
}

void trb_buf_dispose(struct trb_buf *b)
{
	free(b->ptr);
	b->ptr = NULL;
	b->len = 0;
	b->cap = 0;
	b->error = 0;
}

void trb_buf_clear(struct trb_buf *b)
{
	b->len = 0;
	b->error = 0;
	if (b->ptr)
		b->ptr[0] = '\0';
}

char *trb_buf_detach(struct trb_buf *b)
{
	char *p;

	if (b->error) {
		trb_buf_dispose(b);
		return NULL;
	}
	if (!b->ptr && trb_buf_grow(b, 0) < 0)
		return NULL;
	p = b->ptr;
	b->ptr = NULL;
	b->len = 0;
	b->cap = 0;
	return p;
}

int trb_buf_grow(struct trb_buf *b, size_t more)
{
	size_t need, cap;
	char *p;

	if (b->error)
		return b->error;
	if (__builtin_add_overflow(b->len, more, &need) || need > b->limit) {
		b->error = TRB_ELIMIT;
		return trb_err_set(TRB_ELIMIT, "text exceeds its limit of %zu bytes", b->limit);
	}
	if (need + 1 <= b->cap)
		return 0;
	cap = b->cap ? b->cap : 64;
	while (cap < need + 1) {
		if (cap > ((size_t)-1) / 2) {
			cap = need + 1;
			break;
		}
		cap *= 2;
	}
	p = realloc(b->ptr, cap);
	if (!p) {
		b->error = TRB_ENOMEM;
		return trb_err_oom();
	}
	if (!b->ptr)
		p[0] = '\0';
	b->ptr = p;
	b->cap = cap;
	return 0;
}

int trb_buf_put(struct trb_buf *b, const void *data, size_t len)
{
	int error;

	if ((error = trb_buf_grow(b, len)) < 0)
		return error;
	if (len)
		memcpy(b->ptr + b->len, data, len);
	b->len += len;
	b->ptr[b->len] = '\0';
	return 0;
}

int trb_buf_puts(struct trb_buf *b, const char *s)
{
	return trb_buf_put(b, s, strlen(s));
}

int trb_buf_putc(struct trb_buf *b, char c)
{
	return trb_buf_put(b, &c, 1);
}

int trb_buf_vprintf(struct trb_buf *b, const char *fmt, va_list ap)
{
	va_list ap2;
	int n, error;

	if (b->error)
		return b->error;
	va_copy(ap2, ap);
	n = vsnprintf(NULL, 0, fmt, ap2);
	va_end(ap2);
	if (n < 0) {
		b->error = TRB_ERROR;
		return trb_err_set(TRB_ERROR, "format error");
	}
	if ((error = trb_buf_grow(b, (size_t)n)) < 0)
		return error;
	vsnprintf(b->ptr + b->len, (size_t)n + 1, fmt, ap);
	b->len += (size_t)n;
	return 0;
}

int trb_buf_printf(struct trb_buf *b, const char *fmt, ...)
{
	va_list ap;
	int error;

	va_start(ap, fmt);
	error = trb_buf_vprintf(b, fmt, ap);
	va_end(ap);
	return error;
}

int trb_buf_error(const struct trb_buf *b)
{
	if (b->error == TRB_ELIMIT)
		return trb_err_set(TRB_ELIMIT, "text exceeds its limit of %zu bytes", b->limit);
	if (b->error)
		return trb_err_set(b->error, "out of memory");
	return 0;
}

const char *trb_buf_cstr(const struct trb_buf *b)
{
	return b->ptr ? b->ptr : "";
}
