//! In-memory rate limits: a GCRA bucket per key for request rates, an
//! exponential lock per key after repeated failures, and a per-key
//! slowdown that delays instead of refusing.
//!
//! Every map is bounded ([`MAX_KEYS`] by default): a flood of random
//! addresses or IPv6 networks cannot grow them without end. When a map is
//! full, keys whose state has lapsed go first; if that is not enough, the
//! tenth of keys that restrict least (a bucket closest to full, a failure
//! count lowest and oldest) is forgotten, so the keys of an attacker who
//! is being held back are the last to go.
//!
//! These maps count for one server instance. The limits the service uses
//! ([`RequestLimit`], [`FailureLimit`], [`SlowdownLimit`]) keep them on
//! SQLite, which serves one instance; on PostgreSQL they count the same
//! way in the database every instance shares (`db::rate_limits`), so that
//! N instances allow what one would, not N times as much.

use std::hash::Hash;
use std::time::Duration;

use dashmap::DashMap;
use sqlx::PgPool;

use crate::config::Rate;
use crate::db::{rate_limits as shared, Db};
use crate::error::{AppError, AppResult};

/// Most keys a map holds by default.
pub const MAX_KEYS: usize = 100_000;

/// A map with at most `cap` keys; `rank` orders values from "forget
/// first" (smallest) to "keep longest".
struct Bounded<K: Hash + Eq, V> {
    map: DashMap<K, V>,
    cap: usize,
}

impl<K: Hash + Eq + Clone, V> Bounded<K, V> {
    fn new(cap: usize) -> Self {
        Bounded {
            map: DashMap::new(),
            cap: cap.max(1),
        }
    }

    /// Makes room for one more key: drops lapsed entries, then, if still
    /// full, the tenth with the lowest rank.
    fn make_room(&self, lapsed: impl Fn(&V) -> bool, rank: impl Fn(&V) -> i64) {
        if self.map.len() < self.cap {
            return;
        }
        self.map.retain(|_, v| !lapsed(v));
        if self.map.len() < self.cap {
            return;
        }
        let mut ranked: Vec<(i64, K)> = self
            .map
            .iter()
            .map(|e| (rank(e.value()), e.key().clone()))
            .collect();
        let evict = (ranked.len() / 10).max(ranked.len() + 1 - self.cap);
        if evict < ranked.len() {
            ranked.select_nth_unstable_by_key(evict, |(r, _)| *r);
        }
        for (_, key) in ranked.into_iter().take(evict) {
            self.map.remove(&key);
        }
    }

    fn len(&self) -> usize {
        self.map.len()
    }
}

fn period_ms(rate: Rate) -> i64 {
    i64::try_from(rate.period.as_millis()).unwrap_or(i64::MAX)
}

/// A bucket's emission interval and burst tolerance, in ms.
fn gcra(rate: Rate) -> (i64, i64) {
    let interval = (period_ms(rate) / i64::from(rate.count)).max(1);
    // Exactly `count` at once; `period - interval` would let the rounding
    // of `interval` slip in an extra one now and then.
    (interval, interval * (i64::from(rate.count) - 1))
}

/// The time from `now` to `until` (zero if passed).
fn wait_until(until: i64, now: i64) -> Duration {
    Duration::from_millis(u64::try_from(until - now).unwrap_or(0))
}

/// How long a refused bucket makes its key wait.
fn bucket_wait(tat: i64, now: i64, tolerance: i64) -> Duration {
    wait_until(tat - tolerance, now)
}

/// A limit's key in the shared tables: its name, then the key.
fn shared_key(limit: &str, key: &str) -> String {
    format!("{limit}:{key}")
}

/// At most `count` events per `period` per key, with bursts up to `count`
/// (generic cell rate algorithm: one timestamp per key).
pub struct RateLimiter {
    rate: Option<Rate>,
    /// Theoretical arrival time per key, Unix ms.
    tat: Bounded<String, i64>,
}

impl RateLimiter {
    /// A limiter; `None` lets everything through.
    pub fn new(rate: Option<Rate>) -> RateLimiter {
        RateLimiter::with_capacity(rate, MAX_KEYS)
    }

