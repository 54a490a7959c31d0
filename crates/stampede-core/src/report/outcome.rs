//! How a user request ended ([`Outcome`]) and counts kept per failure cause ([`ByCause`]).
//!
//! Owns: the causes' names and order (CSV columns, JSON keys). Must not: simulate.

use super::*;

/// Why a user request failed (its last attempt's cause), or that it succeeded.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// Served in time.
    Success,
    /// The name resolved to an empty answer (NODATA/NXDOMAIN), fresh or negatively cached.
    DnsEmpty,
    /// The resolver answered SERVFAIL.
    DnsServfail,
    /// The lookup timed out (dropped query, silent zone).
    DnsTimeout,
    /// The backend did not answer within the attempt timeout.
    RequestTimeout,
    /// The backend's queue was full.
    Rejected,
    /// The backend answered with an error (the `error_rate` fault).
    ServerError,
    /// A retry was due but the client's retry budget refused it; the last attempt's error surfaced.
    BudgetExhausted,
    /// Client-side adaptive throttling (SRE) rejected an attempt locally; nothing was sent.
    Throttled,
    /// The client's circuit breaker was open (or half-open with every probe out); nothing was sent.
    BreakerOpen,
    /// The next retry would have started after the request's overall deadline.
    DeadlineExceeded,
    /// A dependency the request needs failed: no identity token could be fetched (and no
    /// expired one may be used); nothing was sent.
    DependencyFailed,
    /// An operator's admission throttle (the `throttle` fault) turned the attempt away at the
    /// backend's door: a throttling error, retried as one.
    OperatorThrottled,
}

impl Outcome {
    /// Every failure cause, in display order.
    pub const FAILURES: [Outcome; FAILURE_CAUSES] = [
        Outcome::DnsEmpty,
        Outcome::DnsServfail,
        Outcome::DnsTimeout,
        Outcome::RequestTimeout,
        Outcome::Rejected,
        Outcome::ServerError,
        Outcome::BudgetExhausted,
        Outcome::Throttled,
        Outcome::BreakerOpen,
        Outcome::DeadlineExceeded,
        Outcome::DependencyFailed,
        Outcome::OperatorThrottled,
    ];

    /// Position in [`Outcome::FAILURES`]; `None` for success.
    pub fn failure_index(self) -> Option<usize> {
        Outcome::FAILURES.iter().position(|f| *f == self)
    }

    /// Label for people.
    pub fn label(self) -> &'static str {
        match self {
            Outcome::Success => "success",
            Outcome::DnsEmpty => "DNS empty answer",
            Outcome::DnsServfail => "DNS SERVFAIL",
            Outcome::DnsTimeout => "DNS timeout",
            Outcome::RequestTimeout => "request timeout",
            Outcome::Rejected => "queue full",
            Outcome::ServerError => "server error",
            Outcome::BudgetExhausted => "retry budget exhausted",
            Outcome::Throttled => "throttled by the client",
            Outcome::BreakerOpen => "circuit breaker open",
            Outcome::DeadlineExceeded => "deadline exceeded",
            Outcome::DependencyFailed => "dependency failed",
            Outcome::OperatorThrottled => "throttled by the operator",
        }
    }

    /// Name of the cause in reports (`failed_by_cause`, `series.failed`) and in CSV columns
    /// (`failed_<key>_per_bucket`): `dns_empty`, `queue_full`, `operator_throttled`, …
    pub fn key(self) -> &'static str {
        match self {
            Outcome::Success => "success",
            Outcome::DnsEmpty => "dns_empty",
            Outcome::DnsServfail => "dns_servfail",
            Outcome::DnsTimeout => "dns_timeout",
            Outcome::RequestTimeout => "request_timeout",
            Outcome::Rejected => "queue_full",
            Outcome::ServerError => "server_error",
            Outcome::BudgetExhausted => "budget_exhausted",
            Outcome::Throttled => "throttled",
            Outcome::BreakerOpen => "breaker_open",
            Outcome::DeadlineExceeded => "deadline_exceeded",
            Outcome::DependencyFailed => "dependency",
            Outcome::OperatorThrottled => "operator_throttled",
        }
    }
}

