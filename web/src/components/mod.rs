//! The playground's components, one per file.

pub mod charts;
pub mod controls;
pub mod header;
pub mod kpis;
pub mod number_control;
pub mod policy_chips;
pub mod transport;
