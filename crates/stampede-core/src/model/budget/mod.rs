//! Per-client retry budgets, each with the exact rules of the library it models
//! (docs/sources.md A1–A5).
//!
//! Owns: the state of every client's budget and its cost, refund and admission rules:
//! * AWS standard retry quota (botocore `retries/quota.py`, `standard.py`): a bucket that starts
//!   full; a retry takes its cost (timeouts cost more before 2026); a first-try success refunds 1,
//!   a success after retries refunds what its last retry took; capped at capacity.
//! * gRPC `retryThrottling` (gRFC A6): a failed attempt costs 1, a successful one adds
//!   `tokenRatio`; the count stays in [0, maxTokens]; no retry while it is ≤ maxTokens/2.
//! * Envoy `retry_budget`: retries in flight ≤ max(min_retry_concurrency, budget × active
//!   requests). A retry is in flight from the moment it is granted (its backoff included) until
//!   its attempt ends.
//! * Finagle `RetryBudget` (`TokenRetryBudget` over a leaky bucket): each user request deposits
//!   1000 units, a retry withdraws 1000/percentCanRetry; both expire after the ttl; the reserve is
//!   minRetriesPerSec × ttl × withdrawal.
//! * Google SRE adaptive throttling: every attempt is rejected on the client with probability
//!   max(0, (requests − K·accepts)/(requests + 1)) over the window; an accept is a successful
//!   attempt; rejected attempts count as requests. A rejected attempt ends its user request with
//!   [`crate::Outcome::Throttled`] (it is not retried: retrying into a local throttle is pointless).
//! * AWS SDK adaptive mode (botocore `retries/adaptive.py`, `bucket.py`, `throttling.py`): the
//!   standard quota above plus a client-side rate limiter ([`Limiter`]). Every response feeds a
//!   measured rate (EMA, smoothing 0.8, over 0.5 s buckets) and CUBIC (C 0.4, β 0.7), which set
//!   the max rate of a token bucket (fill rate ≥ `_MIN_RATE` 0.5/s, capacity max(1, max rate)),
//!   capped at 2 × the measured rate. The bucket gates every attempt, first ones included, from
//!   the first throttling response on. **A throttling response here is a backend queue-full
//!   rejection** ([`crate::Outcome::Rejected`]): the backend's "SlowDown" / 503 with a throttling
//!   code. Timeouts and server errors are transient errors, not throttles, as in botocore's
//!   `ThrottlingErrorDetector`. An attempt without a token waits for it, as the SDK sleeps
//!   ([`Pace::At`]); the wait is not bounded by the attempt timeout (the SDK sleeps before
//!   sending, outside the socket timeouts), but an attempt whose token would come after its
//!   request's deadline ends the request now as `DeadlineExceeded` and takes no token
//!   ([`Pace::TooLate`]). Waiting attempts reserve their tokens in order (the bucket goes into
//!   debt); a rate change keeps the time the reserved queue takes to drain and applies to later
//!   attempts only (an O(1) approximation: botocore's sleepers re-check on a rate change). Hedges are not paced (they bypass budgets). A super-client standing for k
//!   clients gets k times the rate floor, initial rate, capacity floor and C (k clients in step).
//!
//! Must not: iterate over clients per event; every update is O(1) (windows amortised O(1)).

mod limiter;

pub use limiter::{Limiter, LimiterConfig};

use super::window::{Window, slice_width};
use crate::rng::Rng;
use crate::scenario::RetryBudget;
use crate::time::SimTime;

/// What the attempt before a retry ended with, for the AWS quota's costs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RetryAfter {
    /// A generic transient error (5xx, DNS failure, refused connection), or a hedge.
    Error,
    /// The attempt timed out.
    Timeout,
    /// The backend throttled it (queue full, an operator's throttle).
    Throttling,
}

/// What a granted retry took from its budget.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Grant {
    /// AWS tokens taken (refunded if the request then succeeds), tokens.
    pub tokens: u32,
    /// Whether it holds an Envoy retry slot until its attempt ends.
    pub slot: bool,
}

/// Finagle's scale factor: a deposit is worth this many units.
const FINAGLE_SCALE: f64 = 1000.0;

/// The retry budgets of all clients.
#[derive(Clone, Debug)]
pub struct RetryBudgets {
    config: RetryBudget,
    state: State,
}

