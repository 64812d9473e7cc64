/* libFuzzer target: the policy loader (config_load), then YAML output of what loaded. */
#include <stdint.h>
#include <stdlib.h>

#include "config/config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct config_diags diags = {0};
	struct config *c = NULL;
	char *yaml = NULL;

	if (config_load(&c, &diags, "fuzz.yml", (const char *)data, size, 20260101) == 0) {
		if (config_to_yaml(&yaml, c) == 0)
			free(yaml);
		config_free(c);
	}
	config_diags_dispose(&diags);
	return 0;
}
