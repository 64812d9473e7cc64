#include "util/err.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#define ERR_MSG_MAX 2048

static _Thread_local char err_msg[ERR_MSG_MAX];
static _Thread_local char err_where[128];

int trb_err_set_at(const char *file, int line, int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err_msg, sizeof(err_msg), fmt, ap);
	va_end(ap);
	snprintf(err_where, sizeof(err_where), "%s:%d", file, line);
	return code;
}

int trb_err_prefix(int code, const char *fmt, ...)
{
	char prefix[512], old[ERR_MSG_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(prefix, sizeof(prefix), fmt, ap);
	va_end(ap);
	memcpy(old, err_msg, sizeof(old));
	{
		size_t pn = strnlen(prefix, sizeof(prefix)), on = strnlen(old, sizeof(old));
		if (pn > sizeof(err_msg) - 1)
			pn = sizeof(err_msg) - 1;
		if (on > sizeof(err_msg) - 1 - pn)
			on = sizeof(err_msg) - 1 - pn;
		memcpy(err_msg, prefix, pn);
		memcpy(err_msg + pn, old, on);
		err_msg[pn + on] = '\0';
	}
	return code;
}

const char *trb_err_msg(void)
{
	return err_msg;
}

const char *trb_err_where(void)
{
	return err_where;
}

void trb_err_clear(void)
{
	err_msg[0] = '\0';
	err_where[0] = '\0';
}

int trb_err_oom(void)
{
	return trb_err_set(TRB_ENOMEM, "out of memory");
}

int trb_add_size(size_t *out, size_t a, size_t b)
{
	if (__builtin_add_overflow(a, b, out))
		return trb_err_set(TRB_ELIMIT, "size overflow");
	return 0;
}

int trb_mul_size(size_t *out, size_t a, size_t b)
{
	if (__builtin_mul_overflow(a, b, out))
		return trb_err_set(TRB_ELIMIT, "size overflow");
	return 0;
}