#[derive(Clone, Debug)]
enum State {
    None,
    /// Tokens per client.
    Aws(Vec<u32>),
    /// Tokens per client.
    Grpc(Vec<f64>),
    /// (active requests, retries in flight) per client.
    Envoy(Vec<(u32, u32)>),
    /// Window of (deposits, withdrawals) per client.
    Finagle {
        windows: Vec<Window>,
        width: SimTime,
        deposit_units: i64,
        withdrawal_units: i64,
        reserve_units: i64,
    },
    /// Window of (requests, accepts) per client.
    Sre {
        windows: Vec<Window>,
        width: SimTime,
    },
    /// Quota tokens and rate limiter per client.
    AwsAdaptive {
        tokens: Vec<u32>,
        limiters: Vec<Limiter>,
        limiter: LimiterConfig,
    },
}

/// When a paced attempt may be sent.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Pace {
    /// Now (the limiter is off, or it had a token).
    Now,
    /// At this time, with a token reserved for it.
    At(SimTime),
    /// Its token would come after the latest time allowed: no token was taken.
    TooLate,
}

impl RetryBudgets {
    /// Full budgets for `clients` clients.
    pub fn new(config: RetryBudget, clients: usize) -> RetryBudgets {
        RetryBudgets::scaled(config, clients, 1)
    }

    /// Full budgets for `clients` (super-)clients, each standing for `scale` real clients.
    pub fn scaled(config: RetryBudget, clients: usize, scale: u64) -> RetryBudgets {
        let state = match config {
            RetryBudget::None => State::None,
            RetryBudget::Aws {
                capacity_tokens, ..
            } => State::Aws(vec![capacity_tokens; clients]),
            RetryBudget::Grpc { max_tokens, .. } => State::Grpc(vec![max_tokens; clients]),
            RetryBudget::Envoy { .. } => State::Envoy(vec![(0, 0); clients]),
            RetryBudget::Finagle {
                ttl,
                retry_fraction,
                min_retries_per_s,
            } => {
                // RetryBudget.apply: withdrawal 1 and no deposit credit when percentCanRetry is 0.
                let (deposit_units, withdrawal_units) = if retry_fraction == 0.0 {
                    (0, 1)
                } else {
                    (
                        FINAGLE_SCALE as i64,
                        (FINAGLE_SCALE / retry_fraction) as i64,
                    )
                };
                let ttl_whole_s = libm::floor(ttl.as_s());
                State::Finagle {
                    windows: vec![Window::default(); clients],
                    width: slice_width(ttl),
                    deposit_units,
                    withdrawal_units,
                    reserve_units: (min_retries_per_s * ttl_whole_s) as i64 * withdrawal_units,
                }
            }
            RetryBudget::SreAdaptive { window, .. } => State::Sre {
                windows: vec![Window::default(); clients],
                width: slice_width(window),
            },
            RetryBudget::AwsAdaptive {
                capacity_tokens,
                min_rate_per_s,
                smoothing,
                rate_bucket,
                cubic_scale,
                beta,
                ..
            } => {
                let limiter = LimiterConfig {
                    min_rate: min_rate_per_s,
                    smoothing,
                    bucket: rate_bucket,
                    cubic_scale,
                    beta,
                };
                State::AwsAdaptive {
                    tokens: vec![capacity_tokens; clients],
                    limiters: vec![Limiter::new(&limiter, scale.max(1) as f64); clients],
                    limiter,
                }
            }
        };
        RetryBudgets { config, state }
    }

    /// A user request of `client` starts.
    #[inline(always)] // runs per request: see `engine::Engine::step_batch`
    pub fn request_started(&mut self, client: usize, now: SimTime) {
        match &mut self.state {
            State::Envoy(v) => v[client].0 += 1,
            State::Finagle { windows, width, .. } => {
                windows[client].advance(now, *width);
                windows[client].add(1, 0);
            }
            _ => {}
        }
    }

    /// A user request of `client` ended.
    pub fn request_ended(&mut self, client: usize) {
        if let State::Envoy(v) = &mut self.state {
            assert!(v[client].0 > 0, "an Envoy request ends once");
            v[client].0 -= 1;
        }
    }

