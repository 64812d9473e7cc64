/* util/escape: every escaper against hostile strings (what models and repositories can write). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "util/buf.h"
#include "util/err.h"
#include "util/escape.h"

#define WJ "\xe2\x81\xa0"      /* U+2060 word joiner */
#define FFFD "\xef\xbf\xbd"

typedef int (*escaper_t)(struct trb_buf *, const char *, size_t);

/* Runs one escaper over s and compares the exact output. */
static void check(escaper_t fn, const char *s, const char *want)
{
	struct trb_buf b = TRB_BUF_INIT(TRB_LIMIT_SMALL);

	assert_int_equal(fn(&b, s, strlen(s)), 0);
	assert_string_equal(trb_buf_cstr(&b), want);
	assert_true(trb_utf8_valid(b.ptr ? b.ptr : "", b.len));
	trb_buf_dispose(&b);
}

static void test_md_breaks_mentions(void **state)
{
	(void)state;
	check(trb_escape_md, "@everyone and @org/team", "@" WJ "everyone and @" WJ "org/team");
	check(trb_escape_md, "mail a@b.example", "mail a@" WJ "b.example");
}

static void test_md_no_images_or_links(void **state)
{
	(void)state;
	check(trb_escape_md, "![x](http://evil/x.png)", "\\!\\[x\\](http://evil/x.png)");
	check(trb_escape_md, "[click](javascript:alert(1))", "\\[click\\](javascript:alert(1))");
	check(trb_escape_md, "<http://evil/>", "&lt;http://evil/&gt;");
}

static void test_md_no_raw_html(void **state)
{
	(void)state;
	check(trb_escape_md, "</details><script>alert(1)</script>",
	      "&lt;/details&gt;&lt;script&gt;alert(1)&lt;/script&gt;");
	check(trb_escape_md, "&lt;b&gt;", "&amp;lt;b&amp;gt;");
}

static void test_md_no_fence_emphasis_table_math(void **state)
{
	(void)state;
	check(trb_escape_md, "```js", "\\`\\`\\`js");
	check(trb_escape_md, "a|b *c* _d_ ~~e~~ $x$ \\", "a\\|b \\*c\\* \\_d\\_ \\~\\~e\\~\\~ \\$x\\$ \\\\");
}

static void test_md_inline_is_one_line(void **state)
{
	(void)state;
	check(trb_escape_md, "a\nb\r\nc\td", "a b c d");
	check(trb_escape_md, "# not a heading", "\\# not a heading");
}

static void test_md_block_keeps_lines_and_trims_indent(void **state)
{
	(void)state;
	check(trb_escape_md_block, "para\n\n    code?\n# h\n- item\n==\n> quote",
	      "para\n\ncode?\n\\# h\n\\- item\n\\==\n&gt; quote");
	check(trb_escape_md_block, "a\r\nb\rc", "a\nb\nc");
}

static void test_md_controls_bidi_invalid_utf8(void **state)
{
	(void)state;
	check(trb_escape_md, "a\x1b[31mred\x7f", "a" FFFD "\\[31mred" FFFD);
	check(trb_escape_md, "x\xe2\x80\xaey", "x" FFFD "y");          /* U+202E RLO */
	check(trb_escape_md, "\xc3\x28 \xff", FFFD "( " FFFD);
	check(trb_escape_md, "caf\xc3\xa9", "caf\xc3\xa9");
}

static void test_md_capped_cuts_at_character(void **state)
{
	struct trb_buf b = TRB_BUF_INIT(TRB_LIMIT_SMALL);

	(void)state;
	trb_escape_md_capped(&b, "abcdefghij", 10, false, 8);
	assert_string_equal(trb_buf_cstr(&b), "abcde\xe2\x80\xa6");
	trb_buf_clear(&b);
	/* escapes are never cut in half */
	trb_escape_md_capped(&b, "<<<<", 4, false, 9);
	assert_string_equal(trb_buf_cstr(&b), "&lt;\xe2\x80\xa6");
	trb_buf_clear(&b);
	trb_escape_md_capped(&b, "abc", 3, false, 3);
	assert_string_equal(trb_buf_cstr(&b), "abc");
	trb_buf_clear(&b);
	trb_escape_md_capped(&b, "a<b", 3, false, 6);
	assert_string_equal(trb_buf_cstr(&b), "a&lt;b");
	trb_buf_dispose(&b);
}

