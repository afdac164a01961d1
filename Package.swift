// swift-tools-version:6.0
import PackageDescription

let strictSettings: [SwiftSetting] = [
    .enableUpcomingFeature("InternalImportsByDefault"),
    .enableUpcomingFeature("ExistentialAny"),
]

let package = Package(
    name: "keel",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "keel", targets: ["keel"]),
        .executable(name: "keel-load-driver", targets: ["KeelLoadDriver"]),
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/adam-fowler/compress-nio.git", from: "1.5.0"),
        .package(url: "https://github.com/vapor/sql-kit.git", from: "3.36.0"),
        .package(url: "https://github.com/vapor/sqlite-kit.git", from: "4.5.2"),
        .package(url: "https://github.com/vapor/postgres-kit.git", from: "2.17.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
        .package(url: "https://github.com/apple/swift-crypto.git", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth.git", exact: "2.5.0"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache.git", from: "2.1.1"),
    ],
    targets: [
        .target(
            name: "KeelCore",
            swiftSettings: strictSettings
        ),
        .target(
            name: "KeelStore",
            dependencies: [
                "KeelCore",
                .product(name: "SQLKit", package: "sql-kit"),
                .product(name: "SQLiteKit", package: "sqlite-kit"),
                .product(name: "PostgresKit", package: "postgres-kit"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "_NIOFileSystem", package: "swift-nio"),
            ],
            swiftSettings: strictSettings
        ),
        .target(
            name: "KeelTracking",
            dependencies: [
                "KeelCore",
                "KeelStore",
                .product(name: "SQLKit", package: "sql-kit"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSettings
        ),
        .target(
            name: "KeelRegistry",
            dependencies: [
                "KeelCore",
                "KeelStore",
                "KeelTracking",
                .product(name: "SQLKit", package: "sql-kit"),
            ],
            swiftSettings: strictSettings
        ),
        .target(
            name: "KeelServing",
            dependencies: [
                "KeelCore",
                "KeelStore",
                "KeelRegistry",
                .product(name: "SQLKit", package: "sql-kit"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOFoundationCompat", package: "swift-nio"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ],
            swiftSettings: strictSettings
        ),
        .target(
            name: "KeelMonitoring",
            dependencies: [
                "KeelCore",
                "KeelStore",
                "KeelTracking",
                "KeelRegistry",
                "KeelServing",
                .product(name: "SQLKit", package: "sql-kit"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ],
            swiftSettings: strictSettings
        ),
        .target(
            name: "KeelPipelines",
            dependencies: [
                "KeelCore", "KeelMonitoring", "KeelStore",
                .product(name: "SQLKit", package: "sql-kit"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Yams", package: "Yams"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            ],
            swiftSettings: strictSettings
        ),
        .target(
            name: "KeelGenAI",
            dependencies: [
                "KeelCore", "KeelStore", "KeelTracking", "KeelRegistry", "KeelMonitoring",
                .product(name: "SQLKit", package: "sql-kit"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: strictSettings
        ),
        .target(
            name: "KeelGovernance",
            dependencies: [
                "KeelCore", "KeelStore", "KeelTracking", "KeelRegistry", "KeelServing", "KeelMonitoring",
                .product(name: "SQLKit", package: "sql-kit"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            ],
            swiftSettings: strictSettings
        ),
        .target(
            name: "KeelWeb",
            dependencies: [
                "KeelCore", "KeelStore", "KeelTracking", "KeelRegistry", "KeelServing", "KeelMonitoring", "KeelPipelines", "KeelGenAI", "KeelGovernance",
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            swiftSettings: strictSettings
        ),
        .target(
            name: "KeelClient",
            dependencies: ["KeelPipelines"],
            swiftSettings: strictSettings
        ),
        .target(
            name: "KeelServer",
            dependencies: [
                "KeelCore",
                "KeelStore",
                "KeelTracking",
                "KeelRegistry",
                "KeelServing",
                "KeelMonitoring",
                "KeelPipelines",
                "KeelClient",
                "KeelGovernance",
                "KeelGenAI",
                "KeelWeb",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "CompressNIO", package: "compress-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strictSettings
        ),
        .executableTarget(
            name: "keel",
            dependencies: [
                "KeelCore",
                "KeelServer",
                "KeelServing",
                "KeelMonitoring",
                "KeelPipelines",
                "KeelClient",
                "KeelGovernance",
                "KeelStore",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            swiftSettings: strictSettings
        ),
        // The benchmarks' native client (Benchmarks/tracking drives it); no Keel module in it.
        .executableTarget(
            name: "KeelLoadDriver",
            dependencies: [.product(name: "ArgumentParser", package: "swift-argument-parser")],
            path: "Benchmarks/LoadDriver",
            swiftSettings: strictSettings
        ),
        .target(
            name: "KeelTestSupport",
            dependencies: [
                "KeelStore",
                .product(name: "SQLKit", package: "sql-kit"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Tests/KeelTestSupport",
            swiftSettings: strictSettings
        ),
        .testTarget(name: "KeelCoreTests", dependencies: ["KeelCore"], swiftSettings: strictSettings),
        .testTarget(name: "KeelLoadDriverTests", dependencies: ["KeelLoadDriver"], swiftSettings: strictSettings),
        .testTarget(
            name: "KeelStoreTests",
            dependencies: ["KeelCore", "KeelStore", "KeelTestSupport", .product(name: "NIOCore", package: "swift-nio")],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "KeelTrackingTests",
            dependencies: [
                "KeelCore", "KeelStore", "KeelTracking", "KeelTestSupport",
                .product(name: "SQLKit", package: "sql-kit"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "KeelRegistryTests",
            dependencies: [
                "KeelCore", "KeelStore", "KeelTracking", "KeelRegistry", "KeelTestSupport",
                .product(name: "SQLKit", package: "sql-kit"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "KeelServingTests",
            dependencies: [
                "KeelCore", "KeelStore", "KeelServing", "KeelTestSupport",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            exclude: ["Fixtures"],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "KeelMonitoringTests",
            dependencies: ["KeelMonitoring", "KeelServing", "KeelStore", "KeelTestSupport", .product(name: "SQLKit", package: "sql-kit")],
            exclude: ["Fixtures"],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "KeelPipelinesTests",
            dependencies: [
                "KeelPipelines", "KeelCore", "KeelMonitoring", "KeelStore", "KeelTestSupport", .product(name: "SQLKit", package: "sql-kit"),
            ],
            exclude: ["Fixtures"],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "KeelGovernanceTests",
            dependencies: ["KeelGovernance", "KeelCore", "KeelStore", "KeelTestSupport"],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "KeelGenAITests",
            dependencies: ["KeelGenAI", "KeelCore", "KeelStore", "KeelTracking", "KeelTestSupport", .product(name: "SQLKit", package: "sql-kit")],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "KeelWebTests",
            dependencies: ["KeelWeb", "KeelCore", "KeelTracking"],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "KeelCLITests",
            dependencies: [
                "keel",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "KeelServerTests",
            dependencies: [
                "KeelServer", "KeelStore", "KeelTestSupport",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSettings
        ),
    ]
)
