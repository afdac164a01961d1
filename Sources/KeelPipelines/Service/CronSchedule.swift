public import Foundation
import KeelCore

/// A cron schedule in the classic five fields (`minute hour day-of-month month day-of-week`),
/// evaluated in UTC: `0 3 * * *` is every day at 03:00 UTC.
///
/// Each field takes `*`, numbers, ranges (`1-5`), lists (`1,15`) and steps (`*/15`, `0-30/10`);
/// months and weekdays also take names (`jan`, `mon`), and Sunday is 0 or 7. When both the day
/// of month and the day of week are restricted, a day matching either fires, as in Vixie cron.
/// `@hourly`, `@daily` (`@midnight`), `@weekly`, `@monthly` and `@yearly` are shorthands.
public struct CronSchedule: Sendable, Equatable, CustomStringConvertible {
    let minutes: Set<Int>
    let hours: Set<Int>
    let daysOfMonth: Set<Int>
    let months: Set<Int>
    let daysOfWeek: Set<Int>
    let dayOfMonthRestricted: Bool
    let dayOfWeekRestricted: Bool
    /// The schedule as written.
    public let description: String

    private static let shorthands = [
        "@hourly": "0 * * * *", "@daily": "0 0 * * *", "@midnight": "0 0 * * *",
        "@weekly": "0 0 * * 0", "@monthly": "0 0 1 * *", "@yearly": "0 0 1 1 *", "@annually": "0 0 1 1 *",
    ]
    private static let monthNames = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
    private static let dayNames = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"]

    /// Parses a schedule; a mistake is an error that names the field.
    public init(parsing text: String) throws {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        let expanded = Self.shorthands[trimmed.lowercased()] ?? trimmed
        let fields = expanded.split(separator: " ", omittingEmptySubsequences: true).map { String($0).lowercased() }
        guard fields.count == 5 else {
            throw KeelError.invalidParameter("Invalid schedule '\(text)': write five fields, minute hour day-of-month month day-of-week (e.g. '0 3 * * *'), or @daily.")
        }
        func field(_ index: Int, _ name: String, _ range: ClosedRange<Int>, names: [String] = [], offset: Int = 0) throws -> Set<Int> {
            try Self.parseField(fields[index], name: name, range: range, names: names, nameOffset: offset, schedule: text)
        }
        minutes = try field(0, "minute", 0...59)
        hours = try field(1, "hour", 0...23)
        daysOfMonth = try field(2, "day of month", 1...31)
        months = try field(3, "month", 1...12, names: Self.monthNames, offset: 1)
        daysOfWeek = Set(try field(4, "day of week", 0...7, names: Self.dayNames).map { $0 % 7 })
        dayOfMonthRestricted = !fields[2].hasPrefix("*")
        dayOfWeekRestricted = !fields[4].hasPrefix("*")
        description = trimmed
    }

    /// The first minute strictly after `date` that the schedule fires at (nil if it never
    /// does within eight years, e.g. `0 0 31 2 *`).
    public func next(after date: Date) -> Date? {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let start = floor(date.timeIntervalSince1970 / 60) * 60 + 60
        var components = calendar.dateComponents([.year, .month, .day, .hour, .minute], from: Date(timeIntervalSince1970: start))
        let lastYear = components.year! + 8
        while components.year! <= lastYear {
            guard months.contains(components.month!) else {
                components.month! += 1
                components.day = 1; components.hour = 0; components.minute = 0
                if components.month! > 12 { components.month = 1; components.year! += 1 }
                continue
            }
            guard let day = calendar.date(from: DateComponents(year: components.year, month: components.month, day: components.day)),
                  calendar.component(.month, from: day) == components.month else {
                // Past the month's last day.
                components.month! += 1
                components.day = 1; components.hour = 0; components.minute = 0
                if components.month! > 12 { components.month = 1; components.year! += 1 }
                continue
            }
            guard dayMatches(dayOfMonth: components.day!, weekday: calendar.component(.weekday, from: day) - 1) else {
                components.day! += 1
                components.hour = 0; components.minute = 0
                continue
            }
            guard hours.contains(components.hour!) else {
                components.hour! += 1
                components.minute = 0
                if components.hour! > 23 { components.hour = 0; components.day! += 1 }
                continue
            }
            guard minutes.contains(components.minute!) else {
                components.minute! += 1
                if components.minute! > 59 {
                    components.minute = 0
                    components.hour! += 1
                    if components.hour! > 23 { components.hour = 0; components.day! += 1 }
                }
                continue
            }
            return calendar.date(from: components)
        }
        return nil
    }

    private func dayMatches(dayOfMonth: Int, weekday: Int) -> Bool {
        switch (dayOfMonthRestricted, dayOfWeekRestricted) {
        case (true, true): daysOfMonth.contains(dayOfMonth) || daysOfWeek.contains(weekday)
        case (true, false): daysOfMonth.contains(dayOfMonth)
        case (false, true): daysOfWeek.contains(weekday)
        case (false, false): true
        }
    }

    private static func parseField(_ text: String, name: String, range: ClosedRange<Int>, names: [String], nameOffset: Int, schedule: String) throws -> Set<Int> {
        func invalid(_ why: String) -> KeelError {
            KeelError.invalidParameter("Invalid schedule '\(schedule)': the \(name) field '\(text)' \(why).")
        }
        func value(_ token: Substring) throws -> Int {
            if let number = Int(token) {
                guard range.contains(number) else { throw invalid("has \(number), outside \(range.lowerBound)-\(range.upperBound)") }
                return number
            }
            if let index = names.firstIndex(of: String(token)) { return index + nameOffset }
            throw invalid("has '\(token)', which is not a number\(names.isEmpty ? "" : " or a name")")
        }
        var result: Set<Int> = []
        for part in text.split(separator: ",", omittingEmptySubsequences: false) {
            guard !part.isEmpty else { throw invalid("has an empty list item") }
            let pieces = part.split(separator: "/", omittingEmptySubsequences: false)
            guard pieces.count <= 2 else { throw invalid("has more than one '/'") }
            var step = 1
            if pieces.count == 2 {
                guard let parsed = Int(pieces[1]), parsed > 0 else { throw invalid("has a step that is not a positive number") }
                step = parsed
            }
            let bounds: ClosedRange<Int>
            if pieces[0] == "*" {
                bounds = range
            } else if let dash = pieces[0].firstIndex(of: "-") {
                let low = try value(pieces[0][..<dash])
                let high = try value(pieces[0][pieces[0].index(after: dash)...])
                guard low <= high else { throw invalid("has a range that runs backwards") }
                bounds = low...high
            } else {
                let single = try value(pieces[0])
                bounds = single...(pieces.count == 2 ? range.upperBound : single)
            }
            result.formUnion(stride(from: bounds.lowerBound, through: bounds.upperBound, by: step))
        }
        return result
    }
}
