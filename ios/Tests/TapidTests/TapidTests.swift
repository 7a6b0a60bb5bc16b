// The Kotlin JVM tests (android/jvm-tests) mirrored for XCTest. They need the XCFramework built
// with the software passport: `ios/build-xcframework.sh --testing`, then `swift test` on macOS.
import Foundation
import XCTest
@testable import Tapid
import TapidFFI

/// The verification time every test reads at (2027-01-15).
let pinnedAt: Int64 = 1_800_000_000

func pinnedOptions() -> ReadOptions {
    var options = defaultReadOptions()
    options.verificationTime = pinnedAt
    return options
}

func card(_ profile: String, fault: String? = nil, maxTransceiveLength: Int32 = 0) throws -> EmulatorCard {
    try EmulatorCard(
        profile: profile, fault: fault, extendedLength: true,
        maxTransceiveLength: maxTransceiveLength, seed: Data("swift-tests/\(profile)".utf8)
    )
}

/// A Swift transport over the emulated chip, APDU by APDU (the stand-in for NFCISO7816Tag).
final class EmulatorTransport: NfcTransport, @unchecked Sendable {
    private let card: EmulatorCard
    private let lock = NSLock()
    private var sent = 0

    init(_ card: EmulatorCard) {
        self.card = card
    }

    var count: Int {
        lock.lock()
        defer { lock.unlock() }
        return sent
    }

    func transceive(apdu: Data) async throws -> Data {
        lock.lock()
        sent += 1
        lock.unlock()
        return try card.exchange(apdu: apdu)
    }

    func capabilities() async throws -> TransportCapabilities {
        card.capabilities()
    }
}

/// Answers until APDU `stopAt`, which it never answers (until its task is cancelled).
final class StallingTransport: NfcTransport, @unchecked Sendable {
    private let card: EmulatorCard
    private let stopAt: Int
    private let lock = NSLock()
    private var calls = 0
    private var reached: CheckedContinuation<Void, Never>?
    private var hasReached = false

    init(_ card: EmulatorCard, stopAt: Int) {
        self.card = card
        self.stopAt = stopAt
    }

    var count: Int {
        lock.lock()
        defer { lock.unlock() }
        return calls
    }

    func waitUntilStalled() async {
        await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
            lock.lock()
            if hasReached {
                lock.unlock()
                c.resume()
            } else {
                reached = c
                lock.unlock()
            }
        }
    }

    func transceive(apdu: Data) async throws -> Data {
        lock.lock()
        calls += 1
        let n = calls
        lock.unlock()
        if n < stopAt {
            return try card.exchange(apdu: apdu)
        }
        lock.lock()
        hasReached = true
        let waiter = reached
        reached = nil
        lock.unlock()
        waiter?.resume()
        while !Task.isCancelled {
            try await Task.sleep(nanoseconds: 1_000_000)
        }
        throw TransportError.Cancelled
    }

    func capabilities() async throws -> TransportCapabilities {
        card.capabilities()
    }
}

final class ReadTests: XCTestCase {
    func read(_ profile: String, can: Bool = false) async throws -> PassportRead {
        let c = try card(profile)
        let key = can ? try AccessKey.fromCan(can: c.can()!) : try c.mrzKey()
        let session = try PassportSession(key: key, options: pinnedOptions(), trust: try emulatorTrustStore())
        return try await session.read(transport: EmulatorTransport(c))
    }

    func assertGenuine(_ read: PassportRead) {
        let report = read.report()
        XCTAssertEqual(report.passiveAuthentication.status, .valid, report.passiveAuthentication.reason)
        XCTAssertEqual(report.chipAuthenticity.status, .valid, report.chipAuthenticity.reason)
    }

    func testBac() async throws {
        let read = try await read("bac")
        assertGenuine(read)
        XCTAssertEqual(read.report().access.protocol, .bac)
        XCTAssertEqual(read.report().document.documentNumber, "L898902C3")
    }

    func testPaceGenericMapping() async throws {
        let read = try await read("pace-gm-bp256-aes128")
        assertGenuine(read)
        XCTAssertEqual(read.report().access.mapping, .gm)
    }

    func testPaceIntegratedMapping() async throws {
        assertGenuine(try await read("pace-im-bp256-aes128"))
    }

    func testPaceCamWithTheCan() async throws {
        let read = try await read("pace-cam-bp256-aes128", can: true)
        assertGenuine(read)
        XCTAssertEqual(read.report().access.password, .can)
        XCTAssertEqual(read.report().chipAuthenticity.method, .paceCam)
    }

