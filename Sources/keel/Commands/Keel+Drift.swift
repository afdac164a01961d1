import ArgumentParser
import Foundation
import KeelMonitoring

extension Keel {
    /// `keel drift`: data drift between two files, no server needed.
    struct Drift: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Compare two data files column by column and say which columns drifted.",
            discussion: """
                Reads CSV (header row first) or JSON Lines (.jsonl, .ndjson). Each column gets the
                test Evidently chooses by default: for up to 1,000 reference rows Kolmogorov-Smirnov
                (numbers), chi-square (categories, or numbers with 3-5 values) or a Z-test (two
                values); above that normed Wasserstein (numbers) or Jensen-Shannon (categories).
                The data set drifted when at least half of the columns did (--drift-share).
                Examples:
                  keel drift train.csv last_week.csv
                  keel drift train.csv last_week.csv --html drift.html
                  keel drift train.csv today.jsonl --target churned --prediction score --json
                  keel drift ref.csv cur.csv --method psi --threshold 0.2 --fail-on-drift
                  keel drift ref.csv cur.csv --column-method age=wasserstein --column-threshold age=0.05
                The scores agree with Evidently 0.7.23's to 1e-9 (docs/drift-evidently-defaults.md).
                """
        )

        @Argument(help: "The reference data (what the model was trained on).")
        var reference: String

        @Argument(help: "The current data (what the model sees now).")
        var current: String

        @Option(help: "The ground-truth column. Default: 'target' if present.")
        var target: String?

        @Option(help: "The model-output column. Default: 'prediction' if present.")
        var prediction: String?

        @Option(help: ArgumentHelp("Compare only these feature columns (comma-separated).", valueName: "names"))
        var columns: String?

        @Option(help: "One test for every column: ks, chisquare, z, wasserstein, jensenshannon or psi.")
        var method: String?

        @Option(help: "One threshold for every column (p-value below it, or distance at or above it, is drift).")
        var threshold: Double?

        @Option(help: ArgumentHelp("A test for one column, e.g. age=wasserstein (repeatable).", valueName: "column=test"))
        var columnMethod: [String] = []

        @Option(help: ArgumentHelp("A threshold for one column, e.g. age=0.05 (repeatable).", valueName: "column=value"))
        var columnThreshold: [String] = []

        @Option(help: "The share of drifted columns at which the data set counts as drifted.")
        var driftShare: Double = 0.5

        @Flag(help: "Print JSON for programs instead of a table for people.")
        var json = false

        @Option(help: ArgumentHelp("Also write a self-contained HTML report (table and a chart per column).", valueName: "file"))
        var html: String?

        @Flag(help: "Exit with status 1 when the data set drifted (for CI and pipelines).")
        var failOnDrift = false

        func run() async throws {
            var options = DriftOptions()
            options.parallel = true
            options.driftShare = driftShare
            options.threshold = threshold
            if let method { options.method = try Self.method(method) }
            for pair in columnMethod {
                let (column, value) = try Self.split(pair, option: "--column-method")
                options.methods[column] = try Self.method(value)
            }
            for pair in columnThreshold {
                let (column, value) = try Self.split(pair, option: "--column-threshold")
                guard let number = Double(value) else { throw ValidationError("--column-threshold \(pair): '\(value)' is not a number.") }
                options.thresholds[column] = number
            }
            let tables = try DataTable.read(paths: [reference, current])
            let (referenceTable, currentTable) = (tables[0], tables[1])
            let drift = try DriftReport.compare(
                reference: referenceTable,
                current: currentTable,
                target: target,
                prediction: prediction,
                columns: columns.map { $0.split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) } },
                options: options
            )
            if json {
                let data = try JSONSerialization.data(withJSONObject: DriftOutput.json(drift), options: [.prettyPrinted, .sortedKeys])
                print(String(decoding: data, as: UTF8.self))
            } else {
                DriftOutput.printTable(drift)
            }
            if let html {
                let page = DriftHTML.render(drift, reference: referenceTable, current: currentTable, referenceName: reference, currentName: current)
                do {
                    try page.write(toFile: html, atomically: true, encoding: .utf8)
                } catch {
                    throw ValidationError("Cannot write the report to '\(html)': \(error.localizedDescription)")
                }
                if !json { print("Report written to \(html).") }
            }
            if failOnDrift, drift.detected { throw ExitCode.failure }
        }

        static func method(_ name: String) throws -> DriftMethod {
            guard let method = DriftMethod(rawValue: name) else {
                throw ValidationError("Unknown test '\(name)': use one of \(DriftMethod.allCases.map(\.rawValue).joined(separator: ", ")).")
            }
            return method
        }

        static func split(_ pair: String, option: String) throws -> (String, String) {
            guard let equals = pair.lastIndex(of: "="), equals != pair.startIndex else {
                throw ValidationError("\(option) takes column=value, got '\(pair)'.")
            }
            return (String(pair[..<equals]), String(pair[pair.index(after: equals)...]))
        }
    }
}
