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
}
