import KeelCore
import KeelTestSupport
import Testing

@testable import KeelTracking

private func order(_ entity: SearchEntity, _ key: String, _ ascending: Bool = true) -> SearchOrder {
    SearchOrder(entity: entity, key: key, ascending: ascending)
}

@Suite struct SearchOrderRunTests {
    @Test func emptyListMeansDefaultOrder() throws {
        #expect(try SearchOrder.parseRuns([]).isEmpty)
        #expect(try SearchOrder.parseExperiments([]).isEmpty)
    }

    @Test func parsesDirectionsCaseInsensitively() throws {
        let parsed = try SearchOrder.parseRuns([
            "metrics.acc", "params.lr DESC", "tags.t asc", "start_time desc", " status\tDesc ", "end_time  ASC",
        ])
        #expect(parsed == [
            order(.metric, "acc"), order(.param, "lr", false), order(.tag, "t"),
            order(.attribute, "start_time", false), order(.attribute, "status", false), order(.attribute, "end_time"),
        ])
    }

    @Test(arguments: [
        ("metrics.`my metric` DESC", order(.metric, "my metric", false)),
        ("metrics.\"my metric\"", order(.metric, "my metric")),
        ("metrics.'my metric'", order(.metric, "my metric")),
        ("`metrics`.acc", order(.metric, "acc")),
        ("metric.acc", order(.metric, "acc")),
        ("parameters.p", order(.param, "p")),
        ("tags.mlflow.runName", order(.tag, "mlflow.runName")),
        ("tags.`mlflow.runName` DESC", order(.tag, "mlflow.runName", false)),
        ("attributes.start_time", order(.attribute, "start_time")),
        ("attr.run_id", order(.attribute, "run_id")),
        ("run.user_id", order(.attribute, "user_id")),
        ("created DESC", order(.attribute, "start_time", false)),
        ("Created", order(.attribute, "start_time")),
        ("run_name", order(.attribute, "run_name")),
        ("artifact_uri", order(.attribute, "artifact_uri")),
        ("metrics.timestamp", order(.metric, "timestamp")),
    ])
    func identifiers(text: String, expected: SearchOrder) throws {
        #expect(try SearchOrder.parseRuns([text]) == [expected])
    }

    @Test(arguments: [
        ("", "Could not be parsed"),
        ("   ", "Could not be parsed"),
        ("DESC", "Invalid attribute key 'DESC'"),
        ("metrics.acc DESC NULLS LAST", "Could not be parsed"),
        ("metrics.acc DESC ASC", "Could not be parsed"),
        ("metrics.acc, params.p", "Invalid ordering key"),
        ("metrics.acc foo", "Invalid ordering key"),
        ("metrics.my metric", "Invalid ordering key"),
        ("metrics.`acc`DESC", "nothing may follow a quoted key"),
        ("metrics.", "expected a key after the '.'"),
        ("metrics.`open", "Unterminated quote"),
        ("METRICS.acc", "Invalid entity type 'METRICS'"),
        ("datasets.name", "cannot be ordered by dataset fields"),
        ("`run name`", "Invalid attribute key 'run name'"),
        ("lifecycle_stage", "Invalid attribute key 'lifecycle_stage'"),
        ("experiment_id", "Invalid attribute key 'experiment_id'"),
        ("timestamp", "Invalid attribute key 'timestamp'"),
        ("(metrics.acc)", "Could not be parsed"),
    ])
    func invalidRunOrderings(text: String, fragment: String) throws {
        let error = try #require(
            searchParseError { try SearchOrder.parseRuns([text]) }, "expected \(text) to be rejected"
        )
        #expect(error.code == .invalidParameterValue)
        #expect(error.message.contains(fragment), "\(error.message)")
    }

    @Test(arguments: [
        ["metrics.acc", "metrics.acc DESC"],
        ["start_time", "created DESC"],
        ["tags.t", "tag.t"],
    ])
    func duplicateFieldsAreRejected(clauses: [String]) throws {
        let error = try #require(searchParseError { try SearchOrder.parseRuns(clauses) })
        #expect(error.code == .invalidParameterValue)
        #expect(error.message.contains("duplicate"))
    }

    @Test func sameKeyOnDifferentEntitiesIsNotADuplicate() throws {
        #expect(try SearchOrder.parseRuns(["metrics.x", "params.x", "tags.x"]).count == 3)
    }
}

@Suite struct SearchOrderExperimentTests {
    @Test func parsesExperimentOrderings() throws {
        let parsed = try SearchOrder.parseExperiments([
            "name", "experiment_id DESC", "creation_time asc", "attribute.last_update_time DESC", "`name`",
        ])
        #expect(parsed == [
            order(.attribute, "name"), order(.attribute, "experiment_id", false), order(.attribute, "creation_time"),
            order(.attribute, "last_update_time", false), order(.attribute, "name"),
        ])
    }

    @Test(arguments: [
        ("tags.t", "cannot be ordered by tags"),
        ("attributes.name", "Invalid entity type 'attributes'"),
        ("metrics.acc", "Invalid entity type 'metrics'"),
        ("created", "Invalid attribute key 'created'"),
        ("start_time", "Invalid attribute key 'start_time'"),
        ("name sideways", "Invalid ordering key"),
    ])
    func invalidExperimentOrderings(text: String, fragment: String) throws {
        let error = try #require(
            searchParseError { try SearchOrder.parseExperiments([text]) }, "expected \(text) to be rejected"
        )
        #expect(error.code == .invalidParameterValue)
        #expect(error.message.contains(fragment), "\(error.message)")
    }

    @Test func randomInputNeverCrashes() {
        let fragments = [
            "metrics.", "tags.", "attribute.", "`", "\"", "'", "\\", " ", "\t", ".", ",", "(", ")", "ASC", "desc",
            "name", "start_time", "created", "acc", "NULLS", "LAST", "é", "1", "\u{0}",
        ]
        var rng = SeededRandom(seed: 7)
        for _ in 0..<20_000 {
            var text = ""
            for _ in 0..<Int.random(in: 0...8, using: &rng) { text += fragments.randomElement(using: &rng) ?? "" }
            expectParsesOrRejectsCleanly { try SearchOrder.parseRuns([text]) }
            expectParsesOrRejectsCleanly { try SearchOrder.parseExperiments([text]) }
        }
    }
}
