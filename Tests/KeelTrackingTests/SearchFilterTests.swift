import KeelCore
import KeelTestSupport
import Testing

@testable import KeelTracking

private func runs(_ text: String) throws -> [SearchClause] {
    try SearchFilter.parseRuns(text).clauses
}

private func experiments(_ text: String) throws -> [SearchClause] {
    try SearchFilter.parseExperiments(text).clauses
}

private func clause(
    _ entity: SearchEntity, _ key: String, _ comparator: SearchComparator, _ value: SearchValue
) -> SearchClause {
    SearchClause(entity: entity, key: key, comparator: comparator, value: value)
}

@Suite struct SearchFilterRunTests {
    @Test(arguments: [nil, "", "   ", "\n\t "])
    func absentOrBlankFilterHasNoClauses(text: String?) throws {
        #expect(try SearchFilter.parseRuns(text).clauses.isEmpty)
        #expect(try SearchFilter.parseExperiments(text).clauses.isEmpty)
    }

    @Test func parsesAndedClausesOfEveryEntity() throws {
        let parsed = try runs(
            "metrics.acc > 0.9 and params.model = 'cnn' AND tags.`mlflow.user` LIKE 'a%' "
                + "AND status != \"FAILED\" AND datasets.name IN ('train', 'test')"
        )
        #expect(parsed == [
            clause(.metric, "acc", .greater, .number(0.9)),
            clause(.param, "model", .equal, .string("cnn")),
            clause(.tag, "mlflow.user", .like, .string("a%")),
            clause(.attribute, "status", .notEqual, .string("FAILED")),
            clause(.dataset, "name", .in, .list(["train", "test"])),
        ])
    }

    @Test(arguments: [
        ("metric", SearchEntity.metric), ("metrics", .metric),
        ("param", .param), ("params", .param), ("parameter", .param), ("parameters", .param),
        ("tag", .tag), ("tags", .tag), ("`tags`", .tag),
    ])
    func entityPrefixAliases(prefix: String, entity: SearchEntity) throws {
        let value = entity == .metric ? "1" : "'v'"
        let parsed = try runs("\(prefix).k = \(value)")
        #expect(parsed.first?.entity == entity)
        #expect(parsed.first?.key == "k")
    }

    @Test(arguments: [
        ("status", "status"), ("attribute.status", "status"), ("attributes.status", "status"),
        ("attr.status", "status"), ("run.status", "status"), ("run_id", "run_id"), ("user_id", "user_id"),
        ("artifact_uri", "artifact_uri"), ("run_name", "run_name"), ("`run name`", "run_name"),
        ("\"Run Name\"", "run_name"), ("attributes.`Run name`", "run_name"),
    ])
    func stringAttributesAreNormalised(identifier: String, key: String) throws {
        #expect(try runs("\(identifier) = 'x'") == [clause(.attribute, key, .equal, .string("x"))])
    }

    @Test(arguments: [
        ("start_time", "start_time"), ("end_time", "end_time"), ("created", "start_time"), ("Created", "start_time"),
    ])
    func numericAttributesAreNormalised(identifier: String, key: String) throws {
        #expect(try runs("\(identifier) >= 1700000000000") == [
            clause(.attribute, key, .greaterOrEqual, .number(1_700_000_000_000)),
        ])
    }

    @Test(arguments: [
        ("1", 1.0), ("-1", -1), ("1.5", 1.5), (".5", 0.5), ("5.", 5), ("-.25", -0.25), ("1e3", 1000),
        ("1E-2", 0.01), ("-2.5e+2", -250), ("0", 0),
    ])
    func numericLiterals(literal: String, value: Double) throws {
        #expect(try runs("metrics.m <= \(literal)") == [clause(.metric, "m", .lessOrEqual, .number(value))])
        #expect(try runs("metrics.m<=\(literal)") == [clause(.metric, "m", .lessOrEqual, .number(value))])
    }

    @Test(arguments: [
        ("metrics.`my metric`", "my metric"), ("metrics.\"my metric\"", "my metric"),
        ("metrics.'my metric'", "my metric"), ("metrics.a.b.c", "a.b.c"), ("metrics.`a.b`", "a.b"),
        ("metrics.1acc", "1acc"), ("metrics.é", "é"), ("metrics.`a``b`", "a``b"), ("metrics.`a-b/c:d`", "a-b/c:d"),
    ])
    func quotedAndDottedKeys(identifier: String, key: String) throws {
        #expect(try runs("\(identifier) = 2") == [clause(.metric, key, .equal, .number(2))])
    }

    @Test(arguments: [
        ("'abc'", "abc"), ("\"abc\"", "abc"), ("''", ""), ("\"\"", ""),
        // As in MLflow, quotes are removed but nothing inside is unescaped.
        ("'it''s'", "it''s"), ("'a\\'b'", "a\\'b"), ("\"say \"\"hi\"\"\"", "say \"\"hi\"\""),
        ("\"it's\"", "it's"), ("'say \"hi\"'", "say \"hi\""), ("'a\\nb'", "a\\nb"),
        // MLflow's lexer backs off a trailing \' when nothing else closes the string.
        ("'C:\\'", "C:\\"), ("'é ✓ 日本'", "é ✓ 日本"), ("'x AND y = 1'", "x AND y = 1"),
    ])
    func stringValuesAreTakenVerbatim(literal: String, value: String) throws {
        #expect(try runs("params.p = \(literal)") == [clause(.param, "p", .equal, .string(value))])
    }

    @Test func comparatorsAreCaseInsensitive() throws {
        let parsed = try runs(
            "params.a like 'x%' AND params.b ILike 'y' AND tags.c is null AND tags.d Is  Not\tNull "
                + "AND run_id in ('r') AND run_id NOT   in ('s')"
        )
        #expect(parsed.map(\.comparator) == [.like, .ilike, .isNull, .isNotNull, .in, .notIn])
        #expect(parsed[2].value == .none)
        #expect(parsed[3].value == .none)
    }

    @Test func everySymbolicComparator() throws {
        let parsed = try runs(
            "metrics.a = 1 AND metrics.a != 1 AND metrics.a < 1 AND metrics.a <= 1 AND metrics.a > 1 AND metrics.a >= 1"
        )
        #expect(parsed.map(\.comparator) == [.equal, .notEqual, .less, .lessOrEqual, .greater, .greaterOrEqual])
    }

    @Test func lists() throws {
        #expect(try runs("run_id IN ('a', \"b\",)") == [clause(.attribute, "run_id", .in, .list(["a", "b"]))])
        #expect(try runs("attributes.run_id NOT IN('a')") == [clause(.attribute, "run_id", .notIn, .list(["a"]))])
        // Lists follow Python literal rules, as MLflow evaluates them with ast.literal_eval.
        #expect(try runs("run_id IN ('a\\'b', \"c\\\"d\", 'e\\\\f')") == [
            clause(.attribute, "run_id", .in, .list(["a'b", "c\"d", "e\\f"])),
        ])
        #expect(try runs("datasets.digest IN ( 'x' , 'y' )") == [clause(.dataset, "digest", .in, .list(["x", "y"]))])
        #expect(try runs("datasets.context NOT IN ('training')").first?.comparator == .notIn)
    }

    @Test func strayAndsAreIgnoredAsInMLflow() throws {
        let expected = [clause(.metric, "a", .greater, .number(1)), clause(.param, "b", .equal, .string("x"))]
        #expect(try runs("AND metrics.a > 1 AND AND params.b = 'x' AND") == expected)
        #expect(try runs("metrics.a > 1 and\nparams.b='x'") == expected)
        #expect(try runs("AND").isEmpty)
    }

    @Test func datasetFieldsAndIsNullForParamsAndTags() throws {
        #expect(try runs("dataset.name LIKE 'mnist%' AND datasets.context = 'train'") == [
            clause(.dataset, "name", .like, .string("mnist%")),
            clause(.dataset, "context", .equal, .string("train")),
        ])
        #expect(try runs("params.lr IS NOT NULL AND tags.note IS NULL") == [
            clause(.param, "lr", .isNotNull, .none), clause(.tag, "note", .isNull, .none),
        ])
    }

    @Test(arguments: [
        // Structure
        ("metrics.a > 1 OR metrics.b > 1", "OR"),
        ("(metrics.a > 1)", "Parentheses"),
        ("metrics.a > 1 metrics.b > 1", "joined with AND"),
        ("metrics.a > 1; metrics.b > 1", "multiple expressions"),
        ("metrics.a > 1 -- comment", "joined with AND"),
        ("metrics.a > 1 2", "joined with AND"),
        ("> 1", "expected an identifier"),
        ("'run name' = 'x'", "Single quotes mark values"),
        ("metrics.a", "expected a comparison operator"),
        ("metrics.a >", "expected a value"),
        // Identifiers
        ("bogus.x = 'y'", "Invalid entity type 'bogus'"),
        ("METRICS.x > 1", "Invalid entity type 'METRICS'"),
        ("\"tags\".x = 'y'", "Invalid entity type '\"tags\"'"),
        ("foo = 'x'", "Invalid attribute key 'foo'"),
        ("lifecycle_stage = 'active'", "Invalid attribute key 'lifecycle_stage'"),
        ("experiment_id = '1'", "Invalid attribute key 'experiment_id'"),
        ("datasets.foo = 'x'", "Invalid dataset key 'foo'"),
        ("metrics. = 1", "expected a key after the '.'"),
        ("metrics.$x > 1", "expected a key after the '.'"),
        ("metrics . acc > 1", "whitespace is not allowed"),
        ("tags.a. = 'x'", "cannot end with '.'"),
        ("tags.`a.b`.c = 'x'", "nothing may follow a quoted key"),
        ("metrics.acc-1 > 0", "Quote keys"),
        // Comparators
        ("metrics.a == 1", "Invalid comparator '=='"),
        ("metrics.a <> 1", "Invalid comparator '<>'"),
        ("params.p NOT LIKE 'x'", "Invalid comparator 'NOT LIKE'"),
        ("params.p RLIKE 'x'", "Invalid comparator 'RLIKE'"),
        ("params.p IS 'x'", "IS NULL or IS NOT NULL"),
        ("metrics.a LIKE 1", "Invalid comparator 'LIKE' for metric 'a'"),
        ("params.p > 'x'", "Invalid comparator '>' for param 'p'"),
        ("start_time LIKE '1'", "Invalid comparator 'LIKE'"),
        ("datasets.name > 'x'", "Invalid comparator '>'"),
        ("status IN ('a')", "Only ['run_id']"),
        ("metrics.m IS NULL", "only supported for tags and params"),
        ("status IS NOT NULL", "only supported for tags and params"),
        ("datasets.name IS NULL", "only supported for tags and params"),
        // Value types
        ("metrics.a = '1'", "Expected a numeric value for metric 'a'"),
        ("start_time > '0'", "Expected a numeric value for attribute 'start_time'"),
        ("metrics.a > abc", "Expected a numeric value"),
        ("params.p = 1", "Expected a quoted string value for param 'p'"),
        ("datasets.name = 1", "Expected a quoted string value"),
        ("params.p = abc", "is not quoted"),
        ("status = FINISHED", "is not quoted"),
        ("params.p = `abc`", "is not quoted"),
        ("run_id = ('a', 'b')", "only valid with IN or NOT IN"),
        ("run_id IN 'a'", "needs a parenthesised list"),
        ("run_id IN ()", "non-empty list"),
        ("run_id IN (1, 2)", "expected quoted string values"),
        ("run_id IN ('a' 'b')", "expected ',' or ')'"),
        ("run_id IN (('a'))", "expected quoted string values"),
        ("run_id IN ('a',", "Unterminated list"),
        ("run_id IN ('a", "Unterminated string in list"),
        // Literals
        ("params.p = 'unterminated", "Unterminated string"),
        ("params.p = \"unterminated", "Unterminated string"),
        ("params.\"unterminated = 'x'", "Unterminated quote"),
        ("tags.`open = 'x'", "Unterminated quote"),
        ("metrics.a > 0x1F", "Invalid numeric value '0x1F'"),
        ("metrics.a > 12abc", "Invalid numeric value '12abc'"),
        ("metrics.a > +5", "Invalid value"),
        ("metrics.a > - 5", "Invalid value"),
        ("metrics.a > 1e999", "out of range"),
    ])
    func invalidRunFilters(text: String, fragment: String) throws {
        let error = try #require(searchParseError { try runs(text) }, "expected \(text) to be rejected")
        #expect(error.code == .invalidParameterValue)
        #expect(error.message.contains(fragment), "\(error.message)")
    }

    @Test func hugeInputsInErrorsAreClipped() throws {
        let key = String(repeating: "k", count: 10_000)
        let error = try #require(searchParseError { try runs("\(key) = 'x'") })
        #expect(error.message.count < 1_000)
    }
}

