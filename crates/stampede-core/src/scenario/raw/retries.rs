//! The raw client resilience policy: retries and backoff, hedging, retry budgets and circuit
//! breakers.
//!
//! Owns: their wire layout and defaults. Must not: be read by the engine.

use super::*;

/// Backoff growth between retries.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum BackoffKind {
    /// Always `backoff_base_ms`.
    Constant,
    /// `backoff_base_ms × k` before retry k, capped.
    Linear,
    /// `backoff_base_ms × 2^(k−1)` before retry k, capped.
    Exponential,
}

/// Randomisation applied to the backoff delay.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum JitterKind {
    /// The delay as computed.
    None,
    /// Uniform in [0, delay) (AWS SDK standard mode).
    Full,
    /// delay/2 + uniform in [0, delay/2).
    Equal,
    /// min(cap, uniform in [base, 3 × previous delay)) (Brooker 2015).
    Decorrelated,
    /// delay × uniform in [0.8, 1.2) (gRPC since 2024).
    Proportional,
}

/// The clients' retry policy.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct RawRetry {
    /// Attempts per user request, including the first (1 = no retries).
    pub attempts_max: u32,
    /// Backoff growth.
    pub backoff: BackoffKind,
    /// Base delay, milliseconds.
    pub backoff_base_ms: f64,
    /// Cap on the delay, milliseconds.
    pub backoff_max_ms: f64,
    /// Jitter.
    pub jitter: JitterKind,
    /// Retry after a DNS failure (empty answer, SERVFAIL, lookup timeout): AWS SDKs and Envoy's
    /// `connect-failure` do; a library that only retries server responses does not.
    pub on_dns_failure: bool,
    /// Retry after an attempt timed out.
    pub on_timeout: bool,
    /// Retry after the backend refused or throttled the attempt (queue full, operator throttle).
    pub on_rejected: bool,
    /// Retry after the backend answered with an error (5xx).
    pub on_server_error: bool,
}

/// Hedged requests as gRPC's `hedgingPolicy` (gRFC A6): attempts are sent at 0, d, 2d, … until
/// one succeeds; a failed attempt sends the next one at once; the first success wins and the
/// others are cancelled (work already queued or in service is wasted).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct RawHedging {
    /// `maxAttempts`, the first included (1 = no hedging; gRPC clamps values above 5). When above
    /// 1, hedging replaces the retry policy (gRPC allows one or the other), attempts.
    pub max_attempts: u32,
    /// `hedgingDelay` between sends, milliseconds (0 = all at once).
    pub delay_ms: f64,
}

/// Which library's retry budget limits each client's retries.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum RetryBudgetKind {
    /// No budget: every failed attempt is retried up to `retry.attempts_max`.
    None,
    /// AWS SDK standard-mode retry quota before 2026: a 500-token bucket, a retry costs 5 (10 after a timeout).
    AwsStandard,
    /// AWS SDK standard mode with the 2026 costs (`AWS_NEW_RETRIES_2026=true`): every retry costs 14.
    /// (`aws_standard2026` is a deprecated spelling that still works.)
    #[serde(rename = "aws_standard_2026", alias = "aws_standard2026")]
    AwsStandard2026,
    /// gRPC `retryThrottling` (gRFC A6): no retries while tokens ≤ max/2.
    GrpcThrottling,
    /// Envoy `retry_budget`: retries in flight ≤ max(min concurrency, percent × active requests).
    Envoy,
    /// Finagle `RetryBudget`: 20 % of the requests of the last 10 s, plus 10 retries per second.
    Finagle,
    /// Google SRE client-side adaptive throttling: reject locally with P = max(0, (requests − K·accepts)/(requests + 1)).
    SreAdaptive,
    /// AWS SDK adaptive mode (botocore `retries/adaptive.py`): the standard quota (`aws_*` costs) plus a CUBIC client-side rate limiter that, after the first throttle (a backend queue-full rejection), paces every attempt.
    AwsAdaptive,
}

