package se.tapid

import kotlinx.coroutines.flow.toList
import kotlinx.coroutines.runBlocking
import org.junit.jupiter.api.Assertions.assertArrayEquals
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertNotNull
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import se.tapid.ffi.AccessKey
import se.tapid.ffi.AccessProtocol
import se.tapid.ffi.ChipMethod
import se.tapid.ffi.ChipStatus
import se.tapid.ffi.DowngradeStatus
import se.tapid.ffi.HashStatus
import se.tapid.ffi.ImageType
import se.tapid.ffi.Language
import se.tapid.ffi.PaStatus
import se.tapid.ffi.PaceMapping
import se.tapid.ffi.PassportRead
import se.tapid.ffi.Password
import se.tapid.ffi.ReadOptions
import se.tapid.ffi.ReadProgress
import se.tapid.ffi.ReadStep
import se.tapid.ffi.hasEmulator
import se.tapid.ffi.parseEvidence
import se.tapid.ffi.tapidVersion

/** Full reads of emulated passports through a Kotlin-implemented transport. */
class ReadTest {
    private fun readWith(
        profile: String,
        key: (se.tapid.ffi.EmulatorCard) -> AccessKey = { it.mrzKey() },
        options: ReadOptions = pinnedOptions(),
    ): PassportRead = runBlocking {
        val c = card(profile)
        PassportSession(key(c), options, testTrust).use { it.read(kotlinTransport(c)) }
    }

    private fun assertGenuine(read: PassportRead) {
        val r = read.report()
        assertEquals(PaStatus.VALID, r.passiveAuthentication.status, r.passiveAuthentication.reason)
        assertEquals(ChipStatus.VALID, r.chipAuthenticity.status, r.chipAuthenticity.reason)
        assertTrue(r.files.filter { it.name.startsWith("DG") }.all { it.hash == HashStatus.MATCH })
    }

    @Test
    fun `the library loads and carries the software passport`() {
        assertEquals("0.1.0", tapidVersion())
        assertTrue(hasEmulator())
    }

    @Test
    fun `BAC with 3DES secure messaging and Chip Authentication`() {
        val read = readWith("bac")
        assertGenuine(read)
        val r = read.report()
        assertEquals(AccessProtocol.BAC, r.access.protocol)
        assertEquals(ChipMethod.CA, r.chipAuthenticity.method)
        assertEquals("L898902C3", r.document.documentNumber)
        assertEquals("ERIKSSON", r.document.primaryIdentifier)
    }

    @Test
    fun `PACE Generic Mapping on brainpool with the MRZ`() {
        val read = readWith("pace-gm-bp256-aes128")
        assertGenuine(read)
        val a = read.report().access
        assertEquals(AccessProtocol.PACE, a.protocol)
        assertEquals(PaceMapping.Gm, a.mapping)
        assertEquals(Password.MRZ, a.password)
        assertEquals(DowngradeStatus.NOT_DETECTED, read.report().downgrade.status)
    }

    @Test
    fun `PACE Integrated Mapping`() {
        val read = readWith("pace-im-bp256-aes128")
        assertGenuine(read)
        assertEquals(PaceMapping.Im, read.report().access.mapping)
    }

    @Test
    fun `PACE Chip Authentication Mapping with the CAN`() {
        val read = readWith("pace-cam-bp256-aes128", key = { AccessKey.fromCan(it.can()!!) })
        assertGenuine(read)
        val r = read.report()
        assertEquals(PaceMapping.Cam, r.access.mapping)
        assertEquals(Password.CAN, r.access.password)
        assertEquals(ChipMethod.PACE_CAM, r.chipAuthenticity.method)
    }

    @Test
    fun `the emulator as a Rust object transport reads the same report`() = runBlocking<Unit> {
        val viaKotlin = readWith("pace-ca-aa")
        val c = card("pace-ca-aa")
        val viaRust = PassportSession(c.mrzKey(), pinnedOptions(), testTrust).use { it.read(c.asTransport()) }
        assertGenuine(viaRust)
        assertEquals(viaKotlin.report().document, viaRust.report().document)
        assertEquals(viaKotlin.report().chipAuthenticity.status, viaRust.report().chipAuthenticity.status)
    }

