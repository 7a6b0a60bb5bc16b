package se.tapid

import kotlinx.coroutines.runBlocking
import org.junit.jupiter.api.Assertions.assertArrayEquals
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows
import org.junit.jupiter.api.io.TempDir
import se.tapid.ffi.DeviceKeys
import se.tapid.ffi.KeyAttestation
import se.tapid.ffi.KeyException
import se.tapid.ffi.KeyPolicy
import se.tapid.ffi.KeyStoreCapabilities
import se.tapid.ffi.PlatformKey
import se.tapid.ffi.PlatformKeyStore
import se.tapid.ffi.SecureHardware
import se.tapid.ffi.SoftwareStoreOptions
import se.tapid.ffi.createSoftwareKeyStore
import se.tapid.ffi.offlineCodeResponse
import se.tapid.ffi.openSoftwareKeyStore
import se.tapid.ffi.verifySignature
import java.nio.file.Path
import java.security.KeyPair
import java.security.KeyPairGenerator
import java.security.Signature
import java.security.spec.ECGenParameterSpec
import javax.crypto.Cipher
import javax.crypto.KeyGenerator
import javax.crypto.SecretKey
import javax.crypto.spec.GCMParameterSpec

/** Device keys: the software store and a platform store implemented in Kotlin. */
class KeysTest {
    /** Cheap Argon2 for tests (the defaults cost 64 MiB and hundreds of milliseconds). */
    private val fast = SoftwareStoreOptions(memoryKib = 1024u, iterations = 1u, maxAttempts = 3u)
    private val codePolicy = KeyPolicy(userPresence = false, securityCode = true)

    @Test
    fun `the software store signs and the signature verifies`(@TempDir dir: Path) = runBlocking<Unit> {
        val keys = createSoftwareKeyStore(dir.toString(), "731904", fast)
        val key = keys.generate("identity-1", codePolicy, "731904", null)
        assertEquals(65, key.publicKeySec1.size)
        val message = "approve order 42".toByteArray()
        val signature = keys.sign("identity-1", message, "731904")
        assertTrue(verifySignature(key.publicKeySec1, message, signature))
        assertTrue(verifySignature(key.publicKeySpki, message, signature))
        assertFalse(verifySignature(key.publicKeySec1, "approve order 43".toByteArray(), signature))
        // The JDK agrees (SPKI public key, DER signature).
        val jdkKey = java.security.KeyFactory.getInstance("EC").generatePublic(java.security.spec.X509EncodedKeySpec(key.publicKeySpki))
        val v = Signature.getInstance("SHA256withECDSA").apply { initVerify(jdkKey); update(message) }
        assertTrue(v.verify(signature))
        // Reopened, the key is still there.
        assertEquals(listOf("identity-1"), openSoftwareKeyStore(dir.toString()).aliases())
    }

    @Test
    fun `a wrong security code costs an attempt and blocks at the limit`(@TempDir dir: Path) = runBlocking<Unit> {
        val keys = createSoftwareKeyStore(dir.toString(), "731904", fast)
        keys.generate("k", codePolicy, "731904", null)
        val wrong = assertThrows<KeyException.WrongSecurityCode> { keys.sign("k", byteArrayOf(1), "000000") }
        assertEquals(2u, wrong.attemptsLeft)
        assertThrows<KeyException.SecurityCodeRequired> { keys.sign("k", byteArrayOf(1), null) }
        assertThrows<KeyException.WrongSecurityCode> { keys.sign("k", byteArrayOf(1), "000001") }
        assertThrows<KeyException> { keys.sign("k", byteArrayOf(1), "000002") }
        assertThrows<KeyException.Blocked> { keys.sign("k", byteArrayOf(1), "731904") }
        assertTrue(keys.lockState()!!.blocked)
    }

    @Test
    fun `the offline key sealed in the software store gives the same code`(@TempDir dir: Path) = runBlocking<Unit> {
        val keys = createSoftwareKeyStore(dir.toString(), "731904", fast)
        keys.generate("identity", codePolicy, "731904", null)
        val ocra = "12345678901234567890123456789012".toByteArray()
        val sealed = keys.seal("identity", ocra, "731904")
        assertFalse(sealed.toList().windowed(ocra.size).any { it == ocra.toList() }, "the secret is not in the sealed bytes")
        assertArrayEquals(ocra, keys.unseal("identity", sealed, "731904"))
        assertEquals(
            offlineCodeResponse(ocra, "12345678", 1_234_567_890uL),
            keys.offlineCodeResponse("identity", sealed, "12345678", 1_234_567_890uL, "731904"),
        )
        val tampered = sealed.copyOf().also { it[it.size - 1] = (it[it.size - 1] + 1).toByte() }
        assertThrows<KeyException.Corrupted> { keys.unseal("identity", tampered, "731904") }
        assertThrows<KeyException.WrongSecurityCode> { keys.unseal("identity", sealed, "111111") }
    }