/// A per-client retry budget. Each kind reads only its own fields.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct RawRetryBudget {
    /// Which budget.
    pub kind: RetryBudgetKind,
    /// AWS: bucket capacity, which is also the initial level, tokens (botocore `INITIAL_CAPACITY` 500).
    pub aws_capacity_tokens: f64,
    /// AWS `aws_standard`: cost of a retry after a generic error, tokens (5); `aws_standard_2026` uses 14.
    pub aws_retry_cost_tokens: f64,
    /// AWS `aws_standard`: cost of a retry after a timeout, tokens (10); `aws_standard_2026` uses 14.
    pub aws_timeout_retry_cost_tokens: f64,
    /// AWS quota: cost of a retry after a throttling error (the backend's queue-full rejections
    /// and operator throttles), tokens (5 in both cost schedules; Java v2 legacy 0).
    pub aws_throttle_retry_cost_tokens: f64,
    /// gRPC `maxTokens`, tokens, in (0, 1000] (example 10).
    pub grpc_max_tokens: f64,
    /// gRPC `tokenRatio`: tokens a successful attempt adds (example 0.1).
    pub grpc_token_ratio: f64,
    /// Envoy `budget_percent`: retries in flight allowed per active request, fraction (20 % = 0.2).
    pub envoy_budget_fraction: f64,
    /// Envoy `min_retry_concurrency`: retries in flight always allowed, retries (3).
    pub envoy_min_retry_concurrency: u32,
    /// Finagle `ttl`: how long deposits and withdrawals count, seconds (10, allowed 1–60).
    pub finagle_ttl_s: f64,
    /// Finagle `percentCanRetry`: retries allowed per request, fraction (0.2).
    pub finagle_retry_fraction: f64,
    /// Finagle `minRetriesPerSec`: retries allowed per second regardless of traffic, retries per second (10).
    pub finagle_min_retries_per_s: f64,
    /// SRE adaptive throttling multiplier K (2; 1.1 is aggressive), dimensionless.
    pub sre_multiplier: f64,
    /// SRE adaptive throttling history window, seconds (two minutes).
    pub sre_window_s: f64,
    /// AWS adaptive: the token bucket's lowest fill rate, tokens per second (botocore `TokenBucket._MIN_RATE` 0.5).
    pub aws_adaptive_min_rate_per_s: f64,
    /// AWS adaptive: EMA smoothing of the measured rate (botocore `RateClocker._DEFAULT_SMOOTHING` 0.8).
    pub aws_adaptive_smoothing: f64,
    /// AWS adaptive: width of the buckets the measured rate is counted in, seconds (`RateClocker._TIME_BUCKET_RANGE` 0.5).
    pub aws_adaptive_bucket_s: f64,
    /// AWS adaptive: CUBIC scale constant C, tokens/s per s³ (`CubicCalculator._SCALE_CONSTANT` 0.4).
    pub aws_adaptive_cubic_scale: f64,
    /// AWS adaptive: CUBIC multiplicative decrease β (`CubicCalculator._BETA` 0.7).
    pub aws_adaptive_beta: f64,
}

/// How a circuit breaker decides to open.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum BreakerKind {
    /// No breaker.
    None,
    /// Opens after `consecutive_failures` failed attempts in a row (Finagle FailureAccrual: 5).
    ConsecutiveFailures,
    /// Opens when the failure ratio of the last `window_calls` attempts reaches the threshold (resilience4j COUNT_BASED).
    CountWindow,
    /// Opens when the failure ratio of the attempts of the last `window_s` seconds reaches the threshold (resilience4j TIME_BASED).
    TimeWindow,
}

/// A per-client circuit breaker around each attempt (DNS lookup plus call).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct RawBreaker {
    /// Which breaker.
    pub kind: BreakerKind,
    /// Failure ratio at or above which the breaker opens, 0..=1 (resilience4j `failureRateThreshold` 50 %).
    pub failure_ratio_threshold: f64,
    /// Attempts in the window before the ratio is evaluated (resilience4j `minimumNumberOfCalls` 100).
    pub minimum_calls: u32,
    /// Size of a count window, attempts (resilience4j `slidingWindowSize` 100).
    pub window_calls: u32,
    /// Length of a time window, seconds (resilience4j `slidingWindowSize` read as seconds: 100).
    pub window_s: f64,
    /// Failures in a row that open a `consecutive_failures` breaker (Finagle FailureAccrual: 5).
    pub consecutive_failures: u32,
    /// How long the breaker stays open before letting probes through, seconds (resilience4j `waitDurationInOpenState` 60 s).
    pub open_s: f64,
    /// Probe attempts let through when half-open (resilience4j `permittedNumberOfCallsInHalfOpenState` 10).
    pub half_open_calls: u32,
}

impl Default for RawHedging {
    fn default() -> Self {
        RawHedging {
            max_attempts: 1,
            delay_ms: 500.0,
        }
    }
}

impl Default for RawRetry {
    fn default() -> Self {
        RawRetry {
            attempts_max: 4,
            backoff: BackoffKind::Exponential,
            backoff_base_ms: 100.0,
            backoff_max_ms: 5000.0,
            jitter: JitterKind::Full,
            on_dns_failure: true,
            on_timeout: true,
            on_rejected: true,
            on_server_error: true,
        }
    }
}

impl Default for RawRetryBudget {
    fn default() -> Self {
        RawRetryBudget {
            kind: RetryBudgetKind::None,
            aws_capacity_tokens: 500.0,
            aws_retry_cost_tokens: 5.0,
            aws_timeout_retry_cost_tokens: 10.0,
            aws_throttle_retry_cost_tokens: 5.0,
            grpc_max_tokens: 10.0,
            grpc_token_ratio: 0.1,
            envoy_budget_fraction: 0.2,
            envoy_min_retry_concurrency: 3,
            finagle_ttl_s: 10.0,
            finagle_retry_fraction: 0.2,
            finagle_min_retries_per_s: 10.0,
            sre_multiplier: 2.0,
            sre_window_s: 120.0,
            aws_adaptive_min_rate_per_s: 0.5,
            aws_adaptive_smoothing: 0.8,
            aws_adaptive_bucket_s: 0.5,
            aws_adaptive_cubic_scale: 0.4,
            aws_adaptive_beta: 0.7,
        }
    }
}

impl Default for RawBreaker {
    fn default() -> Self {
        RawBreaker {
            kind: BreakerKind::None,
            failure_ratio_threshold: 0.5,
            minimum_calls: 100,
            window_calls: 100,
            window_s: 100.0,
            consecutive_failures: 5,
            open_s: 60.0,
            half_open_calls: 10,
        }
    }
}
