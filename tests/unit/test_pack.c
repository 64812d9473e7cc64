/* diff/pack.c: review units under a token budget, related files together, and shards that cover
 * every unit exactly once. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "diff/diff_int.h"

/* A reviewed file of `lines` lines of 40 bytes, one range per (start,end) pair. */
static void make_file(struct diff_file *f, const char *path, uint32_t lines, const uint32_t *ranges, size_t n)
{
	uint32_t i;
	size_t r;

	memset(f, 0, sizeof(*f));
	f->path = strdup(path);
	f->old_path = strdup(path);
	f->n_lines = lines;
	f->line_off = calloc(lines + 1, sizeof(*f->line_off));
	for (i = 0; i <= lines; i++)
		f->line_off[i] = i * 40;
	f->ranges = calloc(n, sizeof(*f->ranges));
	f->n_ranges = n;
	f->changed = calloc(n, sizeof(*f->changed));
	for (r = 0; r < n; r++) {
		f->ranges[r].start = ranges[2 * r];
		f->ranges[r].end = ranges[2 * r + 1];
		f->changed[f->n_changed++] = ranges[2 * r];
		f->est_tokens += diff_estimate_tokens((size_t)(ranges[2 * r + 1] - ranges[2 * r] + 1) * 40,
						      ranges[2 * r + 1] - ranges[2 * r] + 1) + 16;
	}
}

static struct diff *new_diff(size_t n)
{
	struct diff *d = calloc(1, sizeof(*d));

	d->files = calloc(n, sizeof(*d->files));
	d->n_files = n;
	return d;
}

/* Every reviewed line range of every file appears in exactly one unit part. */
static void assert_covers_exactly(const struct diff *d)
{
	size_t i, r, u, p;

	for (i = 0; i < d->n_files; i++) {
		const struct diff_file *f = &d->files[i];
		if (f->skip)
			continue;
		for (r = 0; r < f->n_ranges; r++) {
			uint32_t line;
			for (line = f->ranges[r].start; line <= f->ranges[r].end; line++) {
				int hits = 0;
				for (u = 0; u < d->n_units; u++)
					for (p = 0; p < d->units[u].n_parts; p++) {
						const struct diff_part *pt = &d->units[u].parts[p];
						hits += pt->file == i && pt->start <= line && line <= pt->end;
					}
				if (hits != 1)
					fail_msg("%s:%u is in %d units", f->path, line, hits);
			}
		}
	}
}

static void test_small_files_share_one_unit(void **state)
{
	struct diff *d = new_diff(3);
	uint32_t r1[] = {1, 10}, r2[] = {5, 20}, r3[] = {1, 3};

	(void)state;
	make_file(&d->files[0], "a/x.c", 30, r1, 1);
	make_file(&d->files[1], "a/y.c", 30, r2, 1);
	make_file(&d->files[2], "b/z.c", 30, r3, 1);
	assert_int_equal(diff_pack(d, 12000, 1), 0);
	assert_int_equal(d->n_units, 1);
	assert_int_equal(d->units[0].n_parts, 3);
	assert_int_equal(d->units[0].id, 1);
	assert_int_equal(d->files[2].unit, 1);
	assert_covers_exactly(d);
	diff_free(d);
}

static void test_budget_splits_units_and_keeps_a_file_together(void **state)
{
	struct diff *d = new_diff(3);
	/* each file ~ 2 ranges of 50 lines = ~1100 tokens; budget 1500: one file per unit */
	uint32_t r[] = {1, 50, 100, 149};

	(void)state;
	make_file(&d->files[0], "p/a.c", 200, r, 2);
	make_file(&d->files[1], "q/b.c", 200, r, 2);
	make_file(&d->files[2], "r/c.c", 200, r, 2);
	assert_int_equal(diff_pack(d, 1500, 1), 0);
	assert_int_equal(d->n_units, 3);
	for (size_t u = 0; u < 3; u++) {
		assert_int_equal(d->units[u].n_parts, 2);
		assert_int_equal(d->units[u].parts[0].file, d->units[u].parts[1].file);
		assert_true(d->units[u].est_tokens <= 1500);
	}
	assert_covers_exactly(d);
	diff_free(d);
}

static void test_related_files_are_grouped_before_unrelated_ones(void **state)
{
	struct diff *d = new_diff(4);
	uint32_t r[] = {1, 60};

	(void)state;
	/* a/handler.c names z/store.c; budget fits two files per unit */
	make_file(&d->files[0], "a/handler.c", 100, r, 1);
	make_file(&d->files[1], "m/other.c", 100, r, 1);
	make_file(&d->files[2], "n/more.c", 100, r, 1);
	make_file(&d->files[3], "z/store.c", 100, r, 1);
	d->files[0].refs = calloc(1, sizeof(size_t));
	d->files[0].refs[0] = 3;
	d->files[0].n_refs = 1;
	assert_int_equal(diff_pack(d, 1400, 1), 0);
	assert_int_equal(d->n_units, 2);
	assert_int_equal(d->units[0].parts[0].file, 0);
	assert_int_equal(d->units[0].parts[1].file, 3);
	assert_covers_exactly(d);
	diff_free(d);
}

