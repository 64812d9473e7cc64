/* util/array.h: growing a heap array of fixed-size elements.
 * Callers keep (pointer, count, capacity) themselves; this only makes room, doubling the capacity
 * with overflow-checked sizes (a count near SIZE_MAX fails with TRB_ELIMIT, never wraps). */
#ifndef TRB_UTIL_ARRAY_H
#define TRB_UTIL_ARRAY_H

#include <stddef.h>

/* The element count of an array (not of a pointer). */
#define TRB_ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* Makes room for element index n of *v (elements of `elem` bytes): afterwards *cap > n. Grows by
 * doubling from 4; *v and *cap change only on success. 0, TRB_ENOMEM or TRB_ELIMIT (message set). */
int trb_array_grow(void **v, size_t *cap, size_t n, size_t elem);

#endif
