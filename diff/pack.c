/* diff/pack.c: packs the reviewed ranges into review units under a token budget, and units into
 * shards. Deterministic: the same diff always gives the same units in the same order. */
#include "diff/diff_int.h"

#include <stdlib.h>
#include <string.h>

#include "util/array.h"
#include "util/err.h"

#define PART_OVERHEAD 16   /* tokens for a part's header (path, line range) */
/* files that go into units: reviewed, and allowed to leave the machine */
#define PACKED(f) (!(f)->skip && !(f)->never_send)

struct packer {
	struct diff *d;
	size_t budget;
	struct diff_unit cur;
	size_t cap_parts;
	size_t cap_units;
};

static uint32_t count_changed(const struct diff_file *f, uint32_t start, uint32_t end)
{
	size_t lo = 0, hi = f->n_changed;
	uint32_t n = 0;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (f->changed[mid] < start)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (; lo < f->n_changed && f->changed[lo] <= end; lo++)
		n++;
	return n;
}

bool diff_line_changed(const struct diff_file *f, uint32_t line)
{
	size_t lo = 0, hi = f->n_changed;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (f->changed[mid] < line)
			lo = mid + 1;
		else if (f->changed[mid] > line)
			hi = mid;
		else
			return true;
	}
	return false;
}

static size_t part_tokens(const struct diff_file *f, uint32_t start, uint32_t end)
{
	return diff_estimate_tokens(f->line_off[end] - f->line_off[start - 1], end - start + 1) + PART_OVERHEAD;
}

static int close_unit(struct packer *p)
{
	struct diff *d = p->d;
	int error;

	if (p->cur.n_parts == 0)
		return 0;
	if ((error = trb_array_grow((void **)&d->units, &p->cap_units, d->n_units, sizeof(*d->units))) < 0)
		return error;
	p->cur.id = d->n_units + 1;
	d->units[d->n_units++] = p->cur;
	memset(&p->cur, 0, sizeof(p->cur));
	p->cap_parts = 0;
	return 0;
}

static int add_part(struct packer *p, size_t file, uint32_t start, uint32_t end)
{
	struct diff_file *f = &p->d->files[file];
	struct diff_part *part;
	int error;

	if ((error = trb_array_grow((void **)&p->cur.parts, &p->cap_parts, p->cur.n_parts, sizeof(*p->cur.parts))) < 0)
		return error;
	part = &p->cur.parts[p->cur.n_parts++];
	part->file = file;
	part->start = start;
	part->end = end;
	part->changed = count_changed(f, start, end);
	p->cur.est_tokens += part_tokens(f, start, end);
	p->cur.changed += part->changed;
	if (f->unit == 0)
		f->unit = p->d->n_units + 1;
	return 0;
}

static int add_file(struct packer *p, size_t file)
{
	const struct diff_file *f = &p->d->files[file];
	size_t r;
	int error;

	for (r = 0; r < f->n_ranges; r++)
		if ((error = add_part(p, file, f->ranges[r].start, f->ranges[r].end)) < 0)
			return error;
	return 0;
}

/* The shape of head line l: its indentation (a tab counts 8), whether it is blank, and whether it
 * closes a block ('}', ')', ']' or the word "end" first). */
struct line_shape {
	unsigned indent;
	bool blank, closer;
};

static struct line_shape shape_of(const char *text, const struct diff_file *f, uint32_t l)
{
	const char *s = text + f->line_off[l - 1], *e = text + f->line_off[l];
	struct line_shape sh = {0, true, false};

	for (; s < e && (*s == ' ' || *s == '\t'); s++)
		sh.indent += *s == '\t' ? 8 : 1;
	if (s < e && *s != '\n' && *s != '\r') {
		sh.blank = false;
		sh.closer = *s == '}' || *s == ')' || *s == ']' ||
			    (e - s >= 3 && memcmp(s, "end", 3) == 0 &&
			     (e - s == 3 || !(s[3] == '_' || (s[3] >= 'a' && s[3] <= 'z') || (s[3] >= 'A' && s[3] <= 'Z') ||
					      (s[3] >= '0' && s[3] <= '9'))));
	}
	return sh;
}

