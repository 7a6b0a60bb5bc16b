//! Driving the reader's futures without a runtime: the emulated chip and a replayed transcript
//! answer at once, so every await is ready when first polled. A future that is still pending
//! after [`MAX_POLLS`] polls waits for something no target provides: a hang, reported as such.

use std::future::Future;
use std::task::{Context, Poll, Waker};

/// Polls after which a future counts as hung.
const MAX_POLLS: usize = 1 << 16;

/// Runs `fut` to completion, or `None` when it does not complete within [`MAX_POLLS`] polls.
pub fn block_on<F: Future>(fut: F) -> Option<F::Output> {
    let mut fut = std::pin::pin!(fut);
    let mut cx = Context::from_waker(Waker::noop());
    for _ in 0..MAX_POLLS {
        if let Poll::Ready(out) = fut.as_mut().poll(&mut cx) {
            return Some(out);
        }
    }
    None
}
