/* diff/widen.c: hunks grow to the enclosing function or class, on real-looking code. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "diff/diff_int.h"

struct widened {
	struct diff_range *v;
	size_t n;
};

/* Widens the target lines [a,b] of text with the given context and cap. */
static struct widened widen(const char *text, diff_lang_t lang, uint32_t a, uint32_t b, unsigned context,
			    unsigned cap)
{
	struct widened w = {0};
	uint32_t *off = NULL, n = 0;
	struct diff_range t = {a, b, 0};

	assert_int_equal(diff_line_index(&off, &n, text, strlen(text)), 0);
	assert_int_equal(diff_widen(&w.v, &w.n, text, off, n, lang, &t, 1, NULL, 0, context, cap), 0);
	free(off);
	return w;
}

static void expect_one(struct widened w, uint32_t start, uint32_t end)
{
	if (w.n != 1 || w.v[0].start != start || w.v[0].end != end)
		fail_msg("got %zu ranges, first %u-%u; want %u-%u", w.n, w.n ? w.v[0].start : 0,
			 w.n ? w.v[0].end : 0, start, end);
	free(w.v);
}

static const char c_src[] =
	"#include <stdio.h>\n"                       /* 1 */
	"\n"                                          /* 2 */
	"/* Copies a name. */\n"                      /* 3 */
	"static int\n"                                /* 4 */
	"copy_name(char *dst, const char *src,\n"     /* 5 */
	"          size_t n)\n"                       /* 6 */
	"{\n"                                         /* 7 */
	"\tconst char *brace = \"}\";  /* { */\n"     /* 8 */
	"\tchar c = '{';\n"                           /* 9 */
	"\tif (n == 0) {\n"                           /* 10 */
	"\t\treturn -1;\n"                            /* 11 */
	"\t}\n"                                       /* 12 */
	"\tstrcpy(dst, src);\n"                       /* 13 */
	"\treturn 0;\n"                               /* 14 */
	"}\n"                                         /* 15 */
	"\n"                                          /* 16 */
	"int other(void)\n"                           /* 17 */
	"{\n"                                         /* 18 */
	"\treturn 2;\n"                               /* 19 */
	"}\n";                                        /* 20 */

static void test_c_hunk_widens_to_function_with_signature_and_comment(void **state)
{
	(void)state;
	/* a change on line 13 grows to copy_name (lines 3-15: doc comment, split signature,
	 * braces inside strings, comments and char literals ignored) */
	expect_one(widen(c_src, DIFF_LANG_C, 13, 13, 0, 250), 3, 15);
}

static void test_c_context_lines_added_and_clamped(void **state)
{
	(void)state;
	expect_one(widen(c_src, DIFF_LANG_C, 19, 19, 3, 250), 14, 20);
}

static void test_c_function_over_cap_keeps_header_and_hunk(void **state)
{
	struct widened w;

	(void)state;
	/* cap 5: copy_name (13 lines) is too long; the header lines and the hunk stay */
	w = widen(c_src, DIFF_LANG_C, 13, 13, 0, 5);
	assert_int_equal(w.n, 2);
	assert_int_equal(w.v[0].start, 3);
	assert_int_equal(w.v[0].end, 5);
	assert_int_equal(w.v[1].start, 13);
	assert_int_equal(w.v[1].end, 13);
	free(w.v);
}

static const char py_src[] =
	"import os\n"                                  /* 1 */
	"\n"                                           /* 2 */
	"\n"                                           /* 3 */
	"class Store:\n"                               /* 4 */
	"    def __init__(self, root):\n"              /* 5 */
	"        self.root = root\n"                   /* 6 */
	"\n"                                           /* 7 */
	"    @staticmethod\n"                          /* 8 */
	"    def join(root, name):\n"                  /* 9 */
	"        # no check for ..\n"                  /* 10 */
	"        return os.path.join(root, name)\n"    /* 11 */
	"\n"                                           /* 12 */
	"    def read(self, name):\n"                  /* 13 */
	"        with open(self.join(self.root, name)) as f:\n" /* 14 */
	"            return f.read()\n"                /* 15 */
	"\n"                                           /* 16 */
	"\n"                                           /* 17 */
	"def main():\n"                                /* 18 */
	"    print(Store('.').read('x'))\n";           /* 19 */

static void test_python_hunk_widens_to_class_when_it_fits(void **state)
{
	(void)state;
	expect_one(widen(py_src, DIFF_LANG_PYTHON, 11, 11, 0, 250), 4, 15);
}

static void test_python_method_with_decorator_when_class_is_too_long(void **state)
{
	(void)state;
	expect_one(widen(py_src, DIFF_LANG_PYTHON, 11, 11, 0, 6), 8, 11);
}

