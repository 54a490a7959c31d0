//! "What to notice": a few plain sentences about a finished run, generated from its report.
//!
//! Owns: the wording of the automatic caption embeds show (`caption=auto`).
//! Must not: say anything the figures do not show. Every sentence restates a summary field or a
//! span of the series (when the fault began, how high the load went, when goodput came back);
//! none names a cause the report does not measure.

use crate::report::{Outcome, Recovery, Report};

/// Attempts per user request below which retries are not worth a sentence.
const AMPLIFICATION_NOTABLE: f64 = 1.2;

/// Fault labels of operator actions and mitigations (`fault_windows`), which are not the fault
/// a reader watches the system ride out.
const NOT_A_TRIGGER: [&str; 2] = ["operator throttle", "DNS override (mitigation)"];

/// The caption of a finished run: what happened to the load, to recovery and to the requests, in
/// plain words with the report's figures.
pub fn what_to_notice(report: &Report) -> String {
    let s = &report.summary;
    let trigger = report
        .fault_windows
        .iter()
        .filter(|(_, _, label)| !NOT_A_TRIGGER.contains(&label.as_str()))
        .map(|(start, _, label)| (*start, label.as_str()))
        .min_by(|a, b| a.0.total_cmp(&b.0));
    let mut sentences = Vec::new();
    let Some((start_s, label)) = trigger else {
        sentences.push(format!(
            "No fault in this run: {} of requests succeeded and the backend's load peaked at \
             {:.2}× its capacity.",
            percent(s.availability),
            s.peak_backend_load_ratio
        ));
        return sentences.join(" ");
    };
    if s.peak_amplification >= AMPLIFICATION_NOTABLE && s.peak_amplification_at_s >= start_s {
        sentences.push(format!(
            "Retries raised the attempts to {:.1}× the user requests within {} of the {label} \
             starting.",
            s.peak_amplification,
            duration(s.peak_amplification_at_s - start_s + report.bucket_s)
        ));
    }
    if s.peak_backend_load_ratio >= 1.0 {
        sentences.push(format!(
            "The backend was asked for up to {:.1}× what it could serve.",
            s.peak_backend_load_ratio
        ));
    }
    sentences.push(recovery_sentence(report));
    sentences.push(failures_sentence(report));
    sentences.join(" ")
}

/// What the recovery verdict says, with how long the backend stayed overloaded after the last
/// fault when it did.
fn recovery_sentence(report: &Report) -> String {
    let overloaded = overloaded_after_fault_s(report);
    let overload = match overloaded {
        Some(span) => format!(", and the backend stayed overloaded for {}", duration(span)),
        None => String::new(),
    };
    match report.summary.recovery {
        Recovery::NoFault => "No fault ended in this run.".to_string(),
        Recovery::FaultStillActive => "The fault was still on when the run ended.".to_string(),
        Recovery::Recovered { after_s } if after_s <= 0.0 => {
            "Goodput was back to its level before the fault as soon as the fault ended.".to_string()
        }
        Recovery::Recovered { after_s } => format!(
            "Goodput came back to its level before the fault {} after the fault ended{overload}.",
            duration(after_s)
        ),
        Recovery::Metastable { observed_s } => format!(
            "Goodput had not come back {} after the fault ended{overload}: a metastable \
             failure, which outlasted its trigger.",
            duration(observed_s)
        ),
        Recovery::Undetermined { observed_s } => format!(
            "Goodput had not come back by the end of the run, {} after the fault ended{overload}.",
            duration(observed_s)
        ),
    }
}

/// How long after the last fault ended the backend kept being asked for at least its capacity:
/// the end of the last overloaded bucket after the fault minus the fault's end, seconds, when the
/// first bucket after the fault was overloaded.
fn overloaded_after_fault_s(report: &Report) -> Option<f64> {
    let end_s = report
        .fault_windows
        .iter()
        .filter(|(_, _, label)| !NOT_A_TRIGGER.contains(&label.as_str()))
        .map(|w| w.1)
        .fold(None, |m: Option<f64>, e| Some(m.map_or(e, |m| m.max(e))))?;
    let series = &report.series;
    let first = (end_s / report.bucket_s).ceil() as usize;
    let overloaded = |b: usize| {
        let capacity = series.backend_capacity.get(b).copied().unwrap_or(0.0);
        let offered = series.backend_offered.get(b).copied().unwrap_or(0) as f64;
        capacity > 0.0 && offered >= capacity
    };
    let last = (first..report.buckets_done)
        .take_while(|b| overloaded(*b))
        .last()?;
    Some((last + 1) as f64 * report.bucket_s - end_s)
}

/// How many requests succeeded and the most common cause of the failures.
fn failures_sentence(report: &Report) -> String {
    let s = &report.summary;
    if s.failed == 0 {
        return format!(
            "No request failed ({} succeeded).",
            crate::report::thousands(s.success)
        );
    }
    let (cause, count) = Outcome::FAILURES
        .iter()
        .zip(s.failed_by_cause)
        .max_by_key(|(_, n)| *n)
        .map_or(("failure", 0), |(o, n)| (o.label(), n));
    format!(
        "{} of requests succeeded; {} failed, {} of them by {cause}.",
        percent(s.availability),
        crate::report::thousands(s.failed),
        percent(count as f64 / s.failed as f64)
    )
}

/// A fraction as a percentage with two decimals, as the playground's cards write it (`33.73 %`);
/// a whole `100 %`.
fn percent(fraction: f64) -> String {
    if fraction >= 1.0 {
        "100 %".to_string()
    } else {
        format!("{:.2} %", fraction * 100.0)
    }
}

/// A duration in words: `40 s`, `3 min`, `3 min 20 s`.
fn duration(seconds: f64) -> String {
    let total = seconds.max(0.0).round() as u64;
    match (total / 60, total % 60) {
        (0, s) => format!("{s} s"),
        (m, 0) => format!("{m} min"),
        (m, s) if m < 10 => format!("{m} min {s} s"),
        (m, _) => format!("{m} min"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_and_percentages_in_words() {
        assert_eq!(duration(40.0), "40 s");
        assert_eq!(duration(180.0), "3 min");
        assert_eq!(duration(200.0), "3 min 20 s");
        assert_eq!(duration(-3.0), "0 s");
        assert_eq!(percent(1.0), "100 %");
        assert_eq!(percent(0.337_25), "33.73 %");
        assert_eq!(percent(0.5), "50.00 %");
    }
}
