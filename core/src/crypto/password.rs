//! Argon2id password hashing, run on a few dedicated threads with a bounded
//! queue, so a storm of logins waits its turn instead of starving the async
//! runtime.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{mpsc, Arc, Mutex};

use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{Output, ParamsString, PasswordHash, SaltString};
use argon2::{Algorithm, Argon2, Block, Params, Version};
use subtle::ConstantTimeEq;

use crate::checkpoint::{Checkpoint, Hold};

/// OWASP's argon2id parameters: 19 MiB, 2 iterations, 1 lane.
fn argon2() -> Argon2<'static> {
    // These constant parameters are within argon2's limits.
    let params = Params::new(19 * 1024, 2, 1, None).expect("valid argon2 parameters");
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// Hashes a password (blocking; call through [`PasswordHasher`] from async code).
///
/// Like argon2's own `hash_password`, but in this thread's kept working
/// memory: allocating 19 MiB per sign-up left that memory resident for good.
pub fn hash_blocking(password: &str) -> Result<String, argon2::password_hash::Error> {
    let salt = SaltString::generate(&mut OsRng);
    let mut salt_buf = [0u8; 64];
    let salt_bytes = salt.as_salt().decode_b64(&mut salt_buf)?;
    let hasher = argon2();
    let blocks = hasher.params().block_count();
    let output = Output::init_with(Params::DEFAULT_OUTPUT_LEN, |out| {
        with_work_memory(blocks, |memory| {
            hasher.hash_password_into_with_memory(password.as_bytes(), salt_bytes, out, memory)
        })
        .map_err(argon2::password_hash::Error::from)
    })?;
    Ok(PasswordHash {
        algorithm: argon2::ARGON2ID_IDENT,
        version: Some(Version::V0x13.into()),
        params: ParamsString::try_from(hasher.params())?,
        salt: Some(salt.as_salt()),
        hash: Some(output),
    }
    .to_string())
}

/// Runs `work` with at least `blocks` blocks of this thread's argon2 memory.
fn with_work_memory<T>(blocks: usize, work: impl FnOnce(&mut [Block]) -> T) -> T {
    WORK_MEMORY.with(|memory| {
        let mut memory = memory.borrow_mut();
        if memory.len() < blocks {
            memory.resize(blocks, Block::default());
        }
        work(&mut memory[..blocks])
    })
}

/// Verifies a password against a PHC string (blocking).
///
/// Only argon2id hashes are accepted. The 19 MiB of working memory is kept
/// per thread and reused: allocating and faulting it in afresh for every
/// login cost a third of the CPU in system time.
pub fn verify_blocking(phc: &str, password: &str) -> bool {
    let Ok(parsed) = PasswordHash::new(phc) else {
        return false;
    };
    if parsed.algorithm != argon2::ARGON2ID_IDENT {
        return false;
    }
    let (Ok(params), Some(expected), Some(salt)) =
        (Params::try_from(&parsed), parsed.hash, parsed.salt)
    else {
        return false;
    };
    let mut salt_buf = [0u8; 64];
    let Ok(salt) = salt.decode_b64(&mut salt_buf) else {
        return false;
    };
    let version = parsed
        .version
        .and_then(|v| Version::try_from(v).ok())
        .unwrap_or(Version::V0x13);
    let blocks = params.block_count();
    let hasher = Argon2::new(Algorithm::Argon2id, version, params);
    let mut out = vec![0u8; expected.len()];
    let computed = with_work_memory(blocks, |memory| {
        hasher.hash_password_into_with_memory(password.as_bytes(), salt, &mut out, memory)
    });
    computed.is_ok() && bool::from(out.as_slice().ct_eq(expected.as_bytes()))
}

