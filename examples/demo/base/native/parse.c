/* Parses the length-prefixed records the mobile app uploads. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define NAME_MAX_LEN 64

struct record {
	char name[NAME_MAX_LEN];
	uint32_t amount;
};

int parse_record(struct record *out, const uint8_t *buf, size_t len)
{
	size_t n;

	if (len < 1)
		return -1;
	n = buf[0];
	if (n >= NAME_MAX_LEN || n + 5 > len)
		return -1;
	memcpy(out->name, buf + 1, n);
	out->name[n] = '\0';
	memcpy(&out->amount, buf + 1 + n, 4);
	return 0;
}
