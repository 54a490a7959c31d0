//! KPI cards and the summary sentence, computed from a report: plain Rust, tested natively.
//!
//! Owns: the wording and number formatting of what the playground reports.
//! Must not: compute model figures; it only formats [`Summary`] fields.

use stampede_core::report::busiest_resolver;
use stampede_core::{Recovery, Report, Summary};

/// One KPI card.
#[derive(Clone, Debug, PartialEq)]
pub struct Kpi {
    /// Stable id (`data-kpi`).
    pub id: &'static str,
    /// Heading.
    pub label: &'static str,
    /// The value, formatted.
    pub value: String,
    /// One-line explanation.
    pub help: &'static str,
    /// Whether the value signals trouble.
    pub bad: bool,
    /// Whether the value lists one entry per class, service, resolver or name (drawn smaller).
    pub list: bool,
}

pub use stampede_core::report::thousands;

/// An amount in dollars with cents, thousands separated like the counts beside it
/// (`$26,318.63`); `—` when not finite.
pub fn dollars(amount: f64) -> String {
    if !amount.is_finite() {
        return "—".to_string();
    }
    let sign = if amount < 0.0 { "-" } else { "" };
    // Saturates far above any cost a bounded run can reach.
    let cents = (amount.abs() * 100.0).round() as u64;
    format!("{sign}${}.{:02}", thousands(cents / 100), cents % 100)
}

/// Between the entries of a list card's value.
pub const LIST_SEPARATOR: &str = " · ";

fn recovery_text(r: &Recovery) -> (String, String, bool) {
    match r {
        Recovery::NoFault => ("no fault".into(), "no".into(), false),
        Recovery::FaultStillActive => ("fault still on".into(), "—".into(), true),
        Recovery::Recovered { after_s } => {
            (format!("{after_s:.0} s"), "no".into(), *after_s > 60.0)
        }
        Recovery::Metastable { .. } => ("never".into(), "yes".into(), true),
        Recovery::Undetermined { observed_s } => {
            (format!("> {observed_s:.0} s"), "undetermined".into(), true)
        }
    }
}

/// The KPI cards of a summary: the fixed ones, then one for client classes, one for services and
/// one for resolvers when the scenario has several, and one for names with failover routing
/// when it has any.
pub fn cards(s: &Summary) -> Vec<Kpi> {
    let mut cards = fixed_cards(s);
    if !s.classes.is_empty() {
        cards.push(list_card(
            ("classes", "Availability by client class"),
            s.classes
                .iter()
                .map(|c| format!("{} {:.2} %", c.name, c.availability * 100.0)),
            "Each client class of the scenario on its own: whose settings rode out the fault.",
            s.classes.iter().any(|c| c.availability < 0.99),
        ));
    }
    if !s.services.is_empty() {
        cards.push(list_card(
            ("services", "Peak load by service"),
            s.services
                .iter()
                .map(|v| format!("{} {:.2}×", v.name, v.peak_load_ratio)),
            "Most attempts per unit of capacity each service saw in any time bucket.",
            s.services.iter().any(|v| v.peak_load_ratio > 1.0),
        ));
    }
    if s.resolvers.len() > 1 {
        cards.push(list_card(
            ("resolvers", "Peak load by resolver"),
            s.resolvers
                .iter()
                .map(|r| format!("{} {:.2}×", r.name, r.peak_load_ratio)),
            "Most queries per unit of answering capacity each resolver (resolv.conf order) saw in any time bucket; above 1× it drops queries, and clients move on to the next one after their lookup timeout.",
            s.resolvers.iter().any(|r| r.peak_load_ratio > 1.0),
        ));
    }
    let failover: Vec<_> = s.names.iter().filter(|n| n.failover).collect();
    if !failover.is_empty() {
        cards.push(list_card(
            ("failover_names", "Failover routing"),
            failover
                .iter()
                .map(|n| format!("{}: {}", n.name, n.answer_history())),
            "When each name with Route 53 failover routing began answering its service's secondary region after its health check failed, and when it answered the primary again.",
            failover.iter().any(|n| !n.switches.is_empty()),
        ));
    }
    cards
}

