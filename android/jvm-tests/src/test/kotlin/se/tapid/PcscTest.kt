package se.tapid

import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.runBlocking
import kotlinx.coroutines.withContext
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Assumptions
import org.junit.jupiter.api.Test
import se.tapid.ffi.ChipStatus
import se.tapid.ffi.NfcTransport
import se.tapid.ffi.PaStatus
import se.tapid.ffi.TransportCapabilities
import se.tapid.ffi.TransportException
import java.io.File
import java.util.concurrent.TimeUnit
import javax.smartcardio.CardChannel
import javax.smartcardio.CardException
import javax.smartcardio.CardTerminal
import javax.smartcardio.CommandAPDU
import javax.smartcardio.TerminalFactory

/**
 * A Kotlin transport over `javax.smartcardio`: the real PC/SC path from the JVM. OpenJDK gives
 * pcscd an 8192-byte receive buffer, so the transport says 8192 and the reader's blocks fit.
 */
class SmartcardioTransport(private val channel: CardChannel, private val historical: ByteArray?) : NfcTransport {
    override suspend fun transceive(apdu: ByteArray): ByteArray =
        withContext(Dispatchers.IO) {
            try {
                channel.transmit(CommandAPDU(apdu)).bytes
            } catch (e: CardException) {
                throw TransportException.Io(e.toString())
            } catch (e: IllegalArgumentException) {
                throw TransportException.Io(e.toString())
            }
        }

    override suspend fun capabilities(): TransportCapabilities = TransportCapabilities(OPENJDK_RECEIVE_BUFFER, true, historical)

    companion object {
        /** OpenJDK's `javax.smartcardio` receive buffer (sun.security.smartcardio). */
        const val OPENJDK_RECEIVE_BUFFER: Int = 8192
    }
}

/** Reads `tapid emulate --vpcd` through pcscd (scripts/pcscd.sh start). */
class PcscTest {
    private val readerName = "Virtual PCD 00 00"

    /** The vpcd reader, or a skip (a failure with TAPID_REQUIRE_PCSC=1). */
    private fun terminal(): CardTerminal {
        val why = try {
            val found = TerminalFactory.getDefault().terminals().list().firstOrNull { it.name == readerName }
            if (found != null) return found
            "pcscd does not list \"$readerName\""
        } catch (e: Exception) {
            "PC/SC is not usable: $e"
        }
        check(System.getenv("TAPID_REQUIRE_PCSC") != "1") { "TAPID_REQUIRE_PCSC=1 but $why" }
        Assumptions.abort<Unit>("$why (run scripts/pcscd.sh start)")
        error("unreachable")
    }

    @Test
    fun `a Kotlin smartcardio transport reads the emulated passport through pcscd`() = runBlocking<Unit> {
        val terminal = terminal()
        val root = File(System.getenv("TAPID_ROOT") ?: "../..").canonicalFile
        val tapid = File(root, "target/debug/tapid")
        assertTrue(tapid.canExecute(), "build the CLI first: $tapid")
        check(terminal.waitForCardAbsent(20_000)) { "$readerName still holds a card" }
        val emulator = ProcessBuilder(tapid.path, "emulate", "--profile", "pace-ca-aa", "--vpcd")
            .redirectErrorStream(true)
            .redirectOutput(File(root, "target/jvm-pcsc-emulator.log"))
            .start()
        try {
            check(terminal.waitForCardPresent(20_000)) { "the emulated card did not appear in $readerName" }
            val card = terminal.connect("*")
            try {
                val atr = card.atr
                val transport = SmartcardioTransport(card.basicChannel, atr.historicalBytes)
                val profile = card("pace-ca-aa")
                val read = PassportSession(profile.mrzKey(), pinnedOptions(), testTrust).use { it.read(transport) }
                val r = read.report()
                assertEquals(PaStatus.VALID, r.passiveAuthentication.status, r.passiveAuthentication.reason)
                assertEquals(ChipStatus.VALID, r.chipAuthenticity.status, r.chipAuthenticity.reason)
                val t = r.transport!!
                assertTrue(t.extendedLength, "extended length over PC/SC")
                assertTrue(t.maxRead in 256..SmartcardioTransport.OPENJDK_RECEIVE_BUFFER, "max read ${t.maxRead}")
                assertTrue(r.files.first { it.name == "DG2" }.size > t.maxRead, "DG2 came in several blocks")
            } finally {
                card.disconnect(false)
            }
        } finally {
            emulator.destroy()
            emulator.waitFor(10, TimeUnit.SECONDS)
        }
    }
}
