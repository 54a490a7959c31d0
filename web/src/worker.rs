//! The simulation worker: runs the core off the main thread, in slices, streaming what is new.
//!
//! Owns: the runs in flight (one per [`Slot`]), their slicing, what each message carries (the
//! run's first report whole, then [`ReportDelta`]s of the buckets completed since) and the
//! engine's warm-up. A new request replaces its slot's run in flight (cancel); between slices
//! the worker yields to its event loop so new requests get in.
//! Must not: touch the DOM.

use std::cell::RefCell;
use std::collections::VecDeque;

use gloo_worker::{HandlerId, Worker, WorkerScope};
use stampede_core::presets::PRESETS;
use stampede_core::{Scenario, SimTime, Simulation};
use wasm_bindgen::prelude::*;

use crate::delta::ReportDelta;
use crate::perf::{epoch_ms, now_ms};
use crate::protocol::{ReportUpdate, RunRequest, RunUpdate, Slot, WorkerTimings};

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

/// The presets the worker runs briefly after it starts, one per compiled engine shape (one
/// fleet; client classes with dependencies), so that V8 has optimised the event loop before the
/// user's first change (its first calls run in V8's baseline code).
const WARM_UP_PRESETS: [&str; 2] = ["naive-retry-storm", "mixed-runtimes"];

/// Engine time the warm-up spends on each of [`WARM_UP_PRESETS`], ms.
const WARM_UP_MS: f64 = 60.0;

/// The worker's own messages.
#[derive(Debug)]
pub enum Tick {
    /// Continue run `run_id` of a slot.
    Step(Slot, u64),
    /// Continue the warm-up, when no run is in flight.
    WarmUp,
}

struct Job {
    run_id: u64,
    client: HandlerId,
    sim: Simulation,
    /// Simulated time the next step advances.
    step: SimTime,
    /// Buckets completed when the previous message was cut (`None` before the first message,
    /// which carries the whole report).
    sent_done: Option<usize>,
    /// What the run has cost so far.
    timings: WorkerTimings,
}

/// Where the warm-up is: the next of [`WARM_UP_PRESETS`], its run (built on its first step)
/// and the engine time left for it.
struct WarmUp {
    next: usize,
    sim: Option<Simulation>,
    left_ms: f64,
}

/// The simulation worker.
pub struct SimWorker {
    jobs: [Option<Job>; 2],
    warm_up: Option<WarmUp>,
}

impl Worker for SimWorker {
    type Message = Tick;
    type Input = RunRequest;
    type Output = RunUpdate;

    fn create(scope: &WorkerScope<Self>) -> Self {
        yield_then(scope, Tick::WarmUp);
        SimWorker {
            jobs: [None, None],
            warm_up: Some(WarmUp {
                next: 0,
                sim: None,
                left_ms: WARM_UP_MS,
            }),
        }
    }

    fn update(&mut self, scope: &WorkerScope<Self>, msg: Tick) {
        match msg {
            Tick::Step(slot, run_id) => self.step(scope, slot, run_id),
            Tick::WarmUp => self.warm_up(scope),
        }
    }

