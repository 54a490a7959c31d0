//! Whether and when a run recovered after its last fault: the baseline goodput, the recovery
//! rule and the metastable verdict (definitions in ARCHITECTURE.md).
//!
//! Owns: the verdict. Must not: simulate.

use super::*;

/// Whether and when the system recovered after the last fault ended.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub enum Recovery {
    /// The scenario has no fault.
    NoFault,
    /// The run ended before the last fault did.
    FaultStillActive,
    /// Goodput returned to the baseline this many seconds after the last fault ended.
    Recovered {
        /// Seconds from the end of the last fault to the start of sustained recovered goodput.
        after_s: f64,
    },
    /// Goodput had not returned within the recovery window: a metastable failure.
    Metastable {
        /// Seconds observed after the last fault ended.
        observed_s: f64,
    },
    /// Not recovered yet, but the run ended before the recovery window did.
    Undetermined {
        /// Seconds observed after the last fault ended.
        observed_s: f64,
    },
}

/// Fraction of baseline goodput that counts as recovered.
pub const RECOVERED_GOODPUT_FRACTION: f64 = 0.95;
/// Consecutive recovered buckets needed to call recovery sustained.
pub const RECOVERED_BUCKETS_HELD: usize = 3;

/// Inputs of [`recovery_verdict`].
#[derive(Clone, Copy, Debug)]
pub struct RecoveryInput<'a> {
    /// Successes per bucket.
    pub success: &'a [u64],
    /// Buckets completed.
    pub buckets_done: usize,
    /// Bucket width, s.
    pub bucket_s: f64,
    /// First fault start, s.
    pub first_fault_start_s: Option<f64>,
    /// Last fault end, s.
    pub last_fault_end_s: Option<f64>,
    /// Recovery window, s.
    pub window_s: f64,
}

/// Baseline goodput (per bucket) and the recovery verdict.
///
/// Baseline: mean successes per bucket over the complete buckets before the first fault, skipping
/// the first bucket (warm-up). Recovered: the first bucket starting at or after the last fault's
/// end from which [`RECOVERED_BUCKETS_HELD`] consecutive buckets (or all remaining ones) each reach
/// [`RECOVERED_GOODPUT_FRACTION`] of the baseline. Time to recover is that bucket's start minus
/// the fault's end. Metastable: not recovered within `window_s` after the fault's end.
pub fn recovery_verdict(input: RecoveryInput<'_>) -> (f64, Recovery) {
    let (Some(start_s), Some(end_s)) = (input.first_fault_start_s, input.last_fault_end_s) else {
        return (f64::NAN, Recovery::NoFault);
    };
    let pre_buckets = (start_s / input.bucket_s) as usize;
    let pre = &input.success[..pre_buckets.min(input.buckets_done)];
    let pre = if pre.len() > 1 { &pre[1..] } else { pre };
    let baseline = if pre.is_empty() {
        f64::NAN
    } else {
        pre.iter().sum::<u64>() as f64 / pre.len() as f64
    };
    let done_s = input.buckets_done as f64 * input.bucket_s;
    if done_s < end_s {
        return (baseline, Recovery::FaultStillActive);
    }
    if baseline.is_nan() {
        // No complete bucket before the first fault: nothing to recover to.
        return (
            baseline,
            Recovery::Undetermined {
                observed_s: done_s - end_s,
            },
        );
    }
    let first = libm::ceil(end_s / input.bucket_s - 1e-9) as usize;
    let ok = |b: usize| {
        baseline.is_nan() || input.success[b] as f64 >= RECOVERED_GOODPUT_FRACTION * baseline
    };
    let mut b = first;
    while b < input.buckets_done {
        let held_end = (b + RECOVERED_BUCKETS_HELD).min(input.buckets_done);
        match (b..held_end).find(|&k| !ok(k)) {
            None => {
                let after_s = (b as f64 * input.bucket_s - end_s).max(0.0);
                if after_s > input.window_s {
                    return (
                        baseline,
                        Recovery::Metastable {
                            observed_s: done_s - end_s,
                        },
                    );
                }
                return (baseline, Recovery::Recovered { after_s });
            }
            Some(bad) => b = bad + 1,
        }
    }
    let observed_s = done_s - end_s;
    if observed_s >= input.window_s {
        (baseline, Recovery::Metastable { observed_s })
    } else {
        (baseline, Recovery::Undetermined { observed_s })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn verdict(success: &[u64], start: f64, end: f64, window: f64) -> Recovery {
        recovery_verdict(RecoveryInput {
            success,
            buckets_done: success.len(),
            bucket_s: 10.0,
            first_fault_start_s: Some(start),
            last_fault_end_s: Some(end),
            window_s: window,
        })
        .1
    }

    /// The report's keyed causes follow [`Outcome::FAILURES`] and [`Outcome::key`]: a value
    /// put at a cause's index comes back under that cause's name.
    #[test]
    fn zero_is_never_negative_in_words() {
        let empty: f64 = Vec::<f64>::new().iter().sum();
        assert_eq!(number(empty, 2), "0");
        assert_eq!(number(-0.001, 2), "0");
        assert_eq!(number(-1.5, 1), "-1.5");
    }

    #[test]
    fn recovery_cases() {
        // Buckets of 10 s; fault 30..50 s; baseline (buckets 1, 2) is 100.
        let recovered = [90, 100, 100, 0, 0, 10, 96, 100, 99, 100];
        assert_eq!(
            verdict(&recovered, 30.0, 50.0, 100.0),
            Recovery::Recovered { after_s: 10.0 }
        );
        let blip = [90, 100, 100, 0, 0, 96, 10, 97, 100, 100];
        assert_eq!(
            verdict(&blip, 30.0, 50.0, 100.0),
            Recovery::Recovered { after_s: 20.0 }
        );
        let stuck = [90, 100, 100, 0, 0, 10, 10, 10, 10, 10];
        assert_eq!(
            verdict(&stuck, 30.0, 50.0, 30.0),
            Recovery::Metastable { observed_s: 50.0 }
        );
        assert_eq!(
            verdict(&stuck, 30.0, 50.0, 300.0),
            Recovery::Undetermined { observed_s: 50.0 }
        );
        assert_eq!(
            verdict(&stuck, 30.0, 200.0, 30.0),
            Recovery::FaultStillActive
        );
        // A fault from t = 0 leaves no baseline to recover to: never "recovered" by default.
        assert_eq!(
            verdict(&stuck, 0.0, 50.0, 30.0),
            Recovery::Undetermined { observed_s: 50.0 }
        );
    }
}