/// A card whose value lists one entry per class, service, resolver or name.
fn list_card(
    (id, label): (&'static str, &'static str),
    entries: impl Iterator<Item = String>,
    help: &'static str,
    bad: bool,
) -> Kpi {
    Kpi {
        id,
        label,
        value: entries.collect::<Vec<_>>().join(LIST_SEPARATOR),
        help,
        bad,
        list: true,
    }
}

fn fixed_cards(s: &Summary) -> Vec<Kpi> {
    let (recover, metastable, slow) = recovery_text(&s.recovery);
    vec![
        Kpi {
            id: "availability",
            label: "Availability",
            value: format!("{:.2} %", s.availability * 100.0),
            help: "Share of user requests that succeeded, over the whole run.",
            bad: s.availability < 0.99,
            list: false,
        },
        Kpi {
            id: "failed_requests",
            label: "Failed requests",
            value: thousands(s.failed),
            help: "User requests that failed after all their attempts.",
            bad: s.failed > 0,
            list: false,
        },
        Kpi {
            id: "peak_amplification",
            label: "Peak amplification",
            value: format!("{:.2}×", s.peak_amplification),
            help: "Most attempts per user request in any time bucket: the retry storm's multiplier.",
            bad: s.peak_amplification > 1.5,
            list: false,
        },
        Kpi {
            id: "time_to_recover",
            label: "Time to recover",
            value: recover,
            help: "From the end of the last fault until goodput holds at 95 % of its pre-fault level.",
            bad: slow,
            list: false,
        },
        Kpi {
            id: "metastable",
            label: "Metastable",
            value: metastable,
            help: "Goodput still below its pre-fault level a whole recovery window after the fault ended.",
            bad: matches!(s.recovery, Recovery::Metastable { .. }),
            list: false,
        },
        Kpi {
            id: "cost",
            label: "Cost of downtime",
            value: dollars(s.cost_of_downtime),
            help: "Failed requests × the cost per failed request, plus minutes below the SLO × the cost per minute you set.",
            bad: s.cost_of_downtime > 0.0,
            list: false,
        },
    ]
}

/// Whether the design being edited does better or worse than the pinned baseline on a card.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// Better than the baseline.
    Better,
    /// Worse than the baseline.
    Worse,
    /// The same, at the precision the card shows.
    Same,
    /// Better on some entries, worse on others, or different without a better side.
    Mixed,
}

impl Verdict {
    /// The word the card says (the colour alone never carries it).
    pub fn word(self) -> &'static str {
        match self {
            Verdict::Better => "better",
            Verdict::Worse => "worse",
            Verdict::Same => "same",
            Verdict::Mixed => "mixed",
        }
    }

    /// The verdict of a change where a higher figure is better (or lower, `higher_is_better`
    /// false); `same` when the card would show the same figure.
    fn of(delta: f64, same: bool, higher_is_better: bool) -> Verdict {
        if same || delta == 0.0 {
            Verdict::Same
        } else if (delta > 0.0) == higher_is_better {
            Verdict::Better
        } else {
            Verdict::Worse
        }
    }

    /// The verdict over several entries.
    fn overall(each: impl Iterator<Item = Verdict>) -> Verdict {
        let (mut better, mut worse, mut mixed) = (false, false, false);
        for v in each {
            better |= v == Verdict::Better;
            worse |= v == Verdict::Worse;
            mixed |= v == Verdict::Mixed;
        }
        match (better, worse, mixed) {
            (_, _, true) | (true, true, _) => Verdict::Mixed,
            (true, false, false) => Verdict::Better,
            (false, true, false) => Verdict::Worse,
            (false, false, false) => Verdict::Same,
        }
    }
}

/// How a card of the design being edited compares with the pinned baseline's.
#[derive(Clone, Debug, PartialEq)]
pub struct Comparison {
    /// Better, worse, the same or mixed.
    pub verdict: Verdict,
    /// The difference in the card's unit with its direction, then the verdict in words
    /// (`+0.52 pp, better`).
    pub text: String,
}

