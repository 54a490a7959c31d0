//! The risk map page (`?view=map`): two numeric parameters × seeds of the link's design run on
//! the worker pool, drawn as a heat map of one KPI that fills in as cells finish; a cell's
//! figures on hover, its design in the playground on click, and the difference from a pinned
//! baseline (`vs=`) run seed by seed on the same seeds.
//!
//! Owns: the map's controls, its cells on screen and its sweep CSV (the same points and columns
//! as `stampede sweep --vary x --vary y --seeds N`).
//! Must not: run anything (the pool does) or compute figures (`cells.rs`, the core).

use std::cell::RefCell;
use std::rc::Rc;

use stampede_core::scenario::params::{self, PARAMS};
use stampede_core::{RawScenario, Scenario};
use yew::prelude::*;

use crate::cells::{Axis, Figures, MapKpi, MapSettings, Outcome, map_refusal};
use crate::pool::{Pool, pool_size};
use crate::state::AppState;

/// Baseline jobs' ids start here (current-design jobs are their point numbers).
const BASELINE_ID: u32 = 1 << 24;

/// What the map has so far: per point, the current design's and the baseline's figures.
#[derive(Default)]
struct Results {
    current: Vec<Option<Figures>>,
    baseline: Vec<Option<Figures>>,
    problems: Vec<String>,
    done: usize,
}

fn location_query() -> String {
    web_sys::window()
        .and_then(|w| w.location().search().ok())
        .unwrap_or_default()
}

fn replace_url_query(query: &str) {
    if let Some(history) = web_sys::window().and_then(|w| w.history().ok()) {
        let _ = history.replace_state_with_url(
            &wasm_bindgen::JsValue::NULL,
            "",
            Some(&format!("?{query}")),
        );
    }
}

/// The raw scenario of every point of the map for one design, in point order.
fn points(settings: &MapSettings, base: &RawScenario) -> Result<Vec<RawScenario>, String> {
    let (xs, ys) = (settings.x.values(), settings.y.values());
    let mut out = Vec::with_capacity(xs.len() * ys.len() * settings.seeds);
    for x in &xs {
        for y in &ys {
            for s in 0..settings.seeds {
                let pairs = [
                    (settings.x.key.as_str(), x.as_str()),
                    (settings.y.key.as_str(), y.as_str()),
                ];
                out.push(
                    stampede_core::grid::point_raw(base, pairs, s).map_err(|p| p.to_string())?,
                );
            }
        }
    }
    Ok(out)
}

/// The typical events of the map's costliest corner (every cell is refused with it).
fn refusal(settings: &MapSettings, all: &[RawScenario]) -> Option<String> {
    let stride = settings.seeds;
    let cells = all.len() / stride.max(1);
    let corners = [0, settings.y.steps - 1, cells - settings.y.steps, cells - 1];
    let mut worst = 0.0f64;
    for c in corners {
        match Scenario::try_from(all[c * stride].clone()) {
            Ok(sc) => worst = worst.max(stampede_core::cost::estimate(&sc).events_typical),
            Err(e) => {
                return Some(format!(
                    "Not run: {}",
                    e.problems
                        .iter()
                        .map(ToString::to_string)
                        .collect::<Vec<_>>()
                        .join("; ")
                ));
            }
        }
    }
    map_refusal(cells, settings.seeds, worst)
}

/// Colour of `t` in 0..1 from bad (red) through amber to good (green); a difference runs blue
/// (worse) through grey to green (better).
fn colour(t: f64, difference: bool) -> String {
    let t = t.clamp(0.0, 1.0);
    let (a, b, c) = if difference {
        (
            (178.0, 24.0, 43.0),
            (238.0, 238.0, 238.0),
            (33.0, 102.0, 172.0),
        )
    } else {
        (
            (192.0, 57.0, 43.0),
            (241.0, 196.0, 15.0),
            (39.0, 174.0, 96.0),
        )
    };
    let mix = |p: (f64, f64, f64), q: (f64, f64, f64), u: f64| {
        (
            p.0 + (q.0 - p.0) * u,
            p.1 + (q.1 - p.1) * u,
            p.2 + (q.2 - p.2) * u,
        )
    };
    let (r, g, bl) = if t < 0.5 {
        mix(a, b, t * 2.0)
    } else {
        mix(b, c, t * 2.0 - 1.0)
    };
    format!("rgb({:.0},{:.0},{:.0})", r, g, bl)
}

/// An edit of the settings from a control's text.
type Edit = Rc<dyn Fn(&mut MapSettings, String)>;