    /// A limiter that remembers at most `cap` keys.
    pub fn with_capacity(rate: Option<Rate>, cap: usize) -> RateLimiter {
        RateLimiter {
            rate,
            tat: Bounded::new(cap),
        }
    }

    /// Counts one event for `key`; `Err` holds how long to wait.
    pub fn check(&self, key: &str, now: i64) -> Result<(), Duration> {
        let Some(rate) = self.rate else { return Ok(()) };
        let (interval, tolerance) = gcra(rate);
        if !self.tat.map.contains_key(key) {
            // A key whose bucket is full again restricts nothing; the one
            // furthest ahead restricts most.
            self.tat.make_room(|tat| *tat <= now, |tat| *tat);
        }
        let mut entry = self.tat.map.entry(key.to_owned()).or_insert(now);
        let tat = (*entry).max(now);
        if tat - now > tolerance {
            return Err(bucket_wait(tat, now, tolerance));
        }
        *entry = tat + interval;
        Ok(())
    }

    /// Forgets keys that are back to a full bucket.
    pub fn prune(&self, now: i64) {
        self.tat.map.retain(|_, tat| *tat > now);
    }

    /// How many keys are remembered.
    pub fn len(&self) -> usize {
        self.tat.len()
    }

    /// Whether no key is remembered.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[derive(Clone, Copy)]
struct Failures {
    count: u32,
    window_start: i64,
    locked_until: i64,
}

impl Failures {
    fn lapsed(&self, now: i64, period: i64) -> bool {
        self.locked_until <= now && now - self.window_start > period
    }
}

/// After `count` failures within `period`, each further failure locks the
/// key for twice as long as the one before (from 30 s up to `period`).
pub struct FailureBackoff {
    rate: Option<Rate>,
    state: Bounded<String, Failures>,
}

/// First lock after the allowed failures.
const BASE_LOCK_MS: i64 = 30_000;

/// The lock `count` failures earn: none within the allowance, then 30 s,
/// doubling with each further failure up to the period.
fn lock_ms(count: u32, rate: Rate) -> Option<i64> {
    let doublings = count.checked_sub(rate.count)?.min(20);
    Some(
        BASE_LOCK_MS
            .saturating_mul(1 << doublings)
            .min(period_ms(rate).max(BASE_LOCK_MS)),
    )
}

impl FailureBackoff {
    /// A backoff; `None` never locks.
    pub fn new(rate: Option<Rate>) -> FailureBackoff {
        FailureBackoff::with_capacity(rate, MAX_KEYS)
    }

    /// A backoff that remembers at most `cap` keys.
    pub fn with_capacity(rate: Option<Rate>, cap: usize) -> FailureBackoff {
        FailureBackoff {
            rate,
            state: Bounded::new(cap),
        }
    }

    /// `Err` with the remaining wait while the key is locked.
    pub fn check(&self, key: &str, now: i64) -> Result<(), Duration> {
        match self.state.map.get(key) {
            Some(f) if f.locked_until > now => Err(wait_until(f.locked_until, now)),
            _ => Ok(()),
        }
    }

    /// Records a failure, locking the key once the allowance is used up;
    /// returns how many failures the key has in its window now.
    pub fn failed(&self, key: &str, now: i64) -> u32 {
        let Some(rate) = self.rate else { return 0 };
        let period = period_ms(rate);
        if !self.state.map.contains_key(key) {
            // Locked keys and keys with many failures are kept longest.
            self.state.make_room(
                |f| f.lapsed(now, period),
                |f| f.locked_until.max(f.window_start + period) + i64::from(f.count) * period,
            );
        }
        let mut f = self.state.map.entry(key.to_owned()).or_insert(Failures {
            count: 0,
            window_start: now,
            locked_until: 0,
        });
        if now - f.window_start > period && f.locked_until <= now {
            f.count = 0;
            f.window_start = now;
        }
        f.count += 1;
        if let Some(lock) = lock_ms(f.count, rate) {
            f.locked_until = now + lock;
        }
        f.count
    }

