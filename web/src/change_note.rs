//! Explanations where the surprise happens: the note under the status line when the parameter
//! the user just changed moved no KPI (with the registry's reason when its help has one), and
//! the notice when the page's link used an old spelling of a key or an option. Plain Rust,
//! tested natively.
//!
//! Owns: deciding when those appear and their wording. Must not: run anything or compute model
//! figures; it compares two finished runs' KPI cards and reads the parameter registry.

use crate::kpi;
use stampede_core::scenario::aliases::{canonical_key, canonical_value};
use stampede_core::scenario::params::{PARAMS, Param};
use stampede_core::scenario::percent_decode;
use stampede_core::{RawScenario, Summary};

/// The registry parameters whose values differ between `before` and `after`.
pub fn changed_params(before: &RawScenario, after: &RawScenario) -> Vec<&'static Param> {
    PARAMS
        .iter()
        .filter(|p| (p.get)(before).to_bits() != (p.get)(after).to_bits())
        .collect()
}

/// The sentence of a parameter's help that says when it has no effect (`No effect while …`).
pub fn no_effect_reason(param: &Param) -> Option<&'static str> {
    let help = param.help;
    let start = help.find("No effect")?;
    let rest = &help[start..];
    // The sentence ends at the first full stop followed by a space or the end of the help.
    let end = rest
        .match_indices(". ")
        .map(|(i, _)| i + 1)
        .next()
        .unwrap_or(rest.len());
    Some(&rest[..end])
}

/// The note after a finished run of `after` whose previous finished run was of `before`: when
/// exactly one parameter changed (the user's last change; a preset or a policy changes more)
/// and every KPI card reads as before. `None` otherwise.
pub fn note(before: (&RawScenario, &Summary), after: (&RawScenario, &Summary)) -> Option<String> {
    let changed = changed_params(before.0, after.0);
    let [param] = changed.as_slice() else {
        return None;
    };
    let values =
        |s: &Summary| -> Vec<String> { kpi::cards(s).into_iter().map(|k| k.value).collect() };
    if values(before.1) != values(after.1) {
        return None;
    }
    let from = param.format((param.get)(before.0));
    let to = param.format((param.get)(after.0));
    let head = format!(
        "{} from {from} to {to} moved no KPI: every card reads as before.",
        param.label
    );
    Some(match no_effect_reason(param) {
        Some(reason) => format!("{head} {reason}"),
        None => head,
    })
}

/// One notice per old spelling (a renamed key or option) in a link's query: the link still
/// works, and the notice names the current spelling.
pub fn old_spellings(query: &str) -> Vec<String> {
    query
        .trim_start_matches('?')
        .split('&')
        .filter(|pair| !pair.is_empty())
        .flat_map(|pair| {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            let (key, value) = (percent_decode(key), percent_decode(value));
            let (current, key_notice) = canonical_key(&key);
            let (_, value_notice) = canonical_value(current, &value);
            key_notice.into_iter().chain(value_notice)
        })
        .map(|p| format!("This link uses an old spelling: {p}"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use stampede_core::scenario::params::find;

    fn october() -> RawScenario {
        stampede_core::presets::find("october-2025-dns")
            .and_then(|p| p.raw().ok())
            .expect("the preset decodes")
    }

    fn summary(raw: &RawScenario) -> Summary {
        let mut raw = raw.clone();
        // Short enough to run in a unit test; the note compares cards, whatever the run.
        raw.run.duration_s = 60.0;
        raw.faults.clear();
        let sc = stampede_core::Scenario::try_from(raw).expect("valid");
        stampede_core::run(&sc).summary
    }

    #[test]
    fn the_ttl_help_gives_its_no_effect_reason() {
        let ttl = find("dns.record_ttl_s").unwrap();
        let reason = no_effect_reason(ttl).unwrap();
        assert!(
            reason.starts_with("No effect on the clients while it is at most"),
            "{reason}"
        );
        assert!(reason.ends_with('.'), "{reason}");
        assert!(no_effect_reason(find("fleet.clients").unwrap()).is_none());
    }

    #[test]
    fn one_change_that_moves_no_card_gets_a_note_with_the_reason() {
        let before = october();
        let mut after = before.clone();
        after.dns.record_ttl_s = 7.0;
        let s = summary(&before);
        let text = note((&before, &s), (&after, &s)).expect("a note");
        assert!(text.contains("moved no KPI"), "{text}");
        assert!(text.contains("No effect on the clients while"), "{text}");
        // A parameter without a no-effect sentence gets the note without a reason.
        let mut other = before.clone();
        other.fleet.attempt_timeout_ms += 1.0;
        let text = note((&before, &s), (&other, &s)).expect("a note");
        assert!(text.ends_with("every card reads as before."), "{text}");
    }

    #[test]
    fn no_note_when_a_card_moved_or_several_parameters_changed() {
        let before = october();
        let s = summary(&before);
        let mut fewer_workers = before.clone();
        fewer_workers.backend.workers /= 2;
        let moved = summary(&fewer_workers);
        assert!(note((&before, &s), (&fewer_workers, &moved)).is_none());
        let mut two = before.clone();
        two.dns.record_ttl_s = 7.0;
        two.fleet.attempt_timeout_ms += 1.0;
        assert!(note((&before, &s), (&two, &s)).is_none());
        assert!(
            note((&before, &s), (&before, &s)).is_none(),
            "nothing changed"
        );
    }

    #[test]
    fn old_spellings_in_a_link_are_named() {
        let notes = old_spellings(
            "?preset=cold-start-herd&client_dns.cold_start=true&retry_budget.kind=aws_standard2026",
        );
        assert_eq!(notes.len(), 2, "{notes:?}");
        assert!(notes[0].contains("fleet.cold_start"), "{notes:?}");
        assert!(notes[1].contains("aws_standard_2026"), "{notes:?}");
        assert!(old_spellings("?preset=x&fleet.cold_start=true").is_empty());
    }
}
