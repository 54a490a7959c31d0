//! The simulation worker: runs the core off the main thread, in slices, streaming reports.
//!
//! Owns: the runs in flight (one per [`Slot`]) and their slicing. A new request replaces its
//! slot's run in flight (cancel); between slices the worker yields to its event loop so new
//! requests get in.
//! Must not: touch the DOM.

use gloo_worker::{HandlerId, Worker, WorkerScope};
use stampede_core::{Scenario, SimTime, Simulation};

use crate::perf::{epoch_ms, now_ms};
use crate::protocol::{RunRequest, RunUpdate, Slot, WorkerTimings};

/// Wall-clock time one slice may take before the worker reports and yields, ms.
const SLICE_MS: f64 = 40.0;

/// Simulated time of a run's first step. A slice advances in steps that double while they are
/// quick (up to one metric bucket) and halve when one is slow, so that no step holds the worker
/// much longer than a slice: a heavy fleet with wide buckets (a million clients at one request
/// every two seconds, one-minute buckets) has tens of seconds of work in one bucket, and a newer
/// request (the user moving a slider) waited for all of it.
const FIRST_STEP: SimTime = SimTime(1);

/// A step slower than this, ms, halves the next one; one quicker than a quarter of it doubles it.
const STEP_MS: f64 = 10.0;

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
    /// Simulated time the next step advances.
    step: SimTime,
    /// What the run has cost so far.
    timings: WorkerTimings,
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
        let started_ms = now_ms();
        let bucket = job.sim.scenario().bucket;
        while !job.sim.is_finished() && now_ms() - started_ms < SLICE_MS {
            let step_started_ms = now_ms();
            let next = job.sim.now().after(job.step);
            job.sim.advance_to(next);
            let took_ms = now_ms() - step_started_ms;
            job.timings.engine_ms += took_ms;
            job.step = next_step(job.step, took_ms, bucket);
        }
        let report_started_ms = now_ms();
        let report = Box::new(job.sim.report());
        job.timings.report_ms += now_ms() - report_started_ms;
        job.timings.messages += 1;
        let send_started_ms = now_ms();
        if job.sim.is_finished() {
            let mut timings = job.timings;
            timings.finished_epoch_ms = epoch_ms();
            scope.respond(
                job.client,
                RunUpdate::Finished {
                    slot,
                    run_id,
                    report,
                    timings,
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
            job.timings.send_ms += now_ms() - send_started_ms;
            yield_then_step(scope, slot, run_id);
        }
    }

    fn received(&mut self, scope: &WorkerScope<Self>, msg: RunRequest, id: HandlerId) {
        let slot = msg.slot;
        let received_epoch_ms = epoch_ms();
        let started_ms = now_ms();
        match Scenario::try_from(msg.raw) {
            Ok(scenario) => {
                let sim = Simulation::new(&scenario);
                let timings = WorkerTimings {
                    received_epoch_ms,
                    engine_ms: now_ms() - started_ms,
                    ..WorkerTimings::default()
                };
                self.jobs[slot as usize] = Some(Job {
                    run_id: msg.run_id,
                    client: id,
                    sim,
                    step: FIRST_STEP,
                    timings,
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

/// The step after one of `step` that took `took_ms`: halved when slow, doubled (up to `bucket`)
/// when quick.
fn next_step(step: SimTime, took_ms: f64, bucket: SimTime) -> SimTime {
    if took_ms > STEP_MS {
        SimTime((step.0 / 2).max(1))
    } else if took_ms < STEP_MS / 4.0 {
        SimTime(step.0.saturating_mul(2).min(bucket.0.max(1)))
    } else {
        step
    }
}

fn yield_then_step(scope: &WorkerScope<SimWorker>, slot: Slot, run_id: u64) {
    scope.send_future(async move {
        gloo_timers::future::TimeoutFuture::new(0).await;
        Tick::Step(slot, run_id)
    });
}