    /// Failures recorded for `key` in its current window.
    pub fn failures(&self, key: &str, now: i64) -> u32 {
        let Some(rate) = self.rate else { return 0 };
        let period = period_ms(rate);
        self.state
            .map
            .get(key)
            .filter(|f| !f.lapsed(now, period))
            .map_or(0, |f| f.count)
    }

    /// Clears a key after a success.
    pub fn succeeded(&self, key: &str) {
        self.state.map.remove(key);
    }

    /// Forgets keys whose window and lock have passed.
    pub fn prune(&self, now: i64) {
        let Some(rate) = self.rate else { return };
        let period = period_ms(rate);
        self.state.map.retain(|_, f| !f.lapsed(now, period));
    }

    /// How many keys are remembered.
    pub fn len(&self) -> usize {
        self.state.len()
    }

    /// Whether no key is remembered.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// A budget of failures per key that, once spent, slows every further
/// attempt on the key instead of refusing it: the `n`-th attempt beyond
/// the budget waits `2^(n-1)` seconds, at most [`MAX_SLOWDOWN`].
///
/// Used per account across all networks: guesses spread over many
/// addresses get slower and slower, while the account's owner, whose own
/// network is not locked, still gets in, only later.
pub struct Slowdown {
    failures: FailureBackoff,
    budget: u32,
}

/// The longest an attempt is held back.
pub const MAX_SLOWDOWN: Duration = Duration::from_secs(8);

/// The delay `failures` earn against a budget of `budget`.
fn slowdown_for(failures: u32, budget: u32) -> Duration {
    match failures.checked_sub(budget) {
        None => Duration::ZERO,
        Some(excess) => Duration::from_secs(1u64 << excess.min(8)).min(MAX_SLOWDOWN),
    }
}

impl Slowdown {
    /// `count` failures per `period` pass without delay; `None` never slows.
    pub fn new(rate: Option<Rate>) -> Slowdown {
        Slowdown::with_capacity(rate, MAX_KEYS)
    }

    /// A slowdown that remembers at most `cap` keys.
    pub fn with_capacity(rate: Option<Rate>, cap: usize) -> Slowdown {
        // The inner backoff never locks: its allowance is out of reach.
        let unlocking = rate.map(|r| Rate {
            count: u32::MAX,
            period: r.period,
        });
        Slowdown {
            failures: FailureBackoff::with_capacity(unlocking, cap),
            budget: rate.map_or(u32::MAX, |r| r.count),
        }
    }

    /// How long an attempt on `key` must wait now.
    pub fn delay(&self, key: &str, now: i64) -> Duration {
        slowdown_for(self.failures.failures(key, now), self.budget)
    }

    /// Records a failed attempt on `key`.
    pub fn failed(&self, key: &str, now: i64) {
        self.failures.failed(key, now);
    }

    /// Forgets keys whose window has passed.
    pub fn prune(&self, now: i64) {
        self.failures.prune(now);
    }

    /// How many keys are remembered.
    pub fn len(&self) -> usize {
        self.failures.len()
    }

    /// Whether no key is remembered.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// Where the limits keep their counts.
#[derive(Clone)]
pub enum LimitStore {
    /// In this process: SQLite (one instance), or PostgreSQL with shared
    /// limits turned off (one instance).
    Local,
    /// In the PostgreSQL database every instance shares.
    Shared(PgPool),
}

impl LimitStore {
    /// The store for `db`: shared on PostgreSQL unless `shared` is false.
    pub fn for_db(db: &Db, shared: bool) -> LimitStore {
        match db {
            Db::Postgres(pool) if shared => LimitStore::Shared(pool.clone()),
            _ => LimitStore::Local,
        }
    }

