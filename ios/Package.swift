// swift-tools-version:5.9
// tapid for iOS: the Rust core as an XCFramework (build it on macOS with
// ios/build-xcframework.sh), the generated UniFFI bindings (TapidFFI) and the Swift facade
// (Tapid: async/await, AsyncStream progress, an NFCISO7816Tag transport).
import PackageDescription

let package = Package(
    name: "Tapid",
    platforms: [.iOS(.v15), .macOS(.v12)],
    products: [
        .library(name: "Tapid", targets: ["Tapid"]),
    ],
    targets: [
        // The static library for device and simulator, its C header and module map
        // (module TapidFFIC), made by build-xcframework.sh.
        .binaryTarget(name: "TapidFFIC", path: "TapidFFIC.xcframework"),
        // The generated Swift bindings (TapidFFI.swift; build output, not committed).
        .target(name: "TapidFFI", dependencies: ["TapidFFIC"], path: "Sources/TapidFFI"),
        .target(name: "Tapid", dependencies: ["TapidFFI"], path: "Sources/Tapid"),
        .testTarget(name: "TapidTests", dependencies: ["Tapid", "TapidFFI"], path: "Tests/TapidTests"),
    ]
)
