import KeelCore
import Testing

@testable import KeelTracking

private func models(_ text: String) throws -> [SearchClause] {
    try SearchFilter.parseRegisteredModels(text).clauses
}

private func versions(_ text: String) throws -> [SearchClause] {
    try SearchFilter.parseModelVersions(text).clauses
}

private func clause(
    _ entity: SearchEntity, _ key: String, _ comparator: SearchComparator, _ value: SearchValue
) -> SearchClause {
    SearchClause(entity: entity, key: key, comparator: comparator, value: value)
}

private func order(_ key: String, _ ascending: Bool = true) -> SearchOrder {
    SearchOrder(entity: .attribute, key: key, ascending: ascending)
}

/// Requires `body` to throw an `INVALID_PARAMETER_VALUE` error whose message contains `fragment`.
private func expectRejected<T>(
    _ fragment: String, _ body: () throws -> T, sourceLocation: SourceLocation = #_sourceLocation
) throws {
    let caught = searchParseError(body)
    let error = try #require(caught, "expected rejection", sourceLocation: sourceLocation)
    #expect(error.code == .invalidParameterValue, sourceLocation: sourceLocation)
    #expect(error.message.contains(fragment), "\(error.message)", sourceLocation: sourceLocation)
}

@Suite struct SearchRegisteredModelFilterTests {
    @Test(arguments: [nil, "", "   ", "\n\t "])
    func absentOrBlankFilterHasNoClauses(text: String?) throws {
        #expect(try SearchFilter.parseRegisteredModels(text).clauses.isEmpty)
        #expect(try SearchFilter.parseModelVersions(text).clauses.isEmpty)
    }

    @Test func parsesTheClientsPromptClause() throws {
        // MLflow's client appends this to every search_registered_models filter.
        #expect(try models("name LIKE 'fraud-%' AND tag.`mlflow.prompt.is_prompt` != 'true'") == [
            clause(.attribute, "name", .like, .string("fraud-%")),
            clause(.tag, "mlflow.prompt.is_prompt", .notEqual, .string("true")),
        ])
        #expect(try models("tag.`mlflow.prompt.is_prompt` != 'true'").count == 1)
    }

    @Test(arguments: [
        ("name = 'm'", clause(.attribute, "name", .equal, .string("m"))),
        ("attribute.name != \"m\"", clause(.attribute, "name", .notEqual, .string("m"))),
        ("name ILIKE 'M%'", clause(.attribute, "name", .ilike, .string("M%"))),
        ("name IN ('a', \"b\",)", clause(.attribute, "name", .in, .list(["a", "b"]))),
        ("name not in ('a')", clause(.attribute, "name", .notIn, .list(["a"]))),
        ("tags.owner = 'ann'", clause(.tag, "owner", .equal, .string("ann"))),
        ("tag.owner LIKE 'a%'", clause(.tag, "owner", .like, .string("a%"))),
        ("tags.`team.name` ILIKE 'ML'", clause(.tag, "team.name", .ilike, .string("ML"))),
        ("tags.mlflow.prompt.is_prompt = 'true'", clause(.tag, "mlflow.prompt.is_prompt", .equal, .string("true"))),
        ("tags.\"my key\" != 'x'", clause(.tag, "my key", .notEqual, .string("x"))),
    ])
    func validClauses(text: String, expected: SearchClause) throws {
        #expect(try models(text) == [expected])
    }

    @Test(arguments: [
        ("attributes.name = 'x'", "Invalid entity type 'attributes'"),
        ("attr.name = 'x'", "Invalid entity type 'attr'"),
        ("metrics.m > 1", "Invalid entity type 'metrics'"),
        ("params.p = 'x'", "Invalid entity type 'params'"),
        ("Tags.t = 'x'", "Invalid entity type 'Tags'"),
        ("`tags`.t = 'x'", "Invalid entity type '`tags`'"),
        ("run_id = 'x'", "Invalid attribute key 'run_id'"),
        ("creation_timestamp > 1", "Invalid attribute key 'creation_timestamp'"),
        ("last_updated_timestamp > 1", "Valid keys are 'name'"),
        ("description = 'x'", "prefix it: tags.description"),
        ("name > 'a'", "Invalid comparator '>' for attribute 'name'"),
        ("name = 1", "Expected a quoted string value for attribute 'name'"),
        ("name = m", "is not quoted"),
        ("name IS NULL", "not supported when searching registered models"),
        ("tags.t IS NOT NULL", "not supported when searching registered models (tag 't')"),
        ("tags.t IN ('a')", "Invalid comparator 'IN' for tag 't'"),
        ("tags.t NOT IN ('a')", "Invalid comparator 'NOT IN'"),
        ("tags.t = 1", "Expected a quoted string value for tag 't'"),
        ("tags.t < 'a'", "Invalid comparator '<'"),
        ("name IN ()", "non-empty list"),
        ("name = 'a' OR name = 'b'", "OR"),
    ])
    func invalidRegisteredModelFilters(text: String, fragment: String) throws {
        try expectRejected(fragment) { try models(text) }
    }

    @Test func validPrefixesAreListedInTheError() throws {
        try expectRejected("'attribute', 'tag', 'tags'") { try models("metric.acc > 1") }
        try expectRejected("'attribute', 'tag', 'tags'") { try versions("dataset.name = 'x'") }
    }
}

