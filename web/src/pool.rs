//! The page's pool of pool workers (`pool_worker.rs`): runs many independent scenarios (grid
//! cells, seeds) on as many workers as the machine has cores, and cancels them all at once.
//!
//! Owns: the workers' lives (spawned when work is queued, terminated on cancel, so a cancel
//! stops every run in flight at once), the job queue (two jobs in flight per worker, so a
//! worker never waits for the page) and the generation that drops answers of cancelled work.
//! Must not: decide what runs (risk maps and seed bands queue jobs) or run anything itself.

use std::cell::RefCell;
use std::collections::VecDeque;
use std::rc::{Rc, Weak};

use gloo_worker::{Bincode, Codec};
use stampede_core::RawScenario;
use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;

use crate::cells::{FromPool, Outcome, PoolJob};

/// Most workers of a pool.
pub const WORKERS_MAX: usize = 8;
/// Jobs one worker holds at once.
const IN_FLIGHT_PER_WORKER: usize = 2;

/// The workers a pool uses: `requested` (from the link), else `navigator.hardwareConcurrency`,
/// within 1 to [`WORKERS_MAX`].
pub fn pool_size(requested: Option<usize>) -> usize {
    let cores = web_sys::window()
        .map(|w| w.navigator().hardware_concurrency())
        .filter(|c| c.is_finite() && *c >= 1.0)
        .map_or(2, |c| c as usize);
    requested.unwrap_or(cores).clamp(1, WORKERS_MAX)
}

struct Member {
    worker: web_sys::Worker,
    ready: bool,
    in_flight: usize,
    _on_message: Closure<dyn FnMut(web_sys::MessageEvent)>,
}

struct Inner {
    size: usize,
    members: Vec<Member>,
    queue: VecDeque<PoolJob>,
    generation: u32,
    on_done: Option<Rc<dyn Fn(u32, Outcome)>>,
}

/// A pool of workers.
#[derive(Clone)]
pub struct Pool {
    inner: Rc<RefCell<Inner>>,
}

impl PartialEq for Pool {
    fn eq(&self, other: &Pool) -> bool {
        Rc::ptr_eq(&self.inner, &other.inner)
    }
}

impl Pool {
    /// A pool of `size` workers (none spawned until work is queued).
    pub fn new(size: usize) -> Pool {
        Pool {
            inner: Rc::new(RefCell::new(Inner {
                size: size.max(1),
                members: Vec::new(),
                queue: VecDeque::new(),
                generation: 0,
                on_done: None,
            })),
        }
    }

    /// Workers of the pool.
    pub fn size(&self) -> usize {
        self.inner.borrow().size
    }

    /// Cancels what is queued or in flight, then queues `jobs` (`(id, scenario, whole report)`);
    /// `on_done` hears each outcome with its id, in the order they finish.
    pub fn run(&self, jobs: Vec<(u32, RawScenario, bool)>, on_done: Rc<dyn Fn(u32, Outcome)>) {
        self.cancel();
        {
            let mut inner = self.inner.borrow_mut();
            let generation = inner.generation;
            inner.on_done = Some(on_done);
            inner.queue = jobs
                .into_iter()
                .map(|(id, raw, whole_report)| PoolJob {
                    generation,
                    id,
                    raw,
                    whole_report,
                })
                .collect();
        }
        self.pump();
    }

    /// Stops everything: queued jobs dropped, every worker with a job terminated at once (its
    /// run ends mid-event-loop), answers of the old work ignored.
    pub fn cancel(&self) {
        let mut inner = self.inner.borrow_mut();
        inner.generation = inner.generation.wrapping_add(1);
        inner.queue.clear();
        inner.on_done = None;
        inner.members.retain(|m| {
            let busy = m.in_flight > 0 || !m.ready;
            if busy {
                m.worker.terminate();
            }
            !busy
        });
    }

    /// Workers running a job now (0 once a cancel has ended them).
    pub fn busy(&self) -> usize {
        self.inner
            .borrow()
            .members
            .iter()
            .filter(|m| m.in_flight > 0)
            .count()
    }

    /// Jobs not yet sent to a worker.
    pub fn queued(&self) -> usize {
        self.inner.borrow().queue.len()
    }

    /// Spawns workers while work is queued, and hands jobs to ready ones.
    fn pump(&self) {
        let spawn = {
            let inner = self.inner.borrow();
            !inner.queue.is_empty() && inner.members.len() < inner.size
        };
        if spawn {
            let wanted = {
                let inner = self.inner.borrow();
                inner.size.min(inner.members.len() + inner.queue.len()) - inner.members.len()
            };
            for _ in 0..wanted {
                if let Some(m) = spawn_member(Rc::downgrade(&self.inner)) {
                    self.inner.borrow_mut().members.push(m);
                }
            }
        }
        let mut inner = self.inner.borrow_mut();
        let Inner { members, queue, .. } = &mut *inner;
        for m in members.iter_mut().filter(|m| m.ready) {
            while m.in_flight < IN_FLIGHT_PER_WORKER {
                let Some(job) = queue.pop_front() else { return };
                if m.worker.post_message(&Bincode::encode(job)).is_ok() {
                    m.in_flight += 1;
                }
            }
        }
    }

    fn heard(inner: &Weak<RefCell<Inner>>, worker: &web_sys::Worker, message: FromPool) {
        let Some(inner) = inner.upgrade() else { return };
        let pool = Pool { inner };
        let callback = {
            let mut inner = pool.inner.borrow_mut();
            let generation = inner.generation;
            let Some(m) = inner.members.iter_mut().find(|m| &m.worker == worker) else {
                return; // terminated
            };
            match message {
                FromPool::Ready => {
                    m.ready = true;
                    None
                }
                FromPool::Done {
                    generation: g,
                    id,
                    outcome,
                } => {
                    m.in_flight = m.in_flight.saturating_sub(1);
                    (g == generation)
                        .then(|| inner.on_done.clone().map(|f| (f, id, outcome)))
                        .flatten()
                }
            }
        };
        pool.pump();
        if let Some((f, id, outcome)) = callback {
            f(id, outcome);
        }
    }
}

/// A new worker whose answers go to the pool.
fn spawn_member(inner: Weak<RefCell<Inner>>) -> Option<Member> {
    let href = web_sys::window()?.location().href().ok()?;
    let js = web_sys::Url::new_with_base("./pool_worker.js", &href)
        .ok()?
        .href();
    let wasm = web_sys::Url::new_with_base("./pool_worker_bg.wasm", &href)
        .ok()?
        .href();
    // Trunk's worker shim defines `wasm_bindgen`; a blob loads it from the page's origin.
    let source =
        js_sys::Array::of1(&format!(r#"importScripts("{js}");wasm_bindgen("{wasm}");"#).into());
    let options = web_sys::BlobPropertyBag::new();
    options.set_type("application/javascript");
    let blob = web_sys::Blob::new_with_str_sequence_and_options(&source, &options).ok()?;
    let url = web_sys::Url::create_object_url_with_blob(&blob).ok()?;
    let worker = web_sys::Worker::new(&url).ok()?;
    let me = worker.clone();
    let on_message =
        Closure::<dyn FnMut(web_sys::MessageEvent)>::new(move |event: web_sys::MessageEvent| {
            let message: FromPool = Bincode::decode(event.data());
            Pool::heard(&inner, &me, message);
        });
    worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    Some(Member {
        worker,
        ready: false,
        in_flight: 0,
        _on_message: on_message,
    })
}
