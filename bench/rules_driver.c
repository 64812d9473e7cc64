/* bench/rules_driver.c: runs tribunal's rule layer from a script, without a repository.
 * Built by bench/rules_*.sh against build/.../libtribunal.a; not part of the product.
 *   rules_driver scan [--secrets] [--quiet] [--snippets] FILE...
 *                        every line of each file counts as added; prints path:line:rule-id
 *                        (--snippets: and the masked snippet; never a whole secret)
 *   rules_driver patterns [--secrets] [--joined]     one PCRE2 pattern per line, or all of them
 *                                                    as one alternation (grep -P takes one pattern;
 *                                                    back references are renumbered to stay right)
 *   rules_driver count                               rules by kind
 *   rules_driver doc                                 the rule reference of docs/rules.md
 *   rules_driver redact FILE                         the file with secrets redacted */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "rules/rules.h"
#include "util/err.h"
#include "util/sev.h"

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t cap = 0, n = 0, got;

	if (!f)
		return NULL;
	for (;;) {
		if (n + 65536 + 1 > cap) {
			char *p;
			cap = (n + 65536 + 1) * 2;
			if (!(p = realloc(buf, cap))) {
				free(buf);
				fclose(f);
				return NULL;
			}
			buf = p;
		}
		got = fread(buf + n, 1, 65536, f);
		n += got;
		if (got == 0)
			break;
	}
	fclose(f);
	buf[n] = '\0';
	*len = n;
	return buf;
}

