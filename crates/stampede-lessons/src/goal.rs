//! Goals: conditions on a report's key figures, and their verdicts in words.
//!
//! Owns: the KPI names a lesson may set a goal on, how each is read from a [`Report`], the
//! comparison operators, and the wording of a verdict ("availability 97.1 %, goal ≥ 99 %").
//! Must not: run a simulation or decode files (`lesson.rs` decodes; `check.rs` runs).

use stampede_core::report::number;
use stampede_core::{Recovery, Report};

/// A key figure a goal may test, read from a report's summary.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kpi {
    /// Successful ÷ ended user requests, a ratio 0..1 (shown as a percentage).
    Availability,
    /// Failed user requests, a count.
    Failed,
    /// Largest attempts ÷ user requests over buckets, ×.
    PeakAmplification,
    /// Largest backend offered load ÷ capacity, ×.
    PeakBackendLoad,
    /// Largest resolver queries ÷ capacity, every resolver together, ×.
    PeakResolverLoad,
    /// Queries every resolver dropped, a count.
    ResolverDrops,
    /// Seconds from the last fault's end to sustained recovery; a run that did not recover has
    /// no value and fails any condition on it.
    TimeToRecover,
    /// Whether goodput stayed below the baseline for the whole recovery window (1 = yes).
    Metastable,
    /// Failed ÷ (ended × (1 − SLO target)), × the error budget.
    SloBurn,
    /// Cost of downtime, in the scenario's currency units.
    Cost,
    /// Minutes of buckets below the SLO target, min.
    DowntimeMinutes,
    /// Requests served after their client gave up, a count.
    WastedWork,
    /// 99th percentile latency of successful requests, ms.
    LatencyP99,
}

/// Every KPI with its name in lesson files, in documentation order.
pub const KPIS: [(Kpi, &str); 13] = [
    (Kpi::Availability, "availability"),
    (Kpi::Failed, "failed"),
    (Kpi::PeakAmplification, "peak_amplification"),
    (Kpi::PeakBackendLoad, "peak_backend_load_ratio"),
    (Kpi::PeakResolverLoad, "peak_resolver_load_ratio"),
    (Kpi::ResolverDrops, "resolver_drops"),
    (Kpi::TimeToRecover, "time_to_recover_s"),
    (Kpi::Metastable, "metastable"),
    (Kpi::SloBurn, "slo_burn"),
    (Kpi::Cost, "cost"),
    (Kpi::DowntimeMinutes, "downtime_minutes"),
    (Kpi::WastedWork, "wasted_work"),
    (Kpi::LatencyP99, "latency_p99_ms"),
];

impl Kpi {
    /// The KPI named `name` in a lesson file.
    pub fn from_name(name: &str) -> Option<Kpi> {
        KPIS.iter().find(|(_, n)| *n == name).map(|(k, _)| *k)
    }

