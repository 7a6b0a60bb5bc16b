package se.tapid

import kotlinx.coroutines.runBlocking
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import se.tapid.ffi.LogLevel
import se.tapid.ffi.setLogSink
import java.util.concurrent.LinkedBlockingQueue
import java.util.concurrent.TimeUnit

/** The log hook carries events, never personal data. */
class LogTest {
    @Test
    fun `log lines name events and codes but no personal data`() = runBlocking<Unit> {
        val lines = LinkedBlockingQueue<String>()
        installLogger(LogLevel.DEBUG) { level, target, line -> lines.add("$level $target $line") }
        try {
            val c = card("se-passport-pace")
            PassportSession(c.mrzKey(), pinnedOptions(), testTrust).use { it.read(kotlinTransport(c)) }
            val wrong = card("bac", fault = "sm-wrong-mac")
            runCatching { PassportSession(wrong.mrzKey(), pinnedOptions(), testTrust).use { it.read(kotlinTransport(wrong)) } }
            // The log thread delivers asynchronously: wait for the last expected line (bounded).
            val seen = mutableListOf<String>()
            while (seen.none { it.contains("read failed: sm_bad_mac") }) {
                seen.add(lines.poll(20, TimeUnit.SECONDS) ?: break)
            }
            assertTrue(seen.any { it.contains("read completed in") }, "$seen")
            assertTrue(seen.any { it.contains("read failed: sm_bad_mac") }, "$seen")
            val personal = listOf("90000017", "OEBERG", "AASA", "198503142385", "850314", "310302", "L898902C3", "ERIKSSON")
            for (line in seen) {
                for (p in personal) assertFalse(line.contains(p), "personal data in log line: $line")
            }
        } finally {
            setLogSink(null, LogLevel.WARN)
        }
    }
}
