/* report/xml_dl.h (private to report/): libxml2's xmlwriter, bound at run time.
 * Linking libxml2 maps ICU and libstdc++ at every start (about 5 ms, most of a fast command's
 * fixed cost); only junit.xml needs it, so report/ opens libxml2.so.2 the first time it writes
 * one. The names below shadow libxml2's, so junit.c reads like plain xmlwriter code. Include this
 * instead of <libxml/xmlwriter.h>. */
#ifndef TRB_REPORT_XML_DL_H
#define TRB_REPORT_XML_DL_H

#include <libxml/xmlwriter.h>

struct report_xml_api {
	xmlBufferPtr (*BufferCreate)(void);
	void (*BufferFree)(xmlBufferPtr);
	const xmlChar *(*BufferContent)(const xmlBuffer *);
	int (*BufferLength)(const xmlBuffer *);
	xmlTextWriterPtr (*NewTextWriterMemory)(xmlBufferPtr, int);
	void (*FreeTextWriter)(xmlTextWriterPtr);
	int (*SetIndent)(xmlTextWriterPtr, int);
	int (*SetIndentString)(xmlTextWriterPtr, const xmlChar *);
	int (*StartDocument)(xmlTextWriterPtr, const char *, const char *, const char *);
	int (*EndDocument)(xmlTextWriterPtr);
	int (*StartElement)(xmlTextWriterPtr, const xmlChar *);
	int (*EndElement)(xmlTextWriterPtr);
	int (*WriteAttribute)(xmlTextWriterPtr, const xmlChar *, const xmlChar *);
	int (*WriteFormatAttribute)(xmlTextWriterPtr, const xmlChar *, const char *, ...);
	int (*WriteString)(xmlTextWriterPtr, const xmlChar *);
	const char **ParserVersion;
};

extern struct report_xml_api report_xml;

/* Binds libxml2 (once); TRB_ERROR with a message when it cannot be loaded. */
int report_xml_load(void);

#define xmlBufferCreate report_xml.BufferCreate
#define xmlBufferFree report_xml.BufferFree
#define xmlBufferContent report_xml.BufferContent
#define xmlBufferLength report_xml.BufferLength
#define xmlNewTextWriterMemory report_xml.NewTextWriterMemory
#define xmlFreeTextWriter report_xml.FreeTextWriter
#define xmlTextWriterSetIndent report_xml.SetIndent
#define xmlTextWriterSetIndentString report_xml.SetIndentString
#define xmlTextWriterStartDocument report_xml.StartDocument
#define xmlTextWriterEndDocument report_xml.EndDocument
#define xmlTextWriterStartElement report_xml.StartElement
#define xmlTextWriterEndElement report_xml.EndElement
#define xmlTextWriterWriteAttribute report_xml.WriteAttribute
#define xmlTextWriterWriteFormatAttribute report_xml.WriteFormatAttribute
#define xmlTextWriterWriteString report_xml.WriteString

#endif
