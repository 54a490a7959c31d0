//! The charts: plotters drawing on canvases scaled for the device pixel ratio, a shared time
//! cursor with a value readout, and a data-table alternative per chart. When they redraw (once
//! per frame at most, only what changed, off-screen charts after the run) is the painter's call.

use plotters::prelude::*;
use plotters_canvas::CanvasBackend;
use stampede_charts::{ChartKind, Theme, lines, short_number};
use stampede_core::Report;
use wasm_bindgen::JsCast;
use web_sys::HtmlCanvasElement;
use yew::prelude::*;

use crate::components::painter::{Painter, Scene};
use crate::state::{Action, AppState, Status};

/// Charts props.
#[derive(Properties, PartialEq)]
pub struct ChartsProps {
    /// App state.
    pub state: UseReducerHandle<AppState>,
    /// Dispatches actions.
    pub dispatch: Callback<Action>,
    /// Dark theme.
    pub dark: bool,
    /// The charts to show, in this order (an embed's `charts=`); `None`: every chart.
    #[prop_or_default]
    pub only: Option<Vec<ChartKind>>,
}

/// Plot area margins used by `stampede_charts::draw`, CSS px: left (margin + y labels), right.
const PLOT_LEFT_PX: f64 = 64.0;
const PLOT_RIGHT_PX: f64 = 8.0;

fn draw_on(
    canvas: &HtmlCanvasElement,
    kind: ChartKind,
    report: &Report,
    baseline: Option<&Report>,
    dark: bool,
    cursor_s: Option<f64>,
) {
    let width_css = f64::from(canvas.client_width().max(300));
    let height_css = f64::from(canvas.client_height().max(200));
    let dpr = web_sys::window()
        .map_or(1.0, |w| w.device_pixel_ratio())
        .max(1.0);
    canvas.set_width((width_css * dpr) as u32);
    canvas.set_height((height_css * dpr) as u32);
    let Some(backend) = CanvasBackend::with_canvas_object(canvas.clone()) else {
        return;
    };
    // plotters draws in canvas pixels; scale the context so that one plotters unit is one CSS
    // pixel and text and lines stay sharp and readable on high-density screens.
    if let Some(context) = canvas
        .get_context("2d")
        .ok()
        .flatten()
        .and_then(|c| c.dyn_into::<web_sys::CanvasRenderingContext2d>().ok())
    {
        let _ = context.set_transform(dpr, 0.0, 0.0, dpr, 0.0, 0.0);
    }
    let root = backend
        .into_drawing_area()
        .shrink((0, 0), (width_css as u32, height_css as u32));
    if let Err(e) =
        stampede_charts::draw_compared(&root, kind, report, baseline, Theme { dark }, cursor_s)
    {
        web_sys::console::warn_1(&format!("chart {}: {e}", kind.id()).into());
    }
}

fn draw_scene(canvas: &HtmlCanvasElement, kind: ChartKind, scene: &Scene) {
    let baseline = scene.baseline.as_deref();
    draw_on(
        canvas,
        kind,
        &scene.report,
        baseline,
        scene.dark,
        scene.cursor_s,
    );
}

