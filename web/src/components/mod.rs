//! The playground's components, one per file.

pub mod change_note;
pub mod charts;
pub mod controls;
pub mod embed;
pub mod header;
pub mod kpis;
pub mod lesson_list;
pub mod lesson_timer;
pub mod lesson_view;
pub mod linked_text;
pub mod number_control;
pub mod painter;
pub mod policy_chips;
pub mod risk_map;
pub mod transport;
