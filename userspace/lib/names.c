// SPDX-License-Identifier: MIT
/* Printable names for the uapi's numbers. */
#include "internal.h"

const char *dms_status_name(uint32_t status)
{
	switch (status) {
	case DMASTREAM_STATUS_OK:		return "ok";
	case DMASTREAM_STATUS_READ_ERROR:	return "read-error";
	case DMASTREAM_STATUS_WRITE_ERROR:	return "write-error";
	case DMASTREAM_STATUS_ENGINE_ABORTED:	return "engine-aborted";
	case DMASTREAM_STATUS_TIMEOUT:		return "timeout";
	case DMASTREAM_STATUS_ABORTED:		return "aborted";
	default:				return "unknown";
	}
}

const char *dms_state_name(uint32_t state)
{
	switch (state) {
	case DMASTREAM_STATE_IDLE:	return "idle";
	case DMASTREAM_STATE_READY:	return "ready";
	case DMASTREAM_STATE_STOPPING:	return "stopping";
	case DMASTREAM_STATE_ERROR:	return "error";
	case DMASTREAM_STATE_GONE:	return "gone";
	default:			return "unknown";
	}
}

const char *dms_direction_name(uint32_t direction)
{
	switch (direction) {
	case DMASTREAM_DIR_TX:		return "tx";
	case DMASTREAM_DIR_RX:		return "rx";
	case DMASTREAM_DIR_MEMCPY:	return "memcpy";
	default:			return "unknown";
	}
}
