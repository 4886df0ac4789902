//! Mutual exclusion around token refresh.
//!
//! Refresh tokens rotate: two refreshes with the same token race, and the
//! loser may be treated as token theft once the grace window has passed. So
//! every refresh (and every write of a new session) runs under this lock,
//! and the holder re-reads storage before deciding to go to the network.

use std::future::Future;
use std::sync::Arc;

/// An async lock that may be shared beyond this process.
///
/// In the browser it is a Web Lock (`navigator.locks.request`) named per
/// app, so tabs take turns; the closure shape maps onto that API, which
/// holds the lock while a callback's promise is pending.
#[expect(
    async_fn_in_trait,
    reason = "wasm futures are !Send, so callers must not be promised Send futures"
)]
pub trait RefreshLock {
    /// Waits for the lock, runs `critical` while holding it, then releases it.
    async fn with_lock<F: Future>(&self, critical: F) -> F::Output;
}

/// An in-process [`RefreshLock`]. Clones share one lock, so two managers
/// built on clones behave like two tabs of one browser.
#[derive(Debug, Clone, Default)]
pub struct LocalLock {
    inner: Arc<futures::lock::Mutex<()>>,
}

impl LocalLock {
    /// A new, unheld lock.
    pub fn new() -> Self {
        Self::default()
    }
}

impl RefreshLock for LocalLock {
    async fn with_lock<F: Future>(&self, critical: F) -> F::Output {
        let _held = self.inner.lock().await;
        critical.await
    }
}

#[cfg(test)]
mod tests {
    use std::cell::RefCell;
    use std::task::Poll;

    use super::*;

    #[test]
    fn holders_take_turns() {
        let lock = LocalLock::new();
        let log = RefCell::new(Vec::new());
        let worker = |name: &'static str| {
            let (lock, log) = (&lock, &log);
            async move {
                lock.with_lock(async {
                    log.borrow_mut().push((name, "in"));
                    // Give the other future a chance to barge in.
                    let mut yielded = false;
                    futures::future::poll_fn(|cx| {
                        if yielded {
                            Poll::Ready(())
                        } else {
                            yielded = true;
                            cx.waker().wake_by_ref();
                            Poll::Pending
                        }
                    })
                    .await;
                    log.borrow_mut().push((name, "out"));
                })
                .await;
            }
        };
        futures::executor::block_on(futures::future::join(worker("a"), worker("b")));
        assert_eq!(
            log.into_inner(),
            [("a", "in"), ("a", "out"), ("b", "in"), ("b", "out")]
        );
    }
}
