import Foundation
import KeelCore
@testable import KeelPipelines
import Testing

@Suite("Cron schedules")
struct CronScheduleTests {
    static func date(_ text: String) -> Date {
        ISO8601DateFormatter().date(from: text)!
    }

    static func next(_ schedule: String, after: String) throws -> String? {
        try CronSchedule(parsing: schedule).next(after: date(after)).map { ISO8601DateFormatter().string(from: $0) }
    }

    @Test("the next firing time, strictly after the given one, in UTC")
    func nextTimes() throws {
        #expect(try Self.next("0 3 * * *", after: "2026-11-23T17:59:26Z") == "2026-11-24T03:00:00Z")
        #expect(try Self.next("0 3 * * *", after: "2026-11-24T03:00:00Z") == "2026-11-25T03:00:00Z")
        #expect(try Self.next("*/15 * * * *", after: "2026-11-23T17:59:26Z") == "2026-11-23T18:00:00Z")
        #expect(try Self.next("*/15 * * * *", after: "2026-11-23T18:00:00Z") == "2026-11-23T18:15:00Z")
        #expect(try Self.next("30 9 * * mon-fri", after: "2026-11-27T10:00:00Z") == "2026-11-30T09:30:00Z") // Fri → Mon
        #expect(try Self.next("0 0 1 * *", after: "2026-12-15T00:00:00Z") == "2027-01-01T00:00:00Z")
        #expect(try Self.next("0 0 29 2 *", after: "2026-03-01T00:00:00Z") == "2028-02-29T00:00:00Z")
        #expect(try Self.next("0 12 31 * *", after: "2026-11-01T00:00:00Z") == "2026-12-31T12:00:00Z") // November has 30 days
        #expect(try Self.next("@daily", after: "2026-11-23T17:59:26Z") == "2026-11-24T00:00:00Z")
        #expect(try Self.next("0 0 * * 7", after: "2026-11-23T00:00:00Z") == "2026-11-29T00:00:00Z") // 7 is Sunday
        // Day of month and day of week both restricted: either matches (Vixie cron).
        #expect(try Self.next("0 0 1 * sun", after: "2026-11-23T00:00:00Z") == "2026-11-29T00:00:00Z")
        #expect(try Self.next("0 0 31 2 *", after: "2026-01-01T00:00:00Z") == nil)
    }

    @Test("mistakes name the field")
    func mistakes() {
        let cases = [
            "* * * *": "five fields",
            "60 * * * *": "minute field '60' has 60",
            "* 24 * * *": "hour field",
            "* * 0 * *": "day of month field",
            "* * * foo *": "month field 'foo' has 'foo'",
            "*/0 * * * *": "step",
            "5-1 * * * *": "backwards",
        ]
        for (schedule, expected) in cases {
            #expect(throws: KeelError.self) { try CronSchedule(parsing: schedule) }
            do {
                _ = try CronSchedule(parsing: schedule)
            } catch {
                #expect("\(error)".contains(expected), "\(schedule): \(error)")
            }
        }
    }
}
