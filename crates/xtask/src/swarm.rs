//! `cargo xtask swarm --scenarios N --seed S`: the long swarm. Runs the core's swarm test
//! (`crates/stampede-core/tests/integration/swarm.rs`, ignored in the normal suite) over seeds
//! S..S+N: random valid scenarios over every feature and the edges of the ranges, every
//! invariant checked, the seed and a shrunk scenario printed on a failure.
//!
//! Owns: the command and how it hands N and S to the test.
//! Must not: draw or check anything itself (the generator and the checks are the tests').

use std::path::Path;

use crate::cmd::{Cmd, Error};

/// What `cargo xtask swarm` was asked for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SwarmConfig {
    /// Scenarios to draw.
    pub scenarios: u64,
    /// First seed.
    pub seed: u64,
}

impl Default for SwarmConfig {
    fn default() -> Self {
        SwarmConfig {
            scenarios: 1000,
            seed: 0,
        }
    }
}

/// Runs the swarm (the test build of the core: optimised, with its debug assertions on).
pub fn swarm(root: &Path, config: &SwarmConfig) -> Result<(), Error> {
    Cmd::cargo(root)
        .args([
            "test",
            "-p",
            "stampede-core",
            "--test",
            "integration",
            "swarm_from_the_environment",
            "--",
            "--ignored",
            "--nocapture",
        ])
        .env("STAMPEDE_SWARM_SCENARIOS", config.scenarios.to_string())
        .env("STAMPEDE_SWARM_SEED", config.seed.to_string())
        .run()
}
