import Foundation
import KeelCore
@testable import KeelPipelines
import Testing

@Suite("keel.yaml")
struct PipelineSpecTests {
    static let exampleFile = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("examples/churn/keel.yaml")

    @Test("the churn example reads: kinds, paths, params and the run order")
    func churnExample() throws {
        let spec = try PipelineSpec(yaml: String(contentsOf: Self.exampleFile, encoding: .utf8))
        #expect(spec.paramsFile == "params.yaml")
        #expect(spec.stages.map(\.name) == ["generate", "validate", "split", "train", "evaluate", "gate", "register", "deploy"])
        #expect(spec.stages.map(\.kind.name) == ["cmd", "validate", "cmd", "cmd", "cmd", "gate", "register", "deploy"])
        let train = try #require(spec.stage("train"))
        #expect(train.deps == ["train.py", "data/train.csv"])
        #expect(train.outs == ["model"])
        #expect(train.params == ["train"])
        #expect(train.metrics == ["metrics/train.json"])
        guard case .gate(let gate)? = spec.stage("gate")?.kind else {
            Issue.record("gate should be a gate")
            return
        }
        #expect(gate.conditions.map(\.metric) == ["accuracy", "roc_auc"])
        #expect(gate.bias?.sensitive == "gender")
        #expect(gate.bias?.limits == BiasLimits(maxDemographicParityDifference: 0.10, maxEqualizedOddsDifference: 0.15, minDisparateImpactRatio: 0.8))
        guard case .validate(let validate)? = spec.stage("validate")?.kind else {
            Issue.record("validate should validate")
            return
        }
        #expect(validate.data == "data/raw.csv")
        #expect(validate.expectations.columns["plan"]?.allowed == [.text("free"), .text("basic"), .text("pro")])

        let graph = PipelineGraph(spec)
        #expect(graph.order == ["generate", "validate", "split", "train", "evaluate", "gate", "register", "deploy"])
        #expect(graph.upstream["validate"] == ["generate"])
        #expect(graph.upstream["split"] == ["generate", "validate"])
        #expect(graph.upstream["evaluate"] == ["train", "split"])
        #expect(graph.upstream["register"] == ["gate", "train"])
        #expect(graph.closure(of: "train") == ["generate", "validate", "split", "train"])
        #expect(graph.downstream(of: "gate") == ["register", "deploy"])
    }

    @Test("executors: the pipeline's default, a stage's own, and the Ray address")
    func executors() throws {
        let spec = try PipelineSpec(yaml: """
            executor: ray
            ray: {address: "http://127.0.0.1:8265"}
            stages:
              a: {cmd: x}
              b: {cmd: y, executor: local}
            """)
        #expect(spec.executor == .ray && spec.rayAddress == "http://127.0.0.1:8265")
        #expect(spec.stage("a")?.executor == nil && spec.stage("b")?.executor == .local)
        #expect(try PipelineSpec(yaml: "stages:\n  a: {cmd: x}").executor == .local)
    }

    @Test("independent stages have no link, so they can run side by side")
    func independentStages() throws {
        let spec = try PipelineSpec(yaml: """
            stages:
              a: {cmd: "echo a > a.txt", outs: [a.txt]}
              b: {cmd: "echo b > b.txt", outs: [b.txt]}
              c: {cmd: "cat a.txt b.txt > out/c.txt", deps: [a.txt, ./b.txt], outs: [out]}
              d: {cmd: "wc out/c.txt", deps: [out/c.txt]}
            """)
        let graph = PipelineGraph(spec)
        #expect(graph.upstream["a"] == [])
        #expect(graph.upstream["b"] == [])
        #expect(graph.upstream["c"] == ["a", "b"])
        #expect(graph.upstream["d"] == ["c"])
        #expect(spec.stage("c")?.deps == ["a.txt", "b.txt"])
    }

