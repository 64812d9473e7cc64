/* libFuzzer target: every escaper in util/escape on arbitrary bytes. Besides memory errors it
 * checks what each promises: valid UTF-8 out, and no markup character left raw where it would act. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"
#include "util/escape.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

typedef int (*escaper_t)(struct trb_buf *, const char *, size_t);

/* runs fn and aborts when the output is not UTF-8 or holds one of the forbidden bytes */
static void run(escaper_t fn, const char *s, size_t n, const char *forbidden)
{
	struct trb_buf b = TRB_BUF_INIT(64 * 1024 * 1024);

	if (fn(&b, s, n) == 0) {
		if (!trb_utf8_valid(trb_buf_cstr(&b), b.len) || strlen(trb_buf_cstr(&b)) != b.len)
			abort();
		if (forbidden && strpbrk(trb_buf_cstr(&b), forbidden))
			abort();
	}
	trb_buf_dispose(&b);
}

static int md_capped(struct trb_buf *b, const char *s, size_t n)
{
	size_t start = b->len;
	int rc = trb_escape_md_capped(b, s, n, n & 1, 64);

	if (rc == 0 && b->len - start > 64)
		abort();
	return rc;
}

static int fence(struct trb_buf *b, const char *s, size_t n)
{
	size_t f = trb_md_fence_len(s, n), i, run = 0;
	int rc = trb_escape_md_fence(b, s, n, "diff");

	/* nothing inside may be a backtick run as long as the fence */
	for (i = f + 5; rc == 0 && i + f + 1 < b->len; i++) {
		run = b->ptr[i] == '`' ? run + 1 : 0;
		if (run >= f)
			abort();
	}
	return rc;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data;

	run(trb_escape_md, s, size, "<>\n");
	run(trb_escape_md_block, s, size, "<>");
	run(md_capped, s, size, "<>");
	run(trb_escape_html, s, size, "<>\"'");
	run(trb_escape_md_html, s, size, "<>\"'[]!`\n");
	run(trb_escape_xml_clean, s, size, NULL);
	run(trb_escape_mermaid, s, size, "\"[]`<>\n");
	run(trb_escape_ghcmd_data, s, size, "\r\n");
	run(trb_escape_ghcmd_prop, s, size, "\r\n:,");
	run(trb_escape_json, s, size, "\n\r\t");
	run(trb_escape_sarif_text, s, size, "\x1b");
	run(trb_escape_plain, s, size, "\n\r\t\x1b");
	run(trb_escape_uri_path, s, size, " #?\"<>\\");
	run(trb_escape_md_code, s, size, "\n");
	run(fence, s, size, NULL);
	run(trb_escape_term, s, size, "\x1b\n");
	return 0;
}
