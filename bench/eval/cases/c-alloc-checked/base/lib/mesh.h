#ifndef MESH_H
#define MESH_H

#include <stddef.h>
#include <stdint.h>

struct vertex {
	float x, y, z;
};

int mesh_check_header(const uint8_t *buf, size_t len);
struct vertex *mesh_read_vertices(const uint8_t *buf, size_t len, uint32_t *count_out);

#endif
