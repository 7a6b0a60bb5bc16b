package se.tapid.android

import android.nfc.Tag
import android.nfc.TagLostException
import android.nfc.tech.IsoDep
import se.tapid.BlockingTag
import se.tapid.BlockingTagTransport
import se.tapid.ffi.NfcTransport
import java.io.IOException

/**
 * Android's `IsoDep` as a [BlockingTag]: connects, raises the timeout to at least
 * [MIN_TIMEOUT_MS] (PACE and Chip Authentication take a chip a second or more; the default is
 * far shorter), reports `isExtendedLengthApduSupported` and the historical bytes, and maps
 * `TagLostException` to `TransportException.TagLost` (a resumable read).
 */
class IsoDepTag(private val isoDep: IsoDep, timeoutMs: Int = MIN_TIMEOUT_MS) : BlockingTag {
    init {
        if (!isoDep.isConnected) {
            isoDep.connect()
        }
        isoDep.timeout = maxOf(timeoutMs, MIN_TIMEOUT_MS)
    }

    override val maxTransceiveLength: Int get() = isoDep.maxTransceiveLength

    override val isExtendedLengthApduSupported: Boolean get() = isoDep.isExtendedLengthApduSupported

    override val historicalBytes: ByteArray? get() = isoDep.historicalBytes ?: isoDep.hiLayerResponse

    @Throws(IOException::class)
    override fun transceive(apdu: ByteArray): ByteArray = isoDep.transceive(apdu)

    override fun isTagLost(e: Throwable): Boolean = e is TagLostException

    companion object {
        /** The shortest APDU timeout the adapter sets. */
        const val MIN_TIMEOUT_MS: Int = 5_000
    }
}

/**
 * The reader's transport for a discovered tag (from `NfcAdapter.enableReaderMode`):
 * `IsoDepTransport.of(tag) ?: return` — `null` when the tag is not ISO-DEP (not a passport).
 */
object IsoDepTransport {
    /** The transport over [tag]'s `IsoDep`, or `null`. */
    @JvmStatic
    fun of(tag: Tag, timeoutMs: Int = IsoDepTag.MIN_TIMEOUT_MS): NfcTransport? {
        val isoDep = IsoDep.get(tag) ?: return null
        return BlockingTagTransport(IsoDepTag(isoDep, timeoutMs))
    }
}
