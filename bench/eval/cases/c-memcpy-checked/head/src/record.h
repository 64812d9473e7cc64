#ifndef RECORD_H
#define RECORD_H

#include <stddef.h>
#include <stdint.h>

/* One record of the sensor protocol: a type byte, a length byte, then the payload. */
struct record {
	uint8_t type;
	uint16_t value;
	char label[32];
};

int record_parse(const uint8_t *buf, size_t len, struct record *out);

#endif
