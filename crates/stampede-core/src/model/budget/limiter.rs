//! The AWS SDKs' adaptive-mode client-side rate limiter (botocore `retries/adaptive.py`,
//! `bucket.py`, `throttling.py`; docs/sources.md A1): a token bucket whose fill rate CUBIC sets
//! from a measured response rate, one per client. The rules are listed in [`super`].
//!
//! Owns: one client's limiter state. Must not: know about quotas or other budgets (the retry
//! quota that adaptive mode keeps is [`super::RetryBudgets`]), iterate over clients.

use super::Pace;
use crate::time::SimTime;

/// botocore `ClientRateLimiter._MAX_RATE_ADJUST_SCALE`: the max rate is at most this × measured.
const AWS_MAX_RATE_ADJUST_SCALE: f64 = 2.0;
/// botocore `register_retry_handler`: the bucket starts at max_rate 1 (tokens/s).
const AWS_START_MAX_RATE: f64 = 1.0;

/// One client's AWS adaptive-mode rate limiter: botocore `ClientRateLimiter` with its
/// `TokenBucket`, `RateClocker` and `CubicCalculator`. Rates are in tokens (attempts) per second.
#[derive(Clone, Copy, Debug)]
pub struct Limiter {
    /// Whether a throttling response has been seen (the bucket gates attempts).
    pub enabled: bool,
    /// Tokens in the bucket; negative while waiting attempts hold reserved tokens.
    capacity: f64,
    max_capacity: f64,
    /// Fill rate, which botocore also reports as `max_rate`, tokens/s.
    fill_rate: f64,
    last_refill: SimTime,
    /// `RateClocker`: measured rate, tokens/s; bucket index of the last update; responses since.
    measured_rate: f64,
    last_bucket: u64,
    count: f64,
    /// `CubicCalculator`: W_max, K (s), time of the last throttle.
    w_max: f64,
    k: f64,
    last_fail: SimTime,
    /// Rates scale with the clients a super-client stands for (min rate, capacity floor, C).
    scale: f64,
}

/// The limiter's configuration.
#[derive(Clone, Copy, Debug)]
pub struct LimiterConfig {
    /// `_MIN_RATE`, tokens/s.
    pub min_rate: f64,
    /// EMA smoothing, 0..=1.
    pub smoothing: f64,
    /// Measured-rate bucket width (non-zero).
    pub bucket: SimTime,
    /// CUBIC C.
    pub cubic_scale: f64,
    /// CUBIC β.
    pub beta: f64,
}

impl Limiter {
    /// A fresh limiter at time zero for a (super-)client standing for `scale` clients.
    pub fn new(config: &LimiterConfig, scale: f64) -> Limiter {
        let mut l = Limiter {
            enabled: false,
            capacity: 0.0,
            max_capacity: 0.0,
            fill_rate: 0.0,
            last_refill: SimTime::ZERO,
            measured_rate: 0.0,
            last_bucket: 0,
            count: 0.0,
            // CubicCalculator(starting_max_rate=0, start_time=now).
            w_max: 0.0,
            k: 0.0,
            last_fail: SimTime::ZERO,
            scale,
        };
        l.set_max_rate(config, AWS_START_MAX_RATE * scale, SimTime::ZERO);
        l
    }

    /// The bucket's max (fill) rate, tokens/s.
    pub fn max_rate(&self) -> f64 {
        self.fill_rate
    }

    /// The measured rate of responses, tokens/s.
    pub fn measured_rate(&self) -> f64 {
        self.measured_rate
    }

    /// Tokens in the bucket (negative: reserved by waiting attempts).
    pub fn tokens(&self) -> f64 {
        self.capacity
    }

    /// CUBIC's W_max (tokens/s) and K (s).
    pub fn cubic(&self) -> (f64, f64) {
        (self.w_max, self.k)
    }

    /// `TokenBucket._refill`.
    fn refill(&mut self, now: SimTime) {
        let dt = now.since(self.last_refill).as_s();
        self.capacity = (self.capacity + dt * self.fill_rate).min(self.max_capacity);
        self.last_refill = now;
    }

    /// `TokenBucket._set_max_rate`: refill at the old rate first.
    fn set_max_rate(&mut self, config: &LimiterConfig, max_rate: f64, now: SimTime) {
        self.refill(now);
        let fill_rate = max_rate.max(config.min_rate * self.scale);
        if self.capacity < 0.0 && self.fill_rate > 0.0 {
            // Tokens reserved by waiting attempts: keep the time their queue takes to drain
            // (−capacity / fill rate), so that later attempts queue behind it at the new rate.
            self.capacity *= fill_rate / self.fill_rate;
        }
        self.fill_rate = fill_rate;
        self.max_capacity = max_rate.max(self.scale);
        self.capacity = self.capacity.min(self.max_capacity);
    }