int main(int argc, char **argv)
{
	struct rules *r = NULL;
	int i, secrets = 0, quiet = 0, snippets = 0, joined = 0, rc = 0;
	size_t k, total = 0;
	const char *cmd = argc > 1 ? argv[1] : "";

	if (rules_new(&r, NULL) < 0) {
		fprintf(stderr, "rules_new: %s\n", trb_err_msg());
		return 2;
	}
	for (i = 2; i < argc && argv[i][0] == '-'; i++) {
		if (strcmp(argv[i], "--secrets") == 0)
			secrets = 1;
		else if (strcmp(argv[i], "--quiet") == 0)
			quiet = 1;
		else if (strcmp(argv[i], "--snippets") == 0)
			snippets = 1;
		else if (strcmp(argv[i], "--joined") == 0)
			joined = 1;
	}
	if (strcmp(cmd, "patterns") == 0) {
		uint32_t offset = 0;
		int first = 1;
		for (k = 0; k < rules_count(r); k++) {
			const struct rules_rule *ru = rules_rule_at(r, k);
			const char *p;
			if (!ru->pattern[0] || (secrets && ru->kind != RULES_KIND_SECRET))
				continue;
			if (!joined) {
				printf("%s\n", ru->pattern);
				continue;
			}
			printf("%s(?:", first ? "" : "|");
			first = 0;
			for (p = ru->pattern; *p; p++) {
				if (p[0] == '\\' && p[1] >= '1' && p[1] <= '9') {
					printf("\\g{%u}", (unsigned)(p[1] - '0') + offset);
					p++;
				} else if (p[0] == '\\' && p[1]) {
					putchar(*p++);
					putchar(*p);
				} else {
					putchar(*p);
				}
			}
			putchar(')');
			{
				int ec;
				PCRE2_SIZE eo;
				uint32_t caps = 0;
				pcre2_code *code = pcre2_compile((PCRE2_SPTR)ru->pattern, PCRE2_ZERO_TERMINATED,
								 PCRE2_MULTILINE, &ec, &eo, NULL);
				if (code && pcre2_pattern_info(code, PCRE2_INFO_CAPTURECOUNT, &caps) == 0)
					offset += caps;
				pcre2_code_free(code);
			}
		}
		if (joined)
			putchar('\n');
	} else if (strcmp(cmd, "doc") == 0) {
		static const char *const kinds[] = {"secret", "dangerous API (hint)", "policy", "meta"};
		int last = -1;
		for (k = 0; k < rules_count(r); k++) {
			const struct rules_rule *ru = rules_rule_at(r, k);
			const char *p;
			if ((int)ru->kind != last) {
				printf("\n## %s\n", ru->kind == RULES_KIND_SECRET ? "Secrets" : ru->kind == RULES_KIND_API ? "Dangerous APIs" : "Meta rules");
				last = (int)ru->kind;
			}
			printf("\n### `%s`\n\n%s.\n\n", ru->id, ru->title);
			printf("| kind | severity | confidence | CWE | category | languages |%s\n", ru->secret_kind ? " placeholder |" : "");
			printf("| --- | --- | --- | --- | --- | --- |%s\n", ru->secret_kind ? " --- |" : "");
			printf("| %s%s | %s | %.2f | %s | %s | %s |", kinds[ru->kind], ru->standalone ? ", standalone" : "",
			       trb_sev_name(ru->severity), ru->confidence, ru->cwe ? ru->cwe : "none", ru->category,
			       ru->languages[0] ? ru->languages : "all");
			if (ru->secret_kind)
				printf(" `<redacted:%s>` |", ru->secret_kind);
			printf("\n\n%s\n\n**Fix:** %s\n", ru->message, ru->recommendation);
			if (ru->pattern[0]) {
				printf("\nPattern (PCRE2):\n\n    ");
				for (p = ru->pattern; *p; p++)
					putchar(*p);
				printf("\n");
			}
		}
	} else if (strcmp(cmd, "count") == 0) {
		size_t by[4] = {0};
		for (k = 0; k < rules_count(r); k++)
			by[rules_rule_at(r, k)->kind]++;
		printf("total %zu secret %zu api %zu policy %zu meta %zu\n", rules_count(r), by[0], by[1], by[2], by[3]);
	} else if (strcmp(cmd, "scan") == 0) {
		for (; i < argc; i++) {
			struct rules_hits h;
			size_t len;
			char *text = slurp(argv[i], &len);
			if (!text) {
				fprintf(stderr, "%s: cannot read\n", argv[i]);
				rc = 2;
				continue;
			}
			rules_hits_init(&h);
			if (rules_scan(&h, r, argv[i], diff_lang_of_path(argv[i]), text, len, NULL, 0, RULES_KINDS_ALL) < 0) {
				fprintf(stderr, "%s: %s\n", argv[i], trb_err_msg());
				rc = 2;
			}
			for (k = 0; k < h.n; k++) {
				if (secrets && h.v[k].rule->kind != RULES_KIND_SECRET)
					continue;
				total++;
				if (!quiet)
					printf("%s:%u:%s%s%s%s\n", h.v[k].path, h.v[k].line, h.v[k].rule->id,
					       h.v[k].suppressed ? " suppressed" : "", snippets ? "\t" : "",
					       snippets ? h.v[k].snippet : "");
			}
			for (k = 0; k < h.n_warnings; k++)
				fprintf(stderr, "warning: %s\n", h.warnings[k]);
			rules_hits_dispose(&h);
			free(text);
		}
		if (quiet)
			printf("%zu hits\n", total);
	} else if (strcmp(cmd, "redact") == 0 && i < argc) {
		struct trb_buf b = TRB_BUF_INIT(TRB_LIMIT_FILE);
		size_t len;
		char *text = slurp(argv[i], &len);
		if (!text || rules_redact(&b, r, text, len) < 0) {
			fprintf(stderr, "%s: %s\n", argv[i], text ? trb_err_msg() : "cannot read");
			rc = 2;
		} else {
			fwrite(b.ptr, 1, b.len, stdout);
		}
		trb_buf_dispose(&b);
		free(text);
	} else {
		fprintf(stderr, "usage: rules_driver scan|patterns|count|redact ...\n");
		rc = 2;
	}
	rules_free(r);
	return rc;
}
