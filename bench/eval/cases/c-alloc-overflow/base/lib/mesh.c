/* Loader for the .mesh files that users upload to the model viewer. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mesh.h"

static uint32_t get_u32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* Checks the file header: the magic "MSH1" and a version we understand. */
int mesh_check_header(const uint8_t *buf, size_t len)
{
	if (len < 8 || memcmp(buf, "MSH1", 4) != 0)
		return -1;
	return get_u32(buf + 4) == 1 ? 0 : -1;
}
