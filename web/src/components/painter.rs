//! When the charts redraw: at most once per animation frame, only a chart whose picture changed,
//! and while a run streams only the charts on screen, at most every [`STREAMING_REDRAW_MS`].
//!
//! Owns: each chart's canvas, whether it is on screen (an `IntersectionObserver`), which version
//! of the picture it shows, and the frame callback that brings the stale ones up to date.
//! Charts off screen catch up once the run has finished, one per frame, so that every canvas
//! shows the result (a full-page screenshot, a printout) without a long task.
//! Must not: compute what a chart shows (`stampede_charts` does) or change the state.

use std::cell::RefCell;
use std::rc::Rc;

use stampede_charts::ChartKind;
use stampede_core::Report;
use wasm_bindgen::prelude::*;
use web_sys::HtmlCanvasElement;

/// Least time between two redraws while a run streams, ms: a chart costs 5–50 ms to draw on a
/// loaded 2-core machine, and that time is taken from the worker. A finished run's charts, a
/// moved cursor or a replay redraw on the next frame.
const STREAMING_REDRAW_MS: f64 = 250.0;

/// While a run streams, redraws also wait this many times as long as the last one took, so that
/// drawing takes at most a fifth of the main thread however slow the machine.
const STREAMING_REDRAW_SHARE: f64 = 4.0;

/// What the charts should show.
#[derive(Clone)]
pub struct Scene {
    /// The report drawn (cut at the playhead while replaying).
    pub report: Rc<Report>,
    /// The pinned baseline's report, drawn underneath.
    pub baseline: Option<Rc<Report>>,
    /// Dark theme.
    pub dark: bool,
    /// Shared cursor, seconds.
    pub cursor_s: Option<f64>,
    /// The run the report belongs to (for the benchmark's marks).
    pub run_id: u64,
    /// Whether the run is still streaming (off-screen charts wait until it is not).
    pub streaming: bool,
}

/// Draws one chart of a scene on a canvas.
pub type DrawFn = fn(&HtmlCanvasElement, ChartKind, &Scene);

/// The observer of the canvases and the callback it calls.
type Watcher = (
    web_sys::IntersectionObserver,
    Closure<dyn FnMut(js_sys::Array)>,
);

struct Inner {
    draw: DrawFn,
    canvases: Vec<Option<HtmlCanvasElement>>,
    /// On screen, as the observer last said (it reports every canvas as soon as it watches it;
    /// without an observer every chart counts as on screen).
    visible: Vec<bool>,
    /// The scene version each chart shows.
    drawn: Vec<u64>,
    /// The latest scene and its version (versions start at 1).
    scene: Option<Scene>,
    version: u64,
    frame_asked: bool,
    on_frame: Option<Closure<dyn FnMut()>>,
    observer: Option<Watcher>,
    /// When the last streaming redraw started (`performance.now()`), ms.
    streamed_ms: f64,
    /// How long the last streaming redraw took, ms.
    streamed_cost_ms: f64,
}

/// The charts' painter; cheap to clone (shared).
#[derive(Clone)]
pub struct Painter(Rc<RefCell<Inner>>);

impl PartialEq for Painter {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}

impl Painter {
    /// A painter for [`ChartKind::ALL`] that draws with `draw`.
    pub fn new(draw: DrawFn) -> Painter {
        let n = ChartKind::ALL.len();
        Painter(Rc::new(RefCell::new(Inner {
            draw,
            canvases: vec![None; n],
            visible: vec![false; n],
            drawn: vec![0; n],
            scene: None,
            version: 0,
            frame_asked: false,
            on_frame: None,
            observer: None,
            streamed_ms: f64::NEG_INFINITY,
            streamed_cost_ms: 0.0,
        })))
    }

    /// Gives the painter chart `index`'s canvas and watches whether it is on screen.
    pub fn attach(&self, index: usize, canvas: HtmlCanvasElement) {
        self.ensure_observer();
        let mut inner = self.0.borrow_mut();
        if let Some((observer, _)) = &inner.observer {
            observer.observe(&canvas);
        }
        if let Some(slot) = inner.canvases.get_mut(index) {
            *slot = Some(canvas);
        }
    }

    /// Stops watching the canvases (the charts left the page).
    pub fn detach(&self) {
        let mut inner = self.0.borrow_mut();
        if let Some((observer, _)) = inner.observer.take() {
            observer.disconnect();
        }
        inner.canvases.iter_mut().for_each(|c| *c = None);
    }

