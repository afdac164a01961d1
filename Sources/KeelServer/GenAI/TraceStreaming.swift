import Hummingbird
import KeelGenAI
import NIOCore

/// Answers that carry whole traces (`traces/get`, `traces/batchGet`) are streamed: spans are
/// read and written a page at a time, so a trace of 50,000 spans is never held whole in memory.
enum TraceStreaming {
    /// Spans read per query while streaming.
    static let pageSize = 500

    /// `{"trace": {...}}` for one trace, or `{"traces": [...]}` for several; each trace is
    /// `{"trace_info": ..., "spans": [...]}` with the stored proto-JSON spliced in.
    static func response(traces: TraceService, items: [(traceID: String, json: String)], single: Bool) -> Response {
        Response(status: .ok, headers: [.contentType: "application/json"], body: ResponseBody { writer in
            try await writer.write(ByteBuffer(string: single ? "{\"trace\":" : "{\"traces\":["))
            for (index, item) in items.enumerated() {
                try await writer.write(ByteBuffer(string: (index > 0 ? "," : "") + "{\"trace_info\":" + item.json + ",\"spans\":["))
                var cursor: SpanCursor?
                var first = true
                repeat {
                    let page = try await traces.spans(item.traceID, after: cursor, pageSize: pageSize)
                    var buffer = ByteBufferAllocator().buffer(capacity: page.spans.reduce(page.spans.count) { $0 + $1.utf8.count })
                    for span in page.spans {
                        if !first { buffer.writeInteger(UInt8(ascii: ",")) }
                        first = false
                        buffer.writeString(span)
                    }
                    if buffer.readableBytes > 0 { try await writer.write(buffer) }
                    cursor = page.next
                } while cursor != nil
                try await writer.write(ByteBuffer(string: "]}"))
            }
            try await writer.write(ByteBuffer(string: single ? "}" : "]}"))
            try await writer.finish(nil)
        })
    }
}
