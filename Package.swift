// swift-tools-version: 6.2
//
// Letterbox: a multi-channel intake gateway for social-housing feedback.
// Layout and rules: README.md and docs/architecture.md.

import PackageDescription

let package = Package(
    name: "letterbox",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "letterbox", targets: ["letterbox"]),
        .executable(name: "letterbox-bench", targets: ["LetterboxBench"]),
        .library(name: "LetterboxCore", targets: ["LetterboxCore"]),
        .library(name: "LetterboxStore", targets: ["LetterboxStore"]),
    ],
    dependencies: [
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-crypto", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/apple/swift-configuration", from: "1.4.0", traits: [.defaults, "YAML"]),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-system", from: "1.5.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
        .package(url: "https://github.com/vapor/multipart-kit", from: "4.7.1"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
    ],
    targets: [
        // The model, the adapter and decoder protocols, text and identifier normalisation.
        // Foundation and swift-log only.
        .target(
            name: "LetterboxCore",
            dependencies: ["CTriageModel", .product(name: "Logging", package: "swift-log")],
            resources: [.embedInCode("bank-holiday-changes.txt")]
        ),
        // The shipped triage model's bytes, compiled in from the file `letterbox triage train`
        // writes (C23 #embed), so a process reads it in place instead of decoding a copy.
        .target(name: "CTriageModel", exclude: ["triage-model.bin", "triage-lexicon.bin"]),

        // The SQLite case store and the intake pipeline that writes to it.
        .target(
            name: "LetterboxStore",
            dependencies: [
                "LetterboxCore",
                .product(name: "GRDB", package: "GRDB.swift"),
                // The system SQLite's C interface, for writing large blobs in place (storeBlob).
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
                "CSQLiteTuning",
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        // The system SQLite's settings that take variable arguments (sqlite3_db_config), which
        // Swift cannot call.
        .target(name: "CSQLiteTuning", linkerSettings: [.linkedLibrary("sqlite3")]),

        // The PostgreSQL store (issue 16): its schema, health and `store copy` from SQLite.
        .target(
            name: "LetterboxPostgres",
            dependencies: [
                "LetterboxCore",
                "LetterboxStore",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),

        // System libraries, through pkg-config.
        .systemLibrary(name: "CLibXML2", pkgConfig: "libxml-2.0", providers: [.apt(["libxml2-dev"])]),
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),

        // libxml2 for Swift: HTML to readable text (and, for SMS, safe XML reading).
        .target(name: "LetterboxXML", dependencies: ["CLibXML2"]),

        // What adapters' one-shot import commands share with the executable: the store options,
        // exit statuses, the import host (configuration, pipeline, checkpoints), outcome lines.
        .target(
            name: "LetterboxCommands",
            dependencies: [
                "LetterboxCore",
                "CMallocTuning",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),

        // glibc's malloc settings that Swift's Glibc module does not show (mallopt).
        .target(name: "CMallocTuning"),

        // inotify for the adapters' watched folders (phone notes, Maildirs).
        .target(name: "LetterboxWatching"),

        // Channel adapters: each depends on the core (and the XML reader, the folder watcher,
        // the import commands' host, and the libraries named) only, never on the store or the
        // server.
        .target(
            name: "LetterboxPhoneNotes",
            dependencies: [
                "LetterboxCore", "LetterboxWatching", "LetterboxCommands",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Adapters/PhoneNotes"
        ),
        .target(
            name: "LetterboxEmail",
            dependencies: [
                "LetterboxCore", "LetterboxXML", "LetterboxWatching", "LetterboxCommands", "CZlib",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Adapters/Email"
        ),

        .target(
            name: "LetterboxSMS",
            dependencies: [
                "LetterboxCore", "LetterboxXML",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Adapters/SMS"
        ),
        .target(
            name: "LetterboxWebForm",
            dependencies: [
                "LetterboxCore",
                .product(name: "MultipartKit", package: "multipart-kit"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            path: "Adapters/WebForm"
        ),

        .target(
            name: "LetterboxTwilio",
            dependencies: [
                "LetterboxCore",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            path: "Adapters/Twilio"
        ),

        // The HTTP service: every adapter's routes through one hook, health and metrics.
        .target(
            name: "LetterboxServer",
            dependencies: [
                "LetterboxCore",
                "LetterboxStore",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOFoundationCompat", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),

        // Forwarding: the outbox's delivery worker and its destinations (Standard Webhooks,
        // Request Tracker REST 2, email through sendmail).
        .target(
            name: "LetterboxForward",
            dependencies: [
                "LetterboxCore",
                "LetterboxStore",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),

        // libFuzzer drivers for decoders with package dependencies (Fuzz/run.sh form).
        .target(name: "CFuzzDriver"),
        .executableTarget(
            name: "FuzzForm",
            dependencies: ["CFuzzDriver", "LetterboxCore", "LetterboxWebForm"],
            path: "Fuzz/FuzzForm"
        ),

        // The command-line tool: the only place that knows every adapter.
        .executableTarget(
            name: "letterbox",
            dependencies: [
                "LetterboxCore",
                "LetterboxStore",
                "LetterboxPhoneNotes",
                "LetterboxEmail",
                "LetterboxSMS",
                "LetterboxWebForm",
                "LetterboxTwilio",
                "LetterboxServer",
                "LetterboxForward",
                "LetterboxCommands",
                "LetterboxPostgres",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Configuration", package: "swift-configuration"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "SystemPackage", package: "swift-system"),
            ],
            linkerSettings: [
                // The self-contained build (--static-swift-stdlib) exports every symbol of the
                // executable (the toolchain's static-stdlib-args.lnk passes -export-dynamic): 60,000
                // names, which the runtime's start-up (dladdr, to find its own path) reads one by
                // one in every process. Nothing looks our symbols up by name, so none are exported:
                // 2 million of the 17 million instructions of a mail pipe that hands its message
                // over. (The default build exports none already.)
                .unsafeFlags(["-Xlinker", "--no-export-dynamic"], .when(platforms: [.linux])),
            ]
        ),

        // Benchmarks and evaluations that need generated stores: `swift run -c release letterbox-bench`.
        .executableTarget(
            name: "LetterboxBench",
            dependencies: [
                "LetterboxCore", "LetterboxStore", "LetterboxPhoneNotes", "LetterboxEmail", "LetterboxSMS", "LetterboxWebForm", "LetterboxPostgres",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "GRDB", package: "GRDB.swift"),
            ],
            path: "Benchmarks/LetterboxBench"
        ),
        // Shared helpers for every test target: sample paths, temporary folders, the built binary.
        // (Also the stores the store and pipeline suites run on, SQLite and PostgreSQL.)
        .target(
            name: "LetterboxTesting",
            dependencies: ["LetterboxCore", "LetterboxStore", "LetterboxPostgres"],
            path: "Tests/LetterboxTesting"
        ),

        .testTarget(name: "LetterboxCoreTests", dependencies: ["LetterboxCore", "LetterboxWatching", "LetterboxTesting"]),
        .testTarget(name: "LetterboxStoreTests", dependencies: ["LetterboxCore", "LetterboxStore", "LetterboxPhoneNotes", "LetterboxTesting", .product(name: "GRDB", package: "GRDB.swift"), .product(name: "Crypto", package: "swift-crypto")]),
        .testTarget(name: "PhoneNotesTests", dependencies: ["LetterboxCore", "LetterboxPhoneNotes", "LetterboxTesting"]),
        .testTarget(name: "LetterboxXMLTests", dependencies: ["LetterboxXML"]),
        .testTarget(name: "PostgresTests", dependencies: ["LetterboxPostgres"]),
        .testTarget(name: "EmailTests", dependencies: ["LetterboxCore", "LetterboxEmail", "LetterboxXML", "LetterboxStore", "LetterboxTesting"]),
        .testTarget(name: "SMSTests", dependencies: ["LetterboxCore", "LetterboxSMS", "LetterboxTesting"]),
        .testTarget(
            name: "LinkingTests",
            dependencies: [
                "LetterboxCore", "LetterboxStore", "LetterboxPhoneNotes", "LetterboxEmail", "LetterboxSMS", "LetterboxWebForm", "LetterboxTesting",
                .product(name: "GRDB", package: "GRDB.swift"),
            ]
        ),
        .testTarget(name: "WebFormTests", dependencies: ["LetterboxCore", "LetterboxWebForm", "LetterboxTesting"]),
        .testTarget(
            name: "ServerTests",
            dependencies: [
                "LetterboxCore", "LetterboxServer", "LetterboxSMS", "LetterboxWebForm", "LetterboxTwilio", "LetterboxStore", "LetterboxTesting",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(
            name: "ForwardTests",
            dependencies: [
                "LetterboxCore", "LetterboxForward", "LetterboxStore", "LetterboxEmail", "LetterboxTesting", "LetterboxPostgres",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOFoundationEssentialsCompat", package: "swift-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(
            name: "CommandsTests",
            dependencies: [
                "LetterboxCore", "LetterboxCommands", "LetterboxEmail", "LetterboxPhoneNotes", "LetterboxStore", "LetterboxTesting",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(
            name: "EndToEndTests",
            dependencies: ["LetterboxCore", "LetterboxStore", "LetterboxTesting", "LetterboxTwilio", "letterbox", .product(name: "GRDB", package: "GRDB.swift")]
        ),
    ]
)

for target in package.targets where target.type != .system {
    var settings = target.swiftSettings ?? []
    settings.append(.enableUpcomingFeature("ExistentialAny"))
    settings.append(.enableUpcomingFeature("InternalImportsByDefault"))
    settings.append(.enableUpcomingFeature("MemberImportVisibility"))
    // Generic type metadata through accessors, not demangled from a name at first use: each such
    // use ([Channel: SubmissionDecoder], Set<Nation>) had the runtime check Hashable by scanning
    // every conformance record in the binary, a sixth of what a mail-pipe process runs.
    settings.append(.unsafeFlags(["-Xfrontend", "-disable-concrete-type-metadata-mangled-name-accessors"]))
    target.swiftSettings = settings
}