    /// Its name in lesson files.
    pub fn name(self) -> &'static str {
        KPIS.iter()
            .find(|(k, _)| *k == self)
            .map_or("?", |(_, n)| n)
    }

    /// Every name, comma-separated (for error messages).
    pub fn names() -> String {
        KPIS.iter().map(|(_, n)| *n).collect::<Vec<_>>().join(", ")
    }

    /// Label for people.
    pub fn label(self) -> &'static str {
        match self {
            Kpi::Availability => "availability",
            Kpi::Failed => "failed requests",
            Kpi::PeakAmplification => "peak amplification",
            Kpi::PeakBackendLoad => "peak backend load",
            Kpi::PeakResolverLoad => "peak resolver load",
            Kpi::ResolverDrops => "resolver drops",
            Kpi::TimeToRecover => "time to recover",
            Kpi::Metastable => "metastable",
            Kpi::SloBurn => "SLO burn",
            Kpi::Cost => "cost of downtime",
            Kpi::DowntimeMinutes => "downtime",
            Kpi::WastedWork => "wasted work",
            Kpi::LatencyP99 => "p99 latency",
        }
    }

    /// Whether the KPI is a yes/no verdict (its goal value is `true` or `false`).
    pub fn is_flag(self) -> bool {
        self == Kpi::Metastable
    }

    /// The KPI's value in `report`; `None` when it has none (no recovery to time).
    pub fn read(self, report: &Report) -> Option<f64> {
        let s = &report.summary;
        Some(match self {
            Kpi::Availability => s.availability,
            Kpi::Failed => s.failed as f64,
            Kpi::PeakAmplification => s.peak_amplification,
            Kpi::PeakBackendLoad => s.peak_backend_load_ratio,
            Kpi::PeakResolverLoad => s.peak_resolver_load_ratio,
            Kpi::ResolverDrops => s.resolvers.iter().map(|r| r.dropped).sum::<u64>() as f64,
            Kpi::TimeToRecover => match s.recovery {
                Recovery::Recovered { after_s } => after_s,
                Recovery::NoFault => 0.0,
                _ => return None,
            },
            Kpi::Metastable => {
                f64::from(u8::from(matches!(s.recovery, Recovery::Metastable { .. })))
            }
            Kpi::SloBurn => s.slo_burn,
            Kpi::Cost => s.cost_of_downtime,
            Kpi::DowntimeMinutes => s.downtime_minutes,
            Kpi::WastedWork => s.wasted_work as f64,
            Kpi::LatencyP99 => s.latency_ms_p50_p90_p99[2],
        })
    }

    /// A value of this KPI in words with its unit: `97.1 %`, `2.4×`, `35 s`, `yes`.
    pub fn format(self, value: f64) -> String {
        match self {
            Kpi::Availability => format!("{} %", percent(value)),
            Kpi::PeakAmplification | Kpi::PeakBackendLoad | Kpi::PeakResolverLoad => {
                format!("{}×", number(value, 2))
            }
            Kpi::SloBurn => format!("{}× the error budget", number(value, 2)),
            Kpi::Failed | Kpi::ResolverDrops | Kpi::WastedWork => {
                format!("{}", value.round() as u64)
            }
            Kpi::TimeToRecover => format!("{} s", number(value, 1)),
            Kpi::Metastable => if value != 0.0 { "yes" } else { "no" }.to_string(),
            Kpi::Cost => format!("{}", value.round() as i64),
            Kpi::DowntimeMinutes => format!("{} min", number(value, 2)),
            Kpi::LatencyP99 => format!("{} ms", number(value, 1)),
        }
    }

    /// A goal value in words: like [`Kpi::format`], but a percentage with only the digits it
    /// needs (`99 %`, `99.5 %`).
    pub fn format_goal(self, value: f64) -> String {
        match self {
            Kpi::Availability => format!("{} %", number(value * 100.0, 3)),
            _ => self.format(value),
        }
    }

    /// What a report without a value says (only [`Kpi::TimeToRecover`] can lack one).
    fn missing(report: &Report) -> &'static str {
        match report.summary.recovery {
            Recovery::Metastable { .. } => "did not recover (metastable)",
            Recovery::FaultStillActive => "the fault was still on when the run ended",
            _ => "not recovered when the run ended",
        }
    }
}

/// Availability as a percentage with enough digits to tell 99.0 from 99.04: one decimal, or
/// two above 99 %, truncated (never rounded up to a goal it has not reached).
fn percent(ratio: f64) -> String {
    let digits = if (0.99..1.0).contains(&ratio) { 2 } else { 1 };
    let scale = 10f64.powi(digits);
    let value = (ratio * 100.0 * scale).floor() / scale;
    format!("{value:.*}", digits as usize)
}

/// A comparison.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Op {
    /// ≥
    AtLeast,
    /// ≤
    AtMost,
    /// >
    Above,
    /// <
    Below,
    /// =
    Equal,
}

/// Every operator with the text lesson files write it as.
pub const OPS: [(Op, &str); 5] = [
    (Op::AtLeast, ">="),
    (Op::AtMost, "<="),
    (Op::Above, ">"),
    (Op::Below, "<"),
    (Op::Equal, "=="),
];

impl Op {
    /// The operator written `text` (`>=`, `<=`, `>`, `<`, `==`).
    pub fn from_text(text: &str) -> Option<Op> {
        OPS.iter().find(|(_, t)| *t == text).map(|(o, _)| *o)
    }

    /// As lesson files write it.
    pub fn text(self) -> &'static str {
        OPS.iter().find(|(o, _)| *o == self).map_or("?", |(_, t)| t)
    }

    /// As people read it.
    pub fn symbol(self) -> &'static str {
        match self {
            Op::AtLeast => "≥",
            Op::AtMost => "≤",
            Op::Above => ">",
            Op::Below => "<",
            Op::Equal => "=",
        }
    }

    /// Whether `value op goal` holds.
    pub fn holds(self, value: f64, goal: f64) -> bool {
        match self {
            Op::AtLeast => value >= goal,
            Op::AtMost => value <= goal,
            Op::Above => value > goal,
            Op::Below => value < goal,
            Op::Equal => value == goal,
        }
    }
}

