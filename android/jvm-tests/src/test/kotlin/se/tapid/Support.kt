package se.tapid

import kotlinx.coroutines.CompletableDeferred
import kotlinx.coroutines.suspendCancellableCoroutine
import se.tapid.ffi.EmulatorCard
import se.tapid.ffi.NfcTransport
import se.tapid.ffi.ReadOptions
import se.tapid.ffi.TransportCapabilities
import se.tapid.ffi.TrustStore
import se.tapid.ffi.emulatorTrustStore
import java.util.concurrent.atomic.AtomicInteger

/** The verification time every test reads at (2027-01-15), so verdicts do not drift. */
const val PINNED_AT: Long = 1_800_000_000L

/** Default options at the pinned time. */
fun pinnedOptions(): ReadOptions = ReadOptions(verificationTime = PINNED_AT)

/** The emulator's test CSCAs (its documents' anchors). */
val testTrust: TrustStore by lazy { emulatorTrustStore() }

/** A fresh emulated chip. */
fun card(
    profile: String,
    fault: String? = null,
    extendedLength: Boolean = true,
    maxTransceiveLength: Int = 0,
): EmulatorCard = EmulatorCard(profile, fault, extendedLength, maxTransceiveLength, "jvm-tests/$profile".toByteArray())

/**
 * A fake `IsoDep`: the emulated chip answers each blocking `transceive`, the way an Android
 * tag would — so the reads go through the Kotlin transport adapter, not the Rust shortcut.
 */
class EmulatorTag(private val card: EmulatorCard) : BlockingTag {
    val sent = AtomicInteger()
    private val caps = card.capabilities()
    override val maxTransceiveLength: Int get() = caps.maxTransceiveLength
    override val isExtendedLengthApduSupported: Boolean get() = caps.extendedLength
    override val historicalBytes: ByteArray? get() = caps.historicalBytes

    override fun transceive(apdu: ByteArray): ByteArray {
        sent.incrementAndGet()
        return card.exchange(apdu)
    }
}

/** The Kotlin-implemented transport over an emulated chip. */
fun kotlinTransport(card: EmulatorCard): BlockingTagTransport = BlockingTagTransport(EmulatorTag(card))

/**
 * A transport that answers from [card] until APDU number [stopAt] (1-based), which it never
 * answers: it signals [reached] and suspends until cancelled.
 */
class StallingTransport(private val card: EmulatorCard, private val stopAt: Int) : NfcTransport {
    val calls = AtomicInteger()
    val reached = CompletableDeferred<Unit>()

    @Volatile
    var inFlight: kotlinx.coroutines.CancellableContinuation<ByteArray>? = null

    override suspend fun transceive(apdu: ByteArray): ByteArray {
        val n = calls.incrementAndGet()
        if (n < stopAt) return card.exchange(apdu)
        return suspendCancellableCoroutine { cont ->
            inFlight = cont
            reached.complete(Unit)
        }
    }

    override suspend fun capabilities(): TransportCapabilities = card.capabilities()
}