/// A signed figure: `+` or the minus sign `−`.
fn signed(delta: f64, text: String) -> String {
    if delta < 0.0 {
        format!("\u{2212}{}", text.trim_start_matches('-'))
    } else {
        format!("+{text}")
    }
}

fn comparison(verdict: Verdict, difference: String) -> Comparison {
    let text = if verdict == Verdict::Same {
        "same".to_string()
    } else {
        format!("{difference}, {}", verdict.word())
    };
    Comparison { verdict, text }
}

/// Seconds until recovery for ranking (`None`: the fault outlasted the run, no comparison).
fn recovery_s(r: &Recovery) -> Option<f64> {
    match r {
        Recovery::NoFault => Some(0.0),
        Recovery::Recovered { after_s } => Some(*after_s),
        Recovery::Undetermined { observed_s } => Some(*observed_s),
        Recovery::Metastable { .. } => Some(f64::INFINITY),
        Recovery::FaultStillActive => None,
    }
}

fn recovery_comparison(now: &Recovery, was: &Recovery) -> Comparison {
    let (text_now, ..) = recovery_text(now);
    let (text_was, ..) = recovery_text(was);
    if text_now == text_was {
        return comparison(Verdict::Same, String::new());
    }
    let (Some(a), Some(b)) = (recovery_s(now), recovery_s(was)) else {
        return comparison(Verdict::Mixed, format!("baseline {text_was}"));
    };
    let verdict = Verdict::of(a - b, false, false);
    let difference = match (a.is_finite(), b.is_finite()) {
        (true, true) if a < b => format!("{:.0} s sooner", b - a),
        (true, true) => format!("{:.0} s later", a - b),
        (true, false) => "recovers; the baseline never did".to_string(),
        (false, _) => format!("never recovers; the baseline did in {text_was}"),
    };
    comparison(verdict, difference)
}

/// Per-entry differences of a list card: entries matched by name, `figure` higher or lower is
/// better, `format` the card's own number format (entries the baseline lacks are skipped).
fn list_comparison<T>(
    now: &[T],
    was: &[T],
    name: impl Fn(&T) -> &str,
    figure: impl Fn(&T) -> f64,
    format: impl Fn(f64) -> String,
    higher_is_better: bool,
) -> Comparison {
    let mut verdicts = Vec::new();
    let mut parts = Vec::new();
    for entry in now {
        let Some(before) = was.iter().find(|b| name(b) == name(entry)) else {
            continue;
        };
        let (a, b) = (figure(entry), figure(before));
        let verdict = Verdict::of(a - b, format(a) == format(b), higher_is_better);
        let part = if verdict == Verdict::Same {
            "same".to_string()
        } else {
            signed(a - b, format(a - b))
        };
        parts.push(format!("{} {part}", name(entry)));
        verdicts.push(verdict);
    }
    let verdict = Verdict::overall(verdicts.into_iter());
    Comparison {
        verdict,
        text: format!("{}: {}", parts.join(LIST_SEPARATOR), verdict.word()),
    }
}

