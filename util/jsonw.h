/* util/jsonw.h: a streaming JSON writer over struct trb_buf, for findings.json and the JSON
 * reports (a cJSON tree of 5,000 findings costs more than all other reports together).
 * In: keys (ours: plain ASCII) and values, in the order they are to appear.
 * Out: two-space indented JSON appended to the buffer, deterministic (the same calls give the same
 * bytes); strings escaped by trb_escape_json, so the output is valid UTF-8 whatever the input.
 * Errors stick in the buffer (trb_buf_error, or the return of trb_jw_finish). It never reorders
 * keys, checks for duplicates or checks that objects and arrays are balanced: callers do. */
#ifndef TRB_UTIL_JSONW_H
#define TRB_UTIL_JSONW_H

#include <stdbool.h>
#include <stddef.h>

#include "util/buf.h"

#define TRB_JW_MAX_DEPTH 32

struct trb_jw {
	struct trb_buf *b;
	unsigned depth;
	unsigned flat;                  /* values at this depth and deeper go on one line; 0: never */
	bool first[TRB_JW_MAX_DEPTH];   /* nothing written yet at this level */
};

void trb_jw_init(struct trb_jw *w, struct trb_buf *b);
/* Like trb_jw_init, but everything at depth >= flat is written on one line (SARIF: one line per
 * location, code flow, rule; half the bytes of full indentation). */
void trb_jw_init_flat(struct trb_jw *w, struct trb_buf *b, unsigned flat);
/* key is NULL inside arrays and at the top */
void trb_jw_obj(struct trb_jw *w, const char *key);
void trb_jw_obj_end(struct trb_jw *w);
void trb_jw_arr(struct trb_jw *w, const char *key);
void trb_jw_arr_end(struct trb_jw *w);
void trb_jw_str(struct trb_jw *w, const char *key, const char *s);          /* NULL: null */
void trb_jw_strn(struct trb_jw *w, const char *key, const char *s, size_t n);
/* An array of strings (n of them; an empty array when n is 0) */
void trb_jw_strv(struct trb_jw *w, const char *key, char *const *v, size_t n);
void trb_jw_uint(struct trb_jw *w, const char *key, unsigned long long v);
/* A number, %.Nf */
void trb_jw_fixed(struct trb_jw *w, const char *key, double v, int decimals);
/* A number that reads back as the same double: the shorter of %.15g and %.17g that does
 * (0.1 is "0.1", not "0.10000000000000001"). NaN and infinities, which JSON cannot carry, are 0. */
void trb_jw_double(struct trb_jw *w, const char *key, double v);
void trb_jw_bool(struct trb_jw *w, const char *key, bool v);
void trb_jw_null(struct trb_jw *w, const char *key);
/* Ends the document with a newline; returns the buffer's error. */
int trb_jw_finish(struct trb_jw *w);

#endif
