/* config/config_int.h: private to config/: the string lists both the defaults and the loader
 * build. */
#ifndef TRB_CONFIG_INT_H
#define TRB_CONFIG_INT_H

#include "config/config.h"

/* Appends a copy of s; TRB_ENOMEM (message set) on failure. */
int config_strv_push(struct config_strv *sv, const char *s);
/* Frees every string and empties the list. */
void config_strv_clear(struct config_strv *sv);

#endif
