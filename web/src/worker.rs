//! The simulation worker: runs the core off the main thread, in slices, streaming reports.
//!
//! Owns: the runs in flight (one per [`Slot`]) and their slicing. A new request replaces its
//! slot's run in flight (cancel); between slices the worker yields to its event loop so new
//! requests get in.
//! Must not: touch the DOM.

use gloo_worker::{HandlerId, Worker, WorkerScope};
use stampede_core::{Scenario, Simulation};

use crate::protocol::{RunRequest, RunUpdate, Slot};

/// Wall-clock time one slice may take before the worker reports and yields, ms.
const SLICE_MS: f64 = 40.0;

/// The worker's own messages.
#[derive(Debug)]
pub enum Tick {
    /// Continue run `run_id` of a slot.
    Step(Slot, u64),
}

struct Job {
    run_id: u64,
    client: HandlerId,
    sim: Simulation,
}

/// The simulation worker.
pub struct SimWorker {
    jobs: [Option<Job>; 2],
}

impl Worker for SimWorker {
    type Message = Tick;
    type Input = RunRequest;
    type Output = RunUpdate;

    fn create(_scope: &WorkerScope<Self>) -> Self {
        SimWorker { jobs: [None, None] }
    }

    fn update(&mut self, scope: &WorkerScope<Self>, msg: Tick) {
        let Tick::Step(slot, run_id) = msg;
        let entry = &mut self.jobs[slot as usize];
        let Some(job) = entry.as_mut().filter(|j| j.run_id == run_id) else {
            return; // cancelled: a newer run replaced this one
        };
        let started_ms = js_sys::Date::now();
        let bucket = job.sim.scenario().bucket;
        while !job.sim.is_finished() && js_sys::Date::now() - started_ms < SLICE_MS {
            let next = job.sim.now().after(bucket);
            job.sim.advance_to(next);
        }
        let report = Box::new(job.sim.report());
        if job.sim.is_finished() {
            scope.respond(
                job.client,
                RunUpdate::Finished {
                    slot,
                    run_id,
                    report,
                },
            );
            *entry = None;
        } else {
            scope.respond(
                job.client,
                RunUpdate::Progress {
                    slot,
                    run_id,
                    report,
                },
            );
            yield_then_step(scope, slot, run_id);
        }
    }

    fn received(&mut self, scope: &WorkerScope<Self>, msg: RunRequest, id: HandlerId) {
        let slot = msg.slot;
        match Scenario::try_from(msg.raw) {
            Ok(scenario) => {
                self.jobs[slot as usize] = Some(Job {
                    run_id: msg.run_id,
                    client: id,
                    sim: Simulation::new(&scenario),
                });
                yield_then_step(scope, slot, msg.run_id);
            }
            Err(e) => {
                self.jobs[slot as usize] = None;
                let problems = e.problems.iter().map(ToString::to_string).collect();
                scope.respond(
                    id,
                    RunUpdate::Invalid {
                        slot,
                        run_id: msg.run_id,
                        problems,
                    },
                );
            }
        }
    }
}

fn yield_then_step(scope: &WorkerScope<SimWorker>, slot: Slot, run_id: u64) {
    scope.send_future(async move {
        gloo_timers::future::TimeoutFuture::new(0).await;
        Tick::Step(slot, run_id)
    });
}