    @Test("mistakes are refused with the file, stage and key", arguments: [
        ("stages: {}", "at least one stage"),
        ("stages:\n  a: {cmd: x, dep: [y]}", "unknown key 'dep'"),
        ("stages:\n  a: {deps: [y]}", "exactly one of"),
        ("stages:\n  a: {cmd: x, gate: {conditions: [a > 1], metrics: m.json}}", "exactly one of"),
        ("stages:\n  a: {cmd: x, outs: [../escape]}", "inside the pipeline's directory"),
        ("stages:\n  a: {cmd: x, outs: [/etc/passwd]}", "relative"),
        ("stages:\n  a: {cmd: x, deps: ['a\\\\b']}", "relative"),
        ("stages:\n  a: {cmd: x, outs: [m]}\n  b: {cmd: y, outs: [m/x]}", "both write"),
        ("stages:\n  a: {cmd: x, deps: [b.txt], outs: [a.txt]}\n  b: {cmd: y, deps: [a.txt], outs: [b.txt]}", "cycle"),
        ("stages:\n  a: {cmd: x, after: [nobody]}", "no stage 'nobody'"),
        ("stages:\n  a: {gate: {conditions: ['accuracy >= ']}}", "Gate condition"),
        ("stages:\n  a: {gate: {conditions: ['accuracy >= 1']}}", "need 'gate.metrics'"),
        ("stages:\n  a: {gate: {metrics: m.json}}", "checks nothing"),
        ("stages:\n  a: {gate: {bias: {predictions: p.csv, sensitive: g}}}", "sets no limit"),
        ("stages:\n  a: {validate: {data: d.csv, expect: {columns: {x: {typ: integer}}}}}", "unknown key 'typ'"),
        ("stages:\n  a: {validate: {data: d.csv, expect: {columns: {x: {type: float}}}}}", "does not read"),
        ("stages:\n  a: {deploy: {deployment: churn, percent: 100}}", "1 to 99"),
        ("stages:\n  a: {deploy: {deployment: churn, mode: blue}}", "canary or shadow"),
        ("stages:\n  a: {register: {model: model}}", "needs 'name'"),
        ("stages: [a, b]", "at least one stage"),
        ("stages:\n  a: {cmd: x}\n  a b: {cmd: y}", "stage name"),
        ("stage:\n  a: {cmd: x}", "unknown top-level key"),
        ("stages:\n  a: {cmd: [x}", "not valid YAML"),
        ("executor: spark\nstages:\n  a: {cmd: x}", "'executor' must be one of local, ray"),
        ("stages:\n  a: {cmd: x, executor: k8s}", "'executor' must be one of local, ray"),
        ("stages:\n  a: {validate: {data: d.csv, expect: {rows: {min: 1}}}, executor: ray}", "cmd stages only"),
        ("ray: {address: 'ray://head:10001'}\nstages:\n  a: {cmd: x}", "http(s) URL"),
        ("ray: {adress: 'http://head:8265'}\nstages:\n  a: {cmd: x}", "unknown key 'adress'"),
    ])
    func refused(_ yaml: String, _ expected: String) {
        do {
            _ = try PipelineSpec(yaml: yaml)
            Issue.record("accepted: \(yaml)")
        } catch let error as KeelError {
            #expect(error.message.contains(expected), "\(error.message)")
        } catch {
            Issue.record("\(error)")
        }
    }
}

@Suite("params.yaml")
struct PipelineParamsTests {
    static let yaml = """
        generate: {rows: 5000, seed: 7}
        train:
          n_estimators: 100
          max_depth: 8
          features: [age, plan]
          model: {kind: forest}
        """

    @Test("values by section or key, flattened to dotted keys")
    func values() throws {
        let params = try PipelineParams(yaml: Self.yaml)
        #expect(try params.values(for: ["generate.rows"], stage: "g") == ["generate.rows": "5000"])
        #expect(try params.values(for: ["train"], stage: "t") == [
            "train.n_estimators": "100", "train.max_depth": "8", "train.features": "[age, plan]", "train.model.kind": "forest",
        ])
        #expect(throws: KeelError.self) { try params.values(for: ["tune"], stage: "t") }
        // A prefix of a key is not the key's section.
        #expect(throws: KeelError.self) { try params.values(for: ["train.n"], stage: "t") }
    }

    @Test("commands take ${key} values; unknown keys and open braces are errors")
    func interpolation() throws {
        let params = try PipelineParams(yaml: Self.yaml)
        #expect(try params.interpolate("python g.py --rows ${generate.rows} --seed ${ generate.seed }", stage: "g") == "python g.py --rows 5000 --seed 7")
        #expect(try params.interpolate("echo $HOME {x}", stage: "g") == "echo $HOME {x}")
        #expect(throws: KeelError.self) { try params.interpolate("echo ${nope}", stage: "g") }
        #expect(throws: KeelError.self) { try params.interpolate("echo ${generate.rows", stage: "g") }
        #expect(try PipelineParams(yaml: "").leaves.isEmpty)
        #expect(throws: KeelError.self) { try PipelineParams(yaml: "- a\n- b") }
    }
}
