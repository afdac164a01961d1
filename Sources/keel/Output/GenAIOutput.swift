import Foundation

/// Human output of `keel genai`.
enum GenAIOutput {
    static func printComparison(_ answer: [String: Any]) {
        let a = answer["a"] as? [String: Any] ?? [:], b = answer["b"] as? [String: Any] ?? [:]
        let name = answer["name"] as? String ?? "?"
        print("\(name) (\(answer["kind"] as? String ?? "?")): \(TimeFormat.millis(answer["start_time_ms"])) to \(TimeFormat.millis(answer["end_time_ms"]))")
        print("A = version \(a["version"] as? String ?? "?") (\(a["traces"] as? Int ?? 0) traces), "
            + "B = version \(b["version"] as? String ?? "?") (\(b["traces"] as? Int ?? 0) traces)\n")
        var table = TextTable(headers: ["metric", "A", "B", "B − A (95% CI)", "test", "p", ""])
        for metric in answer["metrics"] as? [[String: Any]] ?? [] {
            let count = { (side: String) in metric["count_\(side)"] as? Int ?? 0 }
            let tested = metric["p_value"] is NSNumber
            let interval = !tested ? "" :
                "\(number(metric["difference"])) (\(number(metric["ci_low"])) to \(number(metric["ci_high"])))"
            table.rows.append([
                metric["metric"] as? String ?? "?",
                "\(number(metric["value_a"])) n=\(count("a"))",
                "\(number(metric["value_b"])) n=\(count("b"))",
                interval,
                metric["method"] as? String ?? "",
                tested ? pValue(metric["p_value"]) : (metric["note"] as? String ?? "—"),
                metric["significant"] as? Bool == true ? "significant" : "",
            ])
        }
        print(table.render())
    }

    static func printTimeline(_ answer: [String: Any]) {
        let buckets = answer["buckets"] as? [[String: Any]] ?? []
        guard !buckets.isEmpty else { return print("No traces of \(answer["name"] as? String ?? "?") in the window.") }
        let names = Array(Swift.Set(buckets.flatMap { ($0["feedback"] as? [String: Any] ?? [:]).keys })).sorted()
        var table = TextTable(headers: ["from", "version", "traces", "errors", "latency ms", "tokens"] + names)
        for bucket in buckets {
            let feedback = bucket["feedback"] as? [String: [String: Any]] ?? [:]
            let latency = (bucket["latency_ms"] as? [String: Any])?["mean"]
            let tokens = (bucket["total_tokens"] as? [String: Any])?["mean"]
            var row: [String] = [TimeFormat.millis(bucket["start_time_ms"]), bucket["version"] as? String ?? "?"]
            row += [String(bucket["traces"] as? Int ?? 0), String(bucket["errors"] as? Int ?? 0), number(latency), number(tokens)]
            for name in names {
                let entry = feedback[name]
                row.append(entry.map { "\(number($0["mean"])) n=\($0["count"] as? Int ?? 0)" } ?? "")
            }
            table.rows.append(row)
        }
        print(table.render())
    }

    static func printABTest(_ test: [String: Any]) {
        print("A/B test on \(test["name"] as? String ?? "?"):")
        let arms = test["arms"] as? [[String: Any]] ?? []
        let total = arms.compactMap { ($0["weight"] as? NSNumber)?.doubleValue }.reduce(0, +)
        var table = TextTable(headers: ["arm", "version", "weight", "share"])
        for arm in arms {
            let weight = (arm["weight"] as? NSNumber)?.doubleValue ?? 0
            table.rows.append([
                arm["label"] as? String ?? "?", arm["version"] as? String ?? "?", number(weight),
                total > 0 ? String(format: "%.1f%%", 100 * weight / total) : "",
            ])
        }
        print(table.render())
    }

    static func number(_ value: Any?) -> String {
        guard let number = (value as? NSNumber)?.doubleValue else { return "—" }
        if number == number.rounded(), abs(number) < 1e12 { return String(Int64(number)) }
        return String(format: "%.4g", number)
    }

    static func pValue(_ value: Any?) -> String {
        guard let p = (value as? NSNumber)?.doubleValue else { return "—" }
        return p < 0.0001 ? String(format: "%.1e", p) : String(format: "%.4f", p)
    }
}
