/* util/sev.h: the severity scale every stage shares (policy gate, rules, findings, reports). */
#ifndef TRB_UTIL_SEV_H
#define TRB_UTIL_SEV_H

typedef enum {
	TRB_SEV_LOW = 0,
	TRB_SEV_MEDIUM = 1,
	TRB_SEV_HIGH = 2,
	TRB_SEV_CRITICAL = 3,
	TRB_SEV_COUNT = 4,
	TRB_SEV_NONE = -1  /* "never": gate.fail_on: none */
} trb_sev_t;

/* "low", "medium", "high", "critical" ("none" for TRB_SEV_NONE). */
const char *trb_sev_name(trb_sev_t s);
/* Parses a lowercase severity name; returns 0 or TRB_EINVAL (no message set). */
int trb_sev_parse(trb_sev_t *out, const char *s);

#endif