    /// Asks for a retry after a failed attempt. `None`: refused. `Some(grant)`: granted, with what
    /// it took.
    pub fn try_retry(&mut self, client: usize, now: SimTime, after: RetryAfter) -> Option<Grant> {
        let free = Grant {
            tokens: 0,
            slot: false,
        };
        match (&mut self.state, self.config) {
            (State::None | State::Sre { .. }, _) => Some(free),
            (
                State::Aws(tokens) | State::AwsAdaptive { tokens, .. },
                RetryBudget::Aws {
                    retry_cost_tokens,
                    timeout_retry_cost_tokens,
                    throttle_retry_cost_tokens,
                    ..
                }
                | RetryBudget::AwsAdaptive {
                    retry_cost_tokens,
                    timeout_retry_cost_tokens,
                    throttle_retry_cost_tokens,
                    ..
                },
            ) => {
                let cost = match after {
                    RetryAfter::Error => retry_cost_tokens,
                    RetryAfter::Timeout => timeout_retry_cost_tokens,
                    RetryAfter::Throttling => throttle_retry_cost_tokens,
                };
                let t = &mut tokens[client];
                (*t >= cost).then(|| {
                    *t -= cost;
                    Grant {
                        tokens: cost,
                        slot: false,
                    }
                })
            }
            (State::Grpc(tokens), RetryBudget::Grpc { max_tokens, .. }) => {
                (tokens[client] > max_tokens / 2.0).then_some(free)
            }
            (
                State::Envoy(v),
                RetryBudget::Envoy {
                    budget_fraction,
                    min_retry_concurrency,
                },
            ) => {
                let (active, retries) = &mut v[client];
                let limit =
                    ((budget_fraction * f64::from(*active)) as u32).max(min_retry_concurrency);
                (*retries < limit).then(|| {
                    *retries += 1;
                    Grant {
                        tokens: 0,
                        slot: true,
                    }
                })
            }
            (
                State::Finagle {
                    windows,
                    width,
                    deposit_units,
                    withdrawal_units,
                    reserve_units,
                },
                _,
            ) => {
                let w = &mut windows[client];
                w.advance(now, *width);
                let balance = *reserve_units + *deposit_units * i64::from(w.sum_a())
                    - *withdrawal_units * i64::from(w.sum_b());
                (balance >= *withdrawal_units).then(|| {
                    w.add(0, 1);
                    free
                })
            }
            _ => unreachable!("budget state matches its configuration"),
        }
    }

    /// Hands back an Envoy retry slot (when its attempt ends, or if it never ran).
    pub fn release_slot(&mut self, client: usize) {
        if let State::Envoy(v) = &mut self.state {
            assert!(v[client].1 > 0, "a retry slot is handed back once");
            v[client].1 -= 1;
        }
    }

    /// An attempt of `client` ended; `throttled` when the backend turned it away for overload (a
    /// queue-full rejection). An Envoy retry slot it held is handed back separately.
    #[inline(always)] // runs per request: see `engine::Engine::step_batch`
    pub fn attempt_ended(&mut self, client: usize, now: SimTime, success: bool, throttled: bool) {
        match (&mut self.state, self.config) {
            (
                State::AwsAdaptive {
                    limiters, limiter, ..
                },
                _,
            ) => limiters[client].response(limiter, now, throttled),
            (
                State::Grpc(tokens),
                RetryBudget::Grpc {
                    max_tokens,
                    token_ratio,
                },
            ) => {
                let t = &mut tokens[client];
                *t = if success {
                    (*t + token_ratio).min(max_tokens)
                } else {
                    (*t - 1.0).max(0.0)
                };
            }
            (State::Sre { windows, width }, _) if success => {
                windows[client].advance(now, *width);
                windows[client].add(0, 1);
            }
            _ => {}
        }
    }

    /// A user request of `client` succeeded; `first_try` when no retry was needed, `acquired` is
    /// what its last retry took.
    pub fn request_succeeded(&mut self, client: usize, first_try: bool, acquired: u32) {
        if let (
            State::Aws(tokens) | State::AwsAdaptive { tokens, .. },
            RetryBudget::Aws {
                capacity_tokens, ..
            }
            | RetryBudget::AwsAdaptive {
                capacity_tokens, ..
            },
        ) = (&mut self.state, self.config)
        {
            let refund = if first_try { 1 } else { acquired };
            tokens[client] = (tokens[client] + refund).min(capacity_tokens);
        }
    }

    /// Client-side admission of an attempt (SRE adaptive throttling); always true otherwise.
    #[inline(always)] // runs per request: see `engine::Engine::step_batch`
    pub fn admit(&mut self, client: usize, now: SimTime, rng: &mut Rng) -> bool {
        let (State::Sre { windows, width }, RetryBudget::SreAdaptive { multiplier, .. }) =
            (&mut self.state, self.config)
        else {
            return true;
        };
        let w = &mut windows[client];
        w.advance(now, *width);
        let p = rejection_probability(f64::from(w.sum_a()), f64::from(w.sum_b()), multiplier);
        w.add(1, 0);
        !(p > 0.0 && rng.chance(p))
    }

