// The passport's NFCISO7816Tag as tapid's transport.
//
// The app's Info.plist must list the eMRTD application so that iOS lets the app SELECT it:
//   com.apple.developer.nfc.readersession.iso7816.select-identifiers = [A0000002471001, A0000002472001, 00000000000000]
// and the app needs the "Near Field Communication Tag Reading" capability
// (com.apple.developer.nfc.readersession.formats = [TAG]) and NFCReaderUsageDescription.
#if canImport(CoreNFC) && os(iOS)
import CoreNFC
import Foundation
import TapidFFI

/// An `NFCISO7816Tag` from an `NFCTagReaderSession` (polling `.iso14443`) as the reader's
/// transport. `sendCommand` returns data, SW1 and SW2 apart; the transport joins them.
public final class NFCTagTransport: NfcTransport, @unchecked Sendable {
    private let tag: NFCISO7816Tag

    /// iOS carries extended-length APDUs (up to 65 535 bytes of data each way).
    public static let maxTransceiveLength: Int32 = 65_546

    public init(tag: NFCISO7816Tag) {
        self.tag = tag
    }

    public func transceive(apdu: Data) async throws -> Data {
        guard let command = NFCISO7816APDU(data: apdu) else {
            throw TransportError.Io(detail: "the command is not a well-formed APDU")
        }
        do {
            let (data, sw1, sw2) = try await tag.sendCommand(apdu: command)
            var response = data
            response.append(sw1)
            response.append(sw2)
            return response
        } catch let error as NFCReaderError {
            switch error.code {
            case .readerTransceiveErrorTagConnectionLost, .readerTransceiveErrorTagNotConnected,
                 .readerTransceiveErrorTagResponseError:
                throw TransportError.TagLost
            case .readerTransceiveErrorSessionInvalidated, .readerSessionInvalidationErrorUserCanceled,
                 .readerSessionInvalidationErrorSessionTimeout:
                throw TransportError.Cancelled
            case .readerErrorSecurityViolation:
                throw TransportError.SecurityViolation
            default:
                throw TransportError.Io(detail: "CoreNFC error \(error.code.rawValue)")
            }
        } catch {
            throw TransportError.Io(detail: String(describing: type(of: error)))
        }
    }

    public func capabilities() async throws -> TransportCapabilities {
        TransportCapabilities(
            maxTransceiveLength: NFCTagTransport.maxTransceiveLength,
            extendedLength: true,
            historicalBytes: tag.historicalBytes
        )
    }
}

/// Runs a whole read inside an `NFCTagReaderSession`: shows the progress message on the NFC
/// sheet, and on a lost tag keeps the session open for the next tap, which resumes the read.
@available(iOS 15.0, *)
public final class PassportNFCReader: NSObject, NFCTagReaderSessionDelegate, @unchecked Sendable {
    private let session: PassportSession
    private var readerSession: NFCTagReaderSession?
    private var continuation: CheckedContinuation<PassportRead, Error>?

    public init(session: PassportSession) {
        self.session = session
    }

    /// Starts the NFC sheet and returns the verified read.
    public func read(alertMessage: String = "Håll passet mot telefonen") async throws -> PassportRead {
        try await withCheckedThrowingContinuation { continuation in
            self.continuation = continuation
            let readerSession = NFCTagReaderSession(pollingOption: [.iso14443], delegate: self, queue: nil)
            readerSession?.alertMessage = alertMessage
            self.readerSession = readerSession
            readerSession?.begin()
        }
    }

    public func tagReaderSessionDidBecomeActive(_ session: NFCTagReaderSession) {}

    public func tagReaderSession(_ session: NFCTagReaderSession, didInvalidateWithError error: Error) {
        self.session.cancel()
        continuation?.resume(throwing: ReadError.Cancelled)
        continuation = nil
    }

    public func tagReaderSession(_ session: NFCTagReaderSession, didDetect tags: [NFCTag]) {
        guard case let .iso7816(tag)? = tags.first else {
            session.restartPolling()
            return
        }
        Task {
            do {
                try await session.connect(to: tags[0])
                let read = try await self.session.read(transport: NFCTagTransport(tag: tag)) { progress in
                    session.alertMessage = progress.message
                }
                session.alertMessage = "✓"
                session.invalidate()
                self.continuation?.resume(returning: read)
                self.continuation = nil
            } catch ReadError.TagLost(_, true) {
                // Hold it there again: the next tap continues the read.
                session.restartPolling()
            } catch {
                session.invalidate(errorMessage: String(describing: error))
                self.continuation?.resume(throwing: error)
                self.continuation = nil
            }
        }
    }
}
#endif
