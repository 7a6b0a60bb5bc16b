package se.tapid

import kotlinx.coroutines.async
import kotlinx.coroutines.cancelAndJoin
import kotlinx.coroutines.launch
import kotlinx.coroutines.runBlocking
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertNotNull
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows
import se.tapid.ffi.CancelHandle
import se.tapid.ffi.ChipStatus
import se.tapid.ffi.PaStatus
import se.tapid.ffi.PassportReader
import se.tapid.ffi.ReadException

/** Cancellation (coroutine and explicit handle) and resuming after a lost tag. */
class CancelResumeTest {
    @Test
    fun `cancelling the coroutine drops the Rust read and no APDU follows`() = runBlocking<Unit> {
        val c = card("pace-gm-bp256-aes128")
        val transport = StallingTransport(c, stopAt = 6)
        PassportReader(c.mrzKey(), pinnedOptions(), testTrust).use { reader ->
            val job = launch { reader.read(transport, null, null) }
            transport.reached.await()
            job.cancelAndJoin()
            // The drop of the exported future waited for the Rust work to be gone.
            val counters = reader.counters()
            assertEquals(1uL, counters.started)
            assertEquals(1uL, counters.droppedUnfinished)
            assertEquals(0uL, counters.completed)
            assertTrue(transport.inFlight!!.isCancelled, "the in-flight transceive was cancelled")
            val sent = transport.calls.get()
            assertEquals(6, sent)
            // Another read on the same runtime runs to its end; the dropped one sent nothing more.
            val other = card("bac")
            PassportSession(other.mrzKey(), pinnedOptions(), testTrust).use { it.read(kotlinTransport(other)) }
            assertEquals(sent, transport.calls.get())
            assertEquals(6uL, reader.counters().apdus)
        }
    }

    @Test
    fun `the cancel handle ends a read with Cancelled and stops the APDUs`() = runBlocking<Unit> {
        val c = card("bac")
        val transport = StallingTransport(c, stopAt = 4)
        val handle = CancelHandle()
        PassportReader(c.mrzKey(), pinnedOptions(), testTrust).use { reader ->
            val read = async { runCatching { reader.read(transport, null, handle) } }
            transport.reached.await()
            handle.cancel()
            val outcome = read.await()
            assertTrue(outcome.exceptionOrNull() is ReadException.Cancelled, "$outcome")
            assertEquals(4, transport.calls.get())
            assertEquals(1uL, reader.counters().completed)
        }
    }

    @Test
    fun `a handle cancelled before the read sends no APDU`() = runBlocking<Unit> {
        val c = card("bac")
        val tag = EmulatorTag(c)
        val handle = CancelHandle().also { it.cancel() }
        PassportReader(c.mrzKey(), pinnedOptions(), testTrust).use { reader ->
            assertThrows<ReadException.Cancelled> { reader.read(BlockingTagTransport(tag), null, handle) }
        }
        assertEquals(0, tag.sent.get())
        assertTrue(handle.isCancelled())
    }

    @Test
    fun `a lost tag resumes on the next tap`() = runBlocking<Unit> {
        val c = card("bac", fault = "tag-lost")
        val session = PassportSession(c.mrzKey(), pinnedOptions(), testTrust)
        val lost = assertThrows<ReadException.TagLost> { session.read(kotlinTransport(c)) }
        assertTrue(lost.resumable)
        assertTrue(lost.filesRead >= 2u, "files read before the loss: ${lost.filesRead}")
        val state = session.resumeState
        assertNotNull(state)
        assertTrue(state!!.files.containsAll(listOf("EF.SOD", "DG1")), "${state.files}")
        // The user taps again: the card is back in the field.
        c.reset()
        val read = session.read(kotlinTransport(c))
        assertEquals(PaStatus.VALID, read.report().passiveAuthentication.status)
        assertEquals(ChipStatus.VALID, read.report().chipAuthenticity.status)
        assertNull(session.resumeState)
        session.close()
    }

    @Test
    fun `a clone put back after the tag was lost is caught on resume`() = runBlocking<Unit> {
        val c = card("pace-ca-aa", fault = "ca-clone-resume")
        PassportSession(c.mrzKey(), pinnedOptions(), testTrust).use { session ->
            assertThrows<ReadException.TagLost> { session.read(kotlinTransport(c)) }
            c.reset()
            val read = session.read(kotlinTransport(c))
            assertEquals(ChipStatus.INVALID, read.report().chipAuthenticity.status)
        }
    }
}