/* A capped escape of a long text fits a buffer sized for the cap: the text is not escaped whole
 * into it first. */
static void test_md_capped_long_input_small_buffer(void **state)
{
	struct trb_buf b = TRB_BUF_INIT(1000);
	char *text = malloc(5000);
	size_t i;

	(void)state;
	assert_non_null(text);
	for (i = 0; i < 5000; i++)
		text[i] = "ab<@"[i % 4];
	assert_int_equal(trb_escape_md_capped(&b, text, 5000, false, 100), 0);
	assert_true(b.len <= 100);
	assert_int_equal(memcmp(b.ptr, "ab&lt;@" WJ "ab&lt;@" WJ, 2 * 10), 0);
	assert_int_equal(b.len, 99);   /* 9 units of 10 bytes, "ab&lt;", the ellipsis */
	assert_int_equal(strcmp(b.ptr + b.len - 3, "\xe2\x80\xa6"), 0);
	trb_buf_clear(&b);
	assert_int_equal(trb_escape_md_capped(&b, text, 5000, true, 100), 0);
	assert_true(b.len <= 100);
	trb_buf_dispose(&b);
	free(text);
}

static void test_fence_is_longer_than_any_backtick_run(void **state)
{
	struct trb_buf b = TRB_BUF_INIT(TRB_LIMIT_SMALL);

	(void)state;
	assert_int_equal(trb_md_fence_len("abc", 3), 3);
	assert_int_equal(trb_md_fence_len("a````b", 6), 5);
	trb_escape_md_fence(&b, "x\n```\n</details>", 16, "diff");
	assert_string_equal(trb_buf_cstr(&b), "````diff\nx\n```\n</details>\n````\n");
	trb_buf_clear(&b);
	trb_escape_md_fence(&b, "a\x01" "b\n", 4, "");
	assert_string_equal(trb_buf_cstr(&b), "```\na" FFFD "b\n```\n");
	trb_buf_dispose(&b);
}

static void test_code_span(void **state)
{
	(void)state;
	check(trb_escape_md_code, "src/x.c", "`src/x.c`");
	check(trb_escape_md_code, "a``b", "```a``b```");
	check(trb_escape_md_code, "`x", "`` `x ``");
	check(trb_escape_md_code, "a\nb", "`a b`");
}

static void test_html(void **state)
{
	(void)state;
	check(trb_escape_html, "<script>alert('x')</script> & \"q\"",
	      "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot;");
	check(trb_escape_html, "a\x00" "b", "a");     /* strlen stops at NUL: nothing after it */
	check(trb_escape_html, "a\x01\r\nb\xff", "a" FFFD "\nb" FFFD);
	check(trb_escape_html, "@everyone", "@everyone");
	check(trb_escape_md_html, "@everyone </details>", "@" WJ "everyone &lt;/details&gt;");
	check(trb_escape_md_html, "![x](http://e/x.png)", "&#33;&#91;x&#93;(http://e/x.png)");
	check(trb_escape_md_html, "a\n\nb\tc", "a  b c");
}

static void test_html_keeps_nul_out(void **state)
{
	struct trb_buf b = TRB_BUF_INIT(TRB_LIMIT_SMALL);

	(void)state;
	trb_escape_html(&b, "a\0b", 3);
	assert_int_equal(b.len, strlen(trb_buf_cstr(&b)));
	assert_string_equal(trb_buf_cstr(&b), "a" FFFD "b");
	/* not &#0;: the punctuation list must not match its own terminator */
	trb_buf_clear(&b);
	trb_escape_md_html(&b, "a\0b", 3);
	assert_string_equal(trb_buf_cstr(&b), "a" FFFD "b");
	trb_buf_dispose(&b);
}

static void test_xml(void **state)
{
	(void)state;
	check(trb_escape_xml_clean, "<x>&\x02\n", "<x>&" FFFD "\n");
	check(trb_escape_xml_clean, "<a b=\"c\">&'\n\t\r", "<a b=\"c\">&'\n\t\r");
	check(trb_escape_xml_clean, "\x01\x0b\x1f ok \xef\xbf\xbe \xc0\xaf", FFFD FFFD FFFD " ok " FFFD " " FFFD FFFD);
}

