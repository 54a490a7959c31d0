//! Per-client circuit breakers around each attempt (DNS lookup plus call), after resilience4j's
//! `CircuitBreakerStateMachine` (docs/sources.md A7).
//!
//! Owns: every client's breaker state and its transitions, and the time-weighted share of clients
//! in each state per metric bucket.
//! * Closed: every attempt passes and its result is recorded. It opens when the failure ratio of
//!   the window reaches the threshold once at least `minimum_calls` results are in the window
//!   (a count window uses min(minimum_calls, window size), as resilience4j does), or after
//!   `consecutive_failures` failures in a row for that kind.
//! * Open: attempts are refused without being sent. The first attempt at least `open` after
//!   opening moves it to half-open (resilience4j's default: no automatic transition, so a client
//!   that sends nothing stays open in the state series).
//! * Half-open: `half_open_calls` probes pass, the rest are refused; once every probe has ended,
//!   their failure ratio re-opens (≥ threshold) or closes it. Closing starts with empty statistics.
//!
//! Results of attempts started in an earlier state are ignored (each transition bumps an epoch).
//! Only the transitions closed→open, open→half-open, half-open→closed and half-open→open exist;
//! [`Breakers`] asserts it.
//! Must not: iterate over clients per event; updates are O(1) (the time window amortised O(1)).

use super::window::{Window, slice_width};
use crate::scenario::Breaker;
use crate::scenario::raw::BreakerKind;
use crate::time::SimTime;

/// State of one breaker.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BreakerState {
    /// Attempts pass.
    Closed,
    /// Attempts are refused.
    Open,
    /// A few probes pass.
    HalfOpen,
}

#[derive(Clone, Copy, Debug)]
struct ClientBreaker {
    state: BreakerState,
    /// Bumped on every transition; attempts carry the epoch they started in.
    epoch: u32,
    open_until: SimTime,
    consecutive_failures: u32,
    probes_started: u32,
    probes_ended: u32,
    probe_failures: u32,
    /// Count window ring: index of the oldest result, results held, failures among them.
    ring_head: u32,
    ring_len: u32,
    ring_failures: u32,
}

/// The breakers of all clients.
#[derive(Clone, Debug)]
pub struct Breakers {
    config: Breaker,
    clients: Vec<ClientBreaker>,
    /// Count windows, `ring_words` 64-bit words per client; bit set = failure.
    ring: Vec<u64>,
    ring_words: usize,
    /// Time windows of (calls, failures) per client.
    windows: Vec<Window>,
    width: SimTime,
    /// Clients open and half-open right now.
    open: u64,
    half_open: u64,
    /// Client-microseconds spent open / half-open per metric bucket, up to `integrated_to`.
    open_us: Vec<f64>,
    half_open_us: Vec<f64>,
    integrated_to: SimTime,
    bucket: SimTime,
}

impl Breakers {
    /// Closed breakers for `clients` clients; the state shares are kept per `bucket`.
    pub fn new(config: Breaker, clients: usize, bucket: SimTime, buckets: usize) -> Breakers {
        let closed = ClientBreaker {
            state: BreakerState::Closed,
            epoch: 0,
            open_until: SimTime::ZERO,
            consecutive_failures: 0,
            probes_started: 0,
            probes_ended: 0,
            probe_failures: 0,
            ring_head: 0,
            ring_len: 0,
            ring_failures: 0,
        };
        let ring_words = if config.kind == BreakerKind::CountWindow {
            (config.window_calls as usize).div_ceil(64)
        } else {
            0
        };
        let windows = if config.kind == BreakerKind::TimeWindow {
            vec![Window::default(); clients]
        } else {
            Vec::new()
        };
        Breakers {
            config,
            clients: vec![closed; clients],
            ring: vec![0; ring_words * clients],
            ring_words,
            windows,
            width: slice_width(config.window),
            open: 0,
            half_open: 0,
            open_us: vec![0.0; buckets],
            half_open_us: vec![0.0; buckets],
            integrated_to: SimTime::ZERO,
            bucket,
        }
    }

