/* libFuzzer target: the GitHub event payload parser (diff_spec_parse_github_event). */
#include <stdint.h>
#include <stdlib.h>

#include "diff/diff.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *base = NULL, *head = NULL, *number = NULL;

	if (diff_spec_parse_github_event(&base, &head, &number, (const char *)data, size) == 0) {
		free(base);
		free(head);
		free(number);
	}
	return 0;
}
