// SPDX-License-Identifier: MIT
/* The library's own release, for programs that compare it with the headers'. */
#include "internal.h"

unsigned int dms_version(void)
{
	return DMS_VERSION;
}

const char *dms_version_string(void)
{
	return DMS_LIB_VERSION_STRING;
}