    /// Deletes the shared counts that restrict nothing any more (local
    /// ones are pruned by each limit).
    pub async fn prune(&self, now: i64) -> AppResult<u64> {
        match self {
            LimitStore::Shared(pool) => Ok(shared::prune(pool, now).await?),
            LimitStore::Local => Ok(0),
        }
    }
}

/// A limit's counts.
enum Counts<T> {
    Local(T),
    Shared(PgPool),
}

impl<T> Counts<T> {
    fn new(store: &LimitStore, local: impl FnOnce() -> T) -> Counts<T> {
        match store {
            LimitStore::Shared(pool) => Counts::Shared(pool.clone()),
            LimitStore::Local => Counts::Local(local()),
        }
    }
}

/// A refusal, counted for the metrics under the limit's name.
fn refused(limit: &'static str, retry_after: Duration) -> AppError {
    metrics::counter!("taproom_rate_limit_refusals_total", "limit" => limit).increment(1);
    AppError::RateLimited { retry_after }
}

/// A request rate per key ([`RateLimiter`]'s rule), for the whole cluster.
pub struct RequestLimit {
    name: &'static str,
    rate: Option<Rate>,
    counts: Counts<RateLimiter>,
}

impl RequestLimit {
    /// A limit named `name` (its key prefix in the shared table and its
    /// label in the metrics); `None` lets everything through.
    pub fn new(name: &'static str, rate: Option<Rate>, store: &LimitStore) -> RequestLimit {
        RequestLimit {
            name,
            rate,
            counts: Counts::new(store, || RateLimiter::new(rate)),
        }
    }

    /// Counts one request for `key`, or refuses it with the wait.
    pub async fn check(&self, key: &str, now: i64) -> AppResult<()> {
        let Some(rate) = self.rate else { return Ok(()) };
        let outcome = match &self.counts {
            Counts::Local(limiter) => limiter.check(key, now),
            Counts::Shared(pool) => {
                let (interval, tolerance) = gcra(rate);
                let key = shared_key(self.name, key);
                shared::take(pool, &key, now, interval, tolerance)
                    .await?
                    .map_err(|tat| bucket_wait(tat, now, tolerance))
            }
        };
        outcome.map_err(|wait| refused(self.name, wait))
    }

    /// Forgets local keys that restrict nothing (shared ones go with
    /// [`LimitStore::prune`]).
    pub fn prune(&self, now: i64) {
        if let Counts::Local(limiter) = &self.counts {
            limiter.prune(now);
        }
    }
}

/// Failures per key and the lock they earn ([`FailureBackoff`]'s rule),
/// for the whole cluster.
pub struct FailureLimit {
    name: &'static str,
    rate: Option<Rate>,
    counts: Counts<FailureBackoff>,
}

impl FailureLimit {
    /// A limit named `name`; `None` never locks.
    pub fn new(name: &'static str, rate: Option<Rate>, store: &LimitStore) -> FailureLimit {
        FailureLimit {
            name,
            rate,
            counts: Counts::new(store, || FailureBackoff::new(rate)),
        }
    }

    /// The wait while `key` is locked.
    async fn lock_left(&self, key: &str, now: i64) -> AppResult<Option<Duration>> {
        if self.rate.is_none() {
            return Ok(None);
        }
        Ok(match &self.counts {
            Counts::Local(backoff) => backoff.check(key, now).err(),
            Counts::Shared(pool) => shared::failures(pool, &shared_key(self.name, key))
                .await?
                .filter(|f| f.locked_until > now)
                .map(|f| wait_until(f.locked_until, now)),
        })
    }

    /// An attempt on `key`: refused while `key` is locked, otherwise
    /// counted as a failure until [`FailureLimit::succeeded`] clears it
    /// (attempts racing each other must not all slip past the lock before
    /// any is counted), locking `key` once the allowance is spent.
    pub async fn attempt(&self, key: &str, now: i64) -> AppResult<()> {
        let Some(rate) = self.rate else { return Ok(()) };
        let outcome = match &self.counts {
            Counts::Local(backoff) => backoff.check(key, now).map(|()| {
                backoff.failed(key, now);
            }),
            Counts::Shared(pool) => {
                let allowed = i32::try_from(rate.count).unwrap_or(i32::MAX);
                shared::attempt(
                    pool,
                    &shared_key(self.name, key),
                    now,
                    period_ms(rate),
                    allowed,
                )
                .await?
                .map_err(|until| wait_until(until, now))
            }
        };
        outcome.map_err(|wait| refused(self.name, wait))
    }

    /// Whether `key` is locked now.
    pub async fn is_locked(&self, key: &str, now: i64) -> AppResult<bool> {
        Ok(self.lock_left(key, now).await?.is_some())
    }

