/* util/err.h: error codes and the per-thread error message.
 * Functions that can fail return 0 or one of the negative codes below; the message explaining the
 * failure is recorded where it is found, with trb_err_set(), and read by cmd/ with trb_err_msg().
 * Messages never hold API keys, prompts or repository code. */
#ifndef TRB_UTIL_ERR_H
#define TRB_UTIL_ERR_H

#include <stddef.h>

enum {
	TRB_OK = 0,
	TRB_ERROR = -1,    /* generic failure */
	TRB_ENOMEM = -2,   /* allocation failed */
	TRB_EINVAL = -3,   /* bad input: policy, flags, repository content, model reply */
	TRB_ENOTFOUND = -4,/* revision, file or key not found */
	TRB_EIO = -5,      /* file system */
	TRB_ENET = -6,     /* provider or network failure */
	TRB_ELIMIT = -7    /* a size, depth or budget limit was hit */
};

/* Records the message for the current thread and returns code, so that callers can write
 * `return trb_err_set(TRB_EINVAL, "...")`. */
#define trb_err_set(code, ...) trb_err_set_at(__FILE__, __LINE__, (code), __VA_ARGS__)
int trb_err_set_at(const char *file, int line, int code, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* Adds context in front of the current message ("policy.yml: " + message). */
int trb_err_prefix(int code, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* The last message of this thread, or "" when none was set. Valid until the next trb_err_*. */
const char *trb_err_msg(void);
/* Where the last message was set (file:line), for --verbose. */
const char *trb_err_where(void);
void trb_err_clear(void);

/* Out-of-memory helper: sets "out of memory" and returns TRB_ENOMEM. */
int trb_err_oom(void);

/* Overflow-checked size arithmetic; fail with TRB_ELIMIT. */
int trb_add_size(size_t *out, size_t a, size_t b);
int trb_mul_size(size_t *out, size_t a, size_t b);

/* Debug assert that stays a checked failure in release builds (cf. SQLite ALWAYS/NEVER). */
#ifdef NDEBUG
#define TRB_ALWAYS(x) (x)
#else
#include <assert.h>
#define TRB_ALWAYS(x) ((x) ? 1 : (assert(0 && #x), 0))
#endif

#endif