    /// AWS adaptive mode: when an attempt of `client` may be sent, at the latest at `latest`
    /// ([`SimTime::NEVER`]: no bound). Always [`Pace::Now`] for other kinds.
    #[inline(always)] // runs per request: see `engine::Engine::step_batch`
    pub fn pace(&mut self, client: usize, now: SimTime, latest: SimTime) -> Pace {
        match &mut self.state {
            State::AwsAdaptive { limiters, .. } => limiters[client].acquire(now, latest),
            _ => Pace::Now,
        }
    }

    /// AWS adaptive rate limiter of a client (for tests); `None` for other kinds.
    pub fn aws_limiter(&self, client: usize) -> Option<&Limiter> {
        match &self.state {
            State::AwsAdaptive { limiters, .. } => Some(&limiters[client]),
            _ => None,
        }
    }

    /// AWS tokens of a client (for tests); `None` for other kinds.
    pub fn aws_tokens(&self, client: usize) -> Option<u32> {
        match &self.state {
            State::Aws(tokens) | State::AwsAdaptive { tokens, .. } => Some(tokens[client]),
            _ => None,
        }
    }

    /// gRPC tokens of a client (for tests); `None` for other kinds.
    pub fn grpc_tokens(&self, client: usize) -> Option<f64> {
        match &self.state {
            State::Grpc(tokens) => Some(tokens[client]),
            _ => None,
        }
    }
}

