//! Stampede's simulation core: a deterministic model of client fleets with DNS caches, resolvers,
//! retries with backoff and jitter, and backends, facing DNS and service faults.
//!
//! Architecture invariant: this crate does no I/O, reads no clock and uses no global random
//! generator. The same [`Scenario`] and seed give a bit-identical [`Report`] on every target.

pub mod bands;
pub mod caption;
pub mod cost;
pub mod engine;
pub mod grid;
pub mod model;
pub mod presets;
pub mod queue;
pub mod report;
pub mod rng;
pub mod scenario;
pub mod time;
pub mod version;

// The models' old paths, kept for callers outside the crate.
pub use model::{breaker, budget, window};

pub use engine::Simulation;
pub use report::{Outcome, Recovery, Report, Series, Summary};
pub use scenario::{Problem, RawScenario, Scenario, ScenarioError};
pub use time::SimTime;

/// Validates nothing and runs a scenario to its horizon.
pub fn run(scenario: &Scenario) -> Report {
    Simulation::new(scenario).run_to_end()
}