thread_local! {
    /// Argon2 working memory of this (blocking-pool) thread.
    static WORK_MEMORY: std::cell::RefCell<Vec<Block>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// Hashes and verifies on a few dedicated threads, off the async runtime.
///
/// One thread per slot, each keeping its argon2 working memory for good
/// (the blocking pool would keep starting fresh threads, each faulting in
/// 19 MiB anew). A request that is dropped mid-login cannot free a slot
/// while its hash still runs, and at most [`MAX_WAITING_PER_SLOT`] jobs
/// per slot may queue; beyond that the caller is told the server is busy
/// instead of piling up.
#[derive(Clone)]
pub struct PasswordHasher {
    jobs: mpsc::SyncSender<Job>,
    busy: Arc<AtomicUsize>,
    /// Jobs queued and not yet taken by a thread.
    waiting: Arc<AtomicUsize>,
    /// Passed by each job before it runs (see [`PasswordHasher::hold_next`]).
    checkpoint: Arc<Checkpoint>,
    /// Verified against when the e-mail is unknown, so that an unknown
    /// account costs the same time as a wrong password.
    dummy_hash: Arc<str>,
}

type Job = Box<dyn FnOnce() + Send>;

/// How many jobs may wait for each hashing thread.
pub const MAX_WAITING_PER_SLOT: usize = 64;

/// Hashing failed, or too many are waiting.
#[derive(Debug, thiserror::Error)]
pub enum HashError {
    #[error("too many password checks are waiting")]
    Busy,
    #[error("password hashing failed: {0}")]
    Failed(String),
}

impl PasswordHasher {
    /// A hasher with `concurrency` threads. They stop when the last clone
    /// of the hasher is dropped.
    pub fn new(concurrency: usize) -> Result<PasswordHasher, HashError> {
        let dummy = hash_blocking("taproom-dummy-password-for-timing")
            .map_err(|e| HashError::Failed(e.to_string()))?;
        let concurrency = concurrency.max(1);
        let (jobs, queue) = mpsc::sync_channel::<Job>(concurrency * MAX_WAITING_PER_SLOT);
        let queue = Arc::new(Mutex::new(queue));
        let busy = Arc::new(AtomicUsize::new(0));
        let checkpoint = Arc::new(Checkpoint::default());
        for i in 0..concurrency {
            let queue = queue.clone();
            let busy = busy.clone();
            let checkpoint = checkpoint.clone();
            std::thread::Builder::new()
                .name(format!("password-hash-{i}"))
                .spawn(move || loop {
                    // The lock is held only while taking a job off the queue.
                    let job = match queue.lock() {
                        Ok(q) => q.recv(),
                        Err(_) => return,
                    };
                    let Ok(job) = job else { return };
                    checkpoint.pass_blocking();
                    busy.fetch_add(1, Ordering::AcqRel);
                    job();
                    busy.fetch_sub(1, Ordering::AcqRel);
                })
                .map_err(|e| HashError::Failed(e.to_string()))?;
        }
        Ok(PasswordHasher {
            jobs,
            busy,
            waiting: Arc::new(AtomicUsize::new(0)),
            checkpoint,
            dummy_hash: dummy.into(),
        })
    }

    /// Makes the next job a hashing thread takes wait, before it runs,
    /// until the hold is released or dropped.
    ///
    /// A seam for tests that must order a login's password check against
    /// other requests (a password change racing a login, say); nothing in
    /// the server holds it.
    pub fn hold_next(&self) -> Hold {
        self.checkpoint.hold_next()
    }

    /// Runs `work` on a hashing thread and waits for its answer.
    async fn run<T: Send + 'static>(
        &self,
        work: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T, HashError> {
        let (tx, rx) = tokio::sync::oneshot::channel();
        let queued = std::time::Instant::now();
        let waiting = self.waiting.clone();
        waiting.fetch_add(1, Ordering::AcqRel);
        let job: Job = Box::new(move || {
            waiting.fetch_sub(1, Ordering::AcqRel);
            metrics::histogram!("taproom_password_hash_wait_seconds")
                .record(queued.elapsed().as_secs_f64());
            // The caller may have gone; the answer is then simply dropped.
            let _ = tx.send(work());
        });
        self.jobs.try_send(job).map_err(|e| {
            // Refused, the job never runs to count itself out.
            self.waiting.fetch_sub(1, Ordering::AcqRel);
            match e {
                mpsc::TrySendError::Full(_) => HashError::Busy,
                mpsc::TrySendError::Disconnected(_) => {
                    HashError::Failed("the hashing threads stopped".to_owned())
                }
            }
        })?;
        rx.await
            .map_err(|_| HashError::Failed("a hashing thread stopped mid-job".to_owned()))
    }

    /// Hashes a new password.
    pub async fn hash(&self, password: String) -> Result<String, HashError> {
        self.run(move || hash_blocking(&password))
            .await?
            .map_err(|e| HashError::Failed(e.to_string()))
    }

    /// Verifies a password; with `None` (unknown account) it verifies
    /// against a dummy hash and answers false, taking the same time.
    pub async fn verify(&self, phc: Option<String>, password: String) -> Result<bool, HashError> {
        let dummy = self.dummy_hash.clone();
        self.run(move || match phc {
            Some(phc) => verify_blocking(&phc, &password),
            None => {
                verify_blocking(&dummy, &password);
                false
            }
        })
        .await
    }

    /// Hashing threads at work right now.
    pub fn busy_threads(&self) -> usize {
        self.busy.load(Ordering::Acquire)
    }

    /// Jobs waiting for a hashing thread right now.
    pub fn waiting(&self) -> usize {
        self.waiting.load(Ordering::Acquire)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_are_argon2id_with_owasp_parameters_and_verify() {
        let phc = hash_blocking("correct horse").unwrap();
        assert!(phc.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{phc}");
        assert!(verify_blocking(&phc, "correct horse"));
        assert!(!verify_blocking(&phc, "wrong horse"));
        assert!(!verify_blocking("not a hash", "correct horse"));
        // Verifying twice on one thread reuses the memory and still works.
        assert!(verify_blocking(&phc, "correct horse"));
        // The reference implementation reads our hashes, and we read its.
        use argon2::password_hash::{PasswordHasher as _, PasswordVerifier as _};
        let parsed = PasswordHash::new(&phc).unwrap();
        assert!(argon2().verify_password(b"correct horse", &parsed).is_ok());
        assert!(argon2().verify_password(b"wrong horse", &parsed).is_err());
        let theirs = argon2()
            .hash_password(b"battery staple", &SaltString::generate(&mut OsRng))
            .unwrap()
            .to_string();
        assert!(verify_blocking(&theirs, "battery staple"));
        // A fresh salt every time.
        assert_ne!(hash_blocking("correct horse").unwrap(), phc);
        let argon2i =
            "$argon2i$v=19$m=19456,t=2,p=1$c29tZXNhbHQ$iWh06vD8Fy27wf9npn6FXWiCX4K6pW6Ue1Bnzz07Z8A";
        assert!(
            !verify_blocking(argon2i, "password"),
            "only argon2id is accepted"
        );
    }

    #[tokio::test]
    async fn a_dropped_caller_keeps_its_thread_until_the_hash_is_done() {
        let hasher = PasswordHasher::new(1).unwrap();
        let task = tokio::spawn({
            let hasher = hasher.clone();
            async move { hasher.verify(None, "guess".to_owned()).await }
        });
        while hasher.busy_threads() == 0 {
            tokio::task::yield_now().await;
        }
        // The client hangs up: the request future is dropped mid-hash.
        task.abort();
        let _ = task.await;
        assert_eq!(
            hasher.busy_threads(),
            1,
            "the running hash still holds its thread"
        );
        // The queue is not jumped either: the next job waits for it.
        assert!(!hasher.verify(None, "next".to_owned()).await.unwrap());
    }

    #[tokio::test]
    async fn jobs_beyond_the_queue_limit_are_told_the_server_is_busy() {
        let hasher = PasswordHasher::new(1).unwrap();
        // Hold the only thread until released.
        let (release, hold) = std::sync::mpsc::channel::<()>();
        let blocker = tokio::spawn({
            let hasher = hasher.clone();
            async move { hasher.run(move || hold.recv().is_ok()).await }
        });
        while hasher.busy_threads() == 0 {
            tokio::task::yield_now().await;
        }
        let queued: Vec<_> = (0..MAX_WAITING_PER_SLOT)
            .map(|_| {
                let hasher = hasher.clone();
                tokio::spawn(async move { hasher.verify(None, "x".to_owned()).await })
            })
            .collect();
        // Every queued job has been handed to the queue once its task ran.
        for _ in 0..1000 {
            tokio::task::yield_now().await;
        }
        assert!(matches!(
            hasher.verify(None, "x".to_owned()).await,
            Err(HashError::Busy)
        ));
        release.send(()).unwrap();
        assert!(blocker.await.unwrap().unwrap());
        for q in queued {
            assert!(!q.await.unwrap().unwrap());
        }
    }
}