    /// State of a client's breaker.
    pub fn state(&self, client: usize) -> BreakerState {
        self.clients[client].state
    }

    /// Asks to send an attempt. `Some(epoch)`: it may go, and its result must be recorded with
    /// that epoch. `None`: refused (open, or half-open with every probe out).
    pub fn admit(&mut self, client: usize, now: SimTime) -> Option<u32> {
        let c = self.clients[client];
        if c.state == BreakerState::Open {
            if now < c.open_until {
                return None;
            }
            self.transition(client, BreakerState::HalfOpen, now);
        }
        let c = &mut self.clients[client];
        if c.state == BreakerState::HalfOpen {
            if c.probes_started >= self.config.half_open_calls {
                return None;
            }
            c.probes_started += 1;
        }
        Some(c.epoch)
    }

    /// Records the result of an attempt admitted in `epoch`.
    pub fn record(&mut self, client: usize, now: SimTime, epoch: u32, failure: bool) {
        let c = self.clients[client];
        if c.epoch != epoch {
            return;
        }
        match c.state {
            BreakerState::Closed => {
                if self.record_closed(client, now, failure) {
                    self.transition(client, BreakerState::Open, now);
                }
            }
            BreakerState::HalfOpen => {
                let c = &mut self.clients[client];
                c.probes_ended += 1;
                c.probe_failures += u32::from(failure);
                assert!(c.probes_ended <= c.probes_started, "a probe ends once");
                if c.probes_ended >= self.config.half_open_calls {
                    let ratio = f64::from(c.probe_failures) / f64::from(c.probes_ended);
                    let to = if ratio >= self.config.failure_ratio_threshold {
                        BreakerState::Open
                    } else {
                        BreakerState::Closed
                    };
                    self.transition(client, to, now);
                }
            }
            BreakerState::Open => unreachable!("no attempt is admitted in an open epoch"),
        }
    }

    /// Adds a result to a closed breaker's statistics; true when it must open.
    fn record_closed(&mut self, client: usize, now: SimTime, failure: bool) -> bool {
        let cfg = self.config;
        let trips = |calls: u32, failures: u32, minimum: u32| {
            calls >= minimum.max(1)
                && f64::from(failures) >= cfg.failure_ratio_threshold * f64::from(calls)
        };
        match cfg.kind {
            BreakerKind::ConsecutiveFailures => {
                let c = &mut self.clients[client];
                c.consecutive_failures = if failure {
                    c.consecutive_failures + 1
                } else {
                    0
                };
                c.consecutive_failures >= cfg.consecutive_failures
            }
            BreakerKind::CountWindow => {
                let size = cfg.window_calls;
                let words = &mut self.ring[client * self.ring_words..][..self.ring_words];
                let c = &mut self.clients[client];
                let slot = if c.ring_len == size {
                    let oldest = c.ring_head;
                    c.ring_failures -= u32::from(bit(words, oldest));
                    c.ring_head = (c.ring_head + 1) % size;
                    oldest
                } else {
                    c.ring_len += 1;
                    (c.ring_head + c.ring_len - 1) % size
                };
                set_bit(words, slot, failure);
                c.ring_failures += u32::from(failure);
                trips(c.ring_len, c.ring_failures, cfg.minimum_calls.min(size))
            }
            BreakerKind::TimeWindow => {
                let w = &mut self.windows[client];
                w.advance(now, self.width);
                w.add(1, u32::from(failure));
                trips(w.sum_a(), w.sum_b(), cfg.minimum_calls)
            }
            BreakerKind::None => false,
        }
    }