/// How card `id` of `now` compares with the same card of `was`: the difference in the card's
/// unit, its direction and a verdict; `None` for an unknown card.
pub fn compare(id: &str, now: &Summary, was: &Summary) -> Option<Comparison> {
    let pp = |v: f64| format!("{:.2} pp", v * 100.0);
    Some(match id {
        "availability" => {
            let d = now.availability - was.availability;
            let same = format!("{:.2}", now.availability * 100.0)
                == format!("{:.2}", was.availability * 100.0);
            comparison(Verdict::of(d, same, true), signed(d, pp(d)))
        }
        "failed_requests" => {
            let d = now.failed as f64 - was.failed as f64;
            // The relative change when it reads as more than nothing.
            let percent = if was.failed > 0 {
                d / was.failed as f64 * 100.0
            } else {
                0.0
            };
            let relative = match percent.abs() {
                p if p >= 1.0 => format!(" ({})", signed(d, format!("{p:.0} %"))),
                p if p >= 0.05 => format!(" ({})", signed(d, format!("{p:.1} %"))),
                _ => String::new(),
            };
            let count = signed(d, thousands(d.abs() as u64));
            comparison(Verdict::of(d, false, false), format!("{count}{relative}"))
        }
        "peak_amplification" => {
            let d = now.peak_amplification - was.peak_amplification;
            let same = format!("{:.2}", now.peak_amplification)
                == format!("{:.2}", was.peak_amplification);
            comparison(Verdict::of(d, same, false), signed(d, format!("{d:.2}×")))
        }
        "time_to_recover" => recovery_comparison(&now.recovery, &was.recovery),
        "metastable" => {
            let m = |s: &Summary| matches!(s.recovery, Recovery::Metastable { .. });
            match (m(now), m(was)) {
                (true, false) => comparison(Verdict::Worse, "now metastable".into()),
                (false, true) => comparison(Verdict::Better, "no longer metastable".into()),
                _ => comparison(Verdict::Same, String::new()),
            }
        }
        "cost" => {
            let d = now.cost_of_downtime - was.cost_of_downtime;
            let same = dollars(now.cost_of_downtime) == dollars(was.cost_of_downtime);
            comparison(Verdict::of(d, same, false), signed(d, dollars(d)))
        }
        "classes" => list_comparison(
            &now.classes,
            &was.classes,
            |c| c.name.as_str(),
            |c| c.availability,
            pp,
            true,
        ),
        "services" => list_comparison(
            &now.services,
            &was.services,
            |c| c.name.as_str(),
            |c| c.peak_load_ratio,
            |v| format!("{v:.2}×"),
            false,
        ),
        "resolvers" => list_comparison(
            &now.resolvers,
            &was.resolvers,
            |c| c.name.as_str(),
            |c| c.peak_load_ratio,
            |v| format!("{v:.2}×"),
            false,
        ),
        "failover_names" => {
            let history = |s: &Summary| {
                s.names
                    .iter()
                    .filter(|n| n.failover)
                    .map(|n| format!("{}: {}", n.name, n.answer_history()))
                    .collect::<Vec<_>>()
            };
            if history(now) == history(was) {
                comparison(Verdict::Same, String::new())
            } else {
                comparison(Verdict::Mixed, "answers moved at other times".into())
            }
        }
        _ => return None,
    })
}

/// The sentence read out by screen readers after each run: backend load, recovery, failures,
/// availability, each client class's, and with several resolvers or failover names,
/// `dns_sentences`.
pub fn summary_sentence(report: &Report) -> String {
    let s = &report.summary;
    let recovery = match &s.recovery {
        Recovery::NoFault => "no fault was injected".to_string(),
        Recovery::FaultStillActive => "the fault was still active when the run ended".to_string(),
        Recovery::Recovered { after_s } => {
            format!("recovered {after_s:.0} s after the fault ended")
        }
        Recovery::Metastable { observed_s } => {
            format!("still not recovered {observed_s:.0} s after the fault ended (metastable)")
        }
        Recovery::Undetermined { observed_s } => {
            format!("not yet recovered {observed_s:.0} s after the fault ended")
        }
    };
    let classes = if s.classes.is_empty() {
        String::new()
    } else {
        let each: Vec<String> = s
            .classes
            .iter()
            .map(|c| format!("{} {:.2} %", c.name, c.availability * 100.0))
            .collect();
        format!(" By client class: {}.", each.join(", "))
    };
    format!(
        "Peak backend load {:.1}× capacity at {:.0} s; {}; {} requests failed; availability {:.2} %.{classes}{}",
        s.peak_backend_load_ratio,
        s.peak_backend_load_at_s,
        recovery,
        thousands(s.failed),
        s.availability * 100.0,
        dns_sentences(s)
    )
}