static void test_python_top_level_function(void **state)
{
	(void)state;
	expect_one(widen(py_src, DIFF_LANG_PYTHON, 19, 19, 0, 250), 18, 19);
}

static const char go_src[] =
	"package files\n"                                            /* 1 */
	"\n"                                                         /* 2 */
	"import \"net/http\"\n"                                      /* 3 */
	"\n"                                                         /* 4 */
	"// Serve returns a file.\n"                                 /* 5 */
	"func Serve(w http.ResponseWriter, r *http.Request) {\n"     /* 6 */
	"\tname := r.URL.Query().Get(\"name\")\n"                    /* 7 */
	"\tpattern := `{not a brace`\n"                              /* 8 */
	"\t_ = pattern\n"                                            /* 9 */
	"\thttp.ServeFile(w, r, \"/srv/\"+name)\n"                   /* 10 */
	"}\n"                                                        /* 11 */
	"\n"                                                         /* 12 */
	"func Health(w http.ResponseWriter, r *http.Request) {\n"    /* 13 */
	"\tw.WriteHeader(200)\n"                                     /* 14 */
	"}\n";                                                       /* 15 */

static void test_go_raw_strings_do_not_confuse_braces(void **state)
{
	(void)state;
	expect_one(widen(go_src, DIFF_LANG_GO, 10, 10, 0, 250), 5, 11);
	expect_one(widen(go_src, DIFF_LANG_GO, 14, 14, 0, 250), 13, 15);
}

static const char js_src[] =
	"const express = require('express');\n"          /* 1 */
	"const app = express();\n"                       /* 2 */
	"\n"                                             /* 3 */
	"app.get('/user', async (req, res) => {\n"       /* 4 */
	"  const q = `SELECT * FROM u WHERE id = ${req.query.id}`;\n" /* 5 */
	"  const rows = await db.query(q);\n"            /* 6 */
	"  res.json(rows);\n"                            /* 7 */
	"});\n"                                          /* 8 */
	"\n"                                             /* 9 */
	"function render(name) {\n"                      /* 10 */
	"  return '<p>' + name + '}</p>';\n"             /* 11 */
	"}\n";                                           /* 12 */

static void test_javascript_callback_and_template_literal(void **state)
{
	(void)state;
	expect_one(widen(js_src, DIFF_LANG_JS, 5, 5, 0, 250), 4, 8);
	expect_one(widen(js_src, DIFF_LANG_JS, 11, 11, 0, 250), 10, 12);
}

static void test_hunk_spanning_two_functions_covers_both(void **state)
{
	(void)state;
	expect_one(widen(go_src, DIFF_LANG_GO, 10, 14, 0, 250), 5, 15);
}

static void test_unknown_language_keeps_only_context(void **state)
{
	(void)state;
	expect_one(widen(c_src, DIFF_LANG_NONE, 13, 13, 2, 250), 11, 15);
}

static void test_ruby_def_end(void **state)
{
	static const char rb[] =
		"class Account\n"          /* 1 */
		"  def withdraw(n)\n"      /* 2 */
		"    @balance -= n\n"      /* 3 */
		"  end\n"                  /* 4 */
		"\n"                       /* 5 */
		"  def show\n"             /* 6 */
		"    puts @balance\n"      /* 7 */
		"  end\n"                  /* 8 */
		"end\n";                   /* 9 */

	(void)state;
	expect_one(widen(rb, DIFF_LANG_RUBY, 3, 3, 0, 250), 1, 9);
	expect_one(widen(rb, DIFF_LANG_RUBY, 3, 3, 0, 4), 2, 4);
	/* the `end` line belongs to the method it closes */
	expect_one(widen(rb, DIFF_LANG_RUBY, 8, 8, 0, 4), 6, 8);
}

/* A hostile file: one block holding every hunk, far over the cap. Each hunk keeps only the
 * block's header lines and itself (widening walks out from the hunk no further than the first
 * block over the cap; bench/plan_hostile.sh times this on 1 MiB files). */
