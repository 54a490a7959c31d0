//! Messages between the page and the simulation worker.
//!
//! Owns: the worker's input and output types (encoded by gloo-worker's bincode codec).
//! Must not: hold logic.

use serde::{Deserialize, Serialize};
use stampede_core::{RawScenario, Report};

/// Page → worker: start a run (cancelling any run in flight).
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct RunRequest {
    /// Id the page uses to ignore reports of older runs.
    pub run_id: u64,
    /// The parameters; the worker validates them again.
    pub raw: RawScenario,
}

/// Worker → page.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub enum RunUpdate {
    /// The report so far.
    Progress {
        /// Run id.
        run_id: u64,
        /// Report.
        report: Box<Report>,
    },
    /// The final report.
    Finished {
        /// Run id.
        run_id: u64,
        /// Report.
        report: Box<Report>,
    },
    /// The scenario was rejected.
    Invalid {
        /// Run id.
        run_id: u64,
        /// Every problem, as text.
        problems: Vec<String>,
    },
}