    fn received(&mut self, scope: &WorkerScope<Self>, msg: RunRequest, id: HandlerId) {
        let slot = msg.slot;
        let received_epoch_ms = epoch_ms();
        let started_ms = now_ms();
        match Scenario::try_from(msg.raw) {
            // Over the playground's budget (the page refuses it first; a baseline from a link
            // comes here too): refused with its numbers, never started.
            Ok(scenario) if let Some(refusal) = crate::guard::refusal(&scenario) => {
                self.jobs[slot as usize] = None;
                scope.respond(
                    id,
                    RunUpdate::Invalid {
                        slot,
                        run_id: msg.run_id,
                        problems: vec![refusal],
                    },
                );
            }
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
                    sent_done: None,
                    timings,
                });
                yield_then(scope, Tick::Step(slot, msg.run_id));
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

impl SimWorker {
    /// One slice of a run: advance it for about [`SLICE_MS`], then send what is new.
    fn step(&mut self, scope: &WorkerScope<Self>, slot: Slot, run_id: u64) {
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
        let report = job.sim.report();
        let done = report.buckets_done;
        let update = match job.sent_done {
            None => ReportUpdate::Whole(Box::new(report)),
            // The buckets completed since the last message, and the one in progress.
            Some(sent) => {
                ReportUpdate::Delta(Box::new(ReportDelta::between(report, sent, done + 1)))
            }
        };
        job.sent_done = Some(done);
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
                    update,
                    timings,
                },
            );
            *entry = None;
            if self.warm_up.is_some() {
                yield_then(scope, Tick::WarmUp);
            }
        } else {
            scope.respond(
                job.client,
                RunUpdate::Progress {
                    slot,
                    run_id,
                    update,
                },
            );
            job.timings.send_ms += now_ms() - send_started_ms;
            yield_then(scope, Tick::Step(slot, run_id));
        }
    }

    /// One short step of the warm-up while no run is in flight (a run's end resumes it).
    fn warm_up(&mut self, scope: &WorkerScope<Self>) {
        if self.jobs.iter().any(Option::is_some) {
            return;
        }
        let Some(warm) = self.warm_up.as_mut() else {
            return;
        };
        if warm.sim.is_none() {
            warm.sim = WARM_UP_PRESETS
                .get(warm.next)
                .and_then(|name| PRESETS.iter().find(|p| p.name == *name))
                .and_then(|p| Scenario::try_from(p.raw().ok()?).ok())
                .map(|scenario| Simulation::new(&scenario));
        }
        let Some(sim) = warm.sim.as_mut() else {
            self.warm_up = None; // every preset warmed (or none found)
            return;
        };
        let started_ms = now_ms();
        let bucket = sim.scenario().bucket;
        while !sim.is_finished() && now_ms() - started_ms < STEP_MS {
            let next = sim.now().after(bucket);
            sim.advance_to(next);
        }
        // The report and its delta run every slice too.
        let report = sim.report();
        let done = report.buckets_done;
        let _ = ReportDelta::since(report, done.saturating_sub(1));
        warm.left_ms -= now_ms() - started_ms;
        if warm.left_ms <= 0.0 || sim.is_finished() {
            warm.sim = None;
            warm.next += 1;
            warm.left_ms = WARM_UP_MS;
        }
        yield_then(scope, Tick::WarmUp);
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

/// Sends `tick` to the worker after yielding to its event loop, so that requests from the page
/// get in between slices. The yield is a message on a `MessageChannel`, not `setTimeout(0)`:
/// chained timeouts are clamped to 4 ms each after the fifth (HTML's timer nesting rule), which
/// cost a 40 ms slice 10 %.
fn yield_then(scope: &WorkerScope<SimWorker>, tick: Tick) {
    scope.send_future(async move {
        yield_to_event_loop().await;
        tick
    });
}

/// The worker's channel to itself, and the resolvers of the yields waiting on it (one per
/// message in flight, in order).
struct Yielder {
    port: web_sys::MessagePort,
    waiting: VecDeque<js_sys::Function>,
    _on_message: Closure<dyn FnMut()>,
}

thread_local! {
    static YIELDER: RefCell<Option<Yielder>> = const { RefCell::new(None) };
}

fn new_yielder() -> Option<Yielder> {
    let channel = web_sys::MessageChannel::new().ok()?;
    let on_message = Closure::<dyn FnMut()>::new(|| {
        let next = YIELDER.with(|y| y.borrow_mut().as_mut()?.waiting.pop_front());
        if let Some(resolve) = next {
            let _ = resolve.call0(&JsValue::UNDEFINED);
        }
    });
    channel
        .port1()
        .set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    Some(Yielder {
        port: channel.port2(),
        waiting: VecDeque::new(),
        _on_message: on_message,
    })
}

/// Resolves after the worker's event loop has run the tasks queued before it (a zero timeout
/// where no `MessageChannel` can be made).
async fn yield_to_event_loop() {
    let mut queued = false;
    let promise = js_sys::Promise::new(&mut |resolve, _reject| {
        queued = YIELDER.with(|cell| {
            let mut cell = cell.borrow_mut();
            if cell.is_none() {
                *cell = new_yielder();
            }
            let Some(yielder) = cell.as_mut() else {
                return false;
            };
            if yielder.port.post_message(&JsValue::NULL).is_err() {
                return false;
            }
            yielder.waiting.push_back(resolve);
            true
        });
    });
    if queued {
        let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
    } else {
        gloo_timers::future::TimeoutFuture::new(0).await;
    }
}
