package se.tapid

import kotlinx.coroutines.runBlocking
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows
import se.tapid.ffi.BenchException
import se.tapid.ffi.NfcTransport
import se.tapid.ffi.TransportBench
import se.tapid.ffi.TransportCapabilities
import se.tapid.ffi.benchTransportRoundTrips
import se.tapid.ffi.fixedAnswerTransport
import java.util.Locale

/**
 * The FFI round trip of one APDU through a Kotlin transport: Rust sends READ BINARY commands
 * through [FixedAnswerTransport] (Rust → UniFFI callback → Kotlin `transceive` → back to Rust),
 * times each round trip on the Rust side and returns the figures, which this prints as
 * `tapid-bench ffi-apdu-round-trip response=…B median_us=… p90_us=… min_us=… n=…`. The same loop
 * over the same answer served in Rust (no crossing) prints as `tapid-bench rust-apdu-round-trip`.
 * Nothing here asserts a time: only that the figures are complete and ordered.
 *
 * `-DtapidBenchCount=N` (1–100,000) measures N round trips instead of [DEFAULT_COUNT].
 */
class TransportRoundTripBench {
    /** Answers every command at once with [answer]: what is measured is the crossing, not a card. */
    private class FixedAnswerTransport(private val answer: ByteArray) : NfcTransport {
        override suspend fun transceive(apdu: ByteArray): ByteArray = answer

        override suspend fun capabilities(): TransportCapabilities =
            TransportCapabilities(maxTransceiveLength = 65_546, extendedLength = true, historicalBytes = null)
    }

    private val count: UInt = (System.getProperty("tapidBenchCount")?.toUInt() ?: DEFAULT_COUNT)

    @Test
    fun `one APDU through a Kotlin transport`() = runBlocking<Unit> {
        for (payload in PAYLOADS) {
            val transport = FixedAnswerTransport(ByteArray(payload) + byteArrayOf(0x90.toByte(), 0x00))
            measure("ffi-apdu-round-trip", transport, payload)
        }
    }

    @Test
    fun `the same loop over a Rust transport, for comparison`() = runBlocking<Unit> {
        for (payload in PAYLOADS) {
            measure("rust-apdu-round-trip", fixedAnswerTransport(payload.toUInt()), payload)
        }
    }

    @Test
    fun `arguments out of range are a typed error`() = runBlocking<Unit> {
        val transport = fixedAnswerTransport(0u)
        val e = assertThrows<BenchException.OutOfRange> { benchTransportRoundTrips(transport, 0u, 0u) }
        assertEquals("count", e.argument)
        assertThrows<BenchException.OutOfRange> { benchTransportRoundTrips(transport, 100_001u, 0u) }
        assertThrows<BenchException.OutOfRange> { benchTransportRoundTrips(transport, 1u, 65_537u) }
    }

    private suspend fun measure(name: String, transport: NfcTransport, payload: Int) {
        benchTransportRoundTrips(transport, WARM_UP, payload.toUInt())
        val b = benchTransportRoundTrips(transport, count, payload.toUInt())
        println(line(name, b))
        assertEquals(count, b.count)
        assertEquals((payload + 2).toUInt(), b.responseLen)
        assertTrue(0.0 <= b.minUs && b.minUs <= b.medianUs && b.medianUs <= b.p90Us && b.p90Us <= b.maxUs, "$b")
    }

    private fun line(name: String, b: TransportBench): String =
        String.format(
            Locale.ROOT,
            "tapid-bench %s response=%dB median_us=%.1f p90_us=%.1f min_us=%.1f max_us=%.1f n=%d",
            name, b.responseLen.toInt(), b.medianUs, b.p90Us, b.minUs, b.maxUs, b.count.toInt(),
        )

    private companion object {
        /** A status word only, and a 256-byte READ BINARY answer. */
        val PAYLOADS = listOf(0, 256)
        const val WARM_UP: UInt = 1_000u
        const val DEFAULT_COUNT: UInt = 5_000u
    }
}
