//! The FFI's own tokio runtime and the bridge from a foreign `await` to work on it.
//!
//! UniFFI polls an exported future from the foreign executor (Kotlin coroutines, Swift
//! concurrency), whose threads are not inside a tokio context; the reader needs tokio's timers.
//! So every exported async function hands its work to one multi-thread runtime owned here
//! ([`run`]) and awaits the task. A plain tokio `JoinHandle` *detaches* its task when dropped
//! (a cancelled Kotlin coroutine would leave the read running until its own timeout), so the
//! handle is wrapped in [`AbortOnDrop`]: dropping the exported future (what Kotlin does when
//! the coroutine is cancelled) aborts the task, raises the work's [`Cancellation`] and waits —
//! bounded by [`DROP_WAIT`] — until the task's future has been dropped. When the drop returns,
//! the work has stopped and no further APDU leaves it.
//!
//! Swift task cancellation does not reach Rust (UniFFI's Swift side awaits without a
//! cancellation handler), so the reader also takes an explicit [`crate::CancelHandle`]; both
//! end in the same [`Cancellation`].

use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex, OnceLock};
use std::task::{Context, Poll};
use std::time::Duration;

/// Longest an exported future's drop waits for its aborted task to be dropped. A task is
/// dropped at its next `.await`; a read awaits the card for every APDU, so this is reached
/// only when CPU work (a PACE or passive-authentication computation) runs longer.
pub const DROP_WAIT: Duration = Duration::from_secs(2);

/// Worker threads of the runtime: the reader is I/O bound (it waits for the card) and phones
/// have few big cores.
const WORKERS: usize = 2;

/// Why the runtime is not available.
#[derive(Debug, Clone, Copy)]
pub struct NoRuntime;

/// The FFI's runtime, built on first use. `None` when the operating system refused to start
/// its threads (reported to the caller as an internal error, never a panic).
pub fn runtime() -> Result<&'static tokio::runtime::Runtime, NoRuntime> {
    static RUNTIME: OnceLock<Option<tokio::runtime::Runtime>> = OnceLock::new();
    RUNTIME
        .get_or_init(|| {
            tokio::runtime::Builder::new_multi_thread()
                .worker_threads(WORKERS)
                .thread_name("tapid-ffi")
                // Timers for the reader's bounds; I/O for the service client's connections.
                .enable_time()
                .enable_io()
                .build()
                .ok()
        })
        .as_ref()
        .ok_or(NoRuntime)
}

/// Whether the work of one call was cancelled, by the caller's [`crate::CancelHandle`] or by
/// the exported future being dropped. The transport adapter takes the lock around the start of
/// every foreign call, and [`Cancellation::cancel`] takes it to raise the flag: once `cancel`
/// has returned no new APDU is handed to the platform.
#[derive(Debug, Default)]
pub struct Cancellation {
    cancelled: Mutex<bool>,
    notify: tokio::sync::Notify,
    raised: AtomicBool,
}

impl Cancellation {
    /// A fresh, not cancelled state.
    pub fn new() -> Arc<Self> {
        Arc::new(Self::default())
    }

    /// Raises the flag and wakes the work waiting for it.
    pub fn cancel(&self) {
        let mut flag = self
            .cancelled
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        *flag = true;
        self.raised.store(true, Ordering::SeqCst);
        drop(flag);
        self.notify.notify_waiters();
        self.notify.notify_one();
    }

    /// Whether the flag is up.
    pub fn is_cancelled(&self) -> bool {
        self.raised.load(Ordering::SeqCst)
    }

    /// Runs `start` unless cancelled, holding the lock, so that a concurrent [`Self::cancel`]
    /// returns either before the check or after `start` finished.
    pub fn unless_cancelled<T>(&self, start: impl FnOnce() -> T) -> Option<T> {
        let flag = self
            .cancelled
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if *flag {
            return None;
        }
        let out = start();
        drop(flag);
        Some(out)
    }

    /// Completes when the flag is raised.
    pub async fn cancelled(&self) {
        loop {
            let notified = self.notify.notified();
            if self.is_cancelled() {
                return;
            }
            notified.await;
        }
    }
}

/// Signals when a task's future has been dropped (completed or aborted).
#[derive(Debug, Default)]
struct Finished {
    done: Mutex<bool>,
    cv: Condvar,
}

impl Finished {
    fn set(&self) {
        let mut done = self
            .done
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        *done = true;
        self.cv.notify_all();
    }

