//! Stampede's playground: a yew app that edits a scenario and draws the report that the simulation
//! worker streams back.
//!
//! Architecture invariant: the simulation never runs on the main thread; every number shown comes
//! from a [`stampede_core::Report`].

pub mod cells;
pub mod change_note;
pub mod delta;
pub mod embed;
pub mod guard;
pub mod inbox;
pub mod kpi;
pub mod lesson;
pub mod links;
#[cfg(test)]
mod pinned_links;
pub mod policies;
pub mod protocol;
pub mod state;

#[cfg(target_arch = "wasm32")]
pub mod app;
#[cfg(target_arch = "wasm32")]
pub mod components;
#[cfg(target_arch = "wasm32")]
pub mod perf;
#[cfg(target_arch = "wasm32")]
pub mod pool;
#[cfg(target_arch = "wasm32")]
pub mod pool_worker;
#[cfg(target_arch = "wasm32")]
pub mod supervisor;
#[cfg(target_arch = "wasm32")]
pub mod worker;