/// Google SRE book, ch. 21: P(reject) = max(0, (requests − K·accepts) / (requests + 1)).
pub fn rejection_probability(requests: f64, accepts: f64, multiplier: f64) -> f64 {
    ((requests - multiplier * accepts) / (requests + 1.0)).max(0.0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::StreamId;

    const T0: SimTime = SimTime::ZERO;

    fn aws(retry: u32, timeout: u32) -> RetryBudgets {
        aws_throttling(retry, timeout, 5)
    }

    fn aws_throttling(retry: u32, timeout: u32, throttle: u32) -> RetryBudgets {
        RetryBudgets::new(
            RetryBudget::Aws {
                capacity_tokens: 500,
                retry_cost_tokens: retry,
                timeout_retry_cost_tokens: timeout,
                throttle_retry_cost_tokens: throttle,
            },
            1,
        )
    }

    #[test]
    fn aws_full_bucket_allows_capacity_over_cost_retries() {
        // A1 (derived): 500/5 = 100 retries, 500/10 = 50 after timeouts, ⌊500/14⌋ = 35 in 2026,
        // and 500/5 = 100 after throttling errors in 2026 (the discounted cost); Java v2 legacy
        // charges nothing after throttling (every one of the 1000 asked for is granted).
        use RetryAfter::{Error, Throttling, Timeout};
        for (cost, timeout, throttle, after, expected) in [
            (5, 10, 5, Error, 500 / 5),
            (5, 10, 5, Timeout, 500 / 10),
            (14, 14, 5, Error, 500 / 14),
            (14, 14, 5, Throttling, 500 / 5),
            (5, 5, 0, Throttling, 1000),
        ] {
            let mut b = aws_throttling(cost, timeout, throttle);
            let granted = (0..1000)
                .take_while(|_| b.try_retry(0, T0, after).is_some())
                .count();
            assert_eq!(granted, expected as usize);
        }
    }

    #[test]
    fn aws_refunds_one_per_clean_success_and_the_last_cost_after_retries() {
        let mut b = aws(5, 10);
        let took = b.try_retry(0, T0, RetryAfter::Timeout).unwrap().tokens;
        assert_eq!((took, b.aws_tokens(0)), (10, Some(490)));
        b.request_succeeded(0, false, took);
        assert_eq!(b.aws_tokens(0), Some(500));
        b.request_succeeded(0, true, 0);
        assert_eq!(b.aws_tokens(0), Some(500), "capped at capacity");
        b.try_retry(0, T0, RetryAfter::Error).unwrap();
        b.request_succeeded(0, true, 0);
        assert_eq!(b.aws_tokens(0), Some(496));
    }

    #[test]
    fn grpc_disables_retries_at_half_the_tokens() {
        // A2: from maxTokens 10, five failures bring the count to 5 = max/2: retries stop.
        let mut b = RetryBudgets::new(
            RetryBudget::Grpc {
                max_tokens: 10.0,
                token_ratio: 0.1,
            },
            1,
        );
        for _ in 0..4 {
            b.attempt_ended(0, T0, false, false);
        }
        assert!(
            b.try_retry(0, T0, RetryAfter::Error).is_some(),
            "6 tokens > 5"
        );
        b.attempt_ended(0, T0, false, false);
        assert!(
            b.try_retry(0, T0, RetryAfter::Error).is_none(),
            "5 tokens ≤ 5"
        );
        b.attempt_ended(0, T0, true, false);
        assert!(
            b.try_retry(0, T0, RetryAfter::Error).is_some(),
            "5.1 tokens > 5"
        );
    }

    #[test]
    fn envoy_limits_retries_in_flight() {
        let mut b = RetryBudgets::new(
            RetryBudget::Envoy {
                budget_fraction: 0.2,
                min_retry_concurrency: 3,
            },
            1,
        );
        for _ in 0..20 {
            b.request_started(0, T0);
        }
        // max(3, 0.2 × 20) = 4 retries in flight.
        let granted: Vec<Grant> = (0..10)
            .filter_map(|_| b.try_retry(0, T0, RetryAfter::Error))
            .collect();
        assert_eq!(granted.len(), 4);
        assert!(granted.iter().all(|g| g.slot));
        b.release_slot(0);
        assert!(
            b.try_retry(0, T0, RetryAfter::Error).is_some(),
            "a slot came back"
        );
        for _ in 0..15 {
            b.request_ended(0);
        }
        b.release_slot(0);
        // 5 active: max(3, 1) = 3, and 3 are in flight.
        assert!(b.try_retry(0, T0, RetryAfter::Error).is_none());
    }

    #[test]
    fn finagle_allows_reserve_plus_a_fraction_of_recent_requests() {
        let mut b = RetryBudgets::new(
            RetryBudget::Finagle {
                ttl: SimTime::from_s(10.0),
                retry_fraction: 0.2,
                min_retries_per_s: 10.0,
            },
            1,
        );
        for _ in 0..50 {
            b.request_started(0, T0);
        }
        // Reserve 10/s × 10 s = 100 retries, plus 0.2 × 50 = 10.
        let granted = (0..1000)
            .take_while(|_| b.try_retry(0, T0, RetryAfter::Error).is_some())
            .count();
        assert_eq!(granted, 110);
        // After the ttl every deposit and withdrawal has expired: the reserve is back.
        let later = SimTime::from_s(10.0);
        let granted = (0..1000)
            .take_while(|_| b.try_retry(0, later, RetryAfter::Error).is_some())
            .count();
        assert_eq!(granted, 100);
    }

    #[test]
    fn sre_rejection_probability_follows_the_book() {
        assert_eq!(rejection_probability(100.0, 50.0, 2.0), 0.0);
        assert!((rejection_probability(100.0, 10.0, 2.0) - 80.0 / 101.0).abs() < 1e-12);
        // With no accepts at all nearly every request is rejected locally.
        let mut b = RetryBudgets::new(
            RetryBudget::SreAdaptive {
                multiplier: 2.0,
                window: SimTime::from_s(120.0),
            },
            1,
        );
        let mut rng = Rng::stream(1, StreamId::Throttle);
        let admitted = (0..10_000).filter(|_| b.admit(0, T0, &mut rng)).count();
        // Expected admissions: Σ 1/(n+1) ≈ ln(10⁴) + 0.58 ≈ 9.8; allow a wide margin.
        assert!(admitted < 40, "{admitted}");
    }

    #[test]
    fn aws_adaptive_keeps_the_standard_quota() {
        let config = RetryBudget::AwsAdaptive {
            capacity_tokens: 500,
            retry_cost_tokens: 5,
            timeout_retry_cost_tokens: 10,
            throttle_retry_cost_tokens: 5,
            min_rate_per_s: 0.5,
            smoothing: 0.8,
            rate_bucket: SimTime::from_s(0.5),
            cubic_scale: 0.4,
            beta: 0.7,
        };
        let mut b = RetryBudgets::new(config, 1);
        let granted = (0..1000)
            .take_while(|_| b.try_retry(0, T0, RetryAfter::Error).is_some())
            .count();
        assert_eq!(granted, 100);
        assert_eq!(
            b.pace(0, T0, SimTime::NEVER),
            Pace::Now,
            "off before a throttle"
        );
        b.attempt_ended(0, T0, false, true);
        assert!(b.aws_limiter(0).unwrap().enabled);
    }
}
