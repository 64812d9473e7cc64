/* util/: buffers with limits, globs, the path checker. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/array.h"
#include "util/buf.h"
#include "util/err.h"
#include "util/fsio.h"
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

static void test_array_grow_doubles_and_checks_overflow(void **state)
{
	int *v = NULL;
	void *p;
	size_t cap = 0, n, i;

	(void)state;
	for (n = 0; n < 100; n++) {
		p = v;
		assert_int_equal(trb_array_grow(&p, &cap, n, sizeof(*v)), 0);
		v = p;
		assert_true(cap > n);
		v[n] = (int)n;
	}
	assert_int_equal(cap, 128);
	for (i = 0; i < n; i++)
		assert_int_equal(v[i], (int)i);
	/* room already there: nothing moves */
	p = v;
	assert_int_equal(trb_array_grow(&p, &cap, 5, sizeof(*v)), 0);
	assert_ptr_equal(p, v);
	assert_int_equal(cap, 128);
	/* the byte count would wrap: refused, the array left as it was */
	assert_int_equal(trb_array_grow(&p, &cap, 128, SIZE_MAX / 64), TRB_ELIMIT);
	assert_ptr_equal(p, v);
	assert_int_equal(cap, 128);
	/* so would the doubled count */
	cap = SIZE_MAX / 2 + 1;
	assert_int_equal(trb_array_grow(&p, &cap, cap, 1), TRB_ELIMIT);
	assert_int_equal(cap, SIZE_MAX / 2 + 1);
	free(v);
}

static void tmp_dir(char tmpl[64])
{
	snprintf(tmpl, 64, "/tmp/trb-util-XXXXXX");
	assert_non_null(mkdtemp(tmpl));
}

static void write_bytes(const char *path, const char *data, size_t len)
{
	FILE *f = fopen(path, "wb");

	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
}

static void test_mkdirs_creates_nested_and_refuses_links(void **state)
{
	char root[64], path[256], link[256];
	struct stat st;

	(void)state;
	tmp_dir(root);
	snprintf(path, sizeof(path), "%s/a/b//c/", root);
	assert_int_equal(trb_mkdirs(path), 0);
	snprintf(path, sizeof(path), "%s/a/b/c", root);
	assert_int_equal(stat(path, &st), 0);
	assert_true(S_ISDIR(st.st_mode));
	/* again: already there is fine */
	assert_int_equal(trb_mkdirs(path), 0);
	/* a planted link as the last component is refused */
	snprintf(link, sizeof(link), "%s/out", root);
	assert_int_equal(symlink(path, link), 0);
	assert_int_equal(trb_mkdirs(link), TRB_EIO);
	assert_non_null(strstr(trb_err_msg(), "symbolic link"));
	/* a file in the way names the component */
	snprintf(path, sizeof(path), "%s/file", root);
	write_bytes(path, "x", 1);
	snprintf(path, sizeof(path), "%s/file/sub", root);
	assert_int_equal(trb_mkdirs(path), TRB_EIO);
	assert_non_null(strstr(trb_err_msg(), "/file/sub"));
	assert_int_equal(trb_mkdirs(""), TRB_EIO);

	unlink(link);
	snprintf(path, sizeof(path), "%s/file", root);
	unlink(path);
	snprintf(path, sizeof(path), "%s/a/b/c", root);
	rmdir(path);
	snprintf(path, sizeof(path), "%s/a/b", root);
	rmdir(path);
	snprintf(path, sizeof(path), "%s/a", root);
	rmdir(path);
	assert_int_equal(rmdir(root), 0);
}

static void test_read_file_whole_with_limit(void **state)
{
	char root[64], path[256], *text;
	size_t len = 99;

	(void)state;
	tmp_dir(root);
	snprintf(path, sizeof(path), "%s/f", root);
	write_bytes(path, "ab\0cd", 5);
	assert_int_equal(trb_read_file(&text, &len, path, 5), 0);
	assert_int_equal(len, 5);
	assert_memory_equal(text, "ab\0cd", 6);
	free(text);
	/* one byte over the limit */
	assert_int_equal(trb_read_file(&text, &len, path, 4), TRB_ELIMIT);
	assert_null(text);
	assert_int_equal(len, 0);
	assert_non_null(strstr(trb_err_msg(), "larger than 4 bytes"));
	/* empty: an allocated "" */
	write_bytes(path, "", 0);
	assert_int_equal(trb_read_file(&text, &len, path, 0), 0);
	assert_string_equal(text, "");
	assert_int_equal(len, 0);
	free(text);
	unlink(path);
	assert_int_equal(trb_read_file(&text, &len, path, 10), TRB_EIO);
	assert_null(text);
	assert_int_equal(rmdir(root), 0);
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
		cmocka_unit_test(test_array_grow_doubles_and_checks_overflow),
		cmocka_unit_test(test_mkdirs_creates_nested_and_refuses_links),
		cmocka_unit_test(test_read_file_whole_with_limit),
	};
	return cmocka_run_group_tests_name("util", tests, NULL, NULL);
}
