//! Tests of the engine's internals: the plain and general engines agree, timeouts left out change
//! no result, and scenarios go to the engine of their shape.

use super::*;
use crate::presets::PRESETS;

/// The plain engine is the general one with the topology checks decided at compile time: on
/// every preset it can run, both give the same report, to the bit.
#[test]
fn plain_engine_reports_what_the_general_engine_reports() {
    let mut compared = 0;
    for preset in PRESETS.iter().filter(|p| p.name != "million-clients") {
        let raw = preset.raw().expect("presets parse");
        let sc = Scenario::try_from(raw).expect("presets are valid");
        if !Plain::runs(&sc) {
            continue;
        }
        let general = Engine::<Topology>::new(&sc).run_to_end();
        let specialised = Engine::<Plain>::new(&sc).run_to_end();
        assert!(
            matches!(Simulation::new(&sc).0, Shaped::Plain(_)),
            "{}: a plain scenario runs on the plain engine",
            preset.name
        );
        assert_eq!(
            format!("{general:?}"),
            format!("{specialised:?}"),
            "{}: the two engines disagree",
            preset.name
        );
        compared += 1;
    }
    assert!(compared >= 10, "only {compared} presets compared");
}

/// Leaving out the timeouts that cannot fire changes no result: every preset gives the same
/// report with every timeout scheduled, but for the count of events (the same where every
/// attempt waits for a lookup or a queue, fewer where attempts are served at once).
#[test]
fn timeouts_left_out_change_no_result() {
    let (mut compared, mut presets_with_fewer_events) = (0, 0);
    for preset in PRESETS.iter().filter(|p| p.name != "million-clients") {
        let sc = Scenario::try_from(preset.raw().expect("presets parse")).expect("valid");
        let lean = Engine::<Topology>::new(&sc).run_to_end();
        let mut every = Engine::<Topology>::new(&sc);
        every.every_timeout = true;
        let mut every = every.run_to_end();
        assert!(
            every.summary.events >= lean.summary.events,
            "{}: leaving timeouts out added events",
            preset.name
        );
        presets_with_fewer_events += usize::from(every.summary.events > lean.summary.events);
        every.summary.events = lean.summary.events;
        assert_eq!(
            format!("{every:?}"),
            format!("{lean:?}"),
            "{}: a timeout left out changed the results",
            preset.name
        );
        compared += 1;
    }
    assert!(compared >= 15, "only {compared} presets compared");
    assert!(
        presets_with_fewer_events >= compared / 2,
        "timeouts were left out in only {presets_with_fewer_events} of {compared} presets"
    );
}

/// A scenario with classes never runs on the plain engine (it would ignore the classes).
#[test]
fn scenarios_with_classes_run_on_the_general_engine() {
    for name in ["mixed-runtimes", "shared-resolver", "dependency-fail-open"] {
        let preset = crate::presets::find(name).expect("preset exists");
        let sc = Scenario::try_from(preset.raw().expect("parses")).expect("valid");
        assert!(
            matches!(Simulation::new(&sc).0, Shaped::Topology(_)),
            "{name} runs on the general engine"
        );
    }
}

/// One name with a forwarding list of its own runs on the general engine, whose lookups
/// follow the list; the full list in resolv.conf order is no forwarding and stays plain.
#[test]
fn a_forwarded_name_runs_on_the_general_engine() {
    let preset = crate::presets::find("two-resolvers").expect("preset exists");
    for (list, plain) in [
        (None, true),
        (Some(vec![0, 1]), true),
        (Some(vec![1]), false),
    ] {
        let mut raw = preset.raw().expect("parses");
        raw.dns.resolvers = list.clone();
        let sc = Scenario::try_from(raw).expect("valid");
        assert_eq!(
            matches!(Simulation::new(&sc).0, Shaped::Plain(_)),
            plain,
            "{list:?}"
        );
    }
}
