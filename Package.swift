// swift-tools-version:6.0
// berth: a local AWS Fargate for Linux. Targets follow docs/ARCHITECTURE.md: one concern each.
import PackageDescription

let package = Package(
    name: "berth",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "berth", targets: ["berth"]),
        .executable(name: "berth-shim", targets: ["berth-shim"]),
        .executable(name: "berthd", targets: ["berthd"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.80.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.0.0"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.0"),
        .package(url: "https://github.com/LebJe/TOMLKit", from: "0.6.0"),
    ],
    targets: [
        // System libraries from Debian's -dev packages.
        .systemLibrary(name: "CSeccomp", pkgConfig: "libseccomp", providers: [.apt(["libseccomp-dev"])]),
        .systemLibrary(name: "CCap", pkgConfig: "libcap", providers: [.apt(["libcap-dev"])]),
        .systemLibrary(name: "CArchive", pkgConfig: "libarchive", providers: [.apt(["libarchive-dev"])]),
        .systemLibrary(name: "CNftables", pkgConfig: "libnftables", providers: [.apt(["libnftables-dev"])]),

        // C only where Swift cannot reach: raw syscalls without glibc wrappers, variadic prctl, macros.
        .target(name: "CLinuxKit"),
        .target(name: "LinuxKit", dependencies: ["CLinuxKit"]),
        // Foundation-free: linked into berth-shim, which must start fast and stay single-threaded.
        .target(name: "Isolation", dependencies: ["LinuxKit", "CSeccomp", "CCap"]),
        // cgroup v2 and v1 drivers: limits, stats, OOM events, teardown (issue 5).
        .target(name: "Cgroups", dependencies: ["LinuxKit", "CLinuxKit"]),
        // awsvpc networking: rtnetlink links, IPAM over Store, nftables security groups and port maps.
        .target(
            name: "VPCNetwork",
            dependencies: [
                "LinuxKit", "CLinuxKit", "CNftables", "Store", .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .target(
            name: "Images",
            dependencies: ["LinuxKit", "CArchive", .product(name: "Crypto", package: "swift-crypto")]
        ),
        // Images from registries: the OCI distribution API on AsyncHTTPClient, authentication and credentials,
        // registries.conf and certs.d, verified blob downloads.
        .target(
            name: "Registry",
            dependencies: [
                "Images", "LinuxKit", "CLinuxKit",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "TOMLKit", package: "TOMLKit"),
            ]
        ),
        .target(name: "ECSModel", exclude: ["Generated/generate_shapes.py"]),
        .target(
            name: "Engine",
            dependencies: [
                "ECSModel", "Images", "Registry", "Isolation", "LinuxKit", "CLinuxKit", "Store", "Cgroups",
                "VPCNetwork",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // SQLite persistence of everything berthd acknowledges.
        .target(name: "Store", dependencies: [.product(name: "GRDB", package: "GRDB.swift")]),
        // The ECS JSON protocol over a Unix socket and loopback TCP with SigV4; routing to a handler.
        .target(
            name: "API",
            dependencies: [
                "ECSModel",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // `berth ecs <verb>`: aws-CLI-style arguments to ECS JSON requests, output and errors like the aws CLI.
        .target(name: "ECSCLI", dependencies: ["ECSModel"]),
        .executableTarget(
            name: "berthd",
            dependencies: [
                "API", "Engine", "Store", "ECSModel", "Cgroups", "VPCNetwork", "Registry", "Images",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .executableTarget(
            name: "berth",
            dependencies: [
                "Engine", "Images", "Registry", "ECSModel", "ECSCLI", "API", "LinuxKit", "Cgroups",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .executableTarget(
            name: "berth-shim",
            dependencies: ["Isolation"],
            // A static Swift stdlib: the shim starts on every launch, so no runtime libraries to load.
            linkerSettings: [.unsafeFlags(["-static-stdlib"])]
        ),

        // A real registry on loopback for tests (Debian's docker-registry, skopeo, openssl); a library the
        // registry and integration tests share.
        .target(
            name: "RegistryLab",
            dependencies: [
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            path: "Tests/RegistryLab"
        ),

        .testTarget(name: "ECSModelTests", dependencies: ["ECSModel"]),
        .testTarget(name: "IsolationTests", dependencies: ["Isolation"]),
        .testTarget(name: "CgroupsTests", dependencies: ["Cgroups", "LinuxKit"]),
        .testTarget(name: "ImagesTests", dependencies: ["Images", "CArchive"]),
        .testTarget(
            name: "RegistryTests",
            dependencies: [
                "Registry", "Images", "RegistryLab",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        .testTarget(
            name: "EngineTests", dependencies: ["Engine", "Store", "Images", "Registry", "ECSModel", "Cgroups"]),
        .testTarget(name: "StoreTests", dependencies: ["Store"]),
        .testTarget(name: "VPCNetworkTests", dependencies: ["VPCNetwork", "Store"]),
        .testTarget(name: "APITests", dependencies: ["API", "ECSModel"]),
        .testTarget(name: "ECSCLITests", dependencies: ["ECSCLI", "ECSModel"]),
        .testTarget(
            name: "IntegrationTests",
            dependencies: [
                "Isolation", "Engine", "Images", "Registry", "ECSModel", "Cgroups", "RegistryLab",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
    ]
)
