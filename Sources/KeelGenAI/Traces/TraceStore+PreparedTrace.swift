import KeelStore

extension TraceStore {
    /// One trace's part of an export, with its statements built.
    struct PreparedTrace: Sendable {
        let traceID: String
        /// Creates the trace from the spans unless the client's info came first, which then
        /// stands; either way the row's rendered info is now stale. Returns the row's experiment.
        let row: PreparedStatement
        let tagValues: [String: String]
        let tags: PreparedStatement?
        let spanStatements: [PreparedStatement]

        init(traceID: String, spans: [OTLPSpan], experimentID: Int64, dialect: StoreDialect) {
            self.traceID = traceID
            let root = spans.first { $0.parentSpanID.isEmpty }
            let first = root ?? spans.min { $0.startNanos < $1.startNanos }!
            var row = StatementBuilder(dialect, "INSERT INTO traces (trace_id, experiment_id, request_time, execution_duration, state, name) VALUES ")
            row.appendTuple([
                .text(traceID), .int64(experimentID), .int64(Int64(first.startNanos / 1_000_000)),
                .int64(root.map { Int64(($0.endNanos &- $0.startNanos) / 1_000_000) }),
                .text(root.map { $0.statusCode == "STATUS_CODE_ERROR" ? "ERROR" : "OK" } ?? "IN_PROGRESS"), .text(root?.name),
            ])
            row.append("""
                 ON CONFLICT (trace_id) DO UPDATE SET name = COALESCE(traces.name, excluded.name),
                    info_json = NULL, info_generation = traces.info_generation + 1
                RETURNING experiment_id
                """)
            self.row = row.build()
            var tags = [TraceInfo.spansLocationTag: "TRACKING_STORE"]
            for (key, value) in spans[0].resource where !key.hasPrefix("telemetry.sdk.") && !key.hasPrefix("mlflow.") {
                tags[key] = value.text
            }
            tagValues = tags
            self.tags = TraceStore.putStatement(tags, table: "trace_tags", trace: traceID, dialect)
            // One statement per 100 spans: an export of a long agent run is one round trip, not
            // hundreds. A span sent twice in one export keeps its last copy (one statement may
            // not touch a row twice).
            var seen: Set<String> = []
            let unique = Array(spans.reversed().filter { seen.insert($0.spanHex).inserted }.reversed())
            spanStatements = stride(from: 0, to: unique.count, by: 100).map { start in
                var statement = StatementBuilder(
                    dialect, "INSERT INTO trace_spans (trace_id, span_id, parent_span_id, name, start_ns, end_ns, status, content) VALUES "
                )
                for (index, span) in unique[start..<min(start + 100, unique.count)].enumerated() {
                    if index > 0 { statement.append(", ") }
                    statement.appendTuple([
                        .text(traceID), .text(span.spanHex), .text(span.parentHex), .text(span.name),
                        .int64(Int64(bitPattern: span.startNanos)), .int64(Int64(bitPattern: span.endNanos)),
                        .text(span.statusCode), .text(span.protoJSONText()),
                    ])
                }
                statement.append("""
                     ON CONFLICT (trace_id, span_id) DO UPDATE SET parent_span_id = excluded.parent_span_id, name = excluded.name,
                        start_ns = excluded.start_ns, end_ns = excluded.end_ns, status = excluded.status, content = excluded.content
                    """)
                return statement.build()
            }
        }
    }
}