static void test_blocks_over_the_cap_keep_their_header_for_every_hunk(void **state)
{
	static const char *const head[] = {"class A:\n", "{\n"};
	static const char *const line[] = {"    x=1\n", "\tx=1;\n"};
	static const diff_lang_t lang[] = {DIFF_LANG_PYTHON, DIFF_LANG_C};
	size_t k, i, lines = 4000, nt = lines / 2;

	(void)state;
	for (k = 0; k < 2; k++) {
		struct diff_range *targets = calloc(nt, sizeof(*targets)), *v = NULL;
		size_t nh = strlen(head[k]), nl = strlen(line[k]), len = nh + lines * nl;
		char *src = malloc(len + 3);
		uint32_t *off = NULL, n = 0;
		size_t nv = 0;

		assert_non_null(targets);
		assert_non_null(src);
		memcpy(src, head[k], nh);
		for (i = 0; i < lines; i++)
			memcpy(src + nh + i * nl, line[k], nl);
		if (lang[k] == DIFF_LANG_C) {
			memcpy(src + len, "}\n", 2);
			len += 2;
		}
		for (i = 0; i < nt; i++)
			targets[i].start = targets[i].end = (uint32_t)(2 + 2 * i);
		assert_int_equal(diff_line_index(&off, &n, src, len), 0);
		assert_int_equal(diff_widen(&v, &nv, src, off, n, lang[k], targets, nt, NULL, 0, 0, 250), 0);
		/* the header (line 1) joins the first hunks; every other hunk stands alone */
		assert_int_equal(nv, nt - 1);
		assert_int_equal(v[0].start, 1);
		assert_int_equal(v[0].end, 4);
		assert_int_equal(v[1].start, 6);
		assert_int_equal(v[nv - 1].start, 2 + 2 * (nt - 1));
		free(v);
		free(off);
		free(src);
		free(targets);
	}
}

static void test_ranges_merge_and_count_changed_lines(void **state)
{
	struct diff_range targets[] = {{13, 13, 0}, {11, 11, 0}, {19, 19, 0}};
	uint32_t changed[] = {11, 13, 19};
	struct diff_range *v = NULL;
	uint32_t *off = NULL, n = 0;
	size_t nv = 0;

	(void)state;
	assert_int_equal(diff_line_index(&off, &n, c_src, strlen(c_src)), 0);
	assert_int_equal(n, 20);
	assert_int_equal(diff_widen(&v, &nv, c_src, off, n, DIFF_LANG_C, targets, 3, changed, 3, 1, 250), 0);
	/* 3-15 and 17-20 (+1 context each) touch, so they merge */
	assert_int_equal(nv, 1);
	assert_int_equal(v[0].start, 2);
	assert_int_equal(v[0].end, 20);
	assert_int_equal(v[0].changed, 3);
	free(v);
	free(off);
}

static void test_unclosed_string_and_hostile_braces_stay_bounded(void **state)
{
	char *src;
	size_t i, len = 200000;

	(void)state;
	src = malloc(len + 1);
	assert_non_null(src);
	for (i = 0; i < len; i++)
		src[i] = (i % 50 == 49) ? '\n' : (i % 3 ? '{' : '"');
	src[len] = '\0';
	{
		struct widened w = widen(src, DIFF_LANG_C, 100, 100, 3, 250);
		assert_true(w.n >= 1);
		assert_true(w.v[0].start <= 100 && w.v[w.n - 1].end >= 100);
		free(w.v);
	}
	free(src);
}

static void test_line_index_without_final_newline(void **state)
{
	uint32_t *off = NULL, n = 0;

	(void)state;
	assert_int_equal(diff_line_index(&off, &n, "a\nbb", 4), 0);
	assert_int_equal(n, 2);
	assert_int_equal(off[0], 0);
	assert_int_equal(off[1], 2);
	assert_int_equal(off[2], 4);
	free(off);
	assert_int_equal(diff_line_index(&off, &n, "", 0), 0);
	assert_int_equal(n, 0);
	free(off);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_c_hunk_widens_to_function_with_signature_and_comment),
		cmocka_unit_test(test_c_context_lines_added_and_clamped),
		cmocka_unit_test(test_c_function_over_cap_keeps_header_and_hunk),
		cmocka_unit_test(test_python_hunk_widens_to_class_when_it_fits),
		cmocka_unit_test(test_python_method_with_decorator_when_class_is_too_long),
		cmocka_unit_test(test_python_top_level_function),
		cmocka_unit_test(test_go_raw_strings_do_not_confuse_braces),
		cmocka_unit_test(test_javascript_callback_and_template_literal),
		cmocka_unit_test(test_hunk_spanning_two_functions_covers_both),
		cmocka_unit_test(test_unknown_language_keeps_only_context),
		cmocka_unit_test(test_ruby_def_end),
		cmocka_unit_test(test_blocks_over_the_cap_keep_their_header_for_every_hunk),
		cmocka_unit_test(test_ranges_merge_and_count_changed_lines),
		cmocka_unit_test(test_unclosed_string_and_hostile_braces_stay_bounded),
		cmocka_unit_test(test_line_index_without_final_newline),
	};
	return cmocka_run_group_tests_name("diff_widen", tests, NULL, NULL);
}