@Suite struct SearchModelVersionFilterTests {
    @Test func parsesEveryAttribute() throws {
        let parsed = try versions(
            "name = 'fraud' AND run_id IN ('r1', 'r2') AND version_number >= 3 AND source_path LIKE 's3://%' "
                + "AND tags.stage != 'dev' AND attribute.run_id NOT IN (\"r3\")"
        )
        #expect(parsed == [
            clause(.attribute, "name", .equal, .string("fraud")),
            clause(.attribute, "run_id", .in, .list(["r1", "r2"])),
            clause(.attribute, "version_number", .greaterOrEqual, .number(3)),
            clause(.attribute, "source_path", .like, .string("s3://%")),
            clause(.tag, "stage", .notEqual, .string("dev")),
            clause(.attribute, "run_id", .notIn, .list(["r3"])),
        ])
    }

    @Test(arguments: [
        ("version_number = 2", 2.0), ("version_number = '2'", 2.0), ("version_number = \"2\"", 2.0),
        ("version_number = ' +7 '", 7.0), ("version_number = -1", -1.0), ("version_number = '1_0'", 10.0),
    ])
    func versionNumbersAreIntegersQuotedOrNot(text: String, number: Double) throws {
        #expect(try versions(text).first?.value == .number(number))
    }

    @Test(arguments: [SearchComparator.equal, .notEqual, .less, .lessOrEqual, .greater, .greaterOrEqual])
    func versionNumberTakesNumericComparators(comparator: SearchComparator) throws {
        #expect(try versions("version_number \(comparator.rawValue) 1").first?.comparator == comparator)
    }

    @Test(arguments: ["name", "run_id", "source_path"])
    func stringAttributesTakeTextComparators(key: String) throws {
        let parsed = try versions("\(key) = 'a' AND \(key) != 'b' AND \(key) LIKE 'c%' AND \(key) ILIKE 'D'")
        #expect(parsed.map(\.comparator) == [.equal, .notEqual, .like, .ilike])
        #expect(parsed.allSatisfy { $0.entity == .attribute && $0.key == key })
    }

    @Test(arguments: [
        ("attributes.name = 'x'", "Invalid entity type 'attributes'"),
        ("params.p = 'x'", "Invalid entity type 'params'"),
        ("status = 'READY'", "Invalid attribute key 'status'"),
        ("user_id = 'u'", "Invalid attribute key 'user_id'"),
        ("current_stage = 'None'", "Invalid attribute key 'current_stage'"),
        ("version = 1", "Invalid attribute key 'version'"),
        ("source = 'x'", "Invalid attribute key 'source'"),
        ("creation_timestamp > 1", "Valid keys are 'name', 'run_id', 'source_path', 'version_number'"),
        ("last_updated_timestamp > 1", "Invalid attribute key 'last_updated_timestamp'"),
        ("source_path IN ('a')", "Only ['name', 'run_id'] attributes support comparison with a list"),
        ("source_path NOT IN ('a')", "Only ['name', 'run_id']"),
        ("version_number IN ('1')", "Only ['name', 'run_id']"),
        ("version_number LIKE '1'", "Invalid comparator 'LIKE' for attribute 'version_number'"),
        ("version_number = 1.5", "Version numbers are integers"),
        ("version_number = 1.0", "Version numbers are integers"),
        ("version_number = 1e2", "Version numbers are integers"),
        ("version_number = 'abc'", "Invalid value for attribute 'version_number': 'abc'"),
        ("version_number = '1.0'", "Version numbers are integers"),
        ("version_number = ''", "Version numbers are integers"),
        ("version_number = 99999999999999999999", "out of range"),
        ("version_number = '99999999999999999999'", "Version numbers are integers"),
        ("version_number = v1", "Expected a numeric value"),
        ("run_id = 1", "Expected a quoted string value for attribute 'run_id'"),
        ("name = 1", "Expected a quoted string value"),
        ("run_id > 'a'", "Invalid comparator '>' for attribute 'run_id'"),
        ("tags.t IN ('a')", "Invalid comparator 'IN' for tag 't'"),
        ("tags.t IS NULL", "not supported when searching model versions"),
        ("run_id IS NOT NULL", "not supported when searching model versions"),
        ("tags.t = 1", "Expected a quoted string value for tag 't'"),
        ("name = 'a'; name = 'b'", "multiple expressions"),
    ])
    func invalidModelVersionFilters(text: String, fragment: String) throws {
        try expectRejected(fragment) { try versions(text) }
    }

    @Test func otherSearchesKeepTheirListMessages() throws {
        try expectRejected("Only ['run_id'] attributes") { try SearchFilter.parseRuns("status IN ('a')") }
        try expectRejected("Only ['experiment_id'] attributes") { try SearchFilter.parseExperiments("name IN ('a')") }
        try expectRejected("Invalid experiment ID 'x'") { try SearchFilter.parseExperiments("experiment_id = 'x'") }
        #expect(try SearchFilter.parseExperiments("experiment_id = ' 0_1 '").clauses.first?.value == .string("1"))
    }

    @Test func mutatedValidFiltersNeverCrash() {
        let seeds = [
            "name IN ('a', \"b\") AND tags.`mlflow.prompt.is_prompt` != 'true' AND tag.t LIKE 'x%'",
            "attribute.run_id = 'r' AND version_number >= '3' AND source_path ILIKE 's3%' AND tags.k = 'v'",
        ]
        for filter in mutatedFilters(seeds, seed: 11, count: 3_000) {
            for parse in [SearchFilter.parseRegisteredModels, SearchFilter.parseModelVersions] {
                expectParsesOrRejectsCleanly { try parse(filter) }
                for clause in (try? parse(filter))?.clauses ?? [] {
                    #expect(clause.entity == .attribute || clause.entity == .tag)
                    #expect(clause.comparator != .isNull && clause.comparator != .isNotNull)
                    if clause.key == "version_number" && clause.entity == .attribute {
                        guard case .number = clause.value else {
                            Issue.record("version_number value \(clause.value) is not a number")
                            continue
                        }
                    }
                }
            }
        }
    }
}

