//! Integration tests of the simulation core, built as one binary.

mod caption;
mod control_plane;
mod determinism;
mod dns;
mod forwarding;
mod golden;
mod invariants;
mod limits;
mod names;
mod presets;
mod report_contract;
mod resilience;
mod support;
mod swarm;
mod topology;
mod validation;
