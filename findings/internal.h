/* findings/internal.h: helpers shared by the files of findings/ (private to findings/). */
#ifndef TRB_FINDINGS_INTERNAL_H
#define TRB_FINDINGS_INTERNAL_H

#include <stddef.h>

/* Appends a copy of s to the string vector *v (*n entries) unless an equal string is there.
 * Errors: TRB_ENOMEM (the vector is left as it was). */
int findings_strv_add_unique(char ***v, size_t *n, const char *s);

#endif
