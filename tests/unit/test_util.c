/* util/: buffers with limits, globs, the path checker. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "util/buf.h"
#include "util/err.h"
#include "util/glob.h"
#include "util/path.h"
#include "util/sha256.h"

static void test_buf_appends_and_detaches(void **state)
{
	struct trb_buf b = TRB_BUF_INIT(64);
	char *s;

	(void)state;
	assert_string_equal(trb_buf_cstr(&b), "");
	trb_buf_puts(&b, "abc");
	trb_buf_putc(&b, '-');
	trb_buf_printf(&b, "%d/%s", 42, "x");
	assert_int_equal(trb_buf_error(&b), 0);
	assert_string_equal(trb_buf_cstr(&b), "abc-42/x");
	s = trb_buf_detach(&b);
	assert_string_equal(s, "abc-42/x");
	assert_null(b.ptr);
	free(s);
}

static void test_buf_limit_is_sticky(void **state)
{
	struct trb_buf b = TRB_BUF_INIT(8);

	(void)state;
	assert_int_equal(trb_buf_puts(&b, "12345678"), 0);
	assert_int_equal(trb_buf_puts(&b, "9"), TRB_ELIMIT);
	/* later appends are no-ops, the error stays */
	assert_int_equal(trb_buf_puts(&b, ""), TRB_ELIMIT);
	assert_int_equal(trb_buf_error(&b), TRB_ELIMIT);
	assert_string_equal(trb_buf_cstr(&b), "12345678");
	assert_null(trb_buf_detach(&b));
}

static const struct {
	const char *pattern, *path;
	bool match;
} globs[] = {
	{"**", "a/b/c.c", true},
	{"*.pem", "key.pem", true},
	{"*.pem", "secrets/deep/key.pem", true},
	{"*.pem", "key.pem.txt", false},
	{"vendor/**", "vendor/x/y.go", true},
	{"vendor/**", "src/vendor/x.go", false},
	{"**/vendor/**", "src/vendor/x.go", true},
	{"**/*_test.go", "a_test.go", true},
	{"**/*_test.go", "pkg/x/a_test.go", true},
	{"**/*_test.go", "pkg/x/a_test.go.bak", false},
	{"src/*.c", "src/a.c", true},
	{"src/*.c", "src/sub/a.c", false},
	{"src/**/*.c", "src/a.c", true},
	{"src/**/*.c", "src/x/y/a.c", true},
	{"/top.c", "top.c", true},
	{"/top.c", "sub/top.c", false},
	{"docs/", "docs/a.md", true},
	{"docs/", "docs", false},
	{"file?.txt", "file1.txt", true},
	{"file?.txt", "file10.txt", false},
	{"[a-c]x.py", "bx.py", true},
	{"[a-c]x.py", "dx.py", false},
	{"[!a-c]x.py", "dx.py", true},
	{"[!a-c]x.py", "ax.py", false},
	{"a*b*c*d*e*f*g*h*i*j*k", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", false},
	{"**/**/**/**/**/**/x", "a/b/c/d/e/f/g/h/i/j/k/l/m/n/o/p/q/r/s/t/u/v/w/y", false},
	{"[unclosed", "[unclosed", true},
};

static void test_glob_table(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(globs) / sizeof(globs[0]); i++)
		if (trb_glob_match(globs[i].pattern, globs[i].path) != globs[i].match)
			fail_msg("glob '%s' on '%s': want %s", globs[i].pattern, globs[i].path,
				 globs[i].match ? "match" : "no match");
	assert_null(trb_glob_check("src/**/*.c"));
	assert_non_null(trb_glob_check("[abc"));
	assert_non_null(trb_glob_check(""));
}

static void test_path_checker_refuses_escapes(void **state)
{
	static const char *const bad[] = {
		"", "/etc/passwd", "../x", "a/../../etc/passwd", "a/..", "./a", ".git/config", "a/.GIT/HEAD",
		".git", "x/git~1/config", ".git./config", "a\\b", "a//b", "C:/windows", "a\nb", "a\033[31m",
	};
	static const char *const good[] = {"a.c", "src/x/y.py", ".github/workflows/ci.yml", "a..b", ".gitignore",
		"caf\xc3\xa9.txt", "sp ace.c"};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (!trb_path_check(bad[i], strlen(bad[i])))
			fail_msg("path '%s' should be refused", bad[i]);
	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		if (trb_path_check(good[i], strlen(good[i])))
			fail_msg("path '%s' should pass: %s", good[i], trb_path_check(good[i], strlen(good[i])));
	assert_non_null(trb_path_check("a\0b", 3));
	assert_non_null(trb_path_check("\xff.c", 3));
}

static void test_path_tidy(void **state)
{
	char a[] = "./src//x/./y.c/", b[] = "/abs", c[] = "././a";

	(void)state;
	trb_path_tidy(a);
	assert_string_equal(a, "src/x/y.c");
	trb_path_tidy(b);
	assert_string_equal(b, "/abs");
	trb_path_tidy(c);
	assert_string_equal(c, "a");
}

static void test_size_arithmetic_overflow(void **state)
{
	size_t n;

	(void)state;
	assert_int_equal(trb_add_size(&n, 1, 2), 0);
	assert_int_equal(n, 3);
	assert_int_equal(trb_add_size(&n, SIZE_MAX, 1), TRB_ELIMIT);
	assert_int_equal(trb_mul_size(&n, SIZE_MAX / 2, 3), TRB_ELIMIT);
}

static void test_sha256_known_vectors(void **state)
{
	char hex[65];
	struct trb_sha256 s;
	size_t i;

	(void)state;
	trb_sha256_hex(hex, "", 0);
	assert_string_equal(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	trb_sha256_hex(hex, "abc", 3);
	assert_string_equal(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	/* a million 'a', fed in uneven pieces */
	trb_sha256_init(&s);
	for (i = 0; i < 1000000; i += 7)
		trb_sha256_update(&s, "aaaaaaa", 1000000 - i < 7 ? 1000000 - i : 7);
	trb_sha256_final_hex(&s, hex);
	assert_string_equal(hex, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_buf_appends_and_detaches),
		cmocka_unit_test(test_buf_limit_is_sticky),
		cmocka_unit_test(test_glob_table),
		cmocka_unit_test(test_path_checker_refuses_escapes),
		cmocka_unit_test(test_path_tidy),
		cmocka_unit_test(test_size_arithmetic_overflow),
		cmocka_unit_test(test_sha256_known_vectors),
	};
	return cmocka_run_group_tests_name("util", tests, NULL, NULL);
}
