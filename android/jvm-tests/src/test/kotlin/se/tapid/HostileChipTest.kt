package se.tapid

import kotlinx.coroutines.runBlocking
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows
import se.tapid.ffi.AccessKey
import se.tapid.ffi.ChipFailure
import se.tapid.ffi.ChipStatus
import se.tapid.ffi.HashStatus
import se.tapid.ffi.PaFailure
import se.tapid.ffi.PaStatus
import se.tapid.ffi.PassportRead
import se.tapid.ffi.ReadException
import se.tapid.ffi.SmFailure
import se.tapid.ffi.TrustStore

/** Hostile and broken chips surface as the right Kotlin types: verdicts or typed exceptions. */
class HostileChipTest {
    private fun read(profile: String, fault: String, trust: TrustStore = testTrust): PassportRead = runBlocking {
        val c = card(profile, fault)
        PassportSession(c.mrzKey(), pinnedOptions(), trust).use { it.read(kotlinTransport(c)) }
    }

    private fun failure(profile: String, fault: String): ReadException {
        val c = card(profile, fault)
        return assertThrows<ReadException> {
            runBlocking { PassportSession(c.mrzKey(), pinnedOptions(), testTrust).use { it.read(kotlinTransport(c)) } }
        }
    }

    @Test
    fun `a Chip Authentication clone is an invalid chip verdict`() {
        val r = read("bac", "ca-clone").report()
        assertEquals(PaStatus.VALID, r.passiveAuthentication.status)
        assertEquals(ChipStatus.INVALID, r.chipAuthenticity.status)
        assertTrue(r.chipAuthenticity.failures.isNotEmpty())
        assertTrue(r.chipAuthenticity.failures.all { it is ChipFailure.CaKeyMismatch || it is ChipFailure.CaNotConfirmed }, "${r.chipAuthenticity.failures}")
    }

    @Test
    fun `an Active Authentication clone fails the signature`() {
        val r = read("aa-ecdsa-pace", "aa-clone").report()
        assertEquals(ChipStatus.INVALID, r.chipAuthenticity.status)
        assertTrue(r.chipAuthenticity.failures.contains(ChipFailure.AaSignatureInvalid), "${r.chipAuthenticity.failures}")
    }

    @Test
    fun `a changed DG1 is a hash mismatch`() {
        val r = read("bac", "dg1-hash-mismatch").report()
        assertEquals(PaStatus.INVALID, r.passiveAuthentication.status)
        assertTrue(r.passiveAuthentication.failures.contains(PaFailure.HashMismatch(1)))
        assertEquals(HashStatus.MISMATCH, r.files.first { it.name == "DG1" }.hash)
    }

    @Test
    fun `an untrusted signer is untrusted, and an empty store trusts nothing`() {
        val rogue = read("bac", "sod-untrusted-csca").report()
        assertEquals(PaStatus.UNTRUSTED, rogue.passiveAuthentication.status)
        val c = card("bac")
        val noTrust = runBlocking { PassportSession(c.mrzKey(), pinnedOptions(), TrustStore()).use { it.read(kotlinTransport(c)) } }
        assertEquals(PaStatus.UNTRUSTED, noTrust.report().passiveAuthentication.status)
        assertTrue(noTrust.report().passiveAuthentication.failures.any { it is PaFailure.CscaNotTrusted })
    }

    @Test
    fun `a bad MAC is a secure messaging exception`() {
        val e = failure("bac", "sm-wrong-mac")
        assertTrue(e is ReadException.SecureMessaging && e.failure == SmFailure.BAD_MAC, "$e")
    }

    @Test
    fun `a plaintext answer under secure messaging is refused`() {
        val e = failure("bac", "sm-plaintext-response")
        assertTrue(e is ReadException.SecureMessaging && e.failure == SmFailure.PLAINTEXT_RESPONSE, "$e")
    }

    @Test
    fun `a truncated file is a protocol violation`() {
        val e = failure("bac", "file-shorter-than-header")
        assertTrue(e is ReadException.Protocol && e.code == "file_truncated", "$e")
    }

    @Test
    fun `a chip slower than the link is a timeout`() {
        assertTrue(failure("bac", "slow-chip") is ReadException.Timeout)
    }

    @Test
    fun `the wrong MRZ is access denied`() = runBlocking<Unit> {
        val c = card("bac")
        val wrong = AccessKey.fromMrz("L898902C3", "740813", "120415")
        assertThrows<ReadException.AccessDenied> {
            PassportSession(wrong, pinnedOptions(), testTrust).use { it.read(kotlinTransport(c)) }
        }
    }

    @Test
    fun `a CAN for a BAC-only chip says so`() = runBlocking<Unit> {
        val c = card("bac")
        assertThrows<ReadException.CanNeedsPace> {
            PassportSession(AccessKey.fromCan("123456"), pinnedOptions(), testTrust).use { it.read(kotlinTransport(c)) }
        }
    }
}
