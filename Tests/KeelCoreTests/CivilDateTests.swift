import KeelCore
import Testing

@Suite("Civil dates")
struct CivilDateTests {
    @Test("known days, and every day of four centuries round-trips")
    func roundTrip() {
        #expect(CivilDate.date(daysSinceEpoch: 0) == (1970, 1, 1))
        #expect(CivilDate.date(daysSinceEpoch: 11_016) == (2000, 2, 29))
        #expect(CivilDate.date(daysSinceEpoch: -1) == (1969, 12, 31))
        #expect(CivilDate.daysSinceEpoch(year: 2026, month: 11, day: 24) == 20_781)
        for day in Int64(-73_000)...Int64(73_000) {
            let date = CivilDate.date(daysSinceEpoch: day)
            if CivilDate.daysSinceEpoch(year: date.year, month: date.month, day: date.day) != day {
                Issue.record("day \(day) came back as \(date)")
                return
            }
        }
    }
}