/// The risk map page.
#[component]
pub fn RiskMap() -> Html {
    let settings = use_state(|| MapSettings::from_query(&location_query()));
    let results = use_mut_ref(Results::default);
    let tick = use_state(|| 0u64);
    let hovered = use_state(|| None::<(usize, usize)>);
    let pool = use_memo(settings.workers, |w| Pool::new(pool_size(*w)));
    let design = use_memo(settings.design.clone(), |d| AppState::from_query(d));
    let dark = web_sys::window()
        .and_then(|w| w.match_media("(prefers-color-scheme: dark)").ok().flatten())
        .is_some_and(|m| m.matches());
    let dark = design.dark.unwrap_or(dark);

    use_effect_with(settings.to_query(), |q| replace_url_query(q));

    // Every setting starts the map again: the pool cancels what was in flight.
    {
        let (pool, results, tick, design) =
            (pool.clone(), results.clone(), tick.clone(), design.clone());
        use_effect_with((*settings).clone(), move |s| {
            start(s, &design, &pool, &results, &tick);
            let pool = pool.clone();
            move || pool.cancel()
        });
    }

    let set = {
        let settings = settings.clone();
        move |edit: Edit| {
            let settings = settings.clone();
            Callback::from(move |e: Event| {
                let value = e
                    .target_unchecked_into::<web_sys::HtmlInputElement>()
                    .value();
                let mut next = (*settings).clone();
                edit(&mut next, value);
                settings.set(next);
            })
        }
    };
    let r = results.borrow();
    let s = &*settings;
    let total = s.x.steps * s.y.steps * s.seeds;
    let difference = s.difference && design.baseline.is_some();
    let runs = if difference { total * 2 } else { total };
    let cell_value = |ix: usize, iy: usize| -> Option<f64> {
        let seeds = |list: &Vec<Option<Figures>>| -> Option<Vec<Figures>> {
            let from = s.point(ix, iy, 0);
            list.get(from..from + s.seeds)?.iter().copied().collect()
        };
        let now = s.kpi.value(&seeds(&r.current)?)?;
        if difference {
            Some(now - s.kpi.value(&seeds(&r.baseline)?)?)
        } else {
            Some(now)
        }
    };
    let values: Vec<Option<f64>> = (0..s.x.steps)
        .flat_map(|ix| (0..s.y.steps).map(move |iy| (ix, iy)))
        .map(|(ix, iy)| cell_value(ix, iy))
        .collect();
    let (low, high) = values
        .iter()
        .flatten()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(l, h), v| {
            (l.min(*v), h.max(*v))
        });
    let (low, high) = if difference {
        let m = low.abs().max(high.abs()).max(1e-9);
        (-m, m)
    } else if low.is_finite() {
        (low, high)
    } else {
        (0.0, 1.0)
    };
    let scale = |v: f64| {
        let t = if high > low {
            (v - low) / (high - low)
        } else {
            1.0
        };
        if s.kpi.higher_is_better() { t } else { 1.0 - t }
    };
    let (xs, ys) = (s.x.values(), s.y.values());
    let playground = design.playground_query();
    let cell_figures = |ix: usize, iy: usize| -> String {
        let from = s.point(ix, iy, 0);
        let list: Vec<Figures> = r
            .current
            .get(from..from + s.seeds)
            .map(|l| l.iter().flatten().copied().collect())
            .unwrap_or_default();
        let text = |k: MapKpi| {
            k.value(&list)
                .map_or("—".to_string(), |v| stampede_core::report::number(v, 2))
        };
        format!(
            "{} = {}, {} = {}: availability {} %, time to recover {} s, peak amplification {}×, metastable in {} % of {} seeds",
            s.x.key,
            xs[ix],
            s.y.key,
            ys[iy],
            text(MapKpi::Availability),
            text(MapKpi::TimeToRecover),
            text(MapKpi::PeakAmplification),
            text(MapKpi::Metastable),
            list.len()
        )
    };
    let grid = (0..s.y.steps).rev().map(|iy| {
        let row = (0..s.x.steps).map(|ix| {
            let v = values[ix * s.y.steps + iy];
            let style = v.map_or("background: var(--map-empty)".to_string(), |v| format!("background: {}", colour(scale(v), difference)));
            let href = format!("?{playground}&{}={}&{}={}", s.x.key, xs[ix], s.y.key, ys[iy]);
            let label = v.map_or("…".to_string(), |v| stampede_core::report::number(v, if v.abs() >= 100.0 { 0 } else { 1 }));
            let onenter = { let hovered = hovered.clone(); Callback::from(move |_: MouseEvent| hovered.set(Some((ix, iy)))) };
            let onfocus = { let hovered = hovered.clone(); Callback::from(move |_: FocusEvent| hovered.set(Some((ix, iy)))) };
            html! { <a class="map-cell" href={href} style={style} title={cell_figures(ix, iy)} data-ix={ix.to_string()} data-iy={iy.to_string()} onmouseenter={onenter} onfocus={onfocus}>{ label }</a> }
        });
        html! { <>
            <span class="map-ylabel">{ &ys[iy] }</span>
            { for row }
        </> }
    });
    let csv = {
        let mut out = s.csv_header();
        out.push('\n');
        for (ix, x) in xs.iter().enumerate() {
            for (iy, y) in ys.iter().enumerate() {
                for sd in 0..s.seeds {
                    let p = s.point(ix, iy, sd);
                    if let Some(Some(f)) = r.current.get(p) {
                        out.push_str(&format!("{p},{x},{y},{},{}\n", f.seed, f.csv()));
                    }
                }
            }
        }
        out
    };
    let numeric: Vec<_> = PARAMS
        .iter()
        .filter(|p| stampede_core::grid::is_numeric_axis(p))
        .collect();
    let axis_controls = |name: &'static str, axis: &Axis, which: bool| {
        let key_select = set(Rc::new(move |m: &mut MapSettings, v: String| {
            if let Some(p) = params::find(&v) {
                let a = if which { &mut m.x } else { &mut m.y };
                let (low, high) = p.scale.typical.unwrap_or((p.min, p.max));
                *a = Axis {
                    key: v.clone(),
                    low,
                    high,
                    steps: a.steps,
                };
            }
        }));
        let num = |field: u8| {
            set(Rc::new(move |m: &mut MapSettings, v: String| {
                let a = if which { &mut m.x } else { &mut m.y };
                if let Ok(n) = v.parse::<f64>() {
                    match field {
                        0 => a.low = n,
                        1 => a.high = n,
                        _ => a.steps = (n as usize).clamp(2, crate::cells::AXIS_STEPS_MAX),
                    }
                }
            }))
        };
        html! {
            <fieldset class="map-axis">
                <legend>{ name }</legend>
                <label>{ "Parameter " }
                    <select aria-label={format!("{name} parameter")} onchange={key_select}>
                        { for numeric.iter().map(|p| html! { <option value={p.key} selected={p.key == axis.key}>{ format!("{} ({})", p.label, p.key) }</option> }) }
                    </select>
                </label>
                <label>{ "from " }<input type="number" aria-label={format!("{name} from")} value={axis.low.to_string()} onchange={num(0)} /></label>
                <label>{ "to " }<input type="number" aria-label={format!("{name} to")} value={axis.high.to_string()} onchange={num(1)} /></label>
                <label>{ "steps " }<input type="number" min="2" max="40" aria-label={format!("{name} steps")} value={axis.steps.to_string()} onchange={num(2)} /></label>
            </fieldset>
        }
    };
    let kpi_select = set(Rc::new(|m: &mut MapSettings, v: String| {
        if let Some(k) = MapKpi::from_id(&v) {
            m.kpi = k;
        }
    }));
    let seeds_input = set(Rc::new(|m: &mut MapSettings, v: String| {
        if let Ok(n) = v.parse::<usize>() {
            m.seeds = n.clamp(1, crate::cells::SEEDS_MAX);
        }
    }));
    let diff_toggle = {
        let settings = settings.clone();
        Callback::from(move |_| {
            let mut n = (*settings).clone();
            n.difference = !n.difference;
            settings.set(n);
        })
    };
    let cancel = {
        let (pool, tick) = (pool.clone(), tick.clone());
        Callback::from(move |_| {
            pool.cancel();
            tick.set(*tick + 1);
        })
    };
    let status = if !r.problems.is_empty() {
        r.problems.join(" ")
    } else if r.done >= runs {
        format!("Done: {runs} runs on {} workers.", pool.size())
    } else {
        format!(
            "Running {} of {runs} runs on {} workers…",
            r.done,
            pool.size()
        )
    };
    let hover_text = hovered.map_or(
        "Hover a cell for its figures; click it to open that design in the playground.".to_string(),
        |(ix, iy)| cell_figures(ix, iy),
    );
    html! {
        <div class={classes!("app", "map-page", if dark { "dark" } else { "light" })}>
            <header class="map-header">
                <h1>{ "Risk map" }</h1>
                <a href={format!("?{playground}")}>{ "Back to the playground" }</a>
            </header>
            <main class="map-main" data-done={r.done.to_string()} data-runs={runs.to_string()} data-busy={pool.busy().to_string()}>
                <form class="map-settings" onsubmit={Callback::from(|e: SubmitEvent| e.prevent_default())}>
                    { axis_controls("Horizontal", &s.x, true) }
                    { axis_controls("Vertical", &s.y, false) }
                    <label>{ "KPI " }
                        <select aria-label="KPI" onchange={kpi_select}>
                            { for MapKpi::ALL.iter().map(|k| html! { <option value={k.id()} selected={*k == s.kpi}>{ k.label() }</option> }) }
                        </select>
                    </label>
                    <label>{ "Seeds per cell " }<input type="number" min="1" max="100" aria-label="Seeds per cell" value={s.seeds.to_string()} onchange={seeds_input} /></label>
                    if design.baseline.is_some() {
                        <label><input type="checkbox" checked={s.difference} onchange={diff_toggle} />{ " Difference: current − pinned baseline" }</label>
                    }
                    <button type="button" class="map-cancel" onclick={cancel}>{ "Cancel" }</button>
                </form>
                <p class="map-status" role="status">{ status }</p>
                <div class="map-figure">
                    <div class="map-grid" style={format!("grid-template-columns: auto repeat({}, minmax(1.6rem, 1fr))", s.x.steps)} role="group" aria-label={format!("{} by {} and {}", s.kpi.label(), s.x.key, s.y.key)}>
                        { for grid }
                        <span></span>
                        { for xs.iter().map(|x| html! { <span class="map-xlabel">{ x }</span> }) }
                    </div>
                    <p class="map-axes">{ format!("→ {}, ↑ {}", axis_name(&s.x.key), axis_name(&s.y.key)) }</p>
                    <div class="map-legend" aria-label="Legend">
                        <span>{ if difference { format!("{} (current − baseline)", s.kpi.label()) } else { s.kpi.label().to_string() } }</span>
                        <span class="map-legend-bar" style={legend_gradient(s.kpi.higher_is_better(), difference)}></span>
                        <span>{ format!("{} … {}", stampede_core::report::number(if s.kpi.higher_is_better() || difference { low } else { high }, 1), stampede_core::report::number(if s.kpi.higher_is_better() || difference { high } else { low }, 1)) }</span>
                    </div>
                    <p class="map-hover" aria-live="polite">{ hover_text }</p>
                </div>
                <details class="map-data">
                    <summary>{ "Data (the sweep CSV of these points)" }</summary>
                    <pre id="map-csv">{ csv }</pre>
                </details>
            </main>
        </div>
    }
}

