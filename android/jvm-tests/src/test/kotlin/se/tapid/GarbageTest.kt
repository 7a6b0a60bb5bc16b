package se.tapid

import kotlinx.coroutines.runBlocking
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Assertions.fail
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.io.TempDir
import se.tapid.ffi.AccessKey
import se.tapid.ffi.DeviceKeys
import se.tapid.ffi.EmulatorCard
import se.tapid.ffi.FlowContext
import se.tapid.ffi.IdentityException
import se.tapid.ffi.InputException
import se.tapid.ffi.InternalException
import se.tapid.ffi.KeyException
import se.tapid.ffi.KeyPolicy
import se.tapid.ffi.Language
import se.tapid.ffi.LaunchPlatform
import se.tapid.ffi.NfcTransport
import se.tapid.ffi.PassportReader
import se.tapid.ffi.ReadException
import se.tapid.ffi.ReadOptions
import se.tapid.ffi.TransportCapabilities
import se.tapid.ffi.TransportException
import se.tapid.ffi.TrustStore
import se.tapid.ffi.buildAutostart
import se.tapid.ffi.collectMessage
import se.tapid.ffi.createSoftwareKeyStore
import se.tapid.ffi.errorMessage
import se.tapid.ffi.offlineCodeResponse
import se.tapid.ffi.openSoftwareKeyStore
import se.tapid.ffi.parseAutostart
import se.tapid.ffi.parseEvidence
import se.tapid.ffi.parseQr
import se.tapid.ffi.scanMrz
import se.tapid.ffi.verifySignature
import java.nio.file.Path
import kotlin.random.Random

/**
 * Garbage into every exported function gives a typed error (or a typed answer): never a crash,
 * never an `InternalException` (a Rust panic).
 */
class GarbageTest {
    private val random = Random(20261202)

    private fun bytes(n: Int = random.nextInt(0, 600)) = random.nextBytes(n)

    private fun text(): String {
        val alphabet = "<0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ.:/?&=-_ \n\u00e5\u0000\u2028%bankid"
        return String(CharArray(random.nextInt(0, 120)) { alphabet[random.nextInt(alphabet.length)] })
    }

    /** Runs [block]; only its expected error types (or success) may come out. */
    private inline fun <reified E : Exception> typed(what: String, block: () -> Unit) {
        try {
            block()
        } catch (e: InternalException) {
            fail<Unit>("$what: a Rust panic: $e")
        } catch (e: Exception) {
            if (e !is E) fail<Unit>("$what: ${e::class.qualifiedName}: $e")
        }
    }

    @Test
    fun `text parsers give typed errors`() {
        repeat(300) {
            val t = text()
            typed<InputException>("scanMrz") { scanMrz(t) }
            typed<InputException>("fromMrzText") { AccessKey.fromMrzText(t) }
            typed<InputException>("fromCan") { AccessKey.fromCan(t) }
            typed<InputException>("fromMrz") { AccessKey.fromMrz(t, t.take(6), t.takeLast(6)) }
            typed<IdentityException>("parseQr") { parseQr("bankid.$t") }
            typed<IdentityException>("parseQr raw") { parseQr(t) }
            typed<IdentityException>("parseAutostart") { parseAutostart("bankid:///?autostarttoken=$t", listOf(t)) }
            typed<IdentityException>("buildAutostart") { buildAutostart(LaunchPlatform.IOS, t, t, emptyList()) }
            typed<IdentityException>("offlineCodeResponse") { offlineCodeResponse(t.toByteArray(), t, random.nextLong().toULong()) }
            // Messages take any status and hint: an unknown one is still a message.
            val m = collectMessage(t, t, FlowContext(random.nextBoolean(), random.nextBoolean(), random.nextBoolean()), Language.EN)
            assertTrue(m.text == null || m.text!!.isNotEmpty())
            errorMessage(t, FlowContext(false, false, false), Language.SV)
        }
    }

    @Test
    fun `byte parsers give typed errors`() {
        val store = TrustStore()
        repeat(200) {
            val b = bytes()
            typed<InputException>("parseEvidence") { parseEvidence(b) }
            typed<InputException>("addTrustFile") { store.addTrustFile("garbage", b) }
            typed<InputException>("addMasterListRoot") { store.addMasterListRoot("garbage", b) }
            typed<KeyException>("verifySignature") { verifySignature(b, b, bytes(72)) }
        }
        assertEquals(0u, store.certificateCount())
        typed<InputException>("evidence json") { parseEvidence("{\"format\":\"tapid-evidence\"}".toByteArray()) }
    }

