/* util/sha256.h: SHA-256 (FIPS 180-4) for content hashes: fingerprints, cache keys, prompt and
 * policy hashes. Not for secrets. */
#ifndef TRB_UTIL_SHA256_H
#define TRB_UTIL_SHA256_H

#include <stddef.h>
#include <stdint.h>

struct trb_sha256 {
	uint32_t h[8];
	uint64_t len;
	unsigned char block[64];
	size_t fill;
};

void trb_sha256_init(struct trb_sha256 *s);
void trb_sha256_update(struct trb_sha256 *s, const void *data, size_t len);
void trb_sha256_final(struct trb_sha256 *s, unsigned char out[32]);
/* Hex digest of data into out (65 bytes with the terminator). */
void trb_sha256_hex(char out[65], const void *data, size_t len);
void trb_sha256_final_hex(struct trb_sha256 *s, char out[65]);

#endif
