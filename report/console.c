/* report/console.c: the text a person reads at the end of the CI log.
 * Every line starts with fixed text ("tribunal:" or "  - "), never with a path or a title, so that
 * nothing from the repository can start a GitHub workflow command (`::`); hostile text goes
 * through trb_escape_term (no terminal escapes). Colours only on a terminal. */
#include "report/internal.h"

#include <stdlib.h>
#include <string.h>

#include "util/err.h"
#include "util/escape.h"

#define GATING_LINES_MAX 50

struct style {
	const char *red, *green, *yellow, *cyan, *bold, *dim, *reset;
};

static void term(struct trb_buf *out, const char *s, size_t max)
{
	size_t len, n;

	if (!s)
		return;
	len = strlen(s);
	n = trb_utf8_prefix(s, len, max);
	trb_escape_term(out, s, n);
	if (n < len)
		trb_buf_puts(out, "...");
}

static const char *sev_color(const struct style *st, trb_sev_t s)
{
	return s >= TRB_SEV_HIGH ? st->red : s == TRB_SEV_MEDIUM ? st->yellow : st->cyan;
}

static const struct style color = {"\x1b[31m", "\x1b[32m", "\x1b[33m", "\x1b[36m", "\x1b[1m", "\x1b[2m", "\x1b[0m"};
static const struct style plain = {"", "", "", "", "", "", ""};

int report_console_notices(struct trb_buf *out, const struct findings *fs, bool is_tty)
{
	const struct style *st = is_tty ? &color : &plain;
	size_t i;

	for (i = 0; i < fs->run.n_notices; i++) {
		trb_buf_printf(out, "tribunal: %s%swarning:%s ", st->bold, st->yellow, st->reset);
		term(out, fs->run.notices[i], 1000);
		trb_buf_putc(out, '\n');
	}
	return trb_buf_error(out);
}

int report_console(struct trb_buf *out, const struct findings *fs, const char *out_dir,
		   unsigned formats, bool is_tty)
{
	const struct style *st = is_tty ? &color : &plain;
	const struct findings_run *r = &fs->run;
	struct report_counts c;
	size_t *order = NULL, i, shown = 0, others, n, total;
	bool first;
	int error, f;

	if ((error = report_order(&order, fs)) < 0)
		return error;
	report_count(&c, fs);

	if (c.gating) {
		trb_buf_printf(out, "tribunal: %zu finding%s block%s the merge:\n", c.gating, c.gating == 1 ? "" : "s",
			       c.gating == 1 ? "s" : "");
		for (i = 0; i < fs->n && shown < GATING_LINES_MAX; i++) {
			const struct finding *g = &fs->v[order[i]];
			if (!g->gating)
				continue;
			trb_buf_puts(out, "  - ");
			term(out, g->path ? g->path : "?", 300);
			trb_buf_printf(out, ":%u %s%s%s ", report_line(g), sev_color(st, g->severity),
				       trb_sev_name(g->severity), st->reset);
			term(out, g->title && *g->title ? g->title : "(untitled)", 200);
			trb_buf_putc(out, '\n');
			shown++;
		}
		if (c.gating > shown)
			trb_buf_printf(out, "  - and %zu more (see summary.md)\n", c.gating - shown);
	}
	others = c.active - (c.gating <= c.active ? c.gating : c.active);
	trb_buf_printf(out, "tribunal: %s%zu other finding%s%s", st->dim, others, others == 1 ? "" : "s", st->reset);
	if (others) {
		size_t by[TRB_SEV_COUNT] = {0, 0, 0, 0};
		int s;
		for (i = 0; i < fs->n; i++)
			if (report_active(&fs->v[i]) && !fs->v[i].gating && fs->v[i].severity >= 0 &&
			    fs->v[i].severity < TRB_SEV_COUNT)
				by[fs->v[i].severity]++;
		first = true;
		trb_buf_puts(out, " (");
		for (s = TRB_SEV_CRITICAL; s >= TRB_SEV_LOW; s--) {
			if (!by[s])
				continue;
			trb_buf_printf(out, "%s%zu %s", first ? "" : ", ", by[s], trb_sev_name((trb_sev_t)s));
			first = false;
		}
		trb_buf_putc(out, ')');
	}
	trb_buf_printf(out, ", %zu suppressed, %zu rejected by the verifier\n", c.status[FINDING_SUPPRESSED],
		       c.status[FINDING_REJECTED]);
	if (report_unreviewed_counts(fs, &n, &total)) {
		trb_buf_printf(out, "tribunal: %s%snot reviewed:%s %zu of %zu units (",
			       st->bold, st->yellow, st->reset, n, total);
		for (i = 0; i < fs->n_unreviewed && i < 5; i++) {
			trb_buf_printf(out, "%sunit %zu: ", i ? "; " : "", fs->unreviewed[i].unit);
			term(out, fs->unreviewed[i].reason ? fs->unreviewed[i].reason : "?", 100);
		}
		if (fs->n_unreviewed > 5)
			trb_buf_printf(out, "; %zu more", fs->n_unreviewed - 5);
		trb_buf_puts(out, ")\n");
	}
	if (fs->n_skipped)
		trb_buf_printf(out, "tribunal: %zu changed file%s skipped (binary, generated, excluded, ...)\n",
			       fs->n_skipped, fs->n_skipped == 1 ? "" : "s");
	if (r->gate_pass)
		trb_buf_printf(out, "tribunal: gate %s%spassed%s (mode %s)", st->bold, st->green, st->reset,
			       config_mode_name(r->mode));
	else
		trb_buf_printf(out, "tribunal: gate %s%sFAILED%s (mode %s)", st->bold, st->red, st->reset,
			       config_mode_name(r->mode));
	for (i = 0; i < r->n_gate_reasons && i < 10; i++) {
		trb_buf_puts(out, i ? "; " : ": ");
		term(out, r->gate_reasons[i], 300);
	}
	trb_buf_putc(out, '\n');
	if (out_dir && formats) {
		trb_buf_puts(out, "tribunal: reports in ");
		term(out, out_dir, 1000);
		trb_buf_putc(out, ':');
		for (f = 0; f < REPORT_FORMAT_COUNT; f++)
			if (formats & REPORT_BIT(f))
				trb_buf_printf(out, " %s", report_format_file((report_format_t)f));
		trb_buf_putc(out, '\n');
	}
	free(order);
	return trb_buf_error(out);
}
