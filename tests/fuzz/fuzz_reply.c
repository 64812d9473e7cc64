/* libFuzzer target: a provider's reply body through both decoders (llm/wire.h), the first byte
 * choosing the wire format. */
#include <stdint.h>
#include <stdlib.h>

#include <cjson/cJSON.h>

#include "llm/wire.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct llm_response resp;
	cJSON *root;

	if (size < 1)
		return 0;
	if (!(root = cJSON_ParseWithLength((const char *)data + 1, size - 1)))
		return 0;
	llm_response_init(&resp);
	if (data[0] & 1)
		llm_anthropic_decode(&resp, root);
	else
		llm_openai_decode(&resp, root);
	llm_response_dispose(&resp);
	cJSON_Delete(root);
	return 0;
}
