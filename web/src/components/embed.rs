//! The embedded view (`embed=1`): the charts, KPI cards and live controls an embed link asks for,
//! its title and caption, a notice of what the link asked for that was ignored, a footer with
//! "Open in Stampede" and the model version, and its height reported to the host page.
//!
//! Owns: the embed's layout and the `stampede:resize` message (docs/embedding.md).
//! Must not: listen to the host page. Nothing the parent sends is read, so no message from it
//! can run code, insert HTML or change the scenario; and it computes no figures.

use stampede_core::caption::what_to_notice;
use stampede_core::scenario::params::find;
use stampede_core::version::{LINK_FORMAT_VERSION, MODEL_VERSION};
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::Closure;
use yew::prelude::*;

use crate::components::charts::Charts;
use crate::components::controls::{Context, ControlsProps, control};
use crate::components::kpis::Kpis;
use crate::embed::Caption;
use crate::state::{Action, AppState, Status};

/// The `type` of the message that tells the host page the embed's height.
pub const RESIZE_MESSAGE: &str = "stampede:resize";

/// Embed props.
#[derive(Properties, PartialEq)]
pub struct EmbedViewProps {
    /// App state.
    pub state: UseReducerHandle<AppState>,
    /// Dispatches actions (the live controls and the chart cursor).
    pub dispatch: Callback<Action>,
    /// Dark theme.
    pub dark: bool,
    /// What the link or the run has to say (the playground's banner).
    pub banner: Html,
}

/// Posts `{type: "stampede:resize", height}` (CSS pixels, rounded up) to the parent window.
fn post_height(element: &web_sys::Element) {
    let height = element.get_bounding_client_rect().height().ceil();
    let Some(parent) = web_sys::window().and_then(|w| w.parent().ok().flatten()) else {
        return;
    };
    let message = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&message, &"type".into(), &RESIZE_MESSAGE.into());
    let _ = js_sys::Reflect::set(&message, &"height".into(), &height.into());
    // The height is no secret: any host page may size its iframe by it.
    let _ = parent.post_message(&message, "*");
}

/// The embedded view.
#[component]
pub fn EmbedView(props: &EmbedViewProps) -> Html {
    let root = use_node_ref();
    {
        let root = root.clone();
        use_effect_with((), move |_| {
            let element = root.cast::<web_sys::Element>();
            let observed = element.clone();
            let callback = Closure::<dyn FnMut(js_sys::Array)>::new(move |_: js_sys::Array| {
                if let Some(e) = &observed {
                    post_height(e);
                }
            });
            let observer = web_sys::ResizeObserver::new(callback.as_ref().unchecked_ref()).ok();
            if let (Some(o), Some(e)) = (&observer, &element) {
                o.observe(e);
            }
            move || {
                if let Some(o) = observer {
                    o.disconnect();
                }
                drop(callback);
            }
        });
    }
    let state = &props.state;
    let options = &state.embedding;
    let status = match state.status {
        Status::Running => "running",
        Status::Done => "done",
        Status::Invalid => "invalid",
    };
    let progress = state.report.as_ref().map_or(0.0, |r| {
        r.buckets_done as f64 / r.buckets_total.max(1) as f64 * 100.0
    });
    let open = format!("?{}&v={LINK_FORMAT_VERSION}", state.playground_query());
    let context = Context::of(state);
    let controls = ControlsProps {
        state: state.clone(),
        dispatch: props.dispatch.clone(),
    };
    let caption = match &options.caption {
        Caption::None => html! {},
        Caption::Text(text) => html! { <p class="embed-caption">{ text.clone() }</p> },
        // Said once the run is done (a streaming run's figures are not the result).
        Caption::Auto => html! {
            <p class="embed-caption" data-caption="auto" aria-live="polite">
                { match (&state.report, state.status) {
                    (Some(report), Status::Done) => what_to_notice(report),
                    _ => String::new(),
                } }
            </p>
        },
    };
    let seed = state.report.as_ref().map(|r| r.seed);
    html! {
        <div ref={root} class={classes!("app", "embed", if props.dark { "dark" } else { "light" }, options.compact.then_some("compact"))}>
            <main data-status={status} data-run={state.runs_done.to_string()} aria-busy={(state.status == Status::Running).to_string()}>
                <section class="results" aria-label="Results">
                    if let Some(title) = &options.title {
                        <h2 class="embed-title">{ title.clone() }</h2>
                    }
                    { props.banner.clone() }
                    if !options.ignored.is_empty() {
                        <div class="embed-notice" role="note">
                            { "Ignored from the embed link:" }
                            <ul>{ for options.ignored.iter().map(|i| html! { <li>{ i.clone() }</li> }) }</ul>
                        </div>
                    }
                    // The figures stream in: say so while they do (a finished run needs no word).
                    <p class="run-status" role="status">
                        if state.status == Status::Running { { format!("Simulating… {progress:.0} %") } }
                        else if state.report.as_ref().is_some_and(|r| r.stopped_early()) { { crate::app::partial_text(state) } }
                    </p>
                    if !options.controls.is_empty() {
                        <form class="controls embed-controls" aria-label="Parameters" onsubmit={Callback::from(|e: SubmitEvent| e.prevent_default())}>
                            { for options.controls.iter().filter_map(|k| find(k)).map(|p| control(p, &controls, &context)) }
                        </form>
                    }
                    <Kpis state={state.clone()} only={options.kpis.clone()} />
                    <Charts state={state.clone()} dispatch={props.dispatch.clone()} dark={props.dark} only={options.charts.clone()} />
                    { caption }
                    <footer class="embed-footer">
                        <a class="embed-link" href={open} target="_blank" rel="noopener">{ "Open in Stampede" }</a>
                        <span class="embed-version">
                            { format!("model v{MODEL_VERSION} · link format v{}", options.link_version) }
                            if let Some(seed) = seed { { format!(" · seed {seed}") } }
                        </span>
                    </footer>
                </section>
            </main>
        </div>
    }
}
