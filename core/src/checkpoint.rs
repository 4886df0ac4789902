//! Checkpoints: named places in a request's work where a test can hold the
//! next request that passes, do something else meanwhile, and let it go.
//!
//! Races that decide security (a login against a password change, a
//! session read against a lost revocation notice) are tested by putting
//! the steps in the losing order on purpose, not by hoping a scheduler
//! does. Passing a checkpoint nobody holds costs one atomic load.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, PoisonError};

use tokio::sync::oneshot;

/// One place where work can be held.
#[derive(Default)]
pub struct Checkpoint {
    armed: AtomicBool,
    slot: Mutex<Option<Slot>>,
}

struct Slot {
    taken: oneshot::Sender<()>,
    release: oneshot::Receiver<()>,
}

/// A hold on the next pass of a [`Checkpoint`]. Dropping it releases.
pub struct Hold {
    taken: Option<oneshot::Receiver<()>>,
    release: Option<oneshot::Sender<()>>,
}

impl Hold {
    /// Resolves once some work has reached the checkpoint and waits there.
    pub async fn reached(&mut self) {
        if let Some(taken) = self.taken.take() {
            let _ = taken.await;
        }
    }

    /// Lets the held work go on.
    pub fn release(mut self) {
        if let Some(release) = self.release.take() {
            let _ = release.send(());
        }
    }
}

impl Checkpoint {
    /// Holds the next work that passes this checkpoint (replacing an
    /// earlier hold that nothing reached yet).
    pub fn hold_next(&self) -> Hold {
        let (taken_tx, taken_rx) = oneshot::channel();
        let (release_tx, release_rx) = oneshot::channel();
        *self.slot.lock().unwrap_or_else(PoisonError::into_inner) = Some(Slot {
            taken: taken_tx,
            release: release_rx,
        });
        self.armed.store(true, Ordering::Release);
        Hold {
            taken: Some(taken_rx),
            release: Some(release_tx),
        }
    }

    fn take(&self) -> Option<Slot> {
        if !self.armed.load(Ordering::Acquire) {
            return None;
        }
        let slot = self
            .slot
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take();
        self.armed.store(false, Ordering::Release);
        slot
    }

    /// Passes the checkpoint from async code, waiting while held.
    pub async fn pass(&self) {
        if let Some(slot) = self.take() {
            let _ = slot.taken.send(());
            let _ = slot.release.await;
        }
    }

    /// Passes the checkpoint from a plain thread, waiting while held.
    pub fn pass_blocking(&self) {
        if let Some(slot) = self.take() {
            let _ = slot.taken.send(());
            let _ = slot.release.blocking_recv();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;
    use std::time::Duration;

    #[tokio::test]
    async fn the_next_pass_waits_until_released_and_later_ones_do_not() {
        let point = Arc::new(Checkpoint::default());
        point.pass().await; // nobody holds it
        let mut hold = point.hold_next();
        let p = point.clone();
        let held = tokio::spawn(async move { p.pass().await });
        hold.reached().await;
        tokio::time::sleep(Duration::from_millis(20)).await;
        assert!(!held.is_finished(), "the pass went through a hold");
        hold.release();
        held.await.unwrap();
        point.pass().await;
    }

    #[test]
    fn a_dropped_hold_releases() {
        let point = Arc::new(Checkpoint::default());
        let hold = point.hold_next();
        let p = point.clone();
        let thread = std::thread::spawn(move || p.pass_blocking());
        drop(hold);
        thread.join().unwrap();
    }
}
