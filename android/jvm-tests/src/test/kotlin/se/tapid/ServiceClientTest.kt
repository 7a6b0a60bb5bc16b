package se.tapid

import kotlinx.coroutines.runBlocking
import org.junit.jupiter.api.AfterAll
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertNotNull
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.BeforeAll
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.TestInstance
import org.junit.jupiter.api.assertThrows
import se.tapid.ffi.AccessKey
import se.tapid.ffi.DeviceKeys
import se.tapid.ffi.KeyPolicy
import se.tapid.ffi.RelayListener
import se.tapid.ffi.RelayProgress
import se.tapid.ffi.ServiceClient
import se.tapid.ffi.ServiceException
import se.tapid.ffi.SoftwareStoreOptions
import se.tapid.ffi.createSoftwareKeyStore
import java.io.ByteArrayInputStream
import java.io.File
import java.net.URI
import java.net.http.HttpClient
import java.net.http.HttpRequest
import java.net.http.HttpResponse
import java.nio.file.Files
import java.nio.file.Path
import java.security.KeyFactory
import java.security.KeyStore
import java.security.cert.Certificate
import java.security.cert.CertificateFactory
import java.security.spec.PKCS8EncodedKeySpec
import java.util.Base64
import java.util.Collections
import java.util.concurrent.TimeUnit
import javax.crypto.Mac
import javax.crypto.spec.SecretKeySpec
import javax.net.ssl.KeyManagerFactory
import javax.net.ssl.SSLContext
import javax.net.ssl.TrustManagerFactory

