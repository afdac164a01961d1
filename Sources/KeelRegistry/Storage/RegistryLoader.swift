import KeelCore
import KeelStore
import KeelTracking
import SQLKit

/// Loads registered models and versions with their tags and aliases, in a fixed number of
/// queries however many are asked for.
enum RegistryLoader {
    static let deletedStage = ModelStage.deletedInternal

    static func versions(_ rows: [ModelVersionRow], in database: any SQLDatabase) async throws -> [ModelVersion] {
        guard !rows.isEmpty else { return [] }
        let names = Array(Set(rows.map(\.name)))
        var tags: [String: [KeyValue]] = [:]
        var aliases: [String: [String]] = [:]
        let dialect = StoreDialect(of: database)
        for chunk in names.chunked(into: 500) {
            let tagRows = try await database.rows(
                namedIn(chunk, "SELECT name, version, key, value FROM model_version_tags WHERE name IN ", " ORDER BY key", dialect),
                RegistryTagRow.types
            ).map(RegistryTagRow.init(values:))
            for row in tagRows { tags["\(row.name)\u{0}\(row.version ?? 0)", default: []].append(KeyValue(key: row.key, value: row.value)) }
            let aliasRows = try await database.rows(
                namedIn(chunk, "SELECT name, alias, version FROM registered_model_aliases WHERE name IN ", " ORDER BY alias", dialect),
                AliasRow.types
            ).map(AliasRow.init(values:))
            for row in aliasRows { aliases["\(row.name)\u{0}\(row.version)", default: []].append(row.alias) }
        }
        return rows.map { row in
            let key = "\(row.name)\u{0}\(row.version)"
            return row.version(tags: tags[key] ?? [], aliases: aliases[key] ?? [])
        }
    }

    static func models(_ rows: [RegisteredModelRow], in database: any SQLDatabase) async throws -> [RegisteredModel] {
        guard !rows.isEmpty else { return [] }
        var tags: [String: [KeyValue]] = [:]
        var aliases: [String: [ModelAlias]] = [:]
        var latest: [String: [ModelVersion]] = [:]
        let dialect = StoreDialect(of: database)
        for chunk in rows.map(\.name).chunked(into: 500) {
            let tagRows = try await database.rows(
                namedIn(chunk, "SELECT name, NULL AS version, key, value FROM registered_model_tags WHERE name IN ", " ORDER BY key", dialect),
                RegistryTagRow.types
            ).map(RegistryTagRow.init(values:))
            for row in tagRows { tags[row.name, default: []].append(KeyValue(key: row.key, value: row.value)) }
            let aliasRows = try await database.rows(
                namedIn(chunk, "SELECT name, alias, version FROM registered_model_aliases WHERE name IN ", " ORDER BY alias", dialect),
                AliasRow.types
            ).map(AliasRow.init(values:))
            for row in aliasRows { aliases[row.name, default: []].append(ModelAlias(alias: row.alias, version: row.version)) }
            // The newest version per (model, stage): MLflow's `latest_versions`.
            let latestRows = try await database.rows("""
                SELECT \(unsafeRaw: ModelVersionRow.columns.map { "mv." + $0 }.joined(separator: ", "))
                FROM model_versions mv
                WHERE mv.name IN \(SQLBind.group(chunk)) AND mv.current_stage <> \(bind: deletedStage)
                  AND mv.version = (SELECT MAX(v2.version) FROM model_versions v2
                                    WHERE v2.name = mv.name AND v2.current_stage = mv.current_stage)
                ORDER BY mv.version
                """, ModelVersionRow.types).map(ModelVersionRow.init(values:))
            for version in try await versions(latestRows, in: database) { latest[version.name, default: []].append(version) }
        }
        return rows.map { row in
            RegisteredModel(
                name: row.name, creationTimestamp: row.creationTimestamp, lastUpdatedTimestamp: row.lastUpdatedTimestamp,
                description: row.description, userID: row.userId, latestVersions: latest[row.name] ?? [],
                tags: tags[row.name] ?? [], aliases: aliases[row.name] ?? []
            )
        }
    }

    /// `head (?, ?, …) tail` with one placeholder per name, each bound as text.
    ///
    /// A page of versions asks for the tags of hundreds of models at once; built here, the list
    /// costs an array append per name instead of SQLKit's boxing and encoding of each bind.
    private static func namedIn(_ names: [String], _ head: String, _ tail: String, _ dialect: StoreDialect) -> PreparedStatement {
        var statement = StatementBuilder(dialect, head)
        statement.appendTuple(names.map { .text($0) })
        statement.append(tail)
        return statement.build()
    }
}
