package se.tapid

import kotlinx.coroutines.CancellationException
import kotlinx.coroutines.CoroutineDispatcher
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.channels.awaitClose
import kotlinx.coroutines.flow.Flow
import kotlinx.coroutines.flow.callbackFlow
import kotlinx.coroutines.launch
import kotlinx.coroutines.runInterruptible
import se.tapid.ffi.AccessKey
import se.tapid.ffi.CallbackException
import se.tapid.ffi.CancelHandle
import se.tapid.ffi.LogLevel
import se.tapid.ffi.LogRecord
import se.tapid.ffi.LogSink
import se.tapid.ffi.NfcTransport
import se.tapid.ffi.PassportRead
import se.tapid.ffi.PassportReader
import se.tapid.ffi.ProgressListener
import se.tapid.ffi.ReadOptions
import se.tapid.ffi.ReadProgress
import se.tapid.ffi.ResumeState
import se.tapid.ffi.TransportCapabilities
import se.tapid.ffi.TransportException
import se.tapid.ffi.TrustStore
import se.tapid.ffi.setLogSink

/**
 * The Kotlin face of tapid: suspend functions, a [Flow] of progress, cancellation that stops the
 * Rust read. Platform-neutral (the Android `IsoDep` adapter is in `se.tapid.android`); the same
 * code runs in the JVM tests.
 */

/** A tag whose `transceive` blocks, like Android's `IsoDep`. */
interface BlockingTag {
    /** The largest APDU the link carries. */
    val maxTransceiveLength: Int

    /** Whether extended-length APDUs may be sent. */
    val isExtendedLengthApduSupported: Boolean

    /** The ATR/ATS historical bytes, when the platform gives them. */
    val historicalBytes: ByteArray?

    /** Sends one APDU and returns data ‖ SW1 ‖ SW2; blocks until the tag answers. */
    fun transceive(apdu: ByteArray): ByteArray

    /** Whether [e] means the tag left the field (Android: `TagLostException`). */
    fun isTagLost(e: Throwable): Boolean = false
}

/**
 * [NfcTransport] over a [BlockingTag]: every `transceive` runs on [io] (never on the caller's
 * or Rust's threads) and is interruptible, so cancelling the read interrupts a blocked call.
 * Every failure becomes a [TransportException] — a Kotlin `Error` included, which the generated
 * code would otherwise lose and leave Rust waiting until its APDU timeout.
 */
class BlockingTagTransport(
    private val tag: BlockingTag,
    private val io: CoroutineDispatcher = Dispatchers.IO,
) : NfcTransport {
    override suspend fun transceive(apdu: ByteArray): ByteArray =
        try {
            runInterruptible(io) { tag.transceive(apdu) }
        } catch (e: CancellationException) {
            throw e
        } catch (e: TransportException) {
            throw e
        } catch (e: Throwable) {
            throw if (tag.isTagLost(e)) TransportException.TagLost() else TransportException.Io(e.toString())
        }

    override suspend fun capabilities(): TransportCapabilities =
        TransportCapabilities(
            maxTransceiveLength = tag.maxTransceiveLength,
            extendedLength = tag.isExtendedLengthApduSupported,
            historicalBytes = tag.historicalBytes,
        )
}

/** One event of [PassportSession.readFlow]. */
sealed class ReadEvent {
    /** The read made progress. */
    data class Progress(val progress: ReadProgress) : ReadEvent()

    /** The read completed and verified. */
    data class Done(val read: PassportRead) : ReadEvent()
}

/** Forwards progress to [onProgress]; an exception in it never reaches Rust. */
private class SafeListener(private val callback: (ReadProgress) -> Unit) : ProgressListener {
    override suspend fun onProgress(progress: ReadProgress) {
        try {
            callback(progress)
        } catch (e: Throwable) {
            throw CallbackException.Failed(e.toString())
        }
    }
}

/**
 * One passport: the access key, the options and the trust store, read once per tap. After
 * `ReadException.TagLost(resumable = true)`, call [read] again with the next tap's transport and
 * the read continues where it stopped.
 */
class PassportSession(
    key: AccessKey,
    options: ReadOptions = ReadOptions(),
    trust: TrustStore? = null,
) : AutoCloseable {
    private val reader = PassportReader(key, options, trust)

    @Volatile
    private var cancel: CancelHandle? = null

    /**
     * Reads the passport over [transport]. Cancelling the calling coroutine stops the Rust read
     * before the cancellation completes. Throws `ReadException` (sealed) on failure; the verdicts
     * (passive authentication, clone, downgrade) are in the returned read's report.
     */
    suspend fun read(transport: NfcTransport, onProgress: (ReadProgress) -> Unit = {}): PassportRead {
        val handle = CancelHandle()
        cancel = handle
        try {
            return reader.read(transport, SafeListener(onProgress), handle)
        } finally {
            cancel = null
            handle.close()
        }
    }

    /** The read as a flow of progress events ending with [ReadEvent.Done]; cancelling the
     * collector cancels the read. */
    fun readFlow(transport: NfcTransport): Flow<ReadEvent> =
        callbackFlow {
            launch {
                val read = read(transport) { trySend(ReadEvent.Progress(it)) }
                send(ReadEvent.Done(read))
                close()
            }
            awaitClose()
        }

    /** Cancels the read in progress from any thread (e.g. the NFC sheet's cancel button). */
    fun cancel() {
        cancel?.cancel()
    }

    /** What an interrupted read kept, after a lost tag. */
    val resumeState: ResumeState? get() = reader.resumeState()

    /** Forgets an interrupted read. */
    fun discardProgress() = reader.discardProgress()

    override fun close() = reader.close()
}

/** Routes tapid's log lines (which never carry personal data) to [log], e.g. Logcat. */
fun installLogger(
    minLevel: LogLevel = LogLevel.INFO,
    sink: (LogLevel, String, String) -> Unit,
) {
    setLogSink(
        object : LogSink {
            override fun log(record: LogRecord) {
                try {
                    sink(record.level, record.target, record.line)
                } catch (e: Throwable) {
                    throw CallbackException.Failed(e.toString())
                }
            }
        },
        minLevel,
    )
}