    /// `ClientRateLimiter.on_sending_request`: a token for an attempt at `now`, unless the limiter
    /// is off; one that would come after `latest` is not taken.
    pub fn acquire(&mut self, now: SimTime, latest: SimTime) -> Pace {
        if !self.enabled {
            return Pace::Now;
        }
        self.refill(now);
        if self.capacity >= 1.0 {
            self.capacity -= 1.0;
            return Pace::Now;
        }
        let wait = SimTime::from_s((1.0 - self.capacity) / self.fill_rate).max(SimTime(1));
        let at = now.after(wait);
        if at > latest {
            return Pace::TooLate;
        }
        self.capacity -= 1.0;
        Pace::At(at)
    }

    /// `ClientRateLimiter.on_receiving_response`: every response updates the measured rate and
    /// CUBIC; a throttling one turns the limiter on.
    pub fn response(&mut self, config: &LimiterConfig, now: SimTime, throttled: bool) {
        // RateClocker.record.
        self.count += 1.0;
        let bucket = now.0 / config.bucket.0;
        if bucket > self.last_bucket {
            let span = (bucket - self.last_bucket) as f64 * config.bucket.as_s();
            let current = self.count / span;
            self.measured_rate =
                current * config.smoothing + self.measured_rate * (1.0 - config.smoothing);
            self.count = 0.0;
            self.last_bucket = bucket;
        }
        let measured = self.measured_rate;
        let c = config.cubic_scale * self.scale;
        let new_rate = if throttled {
            // CubicCalculator.error_received.
            let rate = if self.enabled {
                measured.min(self.fill_rate)
            } else {
                measured
            };
            self.w_max = rate;
            self.k = libm::cbrt(rate * (1.0 - config.beta) / c);
            self.last_fail = now;
            self.enabled = true;
            rate * config.beta
        } else {
            // CubicCalculator.success_received.
            let dt = now.since(self.last_fail).as_s() - self.k;
            c * dt * dt * dt + self.w_max
        };
        self.set_max_rate(
            config,
            new_rate.min(AWS_MAX_RATE_ADJUST_SCALE * measured),
            now,
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const LIMITER: LimiterConfig = LimiterConfig {
        min_rate: 0.5,
        smoothing: 0.8,
        bucket: SimTime(500_000),
        cubic_scale: 0.4,
        beta: 0.7,
    };

    fn at(s: f64) -> SimTime {
        SimTime::from_s(s)
    }

    /// Ten responses in the first 0.5 s bucket, the eleventh at 0.5 s: 11/0.5 = 22/s, so the
    /// measured rate is 0.8 × 22 + 0.2 × 0 = 17.6/s.
    fn limiter_at_17_6() -> Limiter {
        let mut l = Limiter::new(&LIMITER, 1.0);
        for i in 0..10 {
            l.response(&LIMITER, at(0.045 * f64::from(i)), false);
        }
        l.response(&LIMITER, at(0.5), false);
        assert!(
            (l.measured_rate() - 17.6).abs() < 1e-9,
            "{}",
            l.measured_rate()
        );
        l
    }

    #[test]
    fn aws_adaptive_limiter_is_off_until_the_first_throttle() {
        let mut l = limiter_at_17_6();
        assert!(!l.enabled);
        // Successes alone never gate: a burst of 1000 attempts all go now.
        assert!((0..1000).all(|_| l.acquire(at(0.5), SimTime::NEVER) == Pace::Now));
        l.response(&LIMITER, at(0.5), true);
        assert!(l.enabled);
        let paced = (0..1000)
            .filter(|_| l.acquire(at(0.5), SimTime::NEVER) != Pace::Now)
            .count();
        assert!(
            paced >= 1000 - 13,
            "at most max(1, max rate) tokens go now: {paced}"
        );
    }

    #[test]
    fn aws_adaptive_throttle_cuts_the_rate_to_beta_times_the_measured_rate() {
        let mut l = limiter_at_17_6();
        l.response(&LIMITER, at(0.5), true);
        // W_max = measured (limiter was off) = 17.6; rate = 0.7 × 17.6; K = cbrt(17.6 × 0.3 / 0.4).
        let (w_max, k) = l.cubic();
        assert!((w_max - 17.6).abs() < 1e-9);
        assert!((k - libm::cbrt(17.6 * 0.3 / 0.4)).abs() < 1e-12);
        assert!((l.max_rate() - 0.7 * 17.6).abs() < 1e-9, "{}", l.max_rate());
        // A success right after the throttle: C·(0 − K)³ + W_max = W_max − W_max(1 − β) = β·W_max.
        l.response(&LIMITER, at(0.5), false);
        assert!((l.max_rate() - 0.7 * 17.6).abs() < 1e-9, "{}", l.max_rate());
        // A second throttle while on uses min(measured, max rate) = 12.32 as W_max.
        l.response(&LIMITER, at(0.5), true);
        assert!((l.cubic().0 - 0.7 * 17.6).abs() < 1e-9);
        assert!((l.max_rate() - 0.7 * 0.7 * 17.6).abs() < 1e-9);
    }

    #[test]
    fn aws_adaptive_first_throttle_without_a_measured_rate_falls_to_the_min_rate() {
        let mut l = Limiter::new(&LIMITER, 1.0);
        l.response(&LIMITER, at(0.1), true);
        // Measured 0 → W_max 0, rate 0, floored at _MIN_RATE: one token every 2 s.
        assert_eq!(l.max_rate(), 0.5);
        let t = at(0.1);
        let first = l.acquire(t, SimTime::NEVER);
        let second = l.acquire(t, SimTime::NEVER);
        let (Pace::At(a), Pace::At(b)) = (first, second) else {
            panic!("{first:?} {second:?}");
        };
        assert!((b.since(a).as_s() - 2.0).abs() < 1e-5, "{a:?} {b:?}");
    }

    #[test]
    fn aws_adaptive_recovery_follows_the_cubic() {
        let mut l = limiter_at_17_6();
        let t_fail = 0.5;
        l.response(&LIMITER, at(t_fail), true);
        let (w_max, k) = l.cubic();
        // Keep responses at 40/s so that 2 × measured never caps the cubic, then check the rate
        // at K (back to W_max), K + 1 s (+C) and K + 2 s (+8C).
        let mut t = t_fail;
        for (dt, expected) in [(k, w_max), (k + 1.0, w_max + 0.4), (k + 2.0, w_max + 3.2)] {
            while t + 0.025 < t_fail + dt {
                t += 0.025;
                l.response(&LIMITER, at(t), false);
            }
            l.response(&LIMITER, at(t_fail + dt), false);
            assert!(2.0 * l.measured_rate() > expected, "not capped");
            assert!(
                (l.max_rate() - expected).abs() < 1e-3,
                "{dt}: {} vs {expected}",
                l.max_rate()
            );
        }
    }

    #[test]
    fn aws_adaptive_max_rate_is_capped_at_twice_the_measured_rate() {
        let mut l = limiter_at_17_6();
        l.response(&LIMITER, at(0.5), true);
        // 60 s later with no responses in between: the cubic is huge, and the bucket change
        // gives a measured rate of 0.8 × 1/59.5 + 0.2 × 17.6.
        l.response(&LIMITER, at(60.0), false);
        let measured = 0.8 * (2.0 / 59.5) + 0.2 * 17.6;
        assert!(
            (l.measured_rate() - measured).abs() < 1e-9,
            "{}",
            l.measured_rate()
        );
        assert!((l.max_rate() - 2.0 * measured).abs() < 1e-9);
    }

    #[test]
    fn aws_adaptive_bucket_never_lets_more_than_it_holds_plus_its_fill() {
        let mut l = limiter_at_17_6();
        l.response(&LIMITER, at(0.5), true);
        let rate = l.max_rate();
        let start = l.tokens();
        assert!(start <= rate.max(1.0), "capacity max(1, max rate)");
        // 200 attempts at once: the k-th (from 1) goes at the time the bucket has earned k tokens.
        let t0 = at(0.5);
        for n in 1..=200 {
            let go = match l.acquire(t0, SimTime::NEVER) {
                Pace::Now => t0,
                Pace::At(t) => t,
                Pace::TooLate => unreachable!(),
            };
            let earned = start + go.since(t0).as_s() * rate;
            assert!(
                f64::from(n) <= earned + 1e-5,
                "{n} sent by {go:?} with {earned} earned"
            );
            assert!(f64::from(n) > earned - 1.0 - 1e-5, "no idle token");
        }
    }

    #[test]
    fn aws_adaptive_too_late_takes_no_token() {
        let mut l = Limiter::new(&LIMITER, 1.0);
        l.response(&LIMITER, at(0.1), true);
        let t = at(0.1);
        // The bucket filled at 1/s from 0 to 0.1 s (0.1 token), then at 0.5/s: the next whole
        // token is there at 0.1 + 0.9/0.5 = 1.9 s.
        assert_eq!(l.acquire(t, at(1.0)), Pace::TooLate);
        assert_eq!(l.acquire(t, SimTime::NEVER), Pace::At(at(1.9)));
    }

    #[test]
    fn aws_adaptive_super_client_scales_the_rates() {
        let mut l = Limiter::new(&LIMITER, 10.0);
        l.response(&LIMITER, at(0.1), true);
        assert_eq!(l.max_rate(), 5.0, "10 clients at 0.5/s each");
    }
}