    fn wait(&self, limit: Duration) {
        let done = self
            .done
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let _ = self
            .cv
            .wait_timeout_while(done, limit, |d| !*d)
            .unwrap_or_else(std::sync::PoisonError::into_inner);
    }
}

/// Sets [`Finished`] when the task's future goes away, however that happens.
struct FinishGuard(Arc<Finished>);

impl Drop for FinishGuard {
    fn drop(&mut self) {
        self.0.set();
    }
}

/// The work of a task, then (fields drop in declaration order) the signal that it is gone.
struct Tracked<F> {
    work: Pin<Box<F>>,
    _finished: FinishGuard,
}

impl<F: Future> Future for Tracked<F> {
    type Output = F::Output;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        self.work.as_mut().poll(cx)
    }
}

/// A task on the runtime that is aborted when this handle is dropped before it completed.
pub struct AbortOnDrop<T> {
    handle: Option<tokio::task::JoinHandle<T>>,
    cancellation: Arc<Cancellation>,
    finished: Arc<Finished>,
}

impl<T> Drop for AbortOnDrop<T> {
    fn drop(&mut self) {
        if let Some(handle) = self.handle.take()
            && !handle.is_finished()
        {
            // Abort before raising the cancellation: an idle task is then dropped without
            // another poll (a drop, not an end), and a task being polled right now still sees
            // the cancellation and sends no further APDU.
            handle.abort();
            self.cancellation.cancel();
            // Never wait on a runtime thread: that thread may be the one to drop the task.
            if tokio::runtime::Handle::try_current().is_err() {
                self.finished.wait(DROP_WAIT);
            }
        }
    }
}

impl<T> Future for AbortOnDrop<T> {
    type Output = Result<T, tokio::task::JoinError>;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        match self.handle.as_mut() {
            Some(handle) => {
                let out = Pin::new(&mut *handle).poll(cx);
                if out.is_ready() {
                    self.handle = None;
                }
                out
            }
            // Polled after completion: the contract of `Future` allows anything but UB; the
            // generated bindings never do it.
            None => Poll::Pending,
        }
    }
}

/// Spawns `work` on the runtime and returns a handle that aborts it when dropped; the
/// `cancellation` is raised too, so work still running stops handing out APDUs.
pub fn spawn<T, F>(cancellation: Arc<Cancellation>, work: F) -> Result<AbortOnDrop<T>, NoRuntime>
where
    F: Future<Output = T> + Send + 'static,
    T: Send + 'static,
{
    let finished = Arc::new(Finished::default());
    let handle = runtime()?.spawn(Tracked {
        work: Box::pin(work),
        _finished: FinishGuard(finished.clone()),
    });
    Ok(AbortOnDrop {
        handle: Some(handle),
        cancellation,
        finished,
    })
}

/// Runs blocking work (Argon2id, file I/O of the software key store) off the runtime's
/// workers and the caller's thread, returning its result; `None` if the runtime is gone or the
/// work panicked.
pub async fn blocking<T, F>(work: F) -> Option<T>
where
    F: FnOnce() -> T + Send + 'static,
    T: Send + 'static,
{
    let rt = runtime().ok()?;
    let handle = rt.spawn_blocking(work);
    let cancellation = Cancellation::new();
    let finished = Arc::new(Finished::default());
    finished.set();
    AbortOnDrop {
        handle: Some(handle),
        cancellation,
        finished,
    }
    .await
    .ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dropping_the_handle_drops_the_work_before_returning() {
        struct Flag(Arc<AtomicBool>);
        impl Drop for Flag {
            fn drop(&mut self) {
                self.0.store(true, Ordering::SeqCst);
            }
        }
        let dropped = Arc::new(AtomicBool::new(false));
        let flag = Flag(dropped.clone());
        let cancellation = Cancellation::new();
        let handle = spawn(cancellation.clone(), async move {
            let _flag = flag;
            std::future::pending::<()>().await;
        })
        .unwrap();
        drop(handle);
        assert!(dropped.load(Ordering::SeqCst));
        assert!(cancellation.is_cancelled());
    }

    #[test]
    fn a_completed_task_is_not_cancelled() {
        let cancellation = Cancellation::new();
        let rt = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        let out = rt.block_on(spawn(cancellation.clone(), async { 7 }).unwrap());
        assert_eq!(out.unwrap(), 7);
        assert!(!cancellation.is_cancelled());
    }

    #[test]
    fn unless_cancelled_runs_only_before_cancel() {
        let c = Cancellation::new();
        assert_eq!(c.unless_cancelled(|| 1), Some(1));
        c.cancel();
        assert_eq!(c.unless_cancelled(|| 1), None);
    }
}
