//! In-memory rate limits: a GCRA bucket per key for request rates, and an
//! exponential backoff per account after repeated failed logins.
//!
//! Limits are per server instance; with several instances behind a load
//! balancer each enforces its own share.

use std::time::Duration;

use dashmap::DashMap;

use crate::config::Rate;

/// At most `count` events per `period` per key, with bursts up to `count`
/// (generic cell rate algorithm: one timestamp per key).
pub struct RateLimiter {
    rate: Option<Rate>,
    /// Theoretical arrival time per key, Unix ms.
    tat: DashMap<String, i64>,
}

impl RateLimiter {
    /// A limiter; `None` lets everything through.
    pub fn new(rate: Option<Rate>) -> RateLimiter {
        RateLimiter {
            rate,
            tat: DashMap::new(),
        }
    }

    /// Counts one event for `key`; `Err` holds how long to wait.
    pub fn check(&self, key: &str, now: i64) -> Result<(), Duration> {
        let Some(rate) = self.rate else { return Ok(()) };
        let period = i64::try_from(rate.period.as_millis()).unwrap_or(i64::MAX);
        let interval = (period / i64::from(rate.count)).max(1);
        // Exactly `count` at once; `period - interval` would let the
        // rounding of `interval` slip in an extra one now and then.
        let tolerance = interval * (i64::from(rate.count) - 1);
        let mut entry = self.tat.entry(key.to_owned()).or_insert(now);
        let tat = (*entry).max(now);
        if tat - now > tolerance {
            let wait = tat - now - tolerance;
            return Err(Duration::from_millis(u64::try_from(wait).unwrap_or(0)));
        }
        *entry = tat + interval;
        Ok(())
    }

    /// Forgets keys that are back to a full bucket.
    pub fn prune(&self, now: i64) {
        self.tat.retain(|_, tat| *tat > now);
    }
}

struct Failures {
    count: u32,
    window_start: i64,
    locked_until: i64,
}

/// After `count` failures within `period`, each further failure locks the
/// key for twice as long as the one before (from 30 s up to `period`).
pub struct FailureBackoff {
    rate: Option<Rate>,
    state: DashMap<String, Failures>,
}

/// First lock after the allowed failures.
const BASE_LOCK_MS: i64 = 30_000;

impl FailureBackoff {
    /// A backoff; `None` never locks.
    pub fn new(rate: Option<Rate>) -> FailureBackoff {
        FailureBackoff {
            rate,
            state: DashMap::new(),
        }
    }

    /// `Err` with the remaining wait while the key is locked.
    pub fn check(&self, key: &str, now: i64) -> Result<(), Duration> {
        match self.state.get(key) {
            Some(f) if f.locked_until > now => Err(Duration::from_millis(
                u64::try_from(f.locked_until - now).unwrap_or(0),
            )),
            _ => Ok(()),
        }
    }

    /// Records a failure, locking the key once the allowance is used up.
    pub fn failed(&self, key: &str, now: i64) {
        let Some(rate) = self.rate else { return };
        let period = i64::try_from(rate.period.as_millis()).unwrap_or(i64::MAX);
        let mut f = self.state.entry(key.to_owned()).or_insert(Failures {
            count: 0,
            window_start: now,
            locked_until: 0,
        });
        if now - f.window_start > period && f.locked_until <= now {
            f.count = 0;
            f.window_start = now;
        }
        f.count += 1;
        if f.count >= rate.count {
            let doublings = (f.count - rate.count).min(20);
            let lock = BASE_LOCK_MS
                .saturating_mul(1 << doublings)
                .min(period.max(BASE_LOCK_MS));
            f.locked_until = now + lock;
        }
    }

    /// Clears a key after a success.
    pub fn succeeded(&self, key: &str) {
        self.state.remove(key);
    }

    /// Forgets keys whose window and lock have passed.
    pub fn prune(&self, now: i64) {
        let Some(rate) = self.rate else { return };
        let period = i64::try_from(rate.period.as_millis()).unwrap_or(i64::MAX);
        self.state
            .retain(|_, f| f.locked_until > now || now - f.window_start <= period);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bucket_allows_its_burst_then_spaces_events() {
        let l = RateLimiter::new(Some(Rate {
            count: 3,
            period: Duration::from_secs(60),
        }));
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
        let b = FailureBackoff::new(Some(Rate {
            count: 2,
            period: Duration::from_secs(900),
        }));
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