/// With several resolvers, the busiest one and when it peaked; then each failover name whose
/// answer moved, where to and when. Empty otherwise. The phrases are the core's, which the
/// CLI's summary rows say too.
fn dns_sentences(s: &Summary) -> String {
    let mut out = String::new();
    if let Some(r) = busiest_resolver(&s.resolvers) {
        out.push_str(&format!(
            " Busiest resolver: {}, {}.",
            r.name,
            r.peak_text()
        ));
    }
    for name in s
        .names
        .iter()
        .filter(|n| n.failover && !n.switches.is_empty())
    {
        out.push_str(&format!(
            " {} failed over: {}.",
            name.name,
            name.answer_history()
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thousands_separators() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(3412), "3,412");
        assert_eq!(thousands(1_234_567), "1,234,567");
    }

    #[test]
    fn dollars_with_cents_and_separators() {
        assert_eq!(dollars(0.0), "$0.00");
        assert_eq!(dollars(611.335), "$611.34");
        assert_eq!(dollars(26_318.63), "$26,318.63");
        assert_eq!(dollars(1_234_567.0), "$1,234,567.00");
        assert_eq!(dollars(999.999), "$1,000.00");
        assert_eq!(dollars(f64::NAN), "—");
    }

    #[test]
    fn the_cost_card_separates_thousands_like_the_counts_beside_it() {
        let preset = stampede_core::presets::find("naive-retry-storm").unwrap();
        let sc = stampede_core::Scenario::try_from(preset.raw().unwrap()).unwrap();
        let report = stampede_core::run(&sc);
        assert!(
            report.summary.cost_of_downtime >= 1000.0,
            "a cost with thousands"
        );
        let cost = cards(&report.summary)
            .into_iter()
            .find(|k| k.id == "cost")
            .unwrap();
        assert_eq!(cost.value, dollars(report.summary.cost_of_downtime));
        assert!(cost.value.contains(','), "{}", cost.value);
    }

    #[test]
    fn cards_and_sentence_follow_the_summary() {
        let preset = &stampede_core::presets::PRESETS[1];
        let sc = stampede_core::Scenario::try_from(preset.raw().unwrap()).unwrap();
        let report = stampede_core::run(&sc);
        let cards = cards(&report.summary);
        let ids: Vec<_> = cards.iter().map(|c| c.id).collect();
        assert_eq!(
            ids,
            [
                "availability",
                "failed_requests",
                "peak_amplification",
                "time_to_recover",
                "metastable",
                "cost"
            ]
        );
        assert_eq!(cards[1].value, thousands(report.summary.failed));
        let sentence = summary_sentence(&report);
        assert!(sentence.contains(&format!(
            "{} requests failed",
            thousands(report.summary.failed)
        )));
        assert!(
            !sentence.contains("resolver") && !sentence.contains("failed over"),
            "one resolver and one name: {sentence}"
        );
    }

    /// Every preset with several resolvers, several names or a failover name: the sentence names
    /// the resolver with the highest peak (and when), and each failover name whose answer moved
    /// (where to and when), in the words of the CLI's summary rows; names that stayed put are not
    /// mentioned.
    #[test]
    fn the_sentence_mentions_the_busiest_resolver_and_each_failover() {
        let (mut resolvers_seen, mut switches_seen) = (false, false);
        for preset in stampede_core::presets::PRESETS {
            let raw = preset.raw().unwrap();
            let sc = stampede_core::Scenario::try_from(raw.clone()).unwrap();
            if raw.resolver_list().len() < 2 && !sc.summarises_names() {
                continue;
            }
            let report = stampede_core::run(&sc);
            let (s, sentence) = (&report.summary, summary_sentence(&report));
            if raw.resolver_list().len() > 1 {
                resolvers_seen = true;
                let peak = s
                    .resolvers
                    .iter()
                    .map(|r| r.peak_load_ratio)
                    .fold(0.0, f64::max);
                let busiest = s
                    .resolvers
                    .iter()
                    .find(|r| r.peak_load_ratio == peak)
                    .unwrap();
                let expected = format!(
                    "Busiest resolver: {}, {}.",
                    busiest.name,
                    busiest.peak_text()
                );
                assert!(
                    sentence.contains(&expected),
                    "{}: {expected:?} in {sentence:?}",
                    preset.name
                );
            } else {
                assert!(
                    !sentence.contains("Busiest resolver"),
                    "{}: {sentence}",
                    preset.name
                );
            }
            for name in &s.names {
                let mentioned = sentence.contains(&format!("{} failed over", name.name));
                let moved = name.failover && !name.switches.is_empty();
                assert_eq!(
                    mentioned, moved,
                    "{} {}: {sentence}",
                    preset.name, name.name
                );
                if moved {
                    switches_seen = true;
                    assert!(
                        sentence.contains(&format!(
                            "{} failed over: {}.",
                            name.name,
                            name.answer_history()
                        )),
                        "{}: {sentence}",
                        preset.name
                    );
                }
            }
        }
        assert!(
            resolvers_seen && switches_seen,
            "some preset has several resolvers and a failover"
        );
    }

    #[test]
    fn resolvers_and_failover_names_get_a_card_only_when_the_scenario_has_them() {
        use stampede_core::report::{AnswerSwitch, NameSummary, ResolverSummary};
        let preset = &stampede_core::presets::PRESETS[1];
        let sc = stampede_core::Scenario::try_from(preset.raw().unwrap()).unwrap();
        let mut summary = stampede_core::run(&sc).summary;
        assert_eq!(summary.resolvers.len(), 1, "the preset has one resolver");
        let ids = |s: &Summary| cards(s).iter().map(|c| c.id).collect::<Vec<_>>();
        assert!(!ids(&summary).contains(&"resolvers"));
        assert!(!ids(&summary).contains(&"failover_names"));

        let resolver = |i: usize, peak_load_ratio: f64| ResolverSummary {
            name: format!("resolver:{i}"),
            queries: 0,
            dropped: 0,
            peak_load_ratio,
            peak_load_at_s: 0.0,
        };
        summary.resolvers = vec![resolver(0, 2.5), resolver(1, 0.16)];
        let name = |name: &str, failover: bool, switches: Vec<AnswerSwitch>| NameSummary {
            name: name.into(),
            service: "sts".into(),
            failover,
            switches,
            time_on_secondary_s: 0.0,
        };
        let switch = |at_s: f64, region: u8| AnswerSwitch { at_s, region };
        summary.names = vec![
            name("api.example", false, vec![]),
            name(
                "sts.example",
                true,
                vec![switch(331.2, 1), switch(1021.2, 0)],
            ),
            name("quiet.example", true, vec![]),
        ];
        let all = cards(&summary);
        let card = |id: &str| all.iter().find(|c| c.id == id).unwrap();
        let resolvers = card("resolvers");
        assert_eq!(resolvers.value, "resolver:0 2.50× · resolver:1 0.16×");
        assert!(resolvers.bad && resolvers.list, "resolver 0 was overloaded");
        // The same words as the CLI's summary row (`NameSummary::failover_text`), without the
        // service, which the name stands for on the card.
        let failover = card("failover_names");
        assert_eq!(
            failover.value,
            "sts.example: region 1 from 331.2 s, primary from 1021.2 s · \
             quiet.example: answered its primary throughout"
        );
        assert!(
            summary.names[1].failover_text().ends_with(
                failover
                    .value
                    .split(" · ")
                    .next()
                    .unwrap()
                    .trim_start_matches("sts.example: ")
            )
        );
        assert!(failover.bad, "a name failed over");
        // The sentence: the busiest resolver, and only the name that moved.
        let mut report = stampede_core::run(&sc);
        report.summary = summary.clone();
        let sentence = summary_sentence(&report);
        assert!(
            sentence.ends_with(
                " Busiest resolver: resolver:0, peak 2.5 × capacity at 0 s. \
                 sts.example failed over: region 1 from 331.2 s, primary from 1021.2 s."
            ),
            "{sentence}"
        );
        assert!(!sentence.contains("quiet.example"), "{sentence}");
        summary.resolvers.truncate(1);
        summary.names.retain(|n| !n.failover);
        assert_eq!(ids(&summary).len(), 6, "back to the fixed cards");
    }

    fn summary() -> Summary {
        let preset = &stampede_core::presets::PRESETS[1];
        let sc = stampede_core::Scenario::try_from(preset.raw().unwrap()).unwrap();
        stampede_core::run(&sc).summary
    }

    /// The difference on each card, in its unit, with the direction in words.
    #[test]
    fn each_card_says_the_difference_and_whether_it_is_better() {
        let (mut now, mut was) = (summary(), summary());
        let text = |id: &str, now: &Summary, was: &Summary| {
            let c = compare(id, now, was).unwrap();
            (c.verdict, c.text)
        };
        now.availability = 0.995;
        was.availability = 0.99;
        assert_eq!(
            text("availability", &now, &was),
            (Verdict::Better, "+0.50 pp, better".to_string())
        );
        now.failed = 100;
        was.failed = 200;
        assert_eq!(
            text("failed_requests", &now, &was),
            (
                Verdict::Better,
                "\u{2212}100 (\u{2212}50 %), better".to_string()
            )
        );
        assert_eq!(
            text("failed_requests", &was, &now).1,
            "+100 (+100 %), worse"
        );
        // A change too small to be a percentage is only a count.
        now.failed = 396_690;
        was.failed = 396_689;
        assert_eq!(text("failed_requests", &now, &was).1, "+1, worse");
        now.peak_amplification = 3.0;
        was.peak_amplification = 1.5;
        assert_eq!(
            text("peak_amplification", &now, &was),
            (Verdict::Worse, "+1.50×, worse".to_string())
        );
        now.cost_of_downtime = 10.0;
        was.cost_of_downtime = 1234.5;
        assert_eq!(text("cost", &now, &was).1, "\u{2212}$1,224.50, better");
        now.recovery = Recovery::Recovered { after_s: 30.0 };
        was.recovery = Recovery::Recovered { after_s: 90.0 };
        assert_eq!(
            text("time_to_recover", &now, &was),
            (Verdict::Better, "60 s sooner, better".to_string())
        );
        assert_eq!(text("metastable", &now, &was).0, Verdict::Same);
        was.recovery = Recovery::Metastable { observed_s: 300.0 };
        assert_eq!(
            text("time_to_recover", &now, &was).1,
            "recovers; the baseline never did, better"
        );
        assert_eq!(
            text("metastable", &now, &was),
            (Verdict::Better, "no longer metastable, better".to_string())
        );
        assert_eq!(
            text("time_to_recover", &was, &now),
            (
                Verdict::Worse,
                "never recovers; the baseline did in 30 s, worse".to_string()
            )
        );
        assert_eq!(text("metastable", &was, &now).1, "now metastable, worse");
    }

    #[test]
    fn equal_figures_say_same_and_every_card_compares() {
        let s = summary();
        for card in cards(&s) {
            let c = compare(card.id, &s, &s).unwrap();
            assert_eq!(
                (c.verdict, c.text.as_str()),
                (Verdict::Same, "same"),
                "{}",
                card.id
            );
        }
        // A difference smaller than the card shows is the same.
        let mut close = s.clone();
        close.availability = s.availability + 1e-7;
        assert_eq!(
            compare("availability", &close, &s).unwrap().verdict,
            Verdict::Same
        );
        assert!(compare("no_such_card", &s, &s).is_none());
    }

    #[test]
    fn list_cards_compare_entry_by_entry() {
        use stampede_core::report::ClassSummary;
        let class = |name: &str, availability: f64| ClassSummary {
            name: name.into(),
            requests_finished: 1000,
            success: (availability * 1000.0) as u64,
            availability,
        };
        let (mut now, mut was) = (summary(), summary());
        now.classes = vec![class("jvm", 0.999), class("go", 0.95)];
        was.classes = vec![class("jvm", 0.99), class("go", 0.97)];
        let c = compare("classes", &now, &was).unwrap();
        assert_eq!(c.verdict, Verdict::Mixed);
        assert_eq!(c.text, "jvm +0.90 pp · go \u{2212}2.00 pp: mixed");
        now.classes[1].availability = 0.97;
        let c = compare("classes", &now, &was).unwrap();
        assert_eq!(c.text, "jvm +0.90 pp · go same: better");
    }
}