/* A file over the budget: its ranges fill units in order; a range over the budget is cut at line
 * boundaries. In the last 40% of each piece the cut goes, by preference, after a block that
 * closes at the piece's outermost indentation (the end of a function), before a line that starts
 * at that indentation (the next function), or at a blank line; the text is read again for this
 * (only files this large pay for it). */
static int add_big_file(struct packer *p, size_t file)
{
	const struct diff_file *f = &p->d->files[file];
	git_blob *blob = NULL;
	const char *text = NULL;
	size_t r;
	int error = 0;

	if (p->d->repo && git_blob_lookup(&blob, p->d->repo, &f->new_oid) == 0 &&
	    (size_t)git_blob_rawsize(blob) >= f->line_off[f->n_lines])
		text = git_blob_rawcontent(blob);

	for (r = 0; r < f->n_ranges; r++) {
		uint32_t s = f->ranges[r].start, e = f->ranges[r].end;
		size_t t = part_tokens(f, s, e);

		if (t <= p->budget) {
			if (p->cur.est_tokens + t > p->budget && (error = close_unit(p)) < 0)
				goto done;
			if ((error = add_part(p, file, s, e)) < 0)
				goto done;
			continue;
		}
		if ((error = close_unit(p)) < 0)
			goto done;
		while (s <= e) {
			uint32_t l = s, cut, best = 0;
			unsigned outer = UINT32_MAX, best_score = 0;
			size_t acc = PART_OVERHEAD;
			bool prev_blank = false;
			while (l <= e) {
				size_t lt = diff_estimate_tokens(f->line_off[l] - f->line_off[l - 1], 1);
				struct line_shape sh = {0, f->line_off[l] - f->line_off[l - 1] <= 1, false};
				unsigned score = 0;
				if (acc + lt > p->budget && l > s)
					break;
				acc += lt;
				if (text)
					sh = shape_of(text, f, l);
				if (acc * 10 >= p->budget * 6 && l > s) {
					/* 3: a block closes at the outermost level; 2: the outermost level starts
					 * again (cut before l); 1: a blank line */
					if (sh.closer && sh.indent <= outer)
						score = 3;
					else if (!sh.blank && sh.indent <= outer && text)
						score = prev_blank ? 2 : 1;
					else if (sh.blank)
						score = 1;
					if (score >= best_score) {
						best_score = score;
						best = score == 3 || sh.blank ? l : l - 1;
					}
				}
				if (!sh.blank && sh.indent < outer)
					outer = sh.indent;
				prev_blank = sh.blank;
				l++;
			}
			cut = (l <= e && best >= s) ? best : l - 1;
			if ((error = add_part(p, file, s, cut)) < 0 || (error = close_unit(p)) < 0)
				goto done;
			s = cut + 1;
		}
	}
done:
	git_blob_free(blob);
	return error;
}

/* ---- grouping related files: same directory, or one names the other ---------------------------- */

static size_t uf_find(size_t *parent, size_t x)
{
	while (parent[x] != x) {
		parent[x] = parent[parent[x]];
		x = parent[x];
	}
	return x;
}

static void uf_union(size_t *parent, size_t a, size_t b)
{
	a = uf_find(parent, a);
	b = uf_find(parent, b);
	if (a == b)
		return;
	/* the smaller index is the root, so component order follows file order */
	if (a < b)
		parent[b] = a;
	else
		parent[a] = b;
}

static size_t dir_len(const char *path)
{
	const char *s = strrchr(path, '/');

	return s ? (size_t)(s - path) : 0;
}

struct dir_key {
	const char *dir;
	size_t n;
	size_t file;
};

static int cmp_by_dir(const void *a, const void *b)
{
	const struct dir_key *x = a, *y = b;
	size_t n = x->n < y->n ? x->n : y->n;
	int c = memcmp(x->dir, y->dir, n);

	if (c)
		return c;
	if (x->n != y->n)
		return x->n < y->n ? -1 : 1;
	return x->file < y->file ? -1 : 1;
}

