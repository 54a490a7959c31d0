//! A pool worker: runs one scenario + seed to its end per message and sends back only what the
//! page keeps (a run's [`Figures`], or its whole report for seed bands).
//!
//! Owns: the pool worker's message loop. Runs whole (no slices): the page cancels a pool by
//! terminating its workers, so a worker never needs to hear a cancel.
//! Must not: touch the DOM, or serve the playground's streaming runs (`worker.rs` does).

use gloo_worker::{Bincode, Codec};
use stampede_core::Scenario;
use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;

use crate::cells::{FromPool, Outcome, PoolJob};

/// Runs one job.
pub fn run_job(job: PoolJob) -> FromPool {
    let outcome = match Scenario::try_from(job.raw) {
        Ok(scenario) if let Some(refusal) = crate::guard::refusal(&scenario) => {
            Outcome::Invalid(vec![refusal])
        }
        Ok(scenario) => {
            let report = stampede_core::run(&scenario);
            if job.whole_report {
                Outcome::Report(Box::new(report))
            } else {
                Outcome::Figures(crate::cells::Figures::of(scenario.seed, &report.summary))
            }
        }
        Err(e) => Outcome::Invalid(e.problems.iter().map(ToString::to_string).collect()),
    };
    FromPool::Done {
        generation: job.generation,
        id: job.id,
        outcome,
    }
}

/// Listens for jobs and says it is ready (the page holds its jobs until then).
pub fn listen() {
    let scope: web_sys::DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
    let replies = scope.clone();
    let on_message =
        Closure::<dyn FnMut(web_sys::MessageEvent)>::new(move |event: web_sys::MessageEvent| {
            let job: PoolJob = Bincode::decode(event.data());
            let _ = replies.post_message(&Bincode::encode(run_job(job)));
        });
    scope.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    on_message.forget(); // lives as long as the worker
    let _ = scope.post_message(&Bincode::encode(FromPool::Ready));
}
