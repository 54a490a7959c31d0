//! The playground's components, one per file.

pub mod charts;
pub mod controls;
pub mod header;
pub mod kpis;
pub mod painter;
pub mod transport;