    func testProgressEndsAtOneHundredPercent() async throws {
        let c = try card("bac")
        let session = try PassportSession(key: try c.mrzKey(), options: pinnedOptions(), trust: try emulatorTrustStore())
        let (progress, result) = session.readWithProgress(transport: EmulatorTransport(c))
        var seen: [ReadProgress] = []
        for await p in progress {
            seen.append(p)
        }
        assertGenuine(try await result.value)
        XCTAssertEqual(seen.first?.step, .connecting)
        XCTAssertEqual(seen.last?.step, .done)
        XCTAssertEqual(seen.last?.fraction, 1.0)
        XCTAssertEqual(seen.map(\.fraction), seen.map(\.fraction).sorted())
    }

    func testEventsEndWithTheRead() async throws {
        let c = try card("bac")
        let session = try PassportSession(key: try c.mrzKey(), options: pinnedOptions(), trust: try emulatorTrustStore())
        var last: ReadEvent?
        for try await event in session.events(transport: EmulatorTransport(c)) {
            last = event
        }
        guard case let .done(read)? = last else {
            return XCTFail("no done event")
        }
        assertGenuine(read)
    }

    func testEvidenceParsesBack() async throws {
        let read = try await read("pace-ca-aa")
        let parsed = try parseEvidence(bytes: read.evidenceBytes())
        XCTAssertEqual(parsed, read.evidence())
        XCTAssertEqual(parsed.format, "tapid-evidence")
    }

    func testTheFace() async throws {
        let face = try await read("bac").face()
        XCTAssertEqual(face?.imageType, .jpeg)
        XCTAssertNil(face?.png)
    }
}

final class CancelResumeTests: XCTestCase {
    func testCancellingTheTaskStopsTheRustRead() async throws {
        let c = try card("pace-gm-bp256-aes128")
        let transport = StallingTransport(c, stopAt: 6)
        let session = try PassportSession(key: try c.mrzKey(), options: pinnedOptions(), trust: try emulatorTrustStore())
        let task = Task { try await session.read(transport: transport) }
        await transport.waitUntilStalled()
        task.cancel()
        do {
            _ = try await task.value
            XCTFail("the read completed")
        } catch ReadError.Cancelled {
            XCTAssertEqual(transport.count, 6)
        }
    }

    func testACancelHandleCancelledBeforeTheReadSendsNothing() async throws {
        let c = try card("bac")
        let transport = EmulatorTransport(c)
        let reader = try PassportReader(key: try c.mrzKey(), options: pinnedOptions(), trust: nil)
        let handle = CancelHandle()
        handle.cancel()
        do {
            _ = try await reader.read(transport: transport, listener: nil, cancel: handle)
            XCTFail("the read completed")
        } catch ReadError.Cancelled {
            XCTAssertEqual(transport.count, 0)
        }
    }

    func testALostTagResumesOnTheNextTap() async throws {
        let c = try card("bac", fault: "tag-lost")
        let session = try PassportSession(key: try c.mrzKey(), options: pinnedOptions(), trust: try emulatorTrustStore())
        do {
            _ = try await session.read(transport: EmulatorTransport(c))
            XCTFail("the tag was not lost")
        } catch let ReadError.TagLost(filesRead, resumable) {
            XCTAssertTrue(resumable)
            XCTAssertGreaterThanOrEqual(filesRead, 2)
        }
        XCTAssertNotNil(session.resumeState)
        c.reset()
        let read = try await session.read(transport: EmulatorTransport(c))
        XCTAssertEqual(read.report().passiveAuthentication.status, .valid)
    }
}

final class HostileChipTests: XCTestCase {
    func read(_ profile: String, fault: String) async throws -> PassportRead {
        let c = try card(profile, fault: fault)
        let session = try PassportSession(key: try c.mrzKey(), options: pinnedOptions(), trust: try emulatorTrustStore())
        return try await session.read(transport: EmulatorTransport(c))
    }

    func testACloneIsAnInvalidChip() async throws {
        let report = try await read("bac", fault: "ca-clone").report()
        XCTAssertEqual(report.passiveAuthentication.status, .valid)
        XCTAssertEqual(report.chipAuthenticity.status, .invalid)
    }

    func testAChangedDg1IsAHashMismatch() async throws {
        let report = try await read("bac", fault: "dg1-hash-mismatch").report()
        XCTAssertEqual(report.passiveAuthentication.status, .invalid)
        XCTAssertTrue(report.passiveAuthentication.failures.contains(.hashMismatch(dg: 1)))
    }