/// Number of failure causes.
pub const FAILURE_CAUSES: usize = 12;

/// One value per failure cause, keyed by the cause's name ([`Outcome::key`]): how the report
/// writes `failed_by_cause` and `series.failed` (the fields follow [`Outcome::FAILURES`]; in the
/// engine they are arrays in that order).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ByCause<T> {
    /// The name resolved to an empty answer (NODATA/NXDOMAIN), fresh or negatively cached.
    pub dns_empty: T,
    /// The resolver answered SERVFAIL.
    pub dns_servfail: T,
    /// The lookup timed out (dropped query, silent zone).
    pub dns_timeout: T,
    /// The backend did not answer within the attempt timeout.
    pub request_timeout: T,
    /// The backend's queue was full.
    pub queue_full: T,
    /// The backend answered with an error (the `error_rate` or `region_loss` fault).
    pub server_error: T,
    /// A retry was due but the retry budget refused it; the last attempt's error surfaced.
    pub budget_exhausted: T,
    /// Client-side adaptive throttling (SRE) rejected an attempt locally; nothing was sent.
    pub throttled: T,
    /// The client's circuit breaker was open; nothing was sent.
    pub breaker_open: T,
    /// The next retry would have started after the request's overall deadline.
    pub deadline_exceeded: T,
    /// No identity token could be fetched (and no expired one may be used); nothing was sent.
    pub dependency: T,
    /// An operator's admission throttle (the `throttle` fault) turned the attempt away.
    pub operator_throttled: T,
}

impl<T: Clone> ByCause<T> {
    /// From values in [`Outcome::FAILURES`] order.
    pub fn from_array(values: &[T; FAILURE_CAUSES]) -> ByCause<T> {
        let [a, b, c, d, e, f, g, h, i, j, k, l] = values.clone();
        ByCause {
            dns_empty: a,
            dns_servfail: b,
            dns_timeout: c,
            request_timeout: d,
            queue_full: e,
            server_error: f,
            budget_exhausted: g,
            throttled: h,
            breaker_open: i,
            deadline_exceeded: j,
            dependency: k,
            operator_throttled: l,
        }
    }

    /// The values in [`Outcome::FAILURES`] order.
    pub fn into_array(self) -> [T; FAILURE_CAUSES] {
        [
            self.dns_empty,
            self.dns_servfail,
            self.dns_timeout,
            self.request_timeout,
            self.queue_full,
            self.server_error,
            self.budget_exhausted,
            self.throttled,
            self.breaker_open,
            self.deadline_exceeded,
            self.dependency,
            self.operator_throttled,
        ]
    }
}

/// serde for `[T; FAILURE_CAUSES]` fields written as [`ByCause`].
pub(super) mod by_cause {
    use super::{ByCause, FAILURE_CAUSES};
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    pub fn serialize<S: Serializer, T: Serialize + Clone>(
        values: &[T; FAILURE_CAUSES],
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        ByCause::from_array(values).serialize(serializer)
    }

    pub fn deserialize<'de, D: Deserializer<'de>, T: Deserialize<'de> + Clone>(
        deserializer: D,
    ) -> Result<[T; FAILURE_CAUSES], D::Error> {
        ByCause::<T>::deserialize(deserializer).map(ByCause::into_array)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn causes_are_keyed_by_name_in_order() {
        let values: [u64; FAILURE_CAUSES] = std::array::from_fn(|i| i as u64 * 10);
        let json = serde_json::to_value(ByCause::from_array(&values)).expect("encodes");
        for (i, cause) in Outcome::FAILURES.iter().enumerate() {
            assert_eq!(json[cause.key()], values[i], "{}", cause.key());
        }
        assert_eq!(json.as_object().map(|o| o.len()), Some(FAILURE_CAUSES));
        let back: ByCause<u64> = serde_json::from_value(json).expect("decodes");
        assert_eq!(back.into_array(), values);
    }
}