@Suite struct SearchFilterExperimentTests {
    @Test func parsesExperimentFilters() throws {
        let parsed = try experiments(
            "name LIKE 'prod-%' AND attribute.experiment_id = ' 012 ' AND tags.team = \"ml\" "
                + "AND creation_time >= 1700000000000 AND last_update_time < 5 AND tag.`owner` IS NULL"
        )
        #expect(parsed == [
            clause(.attribute, "name", .like, .string("prod-%")),
            clause(.attribute, "experiment_id", .equal, .string("12")),
            clause(.tag, "team", .equal, .string("ml")),
            clause(.attribute, "creation_time", .greaterOrEqual, .number(1_700_000_000_000)),
            clause(.attribute, "last_update_time", .less, .number(5)),
            clause(.tag, "owner", .isNull, .none),
        ])
    }

    @Test func experimentIDListsAreCanonicalised() throws {
        #expect(try experiments("experiment_id IN ('1', \"+2\", '3_000')") == [
            clause(.attribute, "experiment_id", .in, .list(["1", "2", "3000"])),
        ])
        #expect(try experiments("experiment_id not in ('-4')").first?.value == .list(["-4"]))
    }

    @Test func lowercaseOperatorsAreAccepted() throws {
        // MLflow's experiment store forgets to upper-case these; Keel does not.
        #expect(try experiments("name like 'a%' AND tags.t ilike 'b'").map(\.comparator) == [.like, .ilike])
    }

    @Test(arguments: [
        ("attributes.name = 'x'", "Invalid entity type 'attributes'"),
        ("`tags`.t = 'x'", "Invalid entity type '`tags`'"),
        ("metrics.a > 1", "Invalid entity type 'metrics'"),
        ("params.p = 'x'", "Invalid entity type 'params'"),
        ("lifecycle_stage = 'active'", "Invalid attribute key 'lifecycle_stage'"),
        ("run_id = 'x'", "Invalid attribute key 'run_id'"),
        ("name IN ('a')", "Only ['experiment_id']"),
        ("name > 'a'", "Invalid comparator '>'"),
        ("name IS NULL", "only supported for tags, not for attribute 'name'"),
        ("name = 1", "Expected a quoted string value"),
        ("experiment_id = 1", "Expected a quoted string value"),
        ("experiment_id = 'abc'", "Invalid experiment ID 'abc'"),
        ("experiment_id = ''", "Invalid experiment ID"),
        ("experiment_id = '1__0'", "Invalid experiment ID"),
        ("experiment_id = '99999999999999999999999'", "Invalid experiment ID"),
        ("experiment_id IN ('1', 'x')", "Invalid experiment ID 'x'"),
        ("experiment_id LIKE '1%'", "Invalid comparator 'LIKE'"),
        ("experiment_id > '1'", "Invalid comparator '>'"),
        ("creation_time > 1.5", "takes an integer"),
        ("creation_time > 1e3", "takes an integer"),
        ("creation_time > '0'", "Expected a numeric value"),
        ("tags.t > 'a'", "Invalid comparator '>'"),
        ("tags.t IN ('a')", "Invalid comparator 'IN'"),
        ("name = 'a' OR name = 'b'", "OR"),
    ])
    func invalidExperimentFilters(text: String, fragment: String) throws {
        let error = try #require(searchParseError { try experiments(text) }, "expected \(text) to be rejected")
        #expect(error.code == .invalidParameterValue)
        #expect(error.message.contains(fragment), "\(error.message)")
    }
}

