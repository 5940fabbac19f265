// SPDX-License-Identifier: MIT
/* The JSON writer: nesting, separators, escaping, one line per top-level value. */
#include <math.h>
#include <stdlib.h>

#include "check.h"
#include "json.h"

int main(void)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	struct json j;

	json_init(&j, f);
	json_begin_object(&j, NULL);
	json_string(&j, "s", "a\"b\\c\nd\te\x01");
	json_uint(&j, "u", 18446744073709551615ull);
	json_int(&j, "i", -42);
	json_double(&j, "d", 1.5);
	json_double(&j, "nan", NAN);
	json_bool(&j, "t", true);
	json_null(&j, "n");
	json_string(&j, "nul", NULL);
	json_begin_array(&j, "a");
	json_uint(&j, NULL, 1);
	json_begin_object(&j, NULL);
	json_end_object(&j);
	json_begin_array(&j, NULL);
	json_end_array(&j);
	json_end_array(&j);
	json_begin_object(&j, "o");
	json_string(&j, "k", "v");
	json_end_object(&j);
	json_end_object(&j);
	/* A second top-level value: a new line (JSON Lines). */
	json_begin_object(&j, NULL);
	json_uint(&j, "x", 1);
	json_end_object(&j);
	fclose(f);

	CHECK_STR(buf, "{\"s\":\"a\\\"b\\\\c\\nd\\te\\u0001\",\"u\":18446744073709551615,"
		       "\"i\":-42,\"d\":1.5,\"nan\":null,\"t\":true,\"n\":null,\"nul\":null,"
		       "\"a\":[1,{},[]],\"o\":{\"k\":\"v\"}}\n{\"x\":1}\n");
	free(buf);
	return check_report();
}
