import KeelCore
@testable import KeelPipelines
import Testing

@Suite("Gate conditions")
struct MetricConditionTests {
    @Test("plain bounds compare the metric")
    func plainBounds() throws {
        let condition = try MetricCondition(parsing: "accuracy >= 0.85")
        #expect(condition.metric == "accuracy")
        #expect(condition.comparison == .greaterOrEqual)
        #expect(condition.evaluate(metrics: ["accuracy": 0.9], champion: nil) == .passed(value: 0.9, bound: 0.85))
        #expect(condition.evaluate(metrics: ["accuracy": 0.8], champion: nil) == .failed(value: 0.8, bound: 0.85))
        #expect(condition.evaluate(metrics: [:], champion: nil) == .missing)
        #expect(!condition.evaluate(metrics: [:], champion: nil).allows)
        #expect(try MetricCondition(parsing: "loss<1e-2").evaluate(metrics: ["loss": 0.001], champion: nil).allows)
        #expect(try MetricCondition(parsing: "`val loss` != 0").metric == "val loss")
        #expect(try MetricCondition(parsing: "eval/f1_score == 1").metric == "eval/f1_score")
    }

    @Test("prev is the champion's value, with arithmetic and precedence")
    func previous() throws {
        let condition = try MetricCondition(parsing: "rmse <= prev * 1.02")
        #expect(condition.bound.usesPrevious)
        #expect(condition.evaluate(metrics: ["rmse": 1.01], champion: ["rmse": 1.0]) == .passed(value: 1.01, bound: 1.02))
        #expect(!condition.evaluate(metrics: ["rmse": 1.03], champion: ["rmse": 1.0]).allows)
        // The first model has nothing to be worse than.
        #expect(condition.evaluate(metrics: ["rmse": 9], champion: nil) == .noChampion(value: 9))
        #expect(condition.evaluate(metrics: ["rmse": 1], champion: ["mae": 1]) == .championMissing(value: 1))
        let precedence = try MetricCondition(parsing: "auc >= prev - 0.01 * 2 + (1 - 1) / 4")
        #expect(precedence.evaluate(metrics: ["auc": 0.5], champion: ["auc": 0.52]) == .passed(value: 0.5, bound: 0.52 - 0.02))
        #expect(try MetricCondition(parsing: "x > -prev").evaluate(metrics: ["x": 0], champion: ["x": 1]).allows)
    }

    @Test("malformed conditions say what is wrong", arguments: [
        "", ">= 0.8", "accuracy", "accuracy =< 0.8", "accuracy >= ", "accuracy >= 0.8 0.9", "accuracy >= (0.8",
        "accuracy >= champion", "accuracy >= 1..2", "`` > 1", "accuracy >= inf",
    ])
    func malformed(_ text: String) {
        #expect(throws: KeelError.self) { try MetricCondition(parsing: text) }
    }
}
