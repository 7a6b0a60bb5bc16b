// The Swift face of tapid: async/await reads, progress as an AsyncStream, cancellation that
// reaches Rust (Swift task cancellation does not by itself: the facade forwards it to the read's
// CancelHandle), resumable reads after a lost tag.
import Foundation
import TapidFFI

/// One event of `PassportSession.events(transport:)`.
public enum ReadEvent: @unchecked Sendable {
    /// The read made progress (step, fraction, a short localized message for the NFC sheet).
    case progress(ReadProgress)
    /// The read completed and verified.
    case done(PassportRead)
}

/// Forwards progress to a closure; the closure cannot throw into Rust.
final class ClosureListener: ProgressListener, @unchecked Sendable {
    private let callback: @Sendable (ReadProgress) -> Void

    init(_ callback: @escaping @Sendable (ReadProgress) -> Void) {
        self.callback = callback
    }

    func onProgress(progress: ReadProgress) async throws {
        callback(progress)
    }
}

/// One passport: the access key, the options and the trust store, read once per tap. After
/// `ReadError.tagLost(filesRead:resumable: true)`, call `read` again with the next tag's
/// transport: the read continues where it stopped.
public final class PassportSession: @unchecked Sendable {
    private let reader: PassportReader
    private let lock = NSLock()
    private var current: CancelHandle?

    public init(key: AccessKey, options: ReadOptions = defaultReadOptions(), trust: TrustStore? = nil) throws {
        reader = try PassportReader(key: key, options: options, trust: trust)
    }

    private func setCurrent(_ handle: CancelHandle?) {
        lock.lock()
        current = handle
        lock.unlock()
    }

    /// Reads the passport over `transport`. Cancelling the calling task cancels the Rust read
    /// (no APDU is sent after the cancellation handler ran). Throws `ReadError`; the verdicts
    /// (passive authentication, clone, downgrade) are in the read's report.
    public func read(
        transport: NfcTransport,
        onProgress: @escaping @Sendable (ReadProgress) -> Void = { _ in }
    ) async throws -> PassportRead {
        let handle = CancelHandle()
        setCurrent(handle)
        defer { setCurrent(nil) }
        return try await withTaskCancellationHandler {
            try await reader.read(transport: transport, listener: ClosureListener(onProgress), cancel: handle)
        } onCancel: {
            handle.cancel()
        }
    }

    /// The read as a stream of progress events ending with `.done`; ending the iteration
    /// cancels the read.
    public func events(transport: NfcTransport) -> AsyncThrowingStream<ReadEvent, Error> {
        AsyncThrowingStream { continuation in
            let task = Task {
                do {
                    let read = try await self.read(transport: transport) { progress in
                        continuation.yield(.progress(progress))
                    }
                    continuation.yield(.done(read))
                    continuation.finish()
                } catch {
                    continuation.finish(throwing: error)
                }
            }
            continuation.onTermination = { _ in task.cancel() }
        }
    }

    /// Progress alone, as an AsyncStream, and the read's result as a task.
    public func readWithProgress(transport: NfcTransport) -> (progress: AsyncStream<ReadProgress>, result: Task<PassportRead, Error>) {
        let (stream, continuation) = AsyncStream<ReadProgress>.makeStream()
        let task = Task {
            defer { continuation.finish() }
            return try await self.read(transport: transport) { progress in
                continuation.yield(progress)
            }
        }
        return (stream, task)
    }

    /// Cancels the read in progress (e.g. from the NFC sheet's cancel callback).
    public func cancel() {
        lock.lock()
        let handle = current
        lock.unlock()
        handle?.cancel()
    }

    /// What an interrupted read kept, after a lost tag.
    public var resumeState: ResumeState? { reader.resumeState() }

    /// Forgets an interrupted read.
    public func discardProgress() { reader.discardProgress() }
}

/// Routes tapid's log lines (never personal data) to `log`, e.g. `os.Logger`.
public func installLogger(minLevel: LogLevel = .info, _ log: @escaping @Sendable (LogLevel, String, String) -> Void) {
    final class Sink: LogSink, @unchecked Sendable {
        let sink: @Sendable (LogLevel, String, String) -> Void
        init(_ sink: @escaping @Sendable (LogLevel, String, String) -> Void) { self.sink = sink }
        func log(record: LogRecord) throws {
            sink(record.level, record.target, record.line)
        }
    }
    setLogSink(sink: Sink(log), minLevel: minLevel)
}