@Suite struct SearchFilterRobustnessTests {
    /// Fragments that exercise every branch of the scanner, glued together at random.
    static let fragments = [
        "metrics.", "params.", "tags.", "attributes.", "datasets.", "run.", "`", "\"", "'", "''", "\\'", "\\",
        "(", ")", ",", ".", "=", "!=", "<", "<=", ">", ">=", "==", " ", "  ", "\t", "\n", "AND", "and", "OR",
        "IN", "NOT", "IS", "NULL", "LIKE", "ILIKE", "acc", "status", "run_id", "start_time", "name",
        "experiment_id", "creation_time", "1", "-", "1.5", ".", "e", "E+", "0x", "é", "日本", "✓", "\u{0}",
        "%", "_", ";", "--", "/*", "*/", "$", "#", "1e999",
    ]

    private static func randomFilter(_ rng: inout SeededRandom) -> String {
        var text = ""
        for _ in 0..<Int.random(in: 0...12, using: &rng) {
            text += fragments.randomElement(using: &rng) ?? ""
        }
        return text
    }

    private static func checkInvariants(_ filter: SearchFilter, experiments: Bool) {
        for clause in filter.clauses {
            switch (clause.comparator, clause.value) {
            case (.isNull, .none), (.isNotNull, .none): break
            case (.in, .list(let items)), (.notIn, .list(let items)): #expect(!items.isEmpty)
            case (_, .number(let number)): #expect(number.isFinite)
            case (_, .string): break
            default: Issue.record("comparator \(clause.comparator) with value \(clause.value)")
            }
            if experiments { #expect(clause.entity == .attribute || clause.entity == .tag) }
        }
    }

    @Test func randomInputNeverCrashesAndOnlyThrowsInvalidParameter() {
        var rng = SeededRandom(seed: 0x5EED)
        for _ in 0..<20_000 {
            let text = Self.randomFilter(&rng)
            for experiments in [false, true] {
                do {
                    let filter = experiments
                        ? try SearchFilter.parseExperiments(text) : try SearchFilter.parseRuns(text)
                    Self.checkInvariants(filter, experiments: experiments)
                } catch let error as KeelError {
                    #expect(error.code == .invalidParameterValue, "\(text)")
                } catch {
                    Issue.record("unexpected error \(error) for \(text)")
                }
            }
        }
    }

    static let mutationScalars = Array("'\"`(),. =\\-_a9é".unicodeScalars)

    @Test func mutatedValidFiltersNeverCrash() {
        let seeds = [
            "metrics.acc > 0.9 AND params.`my key` = 'x' AND tags.t IS NOT NULL",
            "run_id IN ('a', \"b\") AND datasets.name LIKE 'm%' AND `run name` != 'n'",
            "name ILIKE 'a%' AND experiment_id IN ('1', '2') AND creation_time > 5",
        ]
        var rng = SeededRandom(seed: 42)
        for _ in 0..<10_000 {
            var scalars = Array((seeds.randomElement(using: &rng) ?? "").unicodeScalars)
            for _ in 0..<Int.random(in: 1...4, using: &rng) where !scalars.isEmpty {
                let index = Int.random(in: 0..<scalars.count, using: &rng)
                switch Int.random(in: 0..<3, using: &rng) {
                case 0: scalars.remove(at: index)
                case 1: scalars.insert(Self.mutationScalars.randomElement(using: &rng) ?? "x", at: index)
                default: scalars.removeSubrange(index...)
                }
            }
            var view = String.UnicodeScalarView()
            view.append(contentsOf: scalars)
            let text = String(view)
            expectParsesOrRejectsCleanly { try SearchFilter.parseRuns(text) }
            expectParsesOrRejectsCleanly { try SearchFilter.parseExperiments(text) }
        }
    }

    /// Inputs that make naive quote matching or backtracking quadratic; each must finish promptly.
    @Test(arguments: ["'", "\\'", "''", "\"", "`", "(", "('a',", "AND ", "metrics.a > 1 AND ", "a.", "1", "é"])
    func largeHostileInputsParseInLinearTime(unit: String) {
        let text = "params.p = " + String(repeating: unit, count: 100_000)
        if let error = searchParseError({ try SearchFilter.parseRuns(text) }) {
            #expect(error.code == .invalidParameterValue)
            #expect(error.message.count < 1_000)
        }
        _ = searchParseError { try SearchFilter.parseRuns(String(repeating: unit, count: 100_000)) }
    }
}
