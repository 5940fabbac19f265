// SPDX-License-Identifier: MIT
/* Failure reporting and exit codes (cli.h). */
#include <errno.h>
#include <stdarg.h>
#include <string.h>

#include "cli.h"
#include "json.h"

const char *exit_class(int code)
{
	switch (code) {
	case EXIT_OK:		return "ok";
	case EXIT_USAGE:	return "usage";
	case EXIT_NO_CHANNEL:	return "no-channel";
	case EXIT_PERMISSION:	return "permission";
	case EXIT_NO_MODULE:	return "no-module";
	case EXIT_BUSY:		return "busy";
	case EXIT_ENGINE:	return "engine-error";
	case EXIT_TIMEOUT:	return "timeout";
	case EXIT_VERIFY:	return "verify-failed";
	case EXIT_RESOURCES:	return "resources";
	case EXIT_IO:		return "io-error";
	case EXIT_INTERRUPTED:	return "interrupted";
	default:		return "failed";
	}
}

int exit_for_errno(int err)
{
	if (err < 0)
		err = -err;
	switch (err) {
	case ENOENT:
	case ENODEV:
	case ENXIO:
	case ENOTTY:
		return EXIT_NO_CHANNEL;
	case EACCES:
	case EPERM:
		return EXIT_PERMISSION;
	case EBUSY:
	case EEXIST:
		return EXIT_BUSY;
	case EIO:
		return EXIT_ENGINE;
	case ETIMEDOUT:
		return EXIT_TIMEOUT;
	case E2BIG:
	case ENOMEM:
	case ENOSPC:
	case EDQUOT:
		return EXIT_RESOURCES;
	case EINVAL:
	case ENAMETOOLONG:
		return EXIT_USAGE;
	case EPIPE:
	case ECONNRESET:
	case ECONNREFUSED:
		return EXIT_IO;
	case EINTR:
		return EXIT_INTERRUPTED;
	default:
		return EXIT_FAIL;
	}
}

static int report(struct cli *c, int code, const char *fmt, va_list ap)
{
	char msg[512];
	struct json j;

	vsnprintf(msg, sizeof(msg), fmt, ap);
	fprintf(c->err, "dmastream%s%s: %s\n", c->cmd ? " " : "", c->cmd ? c->cmd : "", msg);
	if (c->json) {
		json_init(&j, c->out);
		json_begin_object(&j, NULL);
		if (c->cmd)
			json_string(&j, "command", c->cmd);
		json_string(&j, "error", msg);
		json_string(&j, "class", exit_class(code));
		json_int(&j, "exit_code", code);
		json_end_object(&j);
	}
	return code;
}

int cli_fail(struct cli *c, int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	report(c, code, fmt, ap);
	va_end(ap);
	return code;
}

int cli_fail_errno(struct cli *c, int err, const char *fmt, ...)
{
	int code = exit_for_errno(err);
	char msg[400];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return cli_fail(c, code, "%s: %s", msg, strerror(err < 0 ? -err : err));
}
