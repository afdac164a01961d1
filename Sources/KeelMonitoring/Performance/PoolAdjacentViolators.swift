import Foundation

/// The weighted least-squares non-decreasing fit of `values`, by the pool-adjacent-violators
/// algorithm in the O(n) form of Busing (2022, "Monotone Regression: A Simple and Fast O(n) PAVA
/// Implementation", J. Stat. Softw. 102(1)) — the form `scipy.optimize.isotonic_regression` uses,
/// which is what `sklearn.isotonic.isotonic_regression` calls.
///
/// Blocks pool when the left value is greater than *or equal to* the right one, as scipy does,
/// so equal neighbours share one block; each block's value is its weighted mean.
func poolAdjacentViolators(_ values: [Double], weights: [Double]) -> [Double] {
    precondition(values.count == weights.count, "one weight per value")
    guard values.count > 1 else { return values }
    // Blocks live at the front of these arrays: block b holds rows blockStart[b] ..< blockStart[b + 1].
    var blockValue = values
    var blockWeight = weights
    var blockStart = [0, 1]
    var block = 0
    var index = 1
    while index < values.count {
        block += 1
        var value = values[index]
        var weight = weights[index]
        if blockValue[block - 1] >= value {
            // The new row violates the block before it: pool them, then keep pooling forward
            // while the pooled value is not below the next row, and backward while the block
            // before it is not below the pooled value.
            block -= 1
            var weightedSum = blockWeight[block] * blockValue[block] + weight * value
            weight += blockWeight[block]
            value = weightedSum / weight
            while index < values.count - 1, value >= values[index + 1] {
                index += 1
                weightedSum += weights[index] * values[index]
                weight += weights[index]
                value = weightedSum / weight
            }
            while block > 0, blockValue[block - 1] >= value {
                block -= 1
                weightedSum += blockWeight[block] * blockValue[block]
                weight += blockWeight[block]
                value = weightedSum / weight
            }
        }
        blockValue[block] = value
        blockWeight[block] = weight
        if blockStart.count > block + 1 {
            blockStart[block + 1] = index + 1
        } else {
            blockStart.append(index + 1)
        }
        index += 1
    }
    var fitted = [Double](repeating: 0, count: values.count)
    for current in 0...block {
        for row in blockStart[current]..<blockStart[current + 1] {
            fitted[row] = blockValue[current]
        }
    }
    return fitted
}