    /// Clears `key` after a success.
    pub async fn succeeded(&self, key: &str) -> AppResult<()> {
        match &self.counts {
            Counts::Local(backoff) => backoff.succeeded(key),
            Counts::Shared(pool) => shared::clear(pool, &shared_key(self.name, key)).await?,
        }
        Ok(())
    }

    /// Forgets local keys whose window and lock have passed.
    pub fn prune(&self, now: i64) {
        if let Counts::Local(backoff) = &self.counts {
            backoff.prune(now);
        }
    }
}

/// Failures per key beyond a budget slow attempts down ([`Slowdown`]'s
/// rule), for the whole cluster.
pub struct SlowdownLimit {
    name: &'static str,
    rate: Option<Rate>,
    counts: Counts<Slowdown>,
}

impl SlowdownLimit {
    /// A slowdown named `name`; `None` never slows.
    pub fn new(name: &'static str, rate: Option<Rate>, store: &LimitStore) -> SlowdownLimit {
        SlowdownLimit {
            name,
            rate,
            counts: Counts::new(store, || Slowdown::new(rate)),
        }
    }

    /// How long an attempt on `key` must wait now.
    pub async fn delay(&self, key: &str, now: i64) -> AppResult<Duration> {
        let Some(rate) = self.rate else {
            return Ok(Duration::ZERO);
        };
        Ok(match &self.counts {
            Counts::Local(slowdown) => slowdown.delay(key, now),
            Counts::Shared(pool) => {
                let period = period_ms(rate);
                let failures = shared::failures(pool, &shared_key(self.name, key))
                    .await?
                    .filter(|f| f.locked_until > now || now - f.window_start <= period)
                    .map_or(0, |f| u32::try_from(f.failures).unwrap_or(0));
                slowdown_for(failures, rate.count)
            }
        })
    }

    /// Records a failed attempt on `key`.
    pub async fn failed(&self, key: &str, now: i64) -> AppResult<()> {
        let Some(rate) = self.rate else { return Ok(()) };
        match &self.counts {
            Counts::Local(slowdown) => slowdown.failed(key, now),
            Counts::Shared(pool) => {
                let key = shared_key(self.name, key);
                shared::fail(pool, &key, now, period_ms(rate)).await?;
            }
        }
        Ok(())
    }

