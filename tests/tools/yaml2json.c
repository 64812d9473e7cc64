/* tests/tools/yaml2json.c: YAML (stdin) to JSON (stdout) for the schema tests, with libyaml and
 * cJSON. Plain scalars that look like numbers, booleans or null become those; dates stay strings
 * (as editors' YAML support sees them). Test tool only, built by the test that uses it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>
#include <yaml.h>

static cJSON *conv(yaml_document_t *doc, yaml_node_t *n, int depth)
{
	cJSON *out;

	if (!n || depth > 64)
		return cJSON_CreateNull();
	if (n->type == YAML_SCALAR_NODE) {
		const char *s = (const char *)n->data.scalar.value;
		char *end;
		double d;
		if (n->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
			return cJSON_CreateString(s);
		if (!*s || !strcmp(s, "~") || !strcmp(s, "null"))
			return cJSON_CreateNull();
		if (!strcmp(s, "true") || !strcmp(s, "false"))
			return cJSON_CreateBool(!strcmp(s, "true"));
		d = strtod(s, &end);
		if (*end == '\0' && end != s)
			return cJSON_CreateNumber(d);
		return cJSON_CreateString(s);
	}
	if (n->type == YAML_SEQUENCE_NODE) {
		yaml_node_item_t *it;
		out = cJSON_CreateArray();
		for (it = n->data.sequence.items.start; it < n->data.sequence.items.top; it++)
			cJSON_AddItemToArray(out, conv(doc, yaml_document_get_node(doc, *it), depth + 1));
		return out;
	}
	if (n->type == YAML_MAPPING_NODE) {
		yaml_node_pair_t *p;
		out = cJSON_CreateObject();
		for (p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top; p++) {
			yaml_node_t *k = yaml_document_get_node(doc, p->key);
			cJSON_AddItemToObject(out, k && k->type == YAML_SCALAR_NODE ? (const char *)k->data.scalar.value : "?",
					      conv(doc, yaml_document_get_node(doc, p->value), depth + 1));
		}
		return out;
	}
	return cJSON_CreateNull();
}

int main(void)
{
	static unsigned char buf[1 << 20];
	size_t len = fread(buf, 1, sizeof(buf), stdin);
	yaml_parser_t parser;
	yaml_document_t doc;
	cJSON *j;
	char *s;

	yaml_parser_initialize(&parser);
	yaml_parser_set_input_string(&parser, buf, len);
	if (!yaml_parser_load(&parser, &doc)) {
		fprintf(stderr, "yaml2json: %s\n", parser.problem ? parser.problem : "error");
		return 1;
	}
	j = conv(&doc, yaml_document_get_root_node(&doc), 0);
	s = cJSON_Print(j);
	puts(s);
	free(s);
	cJSON_Delete(j);
	yaml_document_delete(&doc);
	yaml_parser_delete(&parser);
	return 0;
}
