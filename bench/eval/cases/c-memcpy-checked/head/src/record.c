#include <string.h>

#include "record.h"

enum { REC_VALUE = 1, REC_LABEL = 2 };

/* Parses one record from buf; returns the bytes consumed, or -1 on malformed input. */
int record_parse(const uint8_t *buf, size_t len, struct record *out)
{
	if (len < 2)
		return -1;
	size_t n = buf[1];
	if (len - 2 < n)
		return -1;
	memset(out, 0, sizeof *out);
	out->type = buf[0];
	switch (out->type) {
	case REC_VALUE:
		if (n != 2)
			return -1;
		out->value = (uint16_t)(buf[2] << 8 | buf[3]);
		break;
	case REC_LABEL:
		/* the label arrives without its terminating NUL */
		if (n >= sizeof out->label)
			return -1;
		memcpy(out->label, buf + 2, n);
		out->label[n] = '\0';
		break;
	default:
		return -1;
	}
	return (int)(n + 2);
}
