/// Something that changed in the registry, recorded in the same transaction as the change.
///
/// Events are the registry's public seam for other parts: serving follows alias moves,
/// governance's audit log and webhooks read the same stream. Readers poll with
/// ``RegistryService/events(after:limit:)`` and remember the last id they handled, so any
/// number of server replicas can follow one shared database.
public struct RegistryEvent: Sendable, Hashable {
    /// Increasing id: the cursor readers keep.
    public var id: Int64
    /// What happened.
    public var kind: Kind
    /// The registered model concerned.
    public var modelName: String
    /// The version concerned, if any.
    public var version: Int64?
    /// Event-specific details as JSON (e.g. `{"alias": "champion", "previous_version": 2}`).
    public var detail: String
    /// When it happened, epoch milliseconds.
    public var createdAt: Int64

    /// The kinds of registry change.
    public struct Kind: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
        public let rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        /// A registered model was created.
        public static let modelCreated = Kind(rawValue: "model_created")
        /// A registered model was renamed (detail holds the old name).
        public static let modelRenamed = Kind(rawValue: "model_renamed")
        /// A registered model and all its versions were deleted.
        public static let modelDeleted = Kind(rawValue: "model_deleted")
        /// A new version was registered.
        public static let versionCreated = Kind(rawValue: "version_created")
        /// A version was deleted.
        public static let versionDeleted = Kind(rawValue: "version_deleted")
        /// A version moved to another stage.
        public static let stageChanged = Kind(rawValue: "stage_changed")
        /// An alias was set or moved.
        public static let aliasSet = Kind(rawValue: "alias_set")
        /// An alias was removed.
        public static let aliasDeleted = Kind(rawValue: "alias_deleted")
    }
}