/// One condition of a goal: `kpi op value`, optionally of one client class.
#[derive(Clone, Debug, PartialEq)]
pub struct Condition {
    /// What is measured.
    pub kpi: Kpi,
    /// The client class (`[[fleets]]` name) whose availability is measured; `None`: the whole
    /// fleet. Only [`Kpi::Availability`] is measured per class.
    pub class: Option<String>,
    /// How it is compared.
    pub op: Op,
    /// The goal value, in the KPI's unit (availability as a ratio 0..1; a flag as 0 or 1).
    pub value: f64,
}

impl Condition {
    /// What is measured, in words: `availability`, `availability of ledger`.
    pub fn label(&self) -> String {
        match &self.class {
            Some(class) => format!("{} of {class}", self.kpi.label()),
            None => self.kpi.label().to_string(),
        }
    }

    /// The measured value in `report`; `None` when it has none (no recovery, no such class).
    pub fn read(&self, report: &Report) -> Option<f64> {
        match &self.class {
            Some(class) => report
                .summary
                .classes
                .iter()
                .find(|c| &c.name == class)
                .map(|c| c.availability),
            None => self.kpi.read(report),
        }
    }

    /// The goal in words: `availability ≥ 99 %`, `metastable = no`.
    pub fn text(&self) -> String {
        format!(
            "{} {} {}",
            self.label(),
            self.op.symbol(),
            self.kpi.format_goal(self.value)
        )
    }

    /// Checks the condition on `report`.
    pub fn verdict(&self, report: &Report) -> Verdict {
        let value = self.read(report);
        let met = value.is_some_and(|v| self.op.holds(v, self.value));
        let measured = match (value, &self.class) {
            (Some(v), _) => self.kpi.format(v),
            (None, Some(_)) => ": not reported (no such class)".to_string(),
            (None, None) => format!(": {}", Kpi::missing(report)),
        };
        Verdict {
            condition: self.clone(),
            value,
            met,
            text: format!(
                "{}{}{measured}, goal {} {}",
                self.label(),
                if value.is_some() { " " } else { "" },
                self.op.symbol(),
                self.kpi.format_goal(self.value)
            ),
        }
    }
}

/// The outcome of one condition on one report.
#[derive(Clone, Debug, PartialEq)]
pub struct Verdict {
    /// The condition checked.
    pub condition: Condition,
    /// The measured value (`None`: the report has none, e.g. no recovery).
    pub value: Option<f64>,
    /// Whether the condition holds.
    pub met: bool,
    /// In words: `availability 97.1 %, goal ≥ 99 %`.
    pub text: String,
}

/// Every condition of `goal` checked on `report`, in order.
pub fn evaluate(goal: &[Condition], report: &Report) -> Vec<Verdict> {
    goal.iter().map(|c| c.verdict(report)).collect()
}

/// Whether every verdict is met (and there is at least one).
pub fn all_met(verdicts: &[Verdict]) -> bool {
    !verdicts.is_empty() && verdicts.iter().all(|v| v.met)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percent_never_rounds_up_to_the_goal() {
        // 0.98996 is below 99 %: rounding would print 99.00 %.
        assert_eq!(percent(0.98996), "98.9");
        assert_eq!(percent(0.99), "99.00");
        assert_eq!(percent(0.97149), "97.1");
        assert_eq!(percent(1.0), "100.0");
    }

    #[test]
    fn operators_compare_as_written() {
        for (op, value, goal, holds) in [
            (Op::AtLeast, 0.99, 0.99, true),
            (Op::AtLeast, 0.98, 0.99, false),
            (Op::AtMost, 1.5, 1.5, true),
            (Op::Above, 1.5, 1.5, false),
            (Op::Below, 1.4, 1.5, true),
            (Op::Equal, 0.0, 0.0, true),
            (Op::Equal, 1.0, 0.0, false),
        ] {
            assert_eq!(op.holds(value, goal), holds, "{value} {} {goal}", op.text());
        }
    }

    #[test]
    fn every_name_round_trips() {
        for (kpi, name) in KPIS {
            assert_eq!(Kpi::from_name(name), Some(kpi));
            assert_eq!(kpi.name(), name);
        }
        for (op, text) in OPS {
            assert_eq!(Op::from_text(text), Some(op));
        }
        assert_eq!(Kpi::from_name("avail"), None);
        assert_eq!(Op::from_text("=>"), None);
    }
}