static void test_file_over_budget_is_split_at_line_boundaries(void **state)
{
	struct diff *d = new_diff(1);
	uint32_t r[] = {1, 1000};
	size_t u;

	(void)state;
	make_file(&d->files[0], "big.c", 1000, r, 1);
	assert_int_equal(diff_pack(d, 2000, 1), 0);
	assert_true(d->n_units >= 6);
	for (u = 0; u < d->n_units; u++)
		assert_true(d->units[u].est_tokens <= 2000);
	assert_covers_exactly(d);
	diff_free(d);
}

static void test_skipped_files_are_never_packed(void **state)
{
	struct diff *d = new_diff(2);
	uint32_t r[] = {1, 5};

	(void)state;
	make_file(&d->files[0], "a.c", 10, r, 1);
	make_file(&d->files[1], "b.png", 10, r, 1);
	d->files[1].skip = DIFF_SKIP_BINARY;
	assert_int_equal(diff_pack(d, 12000, 1), 0);
	assert_int_equal(d->n_units, 1);
	assert_int_equal(d->units[0].n_parts, 1);
	assert_int_equal(d->files[1].unit, 0);
	diff_free(d);
}

static void test_packing_is_deterministic(void **state)
{
	struct diff *a = new_diff(20), *b = new_diff(20);
	char path[32];
	size_t i, u;

	(void)state;
	for (i = 0; i < 20; i++) {
		uint32_t r[] = {1, (uint32_t)(10 + 13 * i)};
		snprintf(path, sizeof(path), "d%zu/f%zu.c", i % 4, i);
		make_file(&a->files[i], path, 400, r, 1);
		make_file(&b->files[i], path, 400, r, 1);
	}
	assert_int_equal(diff_pack(a, 3000, 3), 0);
	assert_int_equal(diff_pack(b, 3000, 3), 0);
	assert_int_equal(a->n_units, b->n_units);
	for (u = 0; u < a->n_units; u++) {
		assert_int_equal(a->units[u].n_parts, b->units[u].n_parts);
		assert_int_equal(a->units[u].est_tokens, b->units[u].est_tokens);
		assert_int_equal(a->units[u].shard, b->units[u].shard);
		for (i = 0; i < a->units[u].n_parts; i++)
			assert_int_equal(a->units[u].parts[i].file, b->units[u].parts[i].file);
	}
	assert_covers_exactly(a);
	diff_free(a);
	diff_free(b);
}

static void test_shards_partition_units_and_balance_tokens(void **state)
{
	struct diff_unit units[10];
	size_t i, load[3] = {0}, total = 0, max = 0;
	unsigned s;

	(void)state;
	memset(units, 0, sizeof(units));
	for (i = 0; i < 10; i++) {
		units[i].id = i + 1;
		units[i].est_tokens = 1000 + 500 * (i % 4);
	}
	diff_assign_shards(units, 10, 3);
	for (i = 0; i < 10; i++) {
		assert_true(units[i].shard >= 1 && units[i].shard <= 3);
		load[units[i].shard - 1] += units[i].est_tokens;
		total += units[i].est_tokens;
	}
	for (s = 0; s < 3; s++) {
		assert_true(load[s] > 0);
		if (load[s] > max)
			max = load[s];
	}
	/* longest-processing-time first is within 4/3 of the best split */
	assert_true(max * 3 <= total * 4 / 3 + 2500 * 3);
	diff_assign_shards(units, 10, 1);
	for (i = 0; i < 10; i++)
		assert_int_equal(units[i].shard, 1);
}

static void test_more_shards_than_units_leaves_some_empty(void **state)
{
	struct diff_unit units[2];

	(void)state;
	memset(units, 0, sizeof(units));
	units[0].est_tokens = 10;
	units[1].est_tokens = 10;
	diff_assign_shards(units, 2, 5);
	assert_int_not_equal(units[0].shard, units[1].shard);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_small_files_share_one_unit),
		cmocka_unit_test(test_budget_splits_units_and_keeps_a_file_together),
		cmocka_unit_test(test_related_files_are_grouped_before_unrelated_ones),
		cmocka_unit_test(test_file_over_budget_is_split_at_line_boundaries),
		cmocka_unit_test(test_skipped_files_are_never_packed),
		cmocka_unit_test(test_packing_is_deterministic),
		cmocka_unit_test(test_shards_partition_units_and_balance_tokens),
		cmocka_unit_test(test_more_shards_than_units_leaves_some_empty),
	};
	return cmocka_run_group_tests_name("diff_pack", tests, NULL, NULL);
}
