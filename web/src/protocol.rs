//! Messages between the page and the simulation worker.
//!
//! Owns: the worker's input and output types (encoded by gloo-worker's bincode codec). A run's
//! first message carries its report whole; every later one only what changed since
//! ([`ReportDelta`]: a few kilobytes, where a whole report is hundreds).
//! Must not: hold logic.

use serde::{Deserialize, Serialize};
use stampede_core::{RawScenario, Report};

use crate::delta::ReportDelta;

/// Which design a run belongs to: the one being edited, or the pinned baseline it is compared with.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Slot {
    /// The design being edited.
    Current = 0,
    /// The pinned baseline design.
    Baseline = 1,
}

/// Page → worker: start a run in a slot (cancelling that slot's run in flight).
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct RunRequest {
    /// Which design.
    pub slot: Slot,
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
        /// Which design.
        slot: Slot,
        /// Run id.
        run_id: u64,
        /// The report, or what is new in it.
        update: ReportUpdate,
    },
    /// The final report.
    Finished {
        /// Which design.
        slot: Slot,
        /// Run id.
        run_id: u64,
        /// The report, or what is new in it.
        update: ReportUpdate,
        /// What the run cost the worker.
        timings: WorkerTimings,
    },
    /// The scenario was rejected.
    Invalid {
        /// Which design.
        slot: Slot,
        /// Run id.
        run_id: u64,
        /// Every problem, as text.
        problems: Vec<String>,
    },
}

/// A report as a message carries it.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub enum ReportUpdate {
    /// The whole report (a run's first message).
    Whole(Box<Report>),
    /// What changed since the run's previous message.
    Delta(Box<ReportDelta>),
}

/// What one run cost the worker, by its own clock: the engine's share of the time a run takes
/// (the browser benchmark prints the rest as overhead).
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct WorkerTimings {
    /// When the worker received the request, ms since the Unix epoch (comparable across threads).
    pub received_epoch_ms: f64,
    /// When the worker sent the final report, ms since the Unix epoch.
    pub finished_epoch_ms: f64,
    /// Inside the engine: validating the scenario, building the simulation and advancing it, ms.
    pub engine_ms: f64,
    /// Building what the messages carry (reports), ms.
    pub report_ms: f64,
    /// Encoding and posting the messages, ms.
    pub send_ms: f64,
    /// Messages sent for the run, the final one included.
    pub messages: u32,
}
