import KeelCore
import Testing

@testable import KeelTracking

private func models(_ text: String) throws -> [SearchClause] {
    try SearchFilter.parseLoggedModels(text).clauses
}

private func clause(
    _ entity: SearchEntity, _ key: String, _ comparator: SearchComparator, _ value: SearchValue
) -> SearchClause {
    SearchClause(entity: entity, key: key, comparator: comparator, value: value)
}

@Suite struct SearchFilterLoggedModelTests {
    @Test(arguments: [nil, "", "   ", "\n\t "])
    func absentOrBlankFilterHasNoClauses(text: String?) throws {
        #expect(try SearchFilter.parseLoggedModels(text).clauses.isEmpty)
    }

    @Test func parsesEveryEntity() throws {
        let parsed = try models(
            "name LIKE 'agent-%' AND metrics.accuracy >= 0.9 AND params.`learning rate` = \"0.01\" "
                + "AND tags.mlflow.user ILIKE 'Ann%' AND attributes.status = 'READY' "
                + "AND creation_timestamp > 1700000000000"
        )
        #expect(parsed == [
            clause(.attribute, "name", .like, .string("agent-%")),
            clause(.metric, "accuracy", .greaterOrEqual, .number(0.9)),
            clause(.param, "learning rate", .equal, .string("0.01")),
            clause(.tag, "mlflow.user", .ilike, .string("Ann%")),
            clause(.attribute, "status", .equal, .string("READY")),
            clause(.attribute, "creation_timestamp", .greater, .number(1_700_000_000_000)),
        ])
    }

    @Test(arguments: [
        ("name", "name"), ("model_id", "model_id"), ("model_type", "model_type"), ("status", "status"),
        ("source_run_id", "source_run_id"), ("`name`", "name"), ("attributes.model_id", "model_id"),
        ("attributes.`source_run_id`", "source_run_id"),
    ])
    func stringAttributesAreCanonical(written: String, key: String) throws {
        #expect(try models("\(written) != 'x'") == [clause(.attribute, key, .notEqual, .string("x"))])
    }

    @Test(arguments: [
        ("creation_timestamp", "creation_timestamp"), ("creation_time", "creation_timestamp"),
        ("creation_timestamp_ms", "creation_timestamp"), ("attributes.creation_time", "creation_timestamp"),
        ("last_updated_timestamp", "last_updated_timestamp"), ("last_updated_time", "last_updated_timestamp"),
        ("attributes.last_updated_timestamp_ms", "last_updated_timestamp"),
    ])
    func timestampAliasesAreCanonical(written: String, key: String) throws {
        #expect(try models("\(written) <= 1.5") == [clause(.attribute, key, .lessOrEqual, .number(1.5))])
    }

    @Test func listsWorkForEveryStringField() throws {
        #expect(try models("model_id IN ('m-1', \"m-2\",) AND tags.t not in ('a') AND params.p in ('1')") == [
            clause(.attribute, "model_id", .in, .list(["m-1", "m-2"])),
            clause(.tag, "t", .notIn, .list(["a"])),
            clause(.param, "p", .in, .list(["1"])),
        ])
        #expect(try models("status NOT IN ('PENDING', 'FAILED')").first?.value == .list(["PENDING", "FAILED"]))
    }

    @Test func unquotedNumbersAreStringsAsWritten() throws {
        // MLflow's own error message suggests `params.lr = 0.01`; it compares the text written.
        #expect(try models("params.lr = 0.01 AND tags.n != -1 AND status = 2 AND params.e LIKE 1e-3") == [
            clause(.param, "lr", .equal, .string("0.01")),
            clause(.tag, "n", .notEqual, .string("-1")),
            clause(.attribute, "status", .equal, .string("2")),
            clause(.param, "e", .like, .string("1e-3")),
        ])
    }

    @Test func operatorsAreCaseInsensitiveAndStrayAndsAreIgnored() throws {
        #expect(try models("and name like 'a%' AND AND tags.t ILike 'b' and").map(\.comparator) == [.like, .ilike])
    }

    @Test(arguments: [
        // Entities: only MLflow's four plural, lower-case prefixes.
        ("metric.acc > 1", "Invalid entity type 'metric'"),
        ("param.p = 'x'", "Invalid entity type 'param'"),
        ("tag.t = 'x'", "Invalid entity type 'tag'"),
        ("attribute.name = 'x'", "Invalid entity type 'attribute'"),
        ("attr.name = 'x'", "Invalid entity type 'attr'"),
        ("run.name = 'x'", "Invalid entity type 'run'"),
        ("parameters.p = 'x'", "Invalid entity type 'parameters'"),
        ("datasets.name = 'x'", "Invalid entity type 'datasets'"),
        ("Tags.t = 'x'", "Invalid entity type 'Tags'"),
        ("`tags`.t = 'x'", "Invalid entity type '`tags`'"),
        ("\"tags\".t = 'x'", "Invalid entity type '\"tags\"'"),
        // Attribute keys
        ("foo = 'x'", "Invalid attribute key 'foo'"),
        ("experiment_id = '1'", "Invalid attribute key 'experiment_id'"),
        ("artifact_location = 'x'", "Invalid attribute key 'artifact_location'"),
        ("attributes.run_id = 'x'", "Invalid attribute key 'run_id'"),
        ("created > 1", "Invalid attribute key 'created'"),
        ("bar = 'x'", "prefix it: metrics.bar, params.bar or tags.bar"),
        // Comparators
        ("name > 'a'", "Invalid comparator '>' for attribute 'name'"),
        ("params.p < '1'", "Invalid comparator '<' for param 'p'"),
        ("tags.t >= 'a'", "Invalid comparator '>='"),
        ("metrics.m LIKE 1", "Invalid comparator 'LIKE' for metric 'm'"),
        ("metrics.m IN ('1')", "Invalid comparator 'IN' for metric 'm'"),
        ("creation_time LIKE 1", "Invalid comparator 'LIKE' for attribute 'creation_timestamp'"),
        ("creation_time IN ('1')", "Invalid comparator 'IN' for attribute 'creation_timestamp'"),
        ("last_updated_time NOT IN ('1')", "Invalid comparator 'NOT IN'"),
        ("name NOT LIKE 'a'", "Invalid comparator 'NOT LIKE'"),
        ("metrics.m == 1", "Invalid comparator '=='"),
        ("params.p IS NULL", "IS NULL / IS NOT NULL is not supported when searching logged models"),
        ("tags.t IS NOT NULL", "not supported when searching logged models (tag 't')"),
        ("name IS NULL", "not supported when searching logged models"),
        // Value types
        ("metrics.m = 'x'", "Expected a numeric value for metric 'm'"),
        ("metrics.m > abc", "Expected a numeric value"),
        ("creation_timestamp > '0'", "Expected a numeric value for attribute 'creation_timestamp'"),
        ("last_updated_timestamp < 1e999", "out of range"),
        ("name = mymodel", "is not quoted"),
        ("params.p = `x`", "is not quoted"),
        ("params.p = 12abc", "Invalid numeric value '12abc'"),
        ("name = ('a')", "only valid with IN or NOT IN"),
        ("name IN 'a'", "needs a parenthesised list"),
        ("name IN ()", "non-empty list"),
        ("params.p IN (1, 2)", "expected quoted string values"),
        ("tags.t IN ('a'", "Unterminated list"),
        ("name = 'open", "Unterminated string"),
        // Structure
        ("name = 'a' OR name = 'b'", "OR"),
        ("name = 'a'; name = 'b'", "multiple expressions"),
        ("(name = 'a')", "Parentheses are not supported"),
        ("name = 'a' name = 'b'", "must be joined with AND"),
        ("metrics . acc > 1", "whitespace is not allowed"),
        ("metrics.acc", "expected a comparison operator"),
        ("metrics.acc >", "expected a value"),
    ])
    func invalidLoggedModelFilters(text: String, fragment: String) throws {
        let error = try #require(searchParseError { try models(text) }, "expected \(text) to be rejected")
        #expect(error.code == .invalidParameterValue)
        #expect(error.message.contains(fragment), "\(error.message)")
    }

    @Test func validPrefixesAreListedInTheError() throws {
        let error = try #require(searchParseError { try models("metric.acc > 1") })
        #expect(error.message.contains("'attributes', 'metrics', 'params', 'tags'"), "\(error.message)")
    }

    @Test func runAndExperimentRulesAreUnchanged() throws {
        // The shared error paths now branch on the schema; the other searches keep their messages.
        let runList = searchParseError { try SearchFilter.parseRuns("status IN ('a')") }
        #expect(runList?.message.contains("Only ['run_id']") == true)
        #expect(searchParseError { try SearchFilter.parseRuns("params.p = 1") } != nil)
        #expect(
            searchParseError { try SearchFilter.parseExperiments("name IS NULL") }?.message
                .contains("only supported for tags") == true
        )
    }

    @Test func mutatedValidFiltersNeverCrash() {
        let seeds = [
            "metrics.acc > 0.9 AND params.`my key` = 0.01 AND tags.t IN ('a', \"b\")",
            "attributes.name ILIKE 'a%' AND creation_time > 5 AND status != 'FAILED'",
        ]
        for filter in mutatedFilters(seeds, seed: 7, count: 5_000) {
            expectParsesOrRejectsCleanly { try SearchFilter.parseLoggedModels(filter) }
            if let parsed = try? SearchFilter.parseLoggedModels(filter) {
                for clause in parsed.clauses {
                    #expect(clause.entity != .dataset)
                    #expect(clause.comparator != .isNull && clause.comparator != .isNotNull)
                }
            }
        }
    }
}
