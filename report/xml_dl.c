/* report/xml_dl.c: binds libxml2 at run time (see xml_dl.h for why). */
#include "report/xml_dl.h"

#include <dlfcn.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "report/report.h"
#include "util/err.h"

struct report_xml_api report_xml;

static bool loaded;

#define BIND(field, name)                                                        \
	do {                                                                     \
		void *sym = dlsym(lib, name);                                    \
		if (!sym)                                                        \
			return trb_err_set(TRB_ERROR, "libxml2 has no %s", name); \
		memcpy(&report_xml.field, &sym, sizeof(sym));                    \
	} while (0)

int report_xml_load(void)
{
	void *lib;

	if (loaded)
		return 0;
	if (!(lib = dlopen("libxml2.so.2", RTLD_NOW | RTLD_LOCAL)))
		return trb_err_set(TRB_ERROR, "cannot load libxml2.so.2 (install libxml2): %s", dlerror());
	BIND(BufferCreate, "xmlBufferCreate");
	BIND(BufferFree, "xmlBufferFree");
	BIND(BufferContent, "xmlBufferContent");
	BIND(BufferLength, "xmlBufferLength");
	BIND(NewTextWriterMemory, "xmlNewTextWriterMemory");
	BIND(FreeTextWriter, "xmlFreeTextWriter");
	BIND(SetIndent, "xmlTextWriterSetIndent");
	BIND(SetIndentString, "xmlTextWriterSetIndentString");
	BIND(StartDocument, "xmlTextWriterStartDocument");
	BIND(EndDocument, "xmlTextWriterEndDocument");
	BIND(StartElement, "xmlTextWriterStartElement");
	BIND(EndElement, "xmlTextWriterEndElement");
	BIND(WriteAttribute, "xmlTextWriterWriteAttribute");
	BIND(WriteFormatAttribute, "xmlTextWriterWriteFormatAttribute");
	BIND(WriteString, "xmlTextWriterWriteString");
	BIND(ParserVersion, "xmlParserVersion");
	loaded = true;  /* mapped for the process's life */
	return 0;
}

const char *report_xml_version(void)
{
	static char v[32];
	long n;

	if (report_xml_load() < 0)
		return NULL;
	/* "20914" means 2.9.14 */
	n = strtol(*report_xml.ParserVersion, NULL, 10);
	snprintf(v, sizeof(v), "%ld.%ld.%ld", n / 10000, n / 100 % 100, n % 100);
	return v;
}
