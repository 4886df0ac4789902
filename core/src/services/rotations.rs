//! Group commit of refresh-token rotations.
//!
//! Every refresh that can be decided without reading first (the common
//! case: the current token, a live session, an active user) is one
//! conditional `UPDATE`. A refresh that finds a lane free commits its own
//! at once, in its own task. While the lanes are busy, refreshes queue
//! here, and the next lane to come free takes all that are waiting (up to
//! [`MAX_BATCH`]) into one statement: one round trip and one commit for
//! the lot, durable as each alone would be. A caller is answered only
//! after the statement holding its rotation has committed. Nothing waits
//! on purpose: a batch is simply whatever queued while the lanes worked.
//!
//! SQLite has one writer connection, so one lane; PostgreSQL runs as many
//! batches at a time as the settings' `rotation_lanes` (default 1: with
//! the database on the same two cores, more lanes made smaller batches and
//! slower refreshes; see docs/BENCHMARKS.md).

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock};

use tokio::sync::{mpsc, oneshot, Mutex, Semaphore};

use crate::checkpoint::{Checkpoint, Hold};
use crate::db::sessions::{self as store, QuickRotation, Rotated};
use crate::db::{Db, DbError};

/// The most rotations one statement carries.
pub const MAX_BATCH: usize = 64;

/// Rotations waiting for a lane, beyond which callers wait to queue.
const QUEUE: usize = 1024;

struct Job {
    rotation: QuickRotation,
    answer: oneshot::Sender<Result<Option<Rotated>, DbError>>,
}

/// What the lanes share.
struct Lanes {
    db: Db,
    /// One per lane, held while a batch is taken and committed.
    permits: Semaphore,
    /// Rotations that found every lane busy; only the lane tasks take them.
    queue: Mutex<mpsc::Receiver<Job>>,
    /// Queued rotations not yet taken into a batch.
    waiting: AtomicUsize,
    /// Passed with a lane held and its batch taken: a test holds it to
    /// have the next batch fill up.
    taken: Checkpoint,
    largest: AtomicUsize,
}

impl Lanes {
    async fn taken(&self, size: usize) {
        self.taken.pass().await;
        self.largest.fetch_max(size, Ordering::Relaxed);
        metrics::histogram!("taproom_rotation_batch_size").record(size as f64);
    }
}

/// The queue of rotations and its lanes, started on first use (inside the
/// server's runtime).
pub struct Rotations {
    /// Until the lanes start (see [`Rotations::lanes`]).
    db: Db,
    /// Lanes on PostgreSQL.
    pg_lanes: usize,
    queue: OnceLock<(mpsc::Sender<Job>, Arc<Lanes>)>,
}

impl Rotations {
    pub fn new(db: Db, pg_lanes: usize) -> Rotations {
        Rotations {
            db,
            pg_lanes: pg_lanes.max(1),
            queue: OnceLock::new(),
        }
    }

    /// Rotates if the session is as `rotation` expects; `None` if it is
    /// not (nothing was changed).
    pub async fn rotate(&self, rotation: QuickRotation) -> Result<Option<Rotated>, DbError> {
        let (queue, lanes) = self.lanes();
        // A free lane (so nothing is queued either): commit here, sparing
        // the hand-over to a lane task and back.
        if let Ok(_lane) = lanes.permits.try_acquire() {
            lanes.taken(1).await;
            return rotate_alone(&lanes.db, &rotation).await;
        }
        let (answer, answered) = oneshot::channel();
        lanes.waiting.fetch_add(1, Ordering::AcqRel);
        match queue.send(Job { rotation, answer }).await {
            Ok(()) => answered.await.unwrap_or_else(|_| Err(lane_gone())),
            // The lane tasks are gone (the runtime that ran them ended).
            Err(mpsc::error::SendError(job)) => {
                lanes.waiting.fetch_sub(1, Ordering::AcqRel);
                rotate_alone(&lanes.db, &job.rotation).await
            }
        }
    }