    func testABadMacIsASecureMessagingError() async throws {
        do {
            _ = try await read("bac", fault: "sm-wrong-mac")
            XCTFail("the read completed")
        } catch let ReadError.SecureMessaging(failure, _) {
            XCTAssertEqual(failure, .badMac)
        }
    }

    func testTheWrongMrzIsAccessDenied() async throws {
        let c = try card("bac")
        let key = try AccessKey.fromMrz(documentNumber: "L898902C3", dateOfBirth: "740813", dateOfExpiry: "120415")
        let session = try PassportSession(key: key, options: pinnedOptions(), trust: nil)
        do {
            _ = try await session.read(transport: EmulatorTransport(c))
            XCTFail("the read completed")
        } catch ReadError.AccessDenied {}
    }
}

final class InputTests: XCTestCase {
    func testOcrConfusionsAreRepaired() throws {
        let ocr = "p<utoeriks5on<<anna<maria«<<<<<<<<<<<<<<<<<<\nL89B902C3 6UTO74O8122F12041S9ZE184226B<<<<<10"
        let scan = try scanMrz(text: ocr)
        XCTAssertEqual(scan.documentNumber, "L898902C3")
        XCTAssertEqual(scan.dateOfBirth, "740812")
    }

    func testAWrongCheckDigitNamesTheField() {
        let mrz = "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\nL898902C36UTO7408122F1204169ZE184226B<<<<<10"
        XCTAssertThrowsError(try scanMrz(text: mrz)) { error in
            guard case let InputError.MrzCheckDigit(field) = error else {
                return XCTFail("\(error)")
            }
            XCTAssertEqual(field, .dateOfExpiry)
        }
    }

    func testQrAndAutostart() throws {
        let qr = try parseQr(payload: "bankid.67df3917-fa0d-44e5-b327-edcc928297f8.0.dc69358e712458a66a7525beef148ae8526b1c71610eff2c16cdffb4cdac9bf8")
        XCTAssertEqual(qr.qrStartToken, "67df3917-fa0d-44e5-b327-edcc928297f8")
        let url = try buildAutostart(platform: .ios, autostartToken: qr.qrStartToken, redirect: "https://rp.example/return", allowedSchemes: [])
        XCTAssertEqual(try parseAutostart(url: url, allowedSchemes: []).redirect, "https://rp.example/return")
    }

    func testTheOfflineCode() throws {
        let key = Data("12345678901234567890123456789012".utf8)
        XCTAssertEqual(try offlineCodeResponse(key: key, challenge: "12345678", unixSeconds: 1_234_567_890), "50399442")
    }

    func testGarbageGivesTypedErrors() {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<200 {
            let bytes = Data((0..<Int.random(in: 0..<300, using: &generator)).map { _ in UInt8.random(in: 0...255, using: &generator) })
            let text = String(decoding: bytes, as: UTF8.self)
            XCTAssertThrowsError(try parseEvidence(bytes: bytes)) { XCTAssertTrue($0 is InputError) }
            XCTAssertThrowsError(try parseQr(payload: "bankid." + text)) { XCTAssertTrue($0 is IdentityError) }
            do { _ = try scanMrz(text: text) } catch { XCTAssertTrue(error is InputError) }
            do { _ = try verifySignature(publicKeyBytes: bytes, message: bytes, signatureBytes: bytes) } catch { XCTAssertTrue(error is KeyError) }
        }
    }
}

final class KeyTests: XCTestCase {
    func testTheSoftwareStoreSignsAndTheSignatureVerifies() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent(UUID().uuidString)
        let options = SoftwareStoreOptions(memoryKib: 1024, iterations: 1, maxAttempts: 3)
        let keys = try await createSoftwareKeyStore(directory: dir.path, securityCode: "731904", options: options)
        let key = try await keys.generate(aliasName: "identity", policy: KeyPolicy(userPresence: false, securityCode: true), securityCode: "731904", attestationChallenge: nil)
        let message = Data("approve".utf8)
        let signature = try await keys.sign(aliasName: "identity", message: message, securityCode: "731904")
        XCTAssertTrue(try verifySignature(publicKeyBytes: key.publicKeySec1, message: message, signatureBytes: signature))
        let sealed = try await keys.seal(aliasName: "identity", plaintext: Data([1, 2, 3]), securityCode: "731904")
        XCTAssertEqual(try await keys.unseal(aliasName: "identity", sealed: sealed, securityCode: "731904"), Data([1, 2, 3]))
    }
}
