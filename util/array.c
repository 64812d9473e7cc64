#include "util/array.h"

#include <stdlib.h>

#include "util/err.h"

int trb_array_grow(void **v, size_t *cap, size_t n, size_t elem)
{
	size_t ncap = *cap ? *cap : 4, bytes;
	void *p;

	if (n < *cap)
		return 0;
	while (ncap <= n)
		if (trb_mul_size(&ncap, ncap, 2) < 0)
			return TRB_ELIMIT;
	if (trb_mul_size(&bytes, ncap, elem) < 0)
		return TRB_ELIMIT;
	if (!(p = realloc(*v, bytes ? bytes : 1)))
		return trb_err_oom();
	*v = p;
	*cap = ncap;
	return 0;
}