/**
 * The app side of the identity service through the bindings, against a real `tapid serve`
 * (SQLite in a temporary directory, its generated test PKI, the emulator's CSCAs as the
 * step-up's trust): the issuer and the relying party talk to it over mutual TLS from the JDK,
 * the app through [ServiceClient] with a software key store and the emulated Swedish passport.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ServiceClientTest {
    private val root = File(System.getenv("TAPID_ROOT") ?: "../..").canonicalFile
    private val dir: Path = Files.createTempDirectory("tapid-service-client")
    private lateinit var server: Process
    private lateinit var url: String
    private val tls: Path get() = dir.resolve("tls")

    /** The passport's holder, as the issuer knows them. */
    private val holderPno = "198503142385"
    private val code = "731904"
    private val fast = SoftwareStoreOptions(memoryKib = 1024u, iterations = 1u, maxAttempts = 3u)

    @BeforeAll
    fun startTheService() {
        val tapid = File(root, "target/debug/tapid")
        assertTrue(tapid.canExecute(), "build the CLI first: $tapid")
        server = ProcessBuilder(
            tapid.path, "serve", "--json",
            "--listen", "127.0.0.1:0",
            "--db", "sqlite:${dir.resolve("tapid.db")}",
            "--tls-dir", tls.toString(),
            "--key-dir", dir.resolve("keys").toString(),
            "--trust", File(root, "fixtures/pki/csca").path,
        ).redirectError(File(root, "target/jvm-service-client-serve.log")).start()
        // The first line says where it listens (port 0: a free one).
        val line = server.inputStream.bufferedReader().readLine()
        assertNotNull(line, "tapid serve ended before listening (see target/jvm-service-client-serve.log)")
        url = Regex("\"listening\"\\s*:\\s*\"([^\"]+)\"").find(line!!)?.groupValues?.get(1)
            ?: error("no listening address in: $line")
    }

    @AfterAll
    fun stopTheService() {
        if (::server.isInitialized) {
            server.destroy() // SIGTERM: a graceful stop
            if (!server.waitFor(15, TimeUnit.SECONDS)) server.destroyForcibly()
        }
        dir.toFile().deleteRecursively()
    }

    // ---- the issuer and the relying party: JSON over mutual TLS from the JDK ----

    private fun pemBlocks(file: Path, label: String): List<ByteArray> =
        Regex("-----BEGIN $label-----([^-]+)-----END $label-----")
            .findAll(Files.readString(file))
            .map { Base64.getMimeDecoder().decode(it.groupValues[1]) }
            .toList()

    private fun certificates(file: Path): List<Certificate> {
        val cf = CertificateFactory.getInstance("X.509")
        return pemBlocks(file, "CERTIFICATE").map { cf.generateCertificate(ByteArrayInputStream(it)) }
    }

    /** An HTTPS client trusting the service's CA and presenting `party`'s certificate. */
    private fun partyClient(party: String): HttpClient {
        val trust = KeyStore.getInstance("PKCS12").apply {
            load(null, null)
            setCertificateEntry("ca", certificates(tls.resolve("client-ca.crt")).single())
        }
        val key = KeyFactory.getInstance("EC")
            .generatePrivate(PKCS8EncodedKeySpec(pemBlocks(tls.resolve("$party.key"), "PRIVATE KEY").single()))
        val password = CharArray(0)
        val identity = KeyStore.getInstance("PKCS12").apply {
            load(null, null)
            setKeyEntry(party, key, password, certificates(tls.resolve("$party.crt")).toTypedArray())
        }
        val tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm()).apply { init(trust) }
        val kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm()).apply { init(identity, password) }
        val ssl = SSLContext.getInstance("TLS").apply { init(kmf.keyManagers, tmf.trustManagers, null) }
        return HttpClient.newBuilder().sslContext(ssl).version(HttpClient.Version.HTTP_1_1).build()
    }

    private val issuer by lazy { partyClient("issuer") }
    private val rp by lazy { partyClient("rp") }

    private fun post(client: HttpClient, path: String, json: String): String {
        val request = HttpRequest.newBuilder(URI.create(url + path))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(json))
            .build()
        val response = client.send(request, HttpResponse.BodyHandlers.ofString())
        assertEquals(200, response.statusCode(), "$path: ${response.body()}")
        return response.body()
    }

    private fun field(json: String, name: String): String =
        Regex("\"$name\"\\s*:\\s*\"([^\"]*)\"").find(json)?.groupValues?.get(1) ?: error("no $name in $json")

    /** The issuer creates an identity for the passport's holder: its activation code. */
    private fun activationCode(): String = field(
        post(issuer, "/issuer/v1/identities", """{"personalNumber":"$holderPno","givenName":"Åsa Märta","surname":"Öberg"}"""),
        "activationCode",
    )

    /** A started order and when it started (the QR frame's time counts from there). */
    class Order(val ref: String, val qrStartToken: String, val qrStartSecret: String, val autoStartToken: String) {
        val startedAt: Long = System.nanoTime()

        /** The animated QR frame the relying party's page shows now. */
        fun qrFrame(): String {
            val time = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - startedAt).toString()
            val mac = Mac.getInstance("HmacSHA256").apply { init(SecretKeySpec(qrStartSecret.toByteArray(), "HmacSHA256")) }
            val code = mac.doFinal(time.toByteArray()).joinToString("") { "%02x".format(it) }
            return "bankid.$qrStartToken.$time.$code"
        }
    }

    /** The relying party starts an auth order that requires the passport step-up. */
    private fun startMrtdAuth(): Order {
        val body = post(rp, "/rp/v6.0/auth", """{"endUserIp":"192.0.2.10","requirement":{"mrtd":true}}""")
        return Order(field(body, "orderRef"), field(body, "qrStartToken"), field(body, "qrStartSecret"), field(body, "autoStartToken"))
    }

    private fun collect(orderRef: String): String = post(rp, "/rp/v6.0/collect", """{"orderRef":"$orderRef"}""")

    // ---- the app ----

    private fun caCertificate(): ByteArray = Files.readAllBytes(tls.resolve("client-ca.crt"))

    /** A software key store with one device key, in a fresh directory. */
    private suspend fun deviceKeys(alias: String): DeviceKeys {
        val keys = createSoftwareKeyStore(Files.createTempDirectory(dir, "keys").toString(), code, fast)
        keys.generate(alias, KeyPolicy(userPresence = false, securityCode = true), code, null)
        return keys
    }

    /** Every app enrolled here, by identity (a renewal replaces one of the holder's). */
    private val enrolled: MutableMap<String, ServiceClient> = Collections.synchronizedMap(mutableMapOf())

    /** An app enrolled for the holder. */
    private suspend fun enrolledApp(): Pair<ServiceClient, DeviceKeys> {
        val keys = deviceKeys("identity")
        val app = ServiceClient(url, caCertificate())
        val enrolment = app.enrol(activationCode(), keys, "identity", code, null, null)
        enrolled[enrolment.identityId] = app
        return app to keys
    }

    private class Progress : RelayListener {
        val seen: MutableList<RelayProgress> = Collections.synchronizedList(mutableListOf())
        override suspend fun onRelayProgress(progress: RelayProgress) {
            seen.add(progress)
        }
    }

    @Test
    fun `enrol, pick up by QR, relay the passport, approve and the relying party collects mrtd true`() = runBlocking<Unit> {
        val keys = deviceKeys("identity")
        val app = ServiceClient(url, caCertificate())
        assertNull(app.identityId())
        val enrolment = app.enrol(activationCode(), keys, "identity", code, null, null)
        enrolled[enrolment.identityId] = app
        assertEquals(enrolment.identityId, app.identityId())
        // The OCRA secret came back sealed: the device keys open it for offline codes.
        val challenge = "12345678"
        assertEquals(8, keys.offlineCodeResponse("identity", enrolment.sealedOfflineKey, challenge, 1_800_000_000uL, code).length)

        val order = startMrtdAuth()
        val picked = app.pickupQr(order.qrFrame())
        assertTrue(picked.mrtdRequired)
        assertEquals(8, picked.aaChallenge?.size)
        assertEquals(32, picked.challenge.size)

        // Approving before the passport step-up is refused, with the service's code.
        val early = assertThrows<ServiceException.Refused> { app.approve(picked) }
        assertEquals("stepUpRequired", early.errorCode)
        assertTrue(collect(order.ref).contains("\"pending\""))

        // The relay: the service reads the emulated chip itself, through the Kotlin transport.
        val chip = card("se-passport-pace")
        val tag = EmulatorTag(chip)
        val progress = Progress()
        val outcome = app.relayStepUp(picked, chip.mrzKey(), BlockingTagTransport(tag), progress, null)
        assertTrue(outcome.mrtd, "the service's verdict: ${outcome.reason}")
        assertNull(outcome.reason)
        assertTrue(progress.seen.any { it.step == "DG1" }, "progress named DG1: ${progress.seen.map { it.step }}")
        assertEquals(tag.sent.get(), progress.seen.maxOf { it.exchanges }.toInt(), "every command was relayed once")

        assertEquals("complete", app.approve(picked))
        val done = collect(order.ref)
        assertTrue(done.contains("\"status\":\"complete\""), done)
        assertTrue(Regex("\"stepUp\"\\s*:\\s*\\{[^}]*\"mrtd\"\\s*:\\s*true").containsMatchIn(done), done)
        assertTrue(done.contains("\"personalNumber\":\"$holderPno\""), done)
    }

    @Test
    fun `a second pickup of an order is refused with its code`() = runBlocking<Unit> {
        val (app, _) = enrolledApp()
        val order = startMrtdAuth()
        app.pickupAutostart(order.autoStartToken)
        val again = assertThrows<ServiceException.Refused> { app.pickupAutostart(order.autoStartToken) }
        assertEquals("alreadyPickedUp", again.errorCode)
        assertFalse(again.details.contains(holderPno), "no personal data in the error: ${again.details}")
    }

    @Test
    fun `a wrong access key is the service's relayAccessDenied and the order stays pending`() = runBlocking<Unit> {
        val (app, _) = enrolledApp()
        val order = startMrtdAuth()
        val picked = app.pickupQr(order.qrFrame())
        val chip = card("se-passport-pace")
        val wrong = AccessKey.fromMrz("AA0000000", "850314", "300101")
        val refused = assertThrows<ServiceException.Refused> { app.relayStepUp(picked, wrong, chip.asTransport(), null, null) }
        assertEquals("relayAccessDenied", refused.errorCode)
        assertTrue(collect(order.ref).contains("\"pending\""))
    }

    @Test
    fun `a new device renews with the relayed passport and the replaced identity is revoked`() = runBlocking<Unit> {
        enrolledApp()
        val keys = deviceKeys("renewed")
        val app = ServiceClient(url, caCertificate())
        val renewal = app.startRenewal(holderPno, keys, "renewed", code, null)
        assertEquals(8, renewal.aaChallenge.size)
        val chip = card("se-passport-pace")
        val progress = Progress()
        val outcome = app.relayRenewal(renewal, chip.mrzKey(), chip.asTransport(), progress, null)
        assertTrue(outcome.mrtd, "the service's verdict: ${outcome.reason}")
        assertTrue(progress.seen.any { it.step == "DG1" })
        val done = app.completeRenewal(renewal, null)
        assertEquals(done.identityId, app.identityId())
        assertEquals(8, keys.offlineCodeResponse("renewed", done.sealedOfflineKey, "12345678", 1_800_000_000uL, code).length)
        // The new identity picks up orders; the one it replaced (one of the holder's) cannot.
        app.pickupAutostart(startMrtdAuth().autoStartToken)
        val replaced = enrolled[done.replaces] ?: error("the renewal replaced an identity not enrolled here: ${done.replaces}")
        val refused = assertThrows<ServiceException.Refused> { replaced.pickupAutostart(startMrtdAuth().autoStartToken) }
        assertTrue(refused.errorCode in setOf("identityRevoked", "identityUnusable"), refused.errorCode)
    }

    @Test
    fun `a client that has not enrolled says so, and a bad CA is typed`() = runBlocking<Unit> {
        val app = ServiceClient(url, caCertificate())
        assertThrows<ServiceException.NotEnrolled> { app.pickupAutostart("00000000-0000-0000-0000-000000000000") }
        assertThrows<ServiceException.InvalidCertificate> { ServiceClient(url, "not a certificate".toByteArray()) }
        assertThrows<ServiceException.InvalidUrl> { ServiceClient("http://127.0.0.1:1", caCertificate()) }
    }
}