    fn transition(&mut self, client: usize, to: BreakerState, now: SimTime) {
        use BreakerState::{Closed, HalfOpen, Open};
        let from = self.clients[client].state;
        assert!(
            matches!(
                (from, to),
                (Closed, Open) | (Open, HalfOpen) | (HalfOpen, Closed) | (HalfOpen, Open)
            ),
            "illegal breaker transition {from:?} → {to:?}"
        );
        self.integrate_to(now);
        for (state, delta) in [(from, -1_i64), (to, 1)] {
            match state {
                Open => self.open = self.open.wrapping_add_signed(delta),
                HalfOpen => self.half_open = self.half_open.wrapping_add_signed(delta),
                Closed => {}
            }
        }
        let c = &mut self.clients[client];
        c.state = to;
        c.epoch = c.epoch.wrapping_add(1);
        match to {
            Open => c.open_until = now.after(self.config.open),
            HalfOpen => {
                c.probes_started = 0;
                c.probes_ended = 0;
                c.probe_failures = 0;
            }
            Closed => {
                c.consecutive_failures = 0;
                c.ring_head = 0;
                c.ring_len = 0;
                c.ring_failures = 0;
                if let Some(w) = self.windows.get_mut(client) {
                    w.clear();
                }
            }
        }
    }

    /// Adds the open and half-open client-time from the last change up to `now`.
    fn integrate_to(&mut self, now: SimTime) {
        integrate(
            &mut self.open_us,
            &mut self.half_open_us,
            (self.open, self.half_open),
            self.integrated_to,
            now,
            self.bucket,
        );
        self.integrated_to = self.integrated_to.max(now);
    }

    /// Time-weighted fraction of clients open and half-open in each bucket, up to `now` (closed
    /// is the rest).
    pub fn state_fractions(&self, now: SimTime, clients: u64) -> (Vec<f64>, Vec<f64>) {
        let (mut open, mut half_open) = (self.open_us.clone(), self.half_open_us.clone());
        integrate(
            &mut open,
            &mut half_open,
            (self.open, self.half_open),
            self.integrated_to,
            now,
            self.bucket,
        );
        let per_bucket = clients as f64 * self.bucket.0 as f64;
        let scale = |v: Vec<f64>| v.into_iter().map(|x| x / per_bucket).collect();
        (scale(open), scale(half_open))
    }
}

fn integrate(
    open_us: &mut [f64],
    half_open_us: &mut [f64],
    (open, half_open): (u64, u64),
    from: SimTime,
    to: SimTime,
    bucket: SimTime,
) {
    let mut t = from.0;
    while t < to.0 {
        let b = (t / bucket.0) as usize;
        let end = to.0.min((t / bucket.0 + 1) * bucket.0);
        let dt = (end - t) as f64;
        if b < open_us.len() {
            open_us[b] += open as f64 * dt;
            half_open_us[b] += half_open as f64 * dt;
        }
        t = end;
    }
}

fn bit(words: &[u64], index: u32) -> bool {
    words[(index / 64) as usize] >> (index % 64) & 1 == 1
}