@Suite struct SearchRegistryPromptScopeTests {
    @Test(arguments: [
        ("tag.`mlflow.prompt.is_prompt` != 'true'", RegistryPromptScope.excludePrompts, 0),
        ("tag.`mlflow.prompt.is_prompt` = 'false'", .excludePrompts, 0),
        ("tag.`mlflow.prompt.is_prompt` LIKE 'tr%'", .excludePrompts, 0),
        ("name = 'a'", .excludePrompts, 1),
        ("name = 'a' AND tags.`mlflow.prompt.is_prompt` != 'true'", .excludePrompts, 1),
        ("tag.`mlflow.prompt.is_prompt` = 'true'", .promptsOnly, 1),
        ("tag.`mlflow.prompt.is_prompt` = 'TRUE'", .promptsOnly, 1),
        ("tag.`mlflow.prompt.is_prompt` != 'False' AND name = 'p'", .promptsOnly, 2),
        // Only the first prompt clause decides; every prompt clause is then dropped.
        ("tags.`mlflow.prompt.is_prompt` = 'x' AND tags.`mlflow.prompt.is_prompt` = 'true'", .excludePrompts, 0),
    ])
    func scope(text: String, scope: RegistryPromptScope, remaining: Int) throws {
        let result = try SearchFilter.parseRegisteredModels(text).registryPromptScope()
        #expect(result.scope == scope)
        #expect(result.clauses.count == remaining)
    }
}

