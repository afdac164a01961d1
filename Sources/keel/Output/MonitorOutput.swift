import Foundation

/// How monitoring answers look in the terminal.
enum MonitorOutput {
    static func number(_ value: Any?) -> String {
        guard let number = value as? NSNumber else { return value.map { "\($0)" } ?? "-" }
        return String(format: "%.4g", number.doubleValue)
    }

    static func printReference(_ reference: [String: Any]) {
        print("Reference of \(JSONValue.text(reference["deployment"])): \(JSONValue.text(reference["rows"])) rows, "
            + "from \(JSONValue.text(reference["source"])) (\(JSONValue.text(reference["format"]))).")
        var table = TextTable(headers: ["COLUMN", "TYPE", "MISSING", "MIN", "MEDIAN", "MAX", "TOP VALUES"])
        for column in reference["columns"] as? [[String: Any]] ?? [] {
            let quantiles = column["quantiles"] as? [String: Any]
            let top = (column["top"] as? [[String: Any]] ?? []).prefix(3).map { "\(JSONValue.text($0["value"])) (\(JSONValue.text($0["count"])))" }
            table.rows.append([
                JSONValue.text(column["name"]), JSONValue.text(column["kind"]), JSONValue.text(column["missing"]),
                column["min"].map { number($0) } ?? "", quantiles?["0.5"].map { number($0) } ?? "", column["max"].map { number($0) } ?? "",
                top.joined(separator: ", "),
            ])
        }
        print(table.render())
    }

    static func windowLine(_ window: [String: Any]?) -> String {
        guard let window else { return "" }
        let span = [window["start"], window["end"]].map { TimeFormat.millis($0) }.joined(separator: " → ")
        return "Window \(span): \(JSONValue.text(window["requests"])) requests, \(JSONValue.text(window["rows"])) rows, "
            + "\(JSONValue.text(window["errors"])) failed" + ((window["truncated"] as? Bool ?? false) ? " (newest 100000 requests read)" : "") + "."
    }

    static func printDrift(_ answer: [String: Any]) {
        print(windowLine(answer["window"] as? [String: Any]))
        var table = TextTable(headers: ["COLUMN", "TYPE", "TEST", "SCORE", "THRESHOLD", "DRIFT"])
        for column in answer["columns"] as? [[String: Any]] ?? [] {
            table.rows.append([
                JSONValue.text(column["column"]), JSONValue.text(column["column_type"]), JSONValue.text(column["stattest_name"]),
                number(column["drift_score"]), number(column["threshold"]), (column["drift_detected"] as? Bool ?? false) ? "DRIFT" : "-",
            ])
        }
        print(table.render())
        for skipped in answer["skipped_columns"] as? [[String: Any]] ?? [] {
            print("Not compared: \(JSONValue.text(skipped["column"])) (\(JSONValue.text(skipped["reason"]))).")
        }
        let dataset = answer["dataset"] as? [String: Any] ?? [:]
        let drifted = dataset["dataset_drift"] as? Bool ?? false
        let share = (dataset["share_of_drifted_columns"] as? NSNumber)?.doubleValue ?? 0
        print("\n\(drifted ? "Data drift detected" : "No data drift"): \(JSONValue.text(dataset["number_of_drifted_columns"])) of "
            + "\(JSONValue.text(dataset["number_of_columns"])) columns drifted (\(String(format: "%.0f", share * 100))%).")
    }

    static let classificationMetrics = ["accuracy", "precision", "recall", "f1", "roc_auc"]
    static let regressionMetrics = ["mae", "rmse", "r2"]

    static func printPerformance(_ answer: [String: Any]) {
        print(windowLine(answer["window"] as? [String: Any]))
        let regression = answer["task"] as? String == "regression"
        let names = regression ? regressionMetrics : classificationMetrics
        var headers = ["VERSION", "ROLE", "PREDICTIONS", "LABELLED"] + names.map { $0.uppercased() }
        if !regression { headers += ["EST. ACCURACY", "EST. F1"] }
        var table = TextTable(headers: headers)
        let slices = (answer["versions"] as? [[String: Any]] ?? []) + [answer["overall"] as? [String: Any] ?? [:]]
        for slice in slices {
            let metrics = slice["metrics"] as? [String: Any] ?? [:]
            let estimated = slice["estimated"] as? [String: Any] ?? [:]
            var row = [
                JSONValue.text(slice["version"]), JSONValue.text(slice["role"]), JSONValue.text(slice["predictions"]),
                JSONValue.text(slice["labelled"]),
            ]
            row += names.map { metrics[$0].map { number($0) } ?? "-" }
            if !regression { row += ["accuracy", "f1"].map { estimated[$0].map { number($0) } ?? "-" } }
            table.rows.append(row)
        }
        print(table.render())
        if !regression {
            let calibrated = answer["calibrated"] as? Bool ?? false
            print("\nEstimates from predicted probabilities (no labels needed), "
                + (calibrated ? "calibrated on the reference's target." : "taken as calibrated (the reference has no target)."))
        }
    }

    static func printRules(_ rules: [[String: Any]]) {
        var table = TextTable(headers: ["ID", "DEPLOYMENT", "WHEN", "WINDOW", "EVERY", "STATE", "LAST VALUE", "WEBHOOK"])
        for rule in rules {
            let every = (rule["every_ms"] as? NSNumber).map { "\($0.int64Value / 1000)s" } ?? "-"
            table.rows.append([
                JSONValue.text(rule["rule_id"]), JSONValue.text(rule["deployment"]), JSONValue.text(rule["when"]),
                JSONValue.text(rule["window"]), every, JSONValue.text(rule["state"]), rule["last_value"].map { number($0) } ?? "-",
                JSONValue.text(rule["webhook"]),
            ])
        }
        print(rules.isEmpty ? "No alert rules." : table.render())
    }

    static func printAlerts(_ alerts: [[String: Any]]) {
        var table = TextTable(headers: ["ID", "TIME", "DEPLOYMENT", "STATE", "WHEN", "VALUE", "DELIVERY"])
        for alert in alerts {
            table.rows.append([
                JSONValue.text(alert["alert_id"]), TimeFormat.millis(alert["fired_at"]), JSONValue.text(alert["deployment"]),
                JSONValue.text(alert["state"]), JSONValue.text(alert["when"]), number(alert["value"]),
                "\(JSONValue.text(alert["delivery"])) (\(JSONValue.text(alert["attempts"])))",
            ])
        }
        print(alerts.isEmpty ? "No alerts." : table.render())
    }

    static func printReport(_ report: MonitorReport) {
        print("Deployment \(report.deployment)\n")
        if let drift = report.drift {
            printDrift(drift)
        } else {
            print("Drift: \(report.driftProblem ?? "not available").")
        }
        print("")
        printPerformance(report.performance)
        print("")
        printAlerts(report.alerts)
    }
}