fn set_bit(words: &mut [u64], index: u32, value: bool) {
    let mask = 1u64 << (index % 64);
    let word = &mut words[(index / 64) as usize];
    if value {
        *word |= mask;
    } else {
        *word &= !mask;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(kind: BreakerKind) -> Breaker {
        // resilience4j defaults (CircuitBreakerConfig.java): 50 %, window 100, minimum 100,
        // 60 s open, 10 half-open calls; Finagle FailureAccrual: 5 consecutive failures.
        Breaker {
            kind,
            failure_ratio_threshold: 0.5,
            minimum_calls: 100,
            window_calls: 100,
            window: SimTime::from_s(100.0),
            consecutive_failures: 5,
            open: SimTime::from_s(60.0),
            half_open_calls: 10,
        }
    }

    fn breakers(kind: BreakerKind) -> Breakers {
        Breakers::new(config(kind), 1, SimTime::from_s(10.0), 100)
    }

    fn call(b: &mut Breakers, t: SimTime, failure: bool) -> bool {
        match b.admit(0, t) {
            Some(epoch) => {
                b.record(0, t, epoch, failure);
                true
            }
            None => false,
        }
    }

    #[test]
    fn five_consecutive_failures_open_it_and_a_success_resets_the_count() {
        let mut b = breakers(BreakerKind::ConsecutiveFailures);
        let t = SimTime::from_s(1.0);
        for _ in 0..4 {
            call(&mut b, t, true);
        }
        call(&mut b, t, false);
        for _ in 0..4 {
            call(&mut b, t, true);
        }
        assert_eq!(b.state(0), BreakerState::Closed);
        call(&mut b, t, true);
        assert_eq!(b.state(0), BreakerState::Open);
        assert!(!call(&mut b, t, false), "open refuses");
    }

    #[test]
    fn count_window_waits_for_the_minimum_then_trips_at_the_threshold() {
        let mut b = breakers(BreakerKind::CountWindow);
        let t = SimTime::from_s(1.0);
        // 49 failures then 50 successes: 99 calls, below the minimum of 100.
        for i in 0..99 {
            call(&mut b, t, i < 49);
        }
        assert_eq!(b.state(0), BreakerState::Closed);
        // The 100th call is a failure: 50/100 = 50 % ≥ 50 %.
        call(&mut b, t, true);
        assert_eq!(b.state(0), BreakerState::Open);
    }

    #[test]
    fn count_window_forgets_old_results() {
        let mut b = breakers(BreakerKind::CountWindow);
        let t = SimTime::from_s(1.0);
        for i in 0..300 {
            // 49 failures per 100 calls, never 50 in the last 100.
            call(&mut b, t, i % 100 < 49);
            assert_eq!(b.state(0), BreakerState::Closed, "call {i}");
        }
    }

    #[test]
    fn open_half_open_closed_cycle() {
        let mut b = breakers(BreakerKind::ConsecutiveFailures);
        let t0 = SimTime::from_s(1.0);
        for _ in 0..5 {
            call(&mut b, t0, true);
        }
        assert_eq!(b.state(0), BreakerState::Open);
        assert!(b.admit(0, SimTime::from_s(60.9)).is_none(), "open for 60 s");
        let t1 = SimTime::from_s(61.0);
        let probes: Vec<u32> = (0..12).filter_map(|_| b.admit(0, t1)).collect();
        assert_eq!(probes.len(), 10, "10 probes when half-open");
        assert_eq!(b.state(0), BreakerState::HalfOpen);
        // 4 failed probes of 10: 40 % < 50 %: closes.
        for (i, epoch) in probes.iter().enumerate() {
            b.record(0, t1, *epoch, i < 4);
        }
        assert_eq!(b.state(0), BreakerState::Closed);
    }

    #[test]
    fn failed_probes_reopen_it_and_stale_results_are_ignored() {
        let mut b = breakers(BreakerKind::ConsecutiveFailures);
        let t0 = SimTime::from_s(1.0);
        let stale = b.admit(0, t0).unwrap();
        for _ in 0..5 {
            call(&mut b, t0, true);
        }
        b.record(0, t0, stale, false);
        assert_eq!(
            b.state(0),
            BreakerState::Open,
            "a result from before opening is ignored"
        );
        let t1 = SimTime::from_s(61.0);
        for _ in 0..10 {
            call(&mut b, t1, true);
        }
        assert_eq!(b.state(0), BreakerState::Open);
        assert!(
            b.admit(0, SimTime::from_s(120.0)).is_none(),
            "open again for 60 s"
        );
    }

    #[test]
    fn state_fractions_are_time_weighted() {
        let mut b = breakers(BreakerKind::ConsecutiveFailures);
        // Opens at 5 s, in the first 10 s bucket: open half of it.
        for _ in 0..5 {
            call(&mut b, SimTime::from_s(5.0), true);
        }
        let (open, half) = b.state_fractions(SimTime::from_s(20.0), 1);
        assert!((open[0] - 0.5).abs() < 1e-12 && (open[1] - 1.0).abs() < 1e-12);
        assert_eq!(half[0], 0.0);
    }
}
