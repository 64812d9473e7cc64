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

static float get_f32(const uint8_t *p)
{
	uint32_t bits = get_u32(p);
	float f;
	memcpy(&f, &bits, sizeof f);
	return f;
}

/* Reads the vertex table that follows the header: a u32 count, then count x/y/z floats. */
struct vertex *mesh_read_vertices(const uint8_t *buf, size_t len, uint32_t *count_out)
{
	if (len < 12)
		return NULL;
	uint32_t count = get_u32(buf + 8);
	uint32_t bytes = count * (uint32_t)sizeof(struct vertex);
	struct vertex *verts = malloc(bytes ? bytes : 1);
	if (verts == NULL)
		return NULL;
	uint32_t i;
	size_t off = 12;
	for (i = 0; i < count && len - off >= 12; i++, off += 12) {
		verts[i].x = get_f32(buf + off);
		verts[i].y = get_f32(buf + off + 4);
		verts[i].z = get_f32(buf + off + 8);
	}
	*count_out = i;
	return verts;
}
