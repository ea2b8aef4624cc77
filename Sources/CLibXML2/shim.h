// libxml2's headers include the system ICU headers when LIBXML_ICU_ENABLED is set, and those
// clash with the ICU that Foundation bundles. Reading xmlversion.h first and undefining the
// macro keeps ICU out; the reader never needs libxml2's ICU encoding support.
#include <libxml/xmlversion.h>
#undef LIBXML_ICU_ENABLED
#include <libxml/parser.h>
#include <libxml/xmlreader.h>
#include <libxml/xpath.h>
#include <libxml/xpathInternals.h>
#include <libxml/xmlerror.h>
