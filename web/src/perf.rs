//! Clock and performance marks, on the page and in the worker.
//!
//! Owns: `performance.now()` wherever the code runs, and the `stampede:*` User Timing marks the
//! browser benchmark (`e2e/bench-browser.mjs`, run by `cargo xtask bench`) reads: when KPIs and
//! charts reached the screen and what the worker spent on a run.
//! Must not: change what the page shows or hold state; a mark that cannot be made is skipped.

use wasm_bindgen::{JsCast, JsValue};

fn performance() -> Option<web_sys::Performance> {
    js_sys::Reflect::get(&js_sys::global(), &JsValue::from_str("performance"))
        .ok()?
        .dyn_into::<web_sys::Performance>()
        .ok()
}

/// Milliseconds since this page or worker started (`performance.now()`), 0 without a clock.
pub fn now_ms() -> f64 {
    performance().map_or(0.0, |p| p.now())
}

/// Milliseconds since the Unix epoch with `performance.now()`'s resolution
/// (`performance.timeOrigin + performance.now()`): comparable between the page and the worker,
/// whose `performance.now()` count from different origins.
pub fn epoch_ms() -> f64 {
    performance().map_or(0.0, |p| p.time_origin() + p.now())
}

/// Converts an [`epoch_ms`] time of another thread into this thread's `performance.now()` scale.
pub fn from_epoch_ms(epoch_ms: f64) -> f64 {
    performance().map_or(0.0, |p| epoch_ms - p.time_origin())
}

/// Places the User Timing mark `name` now, with `detail` as an object of numbers
/// (`performance.mark(name, { detail })`).
pub fn mark(name: &str, detail: &[(&str, f64)]) {
    mark_at(name, None, detail);
}

/// Like [`mark`], at `start_ms` (this thread's `performance.now()` scale) when given.
pub fn mark_at(name: &str, start_ms: Option<f64>, detail: &[(&str, f64)]) {
    let Some(performance) = performance() else {
        return;
    };
    let values = js_sys::Object::new();
    for (key, value) in detail {
        let _ = js_sys::Reflect::set(&values, &JsValue::from_str(key), &JsValue::from_f64(*value));
    }
    let options = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&options, &JsValue::from_str("detail"), &values);
    if let Some(start) = start_ms {
        let _ = js_sys::Reflect::set(
            &options,
            &JsValue::from_str("startTime"),
            &JsValue::from_f64(start),
        );
    }
    let Ok(mark) = js_sys::Reflect::get(&performance, &JsValue::from_str("mark")) else {
        return;
    };
    if let Ok(mark) = mark.dyn_into::<js_sys::Function>() {
        let _ = mark.call2(&performance, &JsValue::from_str(name), &options);
    }
}

/// `stampede:worker-finished`, when the page received run `run_id`'s final report, with what the
/// worker spent on it (times converted to this page's clock).
pub fn mark_worker_finished(run_id: u64, timings: &crate::protocol::WorkerTimings) {
    mark(
        "stampede:worker-finished",
        &[
            ("run", run_id as f64),
            ("received_ms", from_epoch_ms(timings.received_epoch_ms)),
            ("finished_ms", from_epoch_ms(timings.finished_epoch_ms)),
            ("engine_ms", timings.engine_ms),
            ("report_ms", timings.report_ms),
            ("send_ms", timings.send_ms),
            ("messages", f64::from(timings.messages)),
        ],
    );
}

/// `stampede:kpis`, after the page rendered figures of run `run_id` (`final`: its last report).
pub fn mark_kpis_shown(run_id: u64, finished: bool) {
    mark(
        "stampede:kpis",
        &[
            ("run", run_id as f64),
            ("final", f64::from(u8::from(finished))),
        ],
    );
}

/// `stampede:charts`, after the charts were drawn for run `run_id`, with the drawing's time.
pub fn mark_charts_drawn(run_id: u64, charts: usize, took_ms: f64) {
    mark(
        "stampede:charts",
        &[
            ("run", run_id as f64),
            ("charts", charts as f64),
            ("ms", took_ms),
        ],
    );
}