    @Test
    fun `progress events arrive in order and end at 100 percent`() = runBlocking<Unit> {
        val c = card("pace-gm-bp256-aes128")
        val seen = mutableListOf<ReadProgress>()
        val options = ReadOptions(verificationTime = PINNED_AT, language = Language.EN)
        PassportSession(c.mrzKey(), options, testTrust).use { it.read(kotlinTransport(c)) { p -> seen.add(p) } }
        assertEquals(ReadStep.CONNECTING, seen.first().step)
        assertEquals(ReadStep.DONE, seen.last().step)
        assertEquals(1.0f, seen.last().fraction)
        assertEquals("Done", seen.last().message)
        val fractions = seen.map { it.fraction }
        assertEquals(fractions.sorted(), fractions, "fractions never go down")
        val steps = seen.map { it.step }.distinct()
        assertEquals(
            listOf(ReadStep.CONNECTING, ReadStep.ACCESS_CONTROL, ReadStep.READING, ReadStep.VERIFYING, ReadStep.DONE),
            steps,
        )
        assertTrue(seen.any { it.file == "DG2" })
    }

    @Test
    fun `progress messages are Swedish by default`() = runBlocking<Unit> {
        val c = card("bac")
        val seen = mutableListOf<ReadProgress>()
        PassportSession(c.mrzKey(), pinnedOptions(), testTrust).use { it.read(kotlinTransport(c)) { p -> seen.add(p) } }
        assertEquals("Klart", seen.last().message)
        assertEquals("Håll passet mot telefonen", seen.first().message)
    }

    @Test
    fun `the read as a Flow ends with the verified read`() = runBlocking<Unit> {
        val c = card("bac")
        val events = PassportSession(c.mrzKey(), pinnedOptions(), testTrust).use { it.readFlow(kotlinTransport(c)).toList() }
        val done = events.last() as ReadEvent.Done
        assertGenuine(done.read)
        assertTrue(events.dropLast(1).all { it is ReadEvent.Progress })
    }

    @Test
    fun `the evidence bundle's canonical bytes parse to its view`() {
        val read = readWith("pace-ca-aa", options = ReadOptions(verificationTime = PINNED_AT, aaChallenge = ByteArray(8) { it.toByte() }))
        val bytes = read.evidenceBytes()
        val parsed = parseEvidence(bytes)
        val view = read.evidence()
        // Records with byte arrays compare those by identity: compare the parts.
        assertEquals("tapid-evidence", parsed.format)
        assertEquals(view.options, parsed.options)
        assertEquals(view.access, parsed.access)
        assertEquals(view.trustAnchors, parsed.trustAnchors)
        assertEquals(view.files.map { it.name }, parsed.files.map { it.name })
        assertTrue(view.files.zip(parsed.files).all { (a, b) -> a.bytes.contentEquals(b.bytes) })
        val aa = parsed.activeAuthentication!!
        assertArrayEquals(ByteArray(8) { it.toByte() }, aa.challenge)
        assertTrue(parsed.files.any { it.name == "EF.SOD" })
        assertTrue(read.reportJson().contains("\"passive_authentication\""))
    }

    @Test
    fun `the face comes as stored, with its type`() {
        val read = readWith("bac")
        val face = read.face()
        assertNotNull(face)
        assertEquals(ImageType.JPEG, face!!.imageType)
        assertEquals(0xFF.toByte(), face.image[0])
        assertEquals(0xD8.toByte(), face.image[1])
        assertNull(face.png, "a JPEG face needs no PNG")
        assertEquals(face.image.size, read.report().data.faces.first().imageLen)
    }

    @Test
    fun `with an OpenJDK-sized link the reader keeps its blocks within 8192 bytes`() = runBlocking<Unit> {
        val c = card("bac", fault = "large-dg2", maxTransceiveLength = 8192)
        val read = PassportSession(c.mrzKey(), pinnedOptions(), testTrust).use { it.read(kotlinTransport(c)) }
        val t = read.report().transport!!
        assertTrue(t.extendedLength)
        assertTrue(t.maxRead in 256..8192, "max read ${t.maxRead}")
        assertEquals(PaStatus.VALID, read.report().passiveAuthentication.status)
    }
}