    /// A new picture to show: the stale charts redraw on the next frame.
    pub fn show(&self, scene: Scene) {
        {
            let mut inner = self.0.borrow_mut();
            inner.version += 1;
            inner.scene = Some(scene);
        }
        self.ask_for_frame();
    }

    fn ensure_observer(&self) {
        if self.0.borrow().observer.is_some() {
            return;
        }
        let painter = self.clone();
        let callback = Closure::<dyn FnMut(js_sys::Array)>::new(move |entries: js_sys::Array| {
            painter.seen(&entries)
        });
        let Ok(observer) = web_sys::IntersectionObserver::new(callback.as_ref().unchecked_ref())
        else {
            // No observer: every chart counts as on screen.
            self.0
                .borrow_mut()
                .visible
                .iter_mut()
                .for_each(|v| *v = true);
            return;
        };
        self.0.borrow_mut().observer = Some((observer, callback));
    }

    /// The observer's news: which canvases came on or went off screen.
    fn seen(&self, entries: &js_sys::Array) {
        let mut stale = false;
        {
            let mut inner = self.0.borrow_mut();
            for entry in entries.iter() {
                let Ok(entry) = entry.dyn_into::<web_sys::IntersectionObserverEntry>() else {
                    continue;
                };
                let target = entry.target();
                let Some(index) = inner.canvases.iter().position(|c| {
                    c.as_ref()
                        .is_some_and(|c| AsRef::<web_sys::Element>::as_ref(c) == &target)
                }) else {
                    continue;
                };
                inner.visible[index] = entry.is_intersecting();
                stale |= inner.visible[index] && inner.drawn[index] != inner.version;
            }
        }
        if stale {
            self.ask_for_frame();
        }
    }

    fn ask_for_frame(&self) {
        let mut inner = self.0.borrow_mut();
        if inner.frame_asked {
            return;
        }
        let Some(window) = web_sys::window() else {
            return;
        };
        if inner.on_frame.is_none() {
            let painter = self.clone();
            inner.on_frame = Some(Closure::new(move || painter.frame()));
        }
        let asked = inner.on_frame.as_ref().is_some_and(|f| {
            window
                .request_animation_frame(f.as_ref().unchecked_ref())
                .is_ok()
        });
        inner.frame_asked = asked;
    }

    /// One frame: redraw every stale chart on screen, and (once the run is over) one stale chart
    /// off screen; ask for another frame while any stale chart may still be drawn.
    fn frame(&self) {
        let (draw, scene, jobs, more) = {
            let mut inner = self.0.borrow_mut();
            inner.frame_asked = false;
            let Some(scene) = inner.scene.clone() else {
                return;
            };
            let now_ms = crate::perf::now_ms();
            let spacing_ms =
                STREAMING_REDRAW_MS.max(STREAMING_REDRAW_SHARE * inner.streamed_cost_ms);
            if scene.streaming && now_ms - inner.streamed_ms < spacing_ms {
                drop(inner);
                return self.ask_for_frame();
            }
            let version = inner.version;
            let mut jobs = Vec::new();
            let mut off_screen_left = usize::from(!scene.streaming);
            let mut more = false;
            for index in 0..ChartKind::ALL.len() {
                let Some(canvas) = inner.canvases[index].clone() else {
                    continue;
                };
                if inner.drawn[index] == version {
                    continue;
                }
                if inner.visible[index] {
                    jobs.push((index, canvas));
                } else if off_screen_left > 0 {
                    off_screen_left -= 1;
                    jobs.push((index, canvas));
                } else {
                    more |= !scene.streaming;
                }
            }
            for (index, _) in &jobs {
                inner.drawn[*index] = version;
            }
            if scene.streaming && !jobs.is_empty() {
                inner.streamed_ms = now_ms;
            }
            (inner.draw, scene, jobs, more)
        };
        if !jobs.is_empty() {
            let started_ms = crate::perf::now_ms();
            for (index, canvas) in &jobs {
                draw(canvas, ChartKind::ALL[*index], &scene);
            }
            let took_ms = crate::perf::now_ms() - started_ms;
            if scene.streaming {
                self.0.borrow_mut().streamed_cost_ms = took_ms;
            }
            crate::perf::mark_charts_drawn(scene.run_id, jobs.len(), took_ms);
        }
        if more {
            self.ask_for_frame();
        }
    }
}
