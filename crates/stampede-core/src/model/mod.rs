//! The simulated parts, one model each: a struct with private state whose methods take `now`
//! and return verdicts (a query is dropped, a job goes into service, a lease has lapsed).
//!
//! Architecture Invariant: a model never schedules an event, never counts a series and never
//! reads another model; the engine ([`crate::engine`]) asks the models, counts and schedules.
//! Models name neither the engine nor its event queue (`crates/xtask/src/tidy.rs`).

pub mod backend;
pub mod breaker;
pub mod budget;
pub mod clients;
pub mod faults;
pub mod leases;
pub mod resolver;
pub mod routing;
pub mod window;
