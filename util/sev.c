#include "util/sev.h"

#include <string.h>

#include "util/err.h"

static const char *const names[TRB_SEV_COUNT] = {"low", "medium", "high", "critical"};

const char *trb_sev_name(trb_sev_t s)
{
	if (s >= 0 && s < TRB_SEV_COUNT)
		return names[s];
	return "none";
}

int trb_sev_parse(trb_sev_t *out, const char *s)
{
	int i;

	for (i = 0; i < TRB_SEV_COUNT; i++)
		if (strcmp(s, names[i]) == 0) {
			*out = (trb_sev_t)i;
			return 0;
		}
	if (strcmp(s, "none") == 0) {
		*out = TRB_SEV_NONE;
		return 0;
	}
	return TRB_EINVAL;
}