    @Test
    fun `bad options and emulator names are typed errors`() {
        val key = AccessKey.fromCan("123456")
        typed<InputException>("dg 0") { PassportReader(key, ReadOptions(dataGroups = listOf(0)), null) }
        typed<InputException>("dg twice") { PassportReader(key, ReadOptions(dataGroups = listOf(2, 2)), null) }
        typed<InputException>("challenge") { PassportReader(key, ReadOptions(aaChallenge = ByteArray(3)), null) }
        typed<InputException>("timeout") { PassportReader(key, ReadOptions(apduTimeoutMs = 0u), null) }
        typed<InputException>("profile") { EmulatorCard("no-such-profile", null, true, 0, ByteArray(0)) }
        typed<InputException>("fault") { EmulatorCard("bac", "no-such-fault", true, 0, ByteArray(0)) }
        typed<InputException>("fault for profile") { EmulatorCard("bac", "cam-clone", true, 0, ByteArray(0)) }
    }

    /** A chip that answers anything at all. */
    private class GarbageChip(private val answers: (Int) -> ByteArray) : NfcTransport {
        var n = 0

        override suspend fun transceive(apdu: ByteArray): ByteArray = answers(n++)

        override suspend fun capabilities() = TransportCapabilities(65_546, true, null)
    }

    @Test
    fun `a chip answering garbage is a typed read error`() = runBlocking<Unit> {
        val key = AccessKey.fromMrz("L898902C3", "740812", "120415")
        repeat(40) { round ->
            val chip = GarbageChip { i -> if (round % 4 == 0 && i < 2) byteArrayOf(0x90.toByte(), 0) else bytes(random.nextInt(0, 40)) }
            PassportReader(key, pinnedOptions(), null).use { reader ->
                typed<ReadException>("garbage chip") { reader.read(chip, null, null) }
            }
        }
    }

    @Test
    fun `a transport throwing anything, a Kotlin Error included, is a typed read error`() = runBlocking<Unit> {
        val key = AccessKey.fromMrz("L898902C3", "740812", "120415")
        val throwers: List<() -> ByteArray> = listOf(
            { throw IllegalStateException("kaputt") },
            { throw NotImplementedError("through the adapter") },
            { throw TransportException.Io("reader unplugged") },
        )
        for (t in throwers) {
            val tag = object : BlockingTag {
                override val maxTransceiveLength = 261
                override val isExtendedLengthApduSupported = false
                override val historicalBytes: ByteArray? = null
                override fun transceive(apdu: ByteArray): ByteArray = t()
            }
            PassportReader(key, pinnedOptions(), null).use { reader ->
                val e = runCatching { reader.read(BlockingTagTransport(tag), null, null) }.exceptionOrNull()
                assertTrue(e is ReadException.Transport, "$e")
            }
        }
        // An undeclared exception thrown straight from a foreign transport.
        val raw = object : NfcTransport {
            override suspend fun transceive(apdu: ByteArray): ByteArray = throw IllegalArgumentException("undeclared")
            override suspend fun capabilities() = TransportCapabilities(261, false, null)
        }
        PassportReader(key, pinnedOptions(), null).use { reader ->
            val e = runCatching { reader.read(raw, null, null) }.exceptionOrNull()
            assertTrue(e is ReadException.Transport && e.transportError is TransportException.Unexpected, "$e")
        }
    }

    @Test
    fun `key stores refuse garbage with typed errors`(@TempDir dir: Path) = runBlocking<Unit> {
        typed<KeyException>("open missing") { openSoftwareKeyStore(dir.resolve("none").toString()) }
        typed<KeyException>("empty code") { createSoftwareKeyStore(dir.resolve("a").toString(), "", null) }
        val keys = createSoftwareKeyStore(dir.resolve("b").toString(), "731904", se.tapid.ffi.SoftwareStoreOptions(1024u, 1u, 5u))
        typed<KeyException>("alias") { keys.generate("bad alias!", KeyPolicy(false, true), "1234", null) }
        typed<KeyException>("unseal garbage") { keys.unseal("x", bytes(40), "1234") }
        typed<KeyException>("sign missing") { keys.sign("missing", bytes(10), "1234") }
        assertFalse(keys.aliases().contains("bad alias!"))
        typed<KeyException>("platform garbage key") {
            DeviceKeys.platform(KeysTest.JdkPlatformStore()).key("nothing")
        }
    }
}