    /// Forgets local keys whose window has passed.
    pub fn prune(&self, now: i64) {
        if let Counts::Local(slowdown) = &self.counts {
            slowdown.prune(now);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rate(count: u32, secs: u64) -> Option<Rate> {
        Some(Rate {
            count,
            period: Duration::from_secs(secs),
        })
    }

    #[test]
    fn a_bucket_allows_its_burst_then_spaces_events() {
        let l = RateLimiter::new(rate(3, 60));
        let t = 1_000_000;
        assert!(l.check("a", t).is_ok());
        assert!(l.check("a", t).is_ok());
        assert!(l.check("a", t).is_ok());
        let wait = l.check("a", t).unwrap_err();
        assert_eq!(wait, Duration::from_secs(20));
        assert!(l.check("b", t).is_ok(), "keys are independent");
        assert!(l.check("a", t + 20_000).is_ok());
        assert!(l.check("a", t + 20_000).is_err());
    }

    #[test]
    fn backoff_doubles_after_the_allowance() {
        let b = FailureBackoff::new(rate(2, 900));
        let t = 5_000_000;
        b.failed("x", t);
        assert!(b.check("x", t).is_ok());
        b.failed("x", t);
        assert_eq!(b.check("x", t).unwrap_err(), Duration::from_secs(30));
        b.failed("x", t + 30_000);
        assert_eq!(
            b.check("x", t + 30_000).unwrap_err(),
            Duration::from_secs(60)
        );
        b.succeeded("x");
        assert!(b.check("x", t + 30_000).is_ok());
    }

    #[test]
    fn a_slowdown_delays_beyond_its_budget_and_never_refuses() {
        let s = Slowdown::new(rate(3, 900));
        let t = 7_000_000;
        for _ in 0..3 {
            assert_eq!(s.delay("acct", t), Duration::ZERO);
            s.failed("acct", t);
        }
        assert_eq!(s.delay("acct", t), Duration::from_secs(1));
        s.failed("acct", t);
        assert_eq!(s.delay("acct", t), Duration::from_secs(2));
        for _ in 0..20 {
            s.failed("acct", t);
        }
        assert_eq!(s.delay("acct", t), MAX_SLOWDOWN);
        assert_eq!(s.delay("other", t), Duration::ZERO);
        // The window passes and the account is back to normal.
        assert_eq!(s.delay("acct", t + 901_000), Duration::ZERO);
    }

    /// A flood of fresh keys: random IPv4 addresses and IPv6 /64 networks,
    /// as an attacker with many addresses would send.
    fn flood_keys(n: u32) -> impl Iterator<Item = String> {
        (0..n).map(|i| {
            let x = i.wrapping_mul(2_654_435_761);
            if i % 2 == 0 {
                std::net::Ipv4Addr::from(x).to_string()
            } else {
                format!("2001:db8:{:x}:{:x}::/64", x >> 16, x & 0xffff)
            }
        })
    }

    #[test]
    fn maps_stay_bounded_under_a_flood_of_addresses() {
        let cap = 1_000;
        let limiter = RateLimiter::with_capacity(rate(30, 60), cap);
        let backoff = FailureBackoff::with_capacity(rate(5, 900), cap);
        let slowdown = Slowdown::with_capacity(rate(10, 900), cap);
        let t = 9_000_000;
        for (i, key) in flood_keys(50_000).enumerate() {
            let now = t + i64::try_from(i).unwrap();
            let _ = limiter.check(&key, now);
            backoff.failed(&format!("victim@bar.test|{key}"), now);
            slowdown.failed(&key, now);
            assert!(limiter.len() <= cap && backoff.len() <= cap && slowdown.len() <= cap);
        }
        assert!(
            limiter.len() > cap / 2,
            "room is made by the tenth, not by emptying"
        );
    }

    #[test]
    fn a_flood_does_not_wash_out_a_locked_key() {
        let cap = 1_000;
        let backoff = FailureBackoff::with_capacity(rate(3, 900), cap);
        let limiter = RateLimiter::with_capacity(rate(3, 60), cap);
        let t = 11_000_000;
        for _ in 0..3 {
            backoff.failed("victim|attacker-net", t);
            let _ = limiter.check("attacker-ip", t);
        }
        assert!(backoff.check("victim|attacker-net", t).is_err());
        assert!(limiter.check("attacker-ip", t).is_err());
        for (i, key) in flood_keys(20_000).enumerate() {
            let now = t + i64::try_from(i % 1000).unwrap();
            backoff.failed(&key, now);
            let _ = limiter.check(&key, now);
        }
        assert!(backoff.check("victim|attacker-net", t + 1_000).is_err());
        assert!(limiter.check("attacker-ip", t + 1_000).is_err());
    }

    mod properties {
        use super::*;
        use proptest::prelude::*;

        proptest! {
            #[test]
            fn admissions_never_outrun_a_burst_plus_the_rate(
                count in 1u32..20,
                period_s in 1u64..120,
                gaps in proptest::collection::vec(0i64..5_000, 1..200),
            ) {
                let period = i64::try_from(period_s * 1000).unwrap();
                let interval = (period / i64::from(count)).max(1);
                let l = RateLimiter::new(Some(Rate { count, period: Duration::from_secs(period_s) }));
                let mut now = 1_000_000i64;
                let mut admitted = Vec::new();
                for gap in gaps {
                    now += gap;
                    if l.check("k", now).is_ok() {
                        admitted.push(now);
                    }
                }
                // Between any two admissions: at most one burst of `count`
                // plus one more per emission interval that passed.
                for i in 0..admitted.len() {
                    for j in i..admitted.len() {
                        let n = i64::try_from(j - i + 1).unwrap();
                        let allowed = i64::from(count) + (admitted[j] - admitted[i]) / interval;
                        prop_assert!(n <= allowed, "{} admitted where {} were allowed", n, allowed);
                    }
                }
            }
        }
    }
}
