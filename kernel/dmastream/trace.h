/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Tracepoints: one event when a transfer is queued, one when its completion
 * is recorded, so ftrace and perf users see per-transfer latency.
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM dmastream

#if !defined(DMASTREAM_TRACE_H) || defined(TRACE_HEADER_MULTI_READ)
#define DMASTREAM_TRACE_H

#include <linux/tracepoint.h>

#include "compat.h"
#include "dmastream.h"

TRACE_EVENT(dmastream_submit,
	    TP_PROTO(const struct dmastream_chan *chan, const struct dmastream_req *req,
		     unsigned int nsegs),
	    TP_ARGS(chan, req, nsegs),
	    TP_STRUCT__entry(__string(chan, dev_name(&chan->dev))
			     __field(u64, seq)
			     __field(u64, cookie)
			     __field(u32, len)
			     __field(u32, nsegs)),
	    TP_fast_assign(dmastream_assign_str(chan, dev_name(&chan->dev));
			   __entry->seq = req->seq;
			   __entry->cookie = req->user_cookie;
			   __entry->len = req->len;
			   __entry->nsegs = nsegs;),
	    TP_printk("%s seq=%llu cookie=%#llx len=%u nsegs=%u", __get_str(chan),
		      __entry->seq, __entry->cookie, __entry->len, __entry->nsegs)
);

TRACE_EVENT(dmastream_complete,
	    TP_PROTO(const struct dmastream_chan *chan, const struct dmastream_req *req),
	    TP_ARGS(chan, req),
	    TP_STRUCT__entry(__string(chan, dev_name(&chan->dev))
			     __field(u64, seq)
			     __field(u64, cookie)
			     __field(u64, latency_ns)
			     __field(u32, bytes)
			     __field(u32, status)),
	    TP_fast_assign(dmastream_assign_str(chan, dev_name(&chan->dev));
			   __entry->seq = req->seq;
			   __entry->cookie = req->user_cookie;
			   __entry->latency_ns = req->t_complete_ns - req->t_submit_ns;
			   __entry->bytes = req->bytes;
			   __entry->status = req->status;),
	    TP_printk("%s seq=%llu cookie=%#llx status=%u bytes=%u latency_ns=%llu",
		      __get_str(chan), __entry->seq, __entry->cookie, __entry->status,
		      __entry->bytes, __entry->latency_ns)
);

#endif /* DMASTREAM_TRACE_H */

#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH .
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE trace
#include <trace/define_trace.h>