/// Every chart.
#[component]
pub fn Charts(props: &ChartsProps) -> Html {
    let refs = use_memo((), |_| ChartKind::ALL.map(|_| NodeRef::default()));
    let painter = use_memo((), |_| Painter::new(draw_scene));
    {
        let (refs, painter) = (refs.clone(), painter.clone());
        use_effect_with((), move |_| {
            for (index, node) in refs.iter().enumerate() {
                if let Some(canvas) = node.cast::<HtmlCanvasElement>() {
                    painter.attach(index, canvas);
                }
            }
            move || painter.detach()
        });
    }
    {
        let state = props.state.clone();
        let dark = props.dark;
        let cursor_bits = state.cursor_s.map(f64::to_bits);
        let playhead_bits = state.playhead_s.map(f64::to_bits);
        use_effect_with(
            (
                state.report_seq,
                dark,
                cursor_bits,
                playhead_bits,
                state.status,
            ),
            move |_| {
                if let Some(report) = state.visible_report() {
                    painter.show(Scene {
                        report,
                        baseline: state.baseline.as_ref().and_then(|b| b.report.clone()),
                        dark,
                        cursor_s: state.cursor_s,
                        run_id: state.run_id,
                        streaming: state.status == Status::Running,
                    });
                }
            },
        );
    }
    let horizon_s = props.state.horizon_s();
    let bucket_s = props.state.report.as_ref().map_or(1.0, |r| r.bucket_s);
    // Each chart keeps its canvas ref (the effect draws the canvases that are on the page).
    let shown: Vec<(&ChartKind, &NodeRef)> = match &props.only {
        None => ChartKind::ALL.iter().zip(refs.iter()).collect(),
        Some(only) => only
            .iter()
            .filter_map(|k| {
                let i = ChartKind::ALL.iter().position(|a| a == k)?;
                Some((&ChartKind::ALL[i], &refs[i]))
            })
            .collect(),
    };
    html! {
        <div class="charts" id="charts" tabindex="-1">
            { for shown.into_iter().map(|(kind, node)| {
                let dispatch = props.dispatch.clone();
                let onmousemove = Callback::from(move |e: MouseEvent| {
                    let canvas: HtmlCanvasElement = e.target_unchecked_into();
                    let width = f64::from(canvas.client_width()) - PLOT_LEFT_PX - PLOT_RIGHT_PX;
                    let x = f64::from(e.offset_x()) - PLOT_LEFT_PX;
                    let t = (x / width).clamp(0.0, 1.0) * horizon_s;
                    dispatch.emit(Action::Cursor(Some(t)));
                });
                let leave = props.dispatch.reform(|_: MouseEvent| Action::Cursor(None));
                let blur = props.dispatch.reform(|_: FocusEvent| Action::Cursor(None));
                let cursor = props.state.cursor_s;
                let focus = props.dispatch.reform(move |_: FocusEvent| Action::Cursor(Some(cursor.unwrap_or(horizon_s / 2.0))));
                let dispatch = props.dispatch.clone();
                let keydown = Callback::from(move |e: KeyboardEvent| {
                    let step = match e.key().as_str() {
                        "ArrowLeft" => -bucket_s,
                        "ArrowRight" => bucket_s,
                        "PageDown" => -10.0 * bucket_s,
                        "PageUp" => 10.0 * bucket_s,
                        _ => return,
                    };
                    e.prevent_default();
                    let t = (cursor.unwrap_or(horizon_s / 2.0) + step).clamp(0.0, horizon_s);
                    dispatch.emit(Action::Cursor(Some(t)));
                });
                html! {
                    <figure class="chart">
                        <canvas ref={node.clone()} data-chart={kind.id()} role="img" tabindex="0"
                            aria-label={format!("{}. Focus and use the arrow keys to read values.", kind.title())}
                            {onmousemove} onmouseleave={leave} onfocus={focus} onblur={blur} onkeydown={keydown}></canvas>
                        <figcaption>
                            { readout(*kind, &props.state) }
                            <DataTable kind={*kind} state={props.state.clone()} />
                        </figcaption>
                    </figure>
                }
            }) }
        </div>
    }
}

fn readout(kind: ChartKind, state: &AppState) -> Html {
    let (Some(report), Some(t)) = (state.report.as_ref(), state.cursor_s) else {
        return html! { <span class="readout">{ "Hover or focus a chart to read values at a time." }</span> };
    };
    let bucket = ((t / report.bucket_s) as usize).min(report.buckets_done.saturating_sub(1));
    let values: Vec<String> = lines(kind, report)
        .iter()
        .filter_map(|l| {
            l.values
                .get(bucket)
                .map(|v| format!("{} {}", l.label, short_number(*v)))
        })
        .collect();
    html! { <span class="readout" aria-live="polite">{ format!("t = {:.0} s: {}", t, values.join(" · ")) }</span> }
}

/// Data table props.
#[derive(Properties, PartialEq)]
pub struct DataTableProps {
    /// Chart.
    pub kind: ChartKind,
    /// App state.
    pub state: UseReducerHandle<AppState>,
}

/// A "show data table" alternative to a chart, built only when opened.
#[component]
pub fn DataTable(props: &DataTableProps) -> Html {
    let open = use_state(|| false);
    let toggle = {
        let open = open.clone();
        Callback::from(move |_: MouseEvent| open.set(!*open))
    };
    let table = match (*open, props.state.report.as_ref()) {
        (true, Some(report)) => {
            let lines = lines(props.kind, report);
            html! {
                <table>
                    <caption>{ props.kind.title() }</caption>
                    <thead><tr><th scope="col">{ "time (s)" }</th>
                        { for lines.iter().map(|l| html! { <th scope="col">{ l.label.to_string() }</th> }) }</tr></thead>
                    <tbody>
                        { for (0..report.buckets_done).map(|b| html! {
                            <tr><th scope="row">{ format!("{:.0}", b as f64 * report.bucket_s) }</th>
                                { for lines.iter().map(|l| html! { <td>{ short_number(l.values[b]) }</td> }) }</tr>
                        }) }
                    </tbody>
                </table>
            }
        }
        _ => html! {},
    };
    html! {
        <>
            <button type="button" class="link" aria-expanded={open.to_string()} onclick={toggle}>
                { if *open { "Hide data table" } else { "Show data table" } }
            </button>
            { table }
        </>
    }
}