/// "key (unit)", or the key alone for a parameter without a unit.
fn axis_name(key: &str) -> String {
    match params::find(key).map_or("", |p| p.unit) {
        "" => key.to_string(),
        unit => format!("{key} ({unit})"),
    }
}

fn legend_gradient(higher_is_better: bool, difference: bool) -> String {
    let stops: Vec<String> = (0..=4)
        .map(|i| {
            let t = f64::from(i) / 4.0;
            colour(
                if higher_is_better || difference {
                    t
                } else {
                    1.0 - t
                },
                difference,
            )
        })
        .collect();
    format!(
        "background: linear-gradient(to right, {})",
        stops.join(", ")
    )
}

/// Queues every run of the map (the baseline's too for a difference map) on the pool.
fn start(
    s: &MapSettings,
    design: &AppState,
    pool: &Pool,
    results: &Rc<RefCell<Results>>,
    tick: &UseStateHandle<u64>,
) {
    let total = s.x.steps * s.y.steps * s.seeds;
    *results.borrow_mut() = Results {
        current: vec![None; total],
        baseline: vec![None; total],
        problems: s.problems.clone(),
        done: 0,
    };
    let mut jobs = Vec::new();
    let current = match points(s, &design.raw) {
        Ok(p) => p,
        Err(e) => {
            results.borrow_mut().problems.push(e);
            pool.cancel();
            tick.set(**tick + 1);
            return;
        }
    };
    if let Some(refused) = refusal(s, &current) {
        results.borrow_mut().problems.push(refused);
        pool.cancel();
        tick.set(**tick + 1);
        return;
    }
    jobs.extend(
        current
            .into_iter()
            .enumerate()
            .map(|(p, raw)| (p as u32, raw, false)),
    );
    if let (true, Some(b)) = (s.difference, design.baseline.as_ref()) {
        match points(s, &b.raw) {
            Ok(p) => jobs.extend(
                p.into_iter()
                    .enumerate()
                    .map(|(p, raw)| (BASELINE_ID + p as u32, raw, false)),
            ),
            Err(e) => results.borrow_mut().problems.push(format!("baseline: {e}")),
        }
    }
    let (results, handle) = (results.clone(), tick.clone());
    let counter = Rc::new(std::cell::Cell::new(*handle));
    pool.run(
        jobs,
        Rc::new(move |id, outcome| {
            {
                let mut r = results.borrow_mut();
                r.done += 1;
                match outcome {
                    Outcome::Figures(f) if id >= BASELINE_ID => {
                        r.baseline[(id - BASELINE_ID) as usize] = Some(f)
                    }
                    Outcome::Figures(f) => r.current[id as usize] = Some(f),
                    Outcome::Invalid(p) => {
                        if r.problems.is_empty() {
                            r.problems.extend(p);
                        }
                    }
                    Outcome::Report(_) => {}
                }
            }
            counter.set(counter.get() + 1);
            handle.set(counter.get());
        }),
    );
    tick.set(**tick + 1);
}