static void test_mermaid(void **state)
{
	(void)state;
	check(trb_escape_mermaid, "user input (req.query)", "user input (req.query)");
	check(trb_escape_mermaid, "\"]; click A \"javascript:x\"",
	      "#34;#93;#59; click A #34;javascript:x#34;");
	check(trb_escape_mermaid, "```\n#1 <b>@x", "#96;#96;#96; #35;1 #60;b#62;#64;x");
}

static void test_ghcmd(void **state)
{
	(void)state;
	check(trb_escape_ghcmd_data, "100% bad\n::error::spoof\r", "100%25 bad%0A::error::spoof%0D");
	check(trb_escape_ghcmd_data, "%0A", "%250A");
	check(trb_escape_ghcmd_prop, "a,b:c%\n", "a%2Cb%3Ac%25%0A");
	check(trb_escape_ghcmd_data, "\x1b[2J", FFFD "[2J");
}

static void test_json(void **state)
{
	(void)state;
	check(trb_escape_json, "a\"b\\c\n\x01\xe2\x80\xa8\xff", "a\\\"b\\\\c\\n\\u0001\\u2028" FFFD);
}

static void test_sarif_text_escapes_embedded_links(void **state)
{
	(void)state;
	check(trb_escape_sarif_text, "see [here](http://evil)", "see \\[here\\](http://evil)");
	check(trb_escape_sarif_text, "a\nb\x1b\xe2\x80\xae", "a\nb" FFFD FFFD);
}

static void test_plain(void **state)
{
	(void)state;
	check(trb_escape_plain, "a\r\nb\tc\x1b[0m\xff", "a b c" FFFD "[0m" FFFD);
}

static void test_uri_path(void **state)
{
	(void)state;
	check(trb_escape_uri_path, "src/my file#1%.c", "src/my%20file%231%25.c");
	check(trb_escape_uri_path, "d\xc3\xa9j\xc3\xa0", "d%C3%A9j%C3%A0");
}

static int base64_str(struct trb_buf *out, const char *s, size_t len)
{
	return trb_base64(out, s, len);
}

static void test_base64(void **state)
{
	(void)state;
	check(base64_str, "", "");
	check(base64_str, "f", "Zg==");
	check(base64_str, "fo", "Zm8=");
	check(base64_str, "foo", "Zm9v");
	check(base64_str, "foobar", "Zm9vYmFy");
}

static void test_utf8_prefix(void **state)
{
	(void)state;
	assert_int_equal(trb_utf8_prefix("abc", 3, 10), 3);
	assert_int_equal(trb_utf8_prefix("a\xc3\xa9" "b", 4, 2), 1);
	assert_int_equal(trb_utf8_prefix("a\xc3\xa9" "b", 4, 3), 3);
}

static void test_limit_is_reported(void **state)
{
	struct trb_buf b = TRB_BUF_INIT(4);

	(void)state;
	assert_int_equal(trb_escape_md(&b, "<<<<", 4), TRB_ELIMIT);
	trb_buf_dispose(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_md_breaks_mentions),
		cmocka_unit_test(test_md_no_images_or_links),
		cmocka_unit_test(test_md_no_raw_html),
		cmocka_unit_test(test_md_no_fence_emphasis_table_math),
		cmocka_unit_test(test_md_inline_is_one_line),
		cmocka_unit_test(test_md_block_keeps_lines_and_trims_indent),
		cmocka_unit_test(test_md_controls_bidi_invalid_utf8),
		cmocka_unit_test(test_md_capped_cuts_at_character),
		cmocka_unit_test(test_md_capped_long_input_small_buffer),
		cmocka_unit_test(test_fence_is_longer_than_any_backtick_run),
		cmocka_unit_test(test_code_span),
		cmocka_unit_test(test_html),
		cmocka_unit_test(test_html_keeps_nul_out),
		cmocka_unit_test(test_xml),
		cmocka_unit_test(test_mermaid),
		cmocka_unit_test(test_ghcmd),
		cmocka_unit_test(test_json),
		cmocka_unit_test(test_sarif_text_escapes_embedded_links),
		cmocka_unit_test(test_plain),
		cmocka_unit_test(test_uri_path),
		cmocka_unit_test(test_base64),
		cmocka_unit_test(test_utf8_prefix),
		cmocka_unit_test(test_limit_is_reported),
	};
	return cmocka_run_group_tests_name("escape", tests, NULL, NULL);
}
