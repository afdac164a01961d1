import Foundation

/// A linear scale from data values to pixels, with "nice" tick values (1, 2, 5 × 10ⁿ).
struct Axis {
    let lower: Double
    let upper: Double
    let ticks: [Double]

    /// A scale covering `values` (non-finite ones ignored) with about `count` ticks.
    init(covering values: [Double], ticks count: Int = 5) {
        let finite = values.filter(\.isFinite)
        var low = finite.min() ?? 0
        var high = finite.max() ?? 1
        if low == high {
            let pad = low == 0 ? 1 : abs(low) * 0.1
            low -= pad
            high += pad
        }
        let step = Self.niceStep((high - low) / Double(max(count, 1)))
        lower = (low / step).rounded(.down) * step
        upper = (high / step).rounded(.up) * step
        var ticks: [Double] = []
        var tick = lower
        while tick <= upper + step * 1e-9, ticks.count < 50 {
            ticks.append(abs(tick) < step * 1e-9 ? 0 : tick)
            tick += step
        }
        self.ticks = ticks
    }

    /// Where `value` falls between `start` and `end` pixels.
    func position(_ value: Double, from start: Double, to end: Double) -> Double {
        guard upper > lower else { return start }
        return start + (value - lower) / (upper - lower) * (end - start)
    }

    static func niceStep(_ rough: Double) -> Double {
        guard rough > 0, rough.isFinite else { return 1 }
        let base = pow(10, log10(rough).rounded(.down))
        let fraction = rough / base
        let nice: Double = fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 5 ? 5 : 10
        return nice * base
    }
}
