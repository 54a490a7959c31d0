//! One recursive resolver: its rate limiter and its cache of each DNS name.
//!
//! Owns: the token bucket that caps the queries it answers (a burst of [`RESOLVER_BURST_S`] of
//! its capacity) and, per name, what it has cached: a positive answer (until when, naming which
//! region, arriving from upstream when), a negative one, and whether an expired answer is kept
//! for serve-stale (RFC 8767). A query comes in with `now`; the verdicts are "admitted or
//! dropped" and "answered from the cache, or ask upstream".
//!
//! Must not: schedule events, count series, draw randomness, or read another model (the zone's
//! answer and the faults in force are handed in by the engine).

use crate::time::SimTime;

/// Burst the resolver's rate limiter allows, as seconds of its capacity.
pub const RESOLVER_BURST_S: f64 = 0.1;

/// What a resolver has cached of one name.
#[derive(Clone, Copy, Debug)]
struct NameCache {
    positive_until: SimTime,
    negative_until: SimTime,
    /// When the answer now cached arrives from upstream: queries for it wait until then.
    fetched_at: SimTime,
    has_stale: bool,
    /// Region the cached answer names.
    region: u8,
}

/// What the cache answers a query with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Cached {
    /// Records naming `region`, given at `ready` with `ttl` left.
    Records {
        /// When the answer reaches the client.
        ready: SimTime,
        /// What is left of the record's TTL when it was sent.
        ttl: SimTime,
        /// The region the answer names.
        region: u8,
    },
    /// A cached empty answer (NODATA), given at `ready`.
    Empty {
        /// When the answer reaches the client.
        ready: SimTime,
    },
    /// Nothing cached: the zone must be asked.
    Miss,
}

/// The state of one recursive resolver.
#[derive(Clone, Debug)]
pub struct Resolver {
    tokens: f64,
    tokens_max: f64,
    refilled_at: SimTime,
    capacity_qps: f64,
    /// Per DNS name (`Scenario::names`): what the resolver has cached.
    names: Vec<NameCache>,
}

impl Resolver {
    /// A resolver answering `capacity_qps` queries per second, with a full bucket and no name
    /// cached yet ([`Resolver::add_name`] adds them in `Scenario::names` order).
    pub fn new(capacity_qps: f64) -> Resolver {
        let tokens_max = (capacity_qps * RESOLVER_BURST_S).max(1.0);
        Resolver {
            tokens: tokens_max,
            tokens_max,
            refilled_at: SimTime::ZERO,
            capacity_qps,
            names: Vec::new(),
        }
    }

    /// The next name's cache at t = 0: a positive answer until `positive_until` (naming the
    /// primary), with a stale copy to serve once it expires when `has_stale`.
    pub fn add_name(&mut self, positive_until: SimTime, has_stale: bool) {
        self.names.push(NameCache {
            positive_until,
            negative_until: SimTime::ZERO,
            fetched_at: SimTime::ZERO,
            has_stale,
            region: 0,
        });
    }

    /// Whether the rate limiter admits a query at `now` (which takes a token); false = dropped.
    #[inline]
    pub fn admit(&mut self, now: SimTime) -> bool {
        let elapsed_s = now.since(self.refilled_at).as_s();
        self.refilled_at = now;
        self.tokens = (self.tokens + elapsed_s * self.capacity_qps).min(self.tokens_max);
        if self.tokens < 1.0 {
            return false;
        }
        self.tokens -= 1.0;
        true
    }

    /// What the cache answers a query for `name` received at `now`, answered `latency` (plus
    /// `extra` from faults) later; a cached answer still on its way from upstream is given when
    /// it arrives.
    #[inline]
    pub fn cached(&self, name: usize, now: SimTime, latency: SimTime, extra: SimTime) -> Cached {
        let cache = &self.names[name];
        let ready = now.after(latency).after(extra).max(cache.fetched_at);
        if cache.positive_until > now {
            let ttl = cache.positive_until.since(ready.since(latency));
            return Cached::Records {
                ready,
                ttl,
                region: cache.region,
            };
        }
        if cache.negative_until > now {
            return Cached::Empty { ready };
        }
        Cached::Miss
    }

    /// The region of the expired answer it keeps for `name`, if it keeps one to serve stale.
    #[inline]
    pub fn stale_region(&self, name: usize) -> Option<u8> {
        let cache = &self.names[name];
        cache.has_stale.then_some(cache.region)
    }

    /// The zone's records for `name`, naming `region`, arrive at `fetched_at` and are cached
    /// for `ttl`.
    #[inline]
    pub fn store_records(&mut self, name: usize, fetched_at: SimTime, ttl: SimTime, region: u8) {
        let cache = &mut self.names[name];
        cache.positive_until = fetched_at.after(ttl);
        cache.fetched_at = fetched_at;
        cache.has_stale = true;
        cache.region = region;
    }

    /// The zone's empty answer for `name` arrives at `fetched_at` and is cached for
    /// `negative_ttl`.
    pub fn store_empty(&mut self, name: usize, fetched_at: SimTime, negative_ttl: SimTime) {
        let cache = &mut self.names[name];
        cache.negative_until = fetched_at.after(negative_ttl);
        cache.fetched_at = fetched_at;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bucket_holds_a_tenth_of_a_second_of_capacity() {
        // 100 queries/s: a burst of 10, then one more every 10 ms.
        let mut resolver = Resolver::new(100.0);
        let admitted = (0..20).filter(|_| resolver.admit(SimTime::ZERO)).count();
        assert_eq!(admitted, 10);
        assert!(!resolver.admit(SimTime::from_ms(5.0)));
        assert!(resolver.admit(SimTime::from_ms(10.0)));
    }

    #[test]
    fn a_cached_answer_keeps_what_is_left_of_its_ttl() {
        let mut resolver = Resolver::new(1000.0);
        resolver.add_name(SimTime::ZERO, false);
        let now = SimTime::from_s(1.0);
        let ms = SimTime::from_ms;
        assert_eq!(
            resolver.cached(0, now, ms(2.0), SimTime::ZERO),
            Cached::Miss
        );
        assert_eq!(resolver.stale_region(0), None);
        // Fetched from upstream, arriving at 1.05 s, cached for 60 s, naming region 1.
        resolver.store_records(0, SimTime::from_s(1.05), SimTime::from_s(60.0), 1);
        // Asked at 1 s (before it arrived): given when it arrives, with all of its TTL.
        assert_eq!(
            resolver.cached(0, now, ms(2.0), SimTime::ZERO),
            Cached::Records {
                ready: SimTime::from_s(1.05),
                ttl: SimTime::from_s(60.0).after(ms(2.0)),
                region: 1
            }
        );
        // Asked 10 s later: 51.05 s left when sent, arriving 2 ms later.
        let later = SimTime::from_s(11.05);
        assert_eq!(
            resolver.cached(0, later, ms(2.0), SimTime::ZERO),
            Cached::Records {
                ready: later.after(ms(2.0)),
                ttl: SimTime::from_s(50.0),
                region: 1
            }
        );
        assert_eq!(resolver.stale_region(0), Some(1));
    }
}