    /// Holds the next batch taken, with its lane, until the hold is
    /// released; meanwhile rotations queue up.
    pub fn hold_next_batch(&self) -> Hold {
        self.lanes().1.taken.hold_next()
    }

    /// Rotations queued and not yet taken into a batch.
    pub fn waiting(&self) -> usize {
        self.lanes().1.waiting.load(Ordering::Acquire)
    }

    /// The most rotations committed together so far.
    pub fn largest_batch(&self) -> usize {
        self.lanes().1.largest.load(Ordering::Relaxed)
    }

    fn lanes(&self) -> &(mpsc::Sender<Job>, Arc<Lanes>) {
        self.queue.get_or_init(|| {
            let (tx, rx) = mpsc::channel(QUEUE);
            let count = if self.db.is_postgres() {
                self.pg_lanes
            } else {
                1
            };
            let lanes = Arc::new(Lanes {
                db: self.db.clone(),
                permits: Semaphore::new(count),
                queue: Mutex::new(rx),
                waiting: AtomicUsize::new(0),
                taken: Checkpoint::default(),
                largest: AtomicUsize::new(0),
            });
            for _ in 0..count {
                tokio::spawn(lane(lanes.clone()));
            }
            (tx, lanes)
        })
    }
}

fn lane_gone() -> DbError {
    DbError::Sqlx(sqlx::Error::WorkerCrashed)
}

/// Waits for a queued rotation and a free lane, takes whatever else is
/// waiting (up to [`MAX_BATCH`]) and commits it as one statement; until
/// the queue is dropped.
async fn lane(lanes: Arc<Lanes>) {
    let mut jobs = Vec::with_capacity(MAX_BATCH);
    loop {
        let permit = {
            let mut queue = lanes.queue.lock().await;
            let Some(first) = queue.recv().await else {
                return;
            };
            let Ok(permit) = lanes.permits.acquire().await else {
                return;
            };
            jobs.push(first);
            while jobs.len() < MAX_BATCH {
                match queue.try_recv() {
                    Ok(job) => jobs.push(job),
                    Err(_) => break,
                }
            }
            lanes.waiting.fetch_sub(jobs.len(), Ordering::AcqRel);
            permit
        };
        lanes.taken(jobs.len()).await;
        commit(&lanes.db, &mut jobs).await;
        drop(permit);
    }
}

/// Runs one batch and answers each caller. If the statement fails, each
/// rotation is tried alone, so one bad row cannot fail the others.
async fn commit(db: &Db, jobs: &mut Vec<Job>) {
    let (batch, answers): (Vec<QuickRotation>, Vec<_>) =
        jobs.drain(..).map(|job| (job.rotation, job.answer)).unzip();
    match store::rotate_many(db, &batch).await {
        Ok(done) => {
            for (rotation, answer) in batch.iter().zip(answers) {
                let _ = answer.send(Ok(took(&done, rotation)));
            }
        }
        Err(_) if batch.len() > 1 => {
            for (rotation, answer) in batch.iter().zip(answers) {
                let _ = answer.send(rotate_alone(db, rotation).await);
            }
        }
        Err(e) => {
            if let Some(answer) = answers.into_iter().next() {
                let _ = answer.send(Err(e));
            }
        }
    }
}

/// One rotation in a statement of its own.
async fn rotate_alone(db: &Db, rotation: &QuickRotation) -> Result<Option<Rotated>, DbError> {
    let done = store::rotate_many(db, std::slice::from_ref(rotation)).await?;
    Ok(took(&done, rotation))
}

/// The row of `rotation`'s session if its own new hash is the one stored:
/// of two rotations of one session in a batch, only one took.
fn took(done: &[Rotated], rotation: &QuickRotation) -> Option<Rotated> {
    done.iter()
        .find(|r| r.id == rotation.id && r.refresh_token_hash == rotation.new_hash)
        .cloned()
}