@Suite struct SearchRegistryOrderTests {
    @Test func emptyListMeansDefaultOrder() throws {
        #expect(try SearchOrder.parseRegisteredModels([]).isEmpty)
        #expect(try SearchOrder.parseModelVersions([]).isEmpty)
    }

    @Test(arguments: [
        ("name", order("name")), ("name DESC", order("name", false)), ("  name desc ", order("name", false)),
        ("timestamp", order("last_updated_timestamp")), ("timestamp DESC", order("last_updated_timestamp", false)),
        ("last_updated_timestamp ASC", order("last_updated_timestamp")),
        ("creation_timestamp DESC", order("creation_timestamp", false)),
        ("attribute.name", order("name")), ("`name`", order("name")),
    ])
    func registeredModelKeys(text: String, expected: SearchOrder) throws {
        #expect(try SearchOrder.parseRegisteredModels([text]) == [expected])
    }

    @Test(arguments: [
        ("name", order("name")), ("version_number DESC", order("version_number", false)),
        ("creation_timestamp", order("creation_timestamp")),
        ("last_updated_timestamp DESC", order("last_updated_timestamp", false)),
        ("attribute.version_number", order("version_number")), ("`version_number` asc", order("version_number")),
    ])
    func modelVersionKeys(text: String, expected: SearchOrder) throws {
        #expect(try SearchOrder.parseModelVersions([text]) == [expected])
    }

    @Test(arguments: [
        (["name", "name DESC"], "duplicate fields"),
        (["timestamp", "last_updated_timestamp DESC"], "duplicate fields"),
        (["tags.t"], "registered models cannot be ordered by tags"),
        (["NAME"], "Invalid attribute key 'NAME'"),
        (["last_updated_time"], "Invalid attribute key 'last_updated_time'"),
        (["version_number"], "Invalid attribute key 'version_number'"),
        (["attributes.name"], "Invalid entity type 'attributes'"),
        (["name DESC ASC"], "Could not be parsed"),
        (["name sideways"], "expected ASC or DESC"),
    ])
    func invalidRegisteredModelOrders(clauses: [String], fragment: String) throws {
        try expectRejected(fragment) { try SearchOrder.parseRegisteredModels(clauses) }
    }

    @Test(arguments: [
        (["version_number", "attribute.version_number DESC"], "duplicate fields"),
        (["tags.name"], "model versions cannot be ordered by tags"),
        (["tag.t"], "cannot be ordered by tags"),
        (["timestamp"], "Invalid attribute key 'timestamp'"),
        (["run_id"], "Invalid attribute key 'run_id'"),
        (["source_path"], "Invalid attribute key 'source_path'"),
        (["metrics.m"], "Invalid entity type 'metrics'"),
    ])
    func invalidModelVersionOrders(clauses: [String], fragment: String) throws {
        try expectRejected(fragment) { try SearchOrder.parseModelVersions(clauses) }
    }

    @Test func otherSearchesStillRejectDuplicates() throws {
        try expectRejected("duplicate fields") { try SearchOrder.parseRuns(["start_time", "created DESC"]) }
    }
}
