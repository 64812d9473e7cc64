/* util/buf.h: a growable byte buffer with a hard size limit and a sticky failure.
 * Every string tribunal builds goes through it (cf. curl dynbuf, libgit2 git_str): appends after a
 * failure are no-ops, so a run of appends is checked once with trb_buf_error(). The contents are
 * always NUL-terminated. trb_buf_dispose() releases them; trb_buf_detach() hands them over. */
#ifndef TRB_UTIL_BUF_H
#define TRB_UTIL_BUF_H

#include <stdarg.h>
#include <stddef.h>

struct trb_buf {
	char *ptr;
	size_t len;
	size_t cap;
	size_t limit;   /* largest len allowed */
	int error;      /* 0, TRB_ENOMEM or TRB_ELIMIT: sticky */
};

/* Limits named for what they hold, so a runaway input fails with a clear TRB_ELIMIT. */
#define TRB_LIMIT_SMALL   ((size_t)64 * 1024)
#define TRB_LIMIT_FILE    ((size_t)64 * 1024 * 1024)
#define TRB_LIMIT_PROMPT  ((size_t)16 * 1024 * 1024)
#define TRB_LIMIT_REPORT  ((size_t)512 * 1024 * 1024)

#define TRB_BUF_INIT(lim) { NULL, 0, 0, (lim), 0 }

void trb_buf_init(struct trb_buf *b, size_t limit);
void trb_buf_dispose(struct trb_buf *b);
/* Returns the contents (caller frees) and resets b; NULL when b failed or is empty-and-unallocated
 * (an empty buffer detaches as an allocated ""). */
char *trb_buf_detach(struct trb_buf *b);
void trb_buf_clear(struct trb_buf *b);

int trb_buf_put(struct trb_buf *b, const void *data, size_t len);
int trb_buf_puts(struct trb_buf *b, const char *s);
int trb_buf_putc(struct trb_buf *b, char c);
int trb_buf_printf(struct trb_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int trb_buf_vprintf(struct trb_buf *b, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));
/* Ensures room for `more` bytes plus the terminator. */
int trb_buf_grow(struct trb_buf *b, size_t more);

/* 0, or the sticky code with a message set. */
int trb_buf_error(const struct trb_buf *b);

/* The contents, "" when nothing was appended. Borrowed until the next append or dispose. */
const char *trb_buf_cstr(const struct trb_buf *b);

#endif