    /** A platform store over the JDK's providers, standing in for Android Keystore. */
    class JdkPlatformStore(private val signWithOtherKey: Boolean = false) : PlatformKeyStore {
        private val keys = mutableMapOf<String, KeyPair>()
        private val sealing = mutableMapOf<String, SecretKey>()

        private fun ec(): KeyPair = KeyPairGenerator.getInstance("EC").apply { initialize(ECGenParameterSpec("secp256r1")) }.generateKeyPair()

        private fun key(alias: String) = keys[alias] ?: throw KeyException.NotFound(alias)

        override suspend fun capabilities() = KeyStoreCapabilities(true, SecureHardware.TRUSTED_ENVIRONMENT, true, false)

        override suspend fun generate(alias: String, policy: KeyPolicy, attestationChallenge: ByteArray?): PlatformKey {
            if (alias in keys) throw KeyException.AlreadyExists(alias)
            val pair = ec().also { keys[alias] = it }
            val attestation = attestationChallenge?.let { KeyAttestation.AndroidKeystore(listOf(pair.public.encoded)) }
            return PlatformKey(pair.public.encoded, attestation)
        }

        override suspend fun publicKey(alias: String): ByteArray = key(alias).public.encoded

        override suspend fun sign(alias: String, message: ByteArray): ByteArray {
            val private = if (signWithOtherKey) ec().private else key(alias).private
            return Signature.getInstance("SHA256withECDSA").apply { initSign(private); update(message) }.sign()
        }

        override suspend fun delete(alias: String) {
            keys.remove(alias) ?: throw KeyException.NotFound(alias)
        }

        override suspend fun list(): List<String> = keys.keys.sorted()

        override suspend fun seal(alias: String, plaintext: ByteArray): ByteArray {
            val k = sealing.getOrPut(alias) { KeyGenerator.getInstance("AES").apply { init(256) }.generateKey() }
            val c = Cipher.getInstance("AES/GCM/NoPadding").apply { init(Cipher.ENCRYPT_MODE, k) }
            return c.iv + c.doFinal(plaintext)
        }

        override suspend fun unseal(alias: String, sealed: ByteArray): ByteArray {
            val k = sealing[alias] ?: throw KeyException.NotFound(alias)
            val c = Cipher.getInstance("AES/GCM/NoPadding").apply { init(Cipher.DECRYPT_MODE, k, GCMParameterSpec(128, sealed, 0, 12)) }
            return c.doFinal(sealed, 12, sealed.size - 12)
        }
    }

    @Test
    fun `a platform store's DER signatures are verified in Rust, with its attestation carried`() = runBlocking<Unit> {
        val keys = DeviceKeys.platform(JdkPlatformStore())
        val key = keys.generate("device", KeyPolicy(userPresence = true, securityCode = false), null, byteArrayOf(9, 9))
        assertTrue(key.attestation is KeyAttestation.AndroidKeystore)
        assertEquals(65, key.publicKeySec1.size, "SPKI from the platform, normalised to SEC1")
        val sig = keys.sign("device", "hello".toByteArray(), null)
        assertTrue(verifySignature(key.publicKeySec1, "hello".toByteArray(), sig))
        assertTrue(keys.capabilities().hardwareBacked)
        val sealed = keys.seal("offline", byteArrayOf(1, 2, 3), null)
        assertArrayEquals(byteArrayOf(1, 2, 3), keys.unseal("offline", sealed, null))
        assertThrows<KeyException.NotFound> { keys.sign("missing", byteArrayOf(1), null) }
    }

    @Test
    fun `a platform store that signs with another key is caught`() = runBlocking<Unit> {
        val keys = DeviceKeys.platform(JdkPlatformStore(signWithOtherKey = true))
        keys.generate("device", KeyPolicy(userPresence = true, securityCode = false), null, null)
        assertThrows<KeyException.BadSignature> { keys.sign("device", "hello".toByteArray(), null) }
    }
}
