//! The page's side of the worker's life: spawns the simulation worker, watches that a run in
//! flight keeps hearing from it, and replaces a worker that failed, so the next change runs.
//!
//! Owns: the worker bridge, the watchdog, and when a worker counts as failed (it panicked, as
//! its panic hook says on a broadcast channel, or it was silent for
//! [`guard::WORKER_SILENCE_MS`] while a run was due, [`guard::WORKER_STARTUP_MS`] before its
//! first answer).
//! Must not: decide what runs (the app sends requests) or touch the message protocol.

use std::cell::{Cell, RefCell};
use std::rc::{Rc, Weak};

use gloo_timers::callback::Interval;
use gloo_worker::{Spawnable, WorkerBridge};
use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;
use yew::Callback;

use crate::guard;
use crate::protocol::{RunRequest, RunUpdate, Slot};
use crate::worker::SimWorker;

/// Name of the broadcast channel the worker's panic hook writes to.
pub const PANIC_CHANNEL: &str = "stampede-worker-panic";

/// How often the watchdog looks, ms.
const WATCH_EVERY_MS: u32 = 1_000;

/// The broadcast channel the worker's panic hook writes to, and the page's handler on it.
type PanicListener = (
    web_sys::BroadcastChannel,
    Closure<dyn FnMut(web_sys::MessageEvent)>,
);

/// The worker and its watchdog.
pub struct Supervisor {
    bridge: RefCell<Option<WorkerBridge<SimWorker>>>,
    /// When the worker was last heard from (or a run was sent), ms since the epoch.
    heard_ms: Cell<f64>,
    /// Which slots have a run in flight.
    awaiting: Cell<[bool; 2]>,
    on_update: Callback<RunUpdate>,
    on_failure: Callback<String>,
    watchdog: RefCell<Option<Interval>>,
    panics: RefCell<Option<PanicListener>>,
    /// Workers spawned so far (the first is 1).
    generation: Cell<u32>,
    /// Whether the current worker has answered at least once.
    alive: Cell<bool>,
}

impl Supervisor {
    /// Spawns the worker; its updates go to `on_update`, a failure (after which a new worker
    /// is already running) to `on_failure`.
    pub fn start(on_update: Callback<RunUpdate>, on_failure: Callback<String>) -> Rc<Supervisor> {
        let supervisor = Rc::new(Supervisor {
            bridge: RefCell::new(None),
            heard_ms: Cell::new(js_sys::Date::now()),
            awaiting: Cell::new([false; 2]),
            on_update,
            on_failure,
            watchdog: RefCell::new(None),
            panics: RefCell::new(None),
            generation: Cell::new(0),
            alive: Cell::new(false),
        });
        supervisor.spawn();
        let weak = Rc::downgrade(&supervisor);
        *supervisor.watchdog.borrow_mut() = Some(Interval::new(WATCH_EVERY_MS, move || {
            if let Some(s) = weak.upgrade() {
                s.watch();
            }
        }));
        supervisor.listen_for_panics();
        supervisor
    }

    /// Sends a run request to the current worker.
    pub fn send(&self, request: RunRequest) {
        self.mark(request.slot, true);
        self.heard_ms.set(js_sys::Date::now());
        if let Some(bridge) = self.bridge.borrow().as_ref() {
            bridge.send(request);
        }
    }

    fn mark(&self, slot: Slot, running: bool) {
        let mut awaiting = self.awaiting.get();
        awaiting[slot as usize] = running;
        self.awaiting.set(awaiting);
    }

    /// A new worker in place of the current one (dropping the old bridge ends it).
    fn spawn(self: &Rc<Self>) {
        let generation = self.generation.get() + 1;
        self.generation.set(generation);
        let weak: Weak<Supervisor> = Rc::downgrade(self);
        let bridge = SimWorker::spawner()
            .callback(move |update: RunUpdate| {
                let Some(s) = weak.upgrade() else { return };
                if s.generation.get() != generation {
                    return; // a replaced worker's last words
                }
                s.heard_ms.set(js_sys::Date::now());
                s.alive.set(true);
                match &update {
                    RunUpdate::Finished { slot, .. } | RunUpdate::Invalid { slot, .. } => {
                        s.mark(*slot, false);
                    }
                    RunUpdate::Progress { .. } => {}
                }
                s.on_update.emit(update);
            })
            // Relative to the page, so the site also works under a sub-path.
            .spawn("./worker.js");
        *self.bridge.borrow_mut() = Some(bridge);
        self.alive.set(false);
    }

    /// Replaces the worker and reports why.
    fn fail(self: &Rc<Self>, detail: String) {
        self.awaiting.set([false; 2]);
        self.bridge.borrow_mut().take();
        self.spawn();
        self.heard_ms.set(js_sys::Date::now());
        self.on_failure.emit(detail);
    }

    fn watch(self: &Rc<Self>) {
        let silent_ms = js_sys::Date::now() - self.heard_ms.get();
        let limit_ms = if self.alive.get() {
            guard::WORKER_SILENCE_MS
        } else {
            guard::WORKER_STARTUP_MS
        };
        if self.awaiting.get().contains(&true) && silent_ms > f64::from(limit_ms) {
            self.fail(format!(
                "no answer for {} s while a run was in flight",
                (silent_ms / 1000.0).round()
            ));
        }
    }

    /// The worker's panic hook posts the panic message on [`PANIC_CHANNEL`]: a panic aborts
    /// (a wasm `unreachable` trap) right after, so the worker is replaced at once.
    fn listen_for_panics(self: &Rc<Self>) {
        let Ok(channel) = web_sys::BroadcastChannel::new(PANIC_CHANNEL) else {
            return;
        };
        let weak = Rc::downgrade(self);
        let closure = Closure::<dyn FnMut(web_sys::MessageEvent)>::new(
            move |event: web_sys::MessageEvent| {
                if let Some(s) = weak.upgrade() {
                    let text = event.data().as_string().unwrap_or_default();
                    let shown: String = text.chars().take(300).collect();
                    s.fail(format!("it stopped: {shown}"));
                }
            },
        );
        channel.set_onmessage(Some(closure.as_ref().unchecked_ref()));
        *self.panics.borrow_mut() = Some((channel, closure));
    }
}

/// Installs the worker's panic hook: the message goes to the page on [`PANIC_CHANNEL`] before
/// the abort. Called once at the start of the worker.
pub fn install_worker_panic_hook() {
    std::panic::set_hook(Box::new(|info| {
        if let Ok(channel) = web_sys::BroadcastChannel::new(PANIC_CHANNEL) {
            let _ = channel.post_message(&wasm_bindgen::JsValue::from_str(&info.to_string()));
        }
    }));
}