int diff_pack(struct diff *d, size_t unit_tokens, unsigned shards)
{
	struct packer p;
	size_t *parent = NULL, *comp_tokens = NULL, i, j, k, n = d->n_files, m = 0;
	struct dir_key *order = NULL;
	int error = 0;

	memset(&p, 0, sizeof(p));
	p.d = d;
	p.budget = unit_tokens < 256 ? 256 : unit_tokens;
	if (n == 0)
		return 0;
	if (!(parent = calloc(n, sizeof(*parent))) || !(order = calloc(n, sizeof(*order))) ||
	    !(comp_tokens = calloc(n, sizeof(*comp_tokens)))) {
		error = trb_err_oom();
		goto done;
	}
	for (i = 0; i < n; i++) {
		parent[i] = i;
		d->files[i].unit = 0;
		if (!d->files[i].skip && !d->files[i].never_send) {
			order[m].dir = d->files[i].path;
			order[m].n = dir_len(d->files[i].path);
			order[m].file = i;
			m++;
		}
	}
	qsort(order, m, sizeof(*order), cmp_by_dir);
	for (i = 1; i < m; i++)
		if (order[i].n == order[i - 1].n && memcmp(order[i].dir, order[i - 1].dir, order[i].n) == 0)
			uf_union(parent, order[i - 1].file, order[i].file);
	for (i = 0; i < n; i++)
		for (k = 0; PACKED(&d->files[i]) && k < d->files[i].n_refs; k++)
			if (PACKED(&d->files[d->files[i].refs[k]]))
				uf_union(parent, i, d->files[i].refs[k]);
	for (i = 0; i < n; i++)
		if (PACKED(&d->files[i]))
			comp_tokens[uf_find(parent, i)] += d->files[i].est_tokens;
	/* components in the order of their first file; each root is its component's first file */
	for (i = 0; i < n; i++) {
		if (!PACKED(&d->files[i]) || uf_find(parent, i) != i)
			continue;
		if (comp_tokens[i] <= p.budget) {
			if (p.cur.est_tokens + comp_tokens[i] > p.budget && (error = close_unit(&p)) < 0)
				goto done;
			for (j = i; j < n; j++)
				if (PACKED(&d->files[j]) && uf_find(parent, j) == i && (error = add_file(&p, j)) < 0)
					goto done;
			continue;
		}
		if ((error = close_unit(&p)) < 0)
			goto done;
		for (j = i; j < n; j++) {
			const struct diff_file *f = &d->files[j];
			if (!PACKED(f) || uf_find(parent, j) != i)
				continue;
			if (f->est_tokens > p.budget) {
				if ((error = close_unit(&p)) < 0 || (error = add_big_file(&p, j)) < 0 ||
				    (error = close_unit(&p)) < 0)
					goto done;
				continue;
			}
			if (p.cur.est_tokens + f->est_tokens > p.budget && (error = close_unit(&p)) < 0)
				goto done;
			if ((error = add_file(&p, j)) < 0)
				goto done;
		}
		if ((error = close_unit(&p)) < 0)
			goto done;
	}
	if ((error = close_unit(&p)) < 0)
		goto done;
	diff_assign_shards(d->units, d->n_units, shards ? shards : 1);
done:
	free(p.cur.parts);
	free(parent);
	free(order);
	free(comp_tokens);
	return error;
}

void diff_assign_shards(struct diff_unit *units, size_t n, unsigned shards)
{
	size_t *order, *load, i, j, t;
	unsigned s;

	if (shards <= 1 || n == 0) {
		for (i = 0; i < n; i++)
			units[i].shard = 1;
		return;
	}
	order = calloc(n, sizeof(*order));
	load = calloc(shards, sizeof(*load));
	if (!order || !load) {
		/* round-robin is still a partition */
		for (i = 0; i < n; i++)
			units[i].shard = (unsigned)(i % shards) + 1;
		free(order);
		free(load);
		return;
	}
	for (i = 0; i < n; i++)
		order[i] = i;
	/* insertion sort by tokens descending, index ascending: n is small and this is stable */
	for (i = 1; i < n; i++) {
		t = order[i];
		for (j = i; j > 0 && (units[order[j - 1]].est_tokens < units[t].est_tokens); j--)
			order[j] = order[j - 1];
		order[j] = t;
	}
	for (i = 0; i < n; i++) {
		unsigned best = 0;
		for (s = 1; s < shards; s++)
			if (load[s] < load[best])
				best = s;
		units[order[i]].shard = best + 1;
		load[best] += units[order[i]].est_tokens;
	}
	free(order);
	free(load);
}
