//! The decoders of the `stampede` command line that read outside input besides scenarios
//! (`--vary` specs, sweep CSVs to merge), with what they need, as a library: the binary uses
//! them, and so do the fuzz targets in `fuzz/`.
//!
//! Owns: nothing of its own; each module says what it owns.
//! Must not: grow beyond what the binary and the fuzz targets share (the commands' flow stays
//! in `main.rs`).

pub mod error;
pub mod kpi;
pub mod progress;
pub mod stdio;
pub mod sweep;
