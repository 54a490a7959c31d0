//! Parameter panels, generated from the core's parameter registry.
//!
//! Owns: which controls show, in which panel, and whether each acts (a control that client
//! classes override is disabled with the reason, from `stampede_core::scenario::shadow`).
//! Must not: know parameters by key beyond what hides or shows them (`relevant`); a numeric
//! control's slider and box live in `number_control.rs`, applied-policy chips in
//! `policy_chips.rs`.

use std::rc::Rc;

use stampede_core::RawScenario;
use stampede_core::scenario::params::{Category, PARAMS, Param, ParamKind};
use stampede_core::scenario::shadow::{Shadowed, class_overrides};
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use super::number_control::NumberControl;
use super::policy_chips::PolicyChips;
use crate::components::linked_text::LinkedText;
use crate::state::{Action, AppState};

/// Controls props.
#[derive(Properties, PartialEq)]
pub struct ControlsProps {
    /// App state.
    pub state: UseReducerHandle<AppState>,
    /// Dispatches actions.
    pub dispatch: Callback<Action>,
}

/// Every parameter, grouped by category.
#[component]
pub fn Controls(props: &ControlsProps) -> Html {
    let classes = classes_note(&props.state.raw);
    // Parsed once per preset, not once per control and render.
    let preset = use_memo(props.state.preset, |p| crate::state::preset_raw(*p));
    // What the classes override changes with the classes, not with every drag of a slider.
    let shadowed = {
        let raw = props.state.raw.clone();
        use_memo(props.state.raw.fleets.clone(), move |_| {
            class_overrides(&raw)
        })
    };
    let context = Context {
        preset: preset.clone(),
        shadowed: shadowed.clone(),
    };
    html! {
        <form class="controls" onsubmit={Callback::from(|e: SubmitEvent| e.prevent_default())}>
            <PolicyChips state={props.state.clone()} dispatch={props.dispatch.clone()} />
            if let Some(note) = classes {
                <p class="classes-note">{ note }</p>
            }
            { for Category::ALL.iter().map(|category| {
                // A control with a problem shows even when the current choices hide it: otherwise
                // "fix the highlighted parameters" would point at nothing.
                let params: Vec<&'static Param> = PARAMS
                    .iter()
                    .filter(|p| {
                        p.category == *category
                            && (relevant(p.key, &props.state.raw)
                                || props.state.problem_for(p.key).is_some())
                    })
                    .collect();
                let changed = params.iter().filter(|p| is_changed(p, &props.state.raw, &context.preset)).count();
                let has_problem = params.iter().any(|p| props.state.problem_for(p.key).is_some());
                let open = has_problem || OPEN_BY_DEFAULT.contains(category);
                html! {
                    <details class="category" open={open}>
                        <summary>
                            { category.label() }
                            if changed > 0 {
                                <span class="changed-count">{ format!(" · {changed} changed") }</span>
                            }
                        </summary>
                        <fieldset>
                            <legend class="visually-hidden">{ category.label() }</legend>
                            { for params.into_iter().map(|p| control(p, props, &context)) }
                        </fieldset>
                    </details>
                }
            }) }
        </form>
    }
}

/// With client classes, what each class sets for itself (which wins over these controls).
fn classes_note(raw: &stampede_core::RawScenario) -> Option<String> {
    if raw.fleets.is_empty() {
        return None;
    }
    let each: Vec<String> = raw
        .fleets
        .iter()
        .map(|c| {
            let own: Vec<String> = c
                .policies
                .iter()
                .cloned()
                .chain(c.set.keys().map(|k| format!("{k} = {}", c.set[k])))
                .collect();
            let first: Vec<String> = c
                .depends_on
                .iter()
                .map(|d| {
                    if d.required {
                        d.name.clone()
                    } else {
                        format!("{} (fail-open)", d.name)
                    }
                })
                .collect();
            let mut calls = if first.is_empty() {
                String::new()
            } else {
                format!(", first calls {}", first.join(" then "))
            };
            if !c.calls.is_empty() {
                calls.push_str(&format!(", calls {}", c.calls));
            }
            if own.is_empty() {
                format!("{} ({} clients{calls})", c.name, c.clients)
            } else {
                format!(
                    "{} ({} clients{calls}: {})",
                    c.name,
                    c.clients,
                    own.join(", ")
                )
            }
        })
        .collect();
    Some(format!(
        "Client classes: {}. The controls below set what every class starts from; a class's own policies and settings win over them.",
        each.join("; ")
    ))
}

/// Panels open when the page loads; the others open on a click (or when they hold a problem).
const OPEN_BY_DEFAULT: [Category; 3] = [Category::Outage, Category::ClientDns, Category::Retries];

/// Whether a parameter matters for the current choices: the settings of one retry budget or
/// breaker kind are hidden while another kind is selected (they stay in the scenario unchanged).
fn relevant(key: &str, raw: &stampede_core::RawScenario) -> bool {
    use stampede_core::scenario::raw::{
        BreakerKind, RetryBudgetKind, RoutingPolicy, TelemetryMode, TokenFallback,
    };
    let budget = raw.retry_budget.kind;
    let breaker = raw.breaker.kind;
    if let Some(field) = key.strip_prefix("retry_budget.") {
        let prefix = match budget {
            RetryBudgetKind::AwsStandard | RetryBudgetKind::AwsStandard2026 => {
                if field.starts_with("aws_adaptive_") {
                    return false;
                }
                "aws_"
            }
            RetryBudgetKind::AwsAdaptive => "aws_",
            RetryBudgetKind::GrpcThrottling => "grpc_",
            RetryBudgetKind::Envoy => "envoy_",
            RetryBudgetKind::Finagle => "finagle_",
            RetryBudgetKind::SreAdaptive => "sre_",
            RetryBudgetKind::None => return field == "kind",
        };
        return field == "kind" || field.starts_with(prefix);
    }
    if let (Some(field), Some(fault)) = (key.strip_prefix("outage."), raw.faults.first()) {
        use stampede_core::scenario::raw::FaultKind as K;
        let dns = fault.kind.is_dns();
        // Backend faults pick a region only when there is a second one; any kind may be aimed
        // at the identity or telemetry dependency when it is on.
        let dependencies =
            raw.identity.token_lifetime_s > 0.0 || raw.telemetry.mode != TelemetryMode::Off;
        return match field {
            "factor" => matches!(fault.kind, K::ServiceSlowdown | K::LoadSpike),
            "latency_ms" => fault.kind == K::DnsLatency,
            "target" => dns || raw.backend.regions > 1 || dependencies,
            "fraction" => !matches!(
                fault.kind,
                K::ServiceSlowdown | K::DnsLatency | K::LoadSpike | K::Throttle
            ),
            "rate_per_s" => fault.kind == K::Throttle,
            _ => true,
        };
    }
    if key == "client_dns.prefetch_s" {
        return raw.client_dns.cache != stampede_core::scenario::raw::ClientCacheMode::None;
    }
    if key == "lease.reestablish_work_factor" {
        return raw.lease.lifetime_s > 0.0;
    }
    if key == "backend.health_check_removal_max_fraction" {
        use stampede_core::scenario::raw::FaultKind as K;
        return raw.faults.iter().any(|f| f.kind == K::HealthCheckFlapping);
    }
    if let Some(field) = key.strip_prefix("dns.") {
        return field == "routing"
            || field == "record_ttl_s"
            || raw.dns.routing == RoutingPolicy::Failover;
    }
    if let Some(field) = key.strip_prefix("identity.") {
        return match field {
            "token_lifetime_s" => true,
            "grace_s" => {
                raw.identity.token_lifetime_s > 0.0
                    && raw.identity.fallback == TokenFallback::Cached
            }
            _ => raw.identity.token_lifetime_s > 0.0,
        };
    }
    if let Some(field) = key.strip_prefix("telemetry.") {
        return field == "mode" || raw.telemetry.mode != TelemetryMode::Off;
    }
    if let Some(field) = key.strip_prefix("breaker.") {
        return match (breaker, field) {
            (_, "kind") => true,
            (BreakerKind::None, _) => false,
            (BreakerKind::ConsecutiveFailures, f) => {
                matches!(f, "consecutive_failures" | "open_s" | "half_open_calls")
            }
            (BreakerKind::CountWindow, f) => f != "window_s" && f != "consecutive_failures",
            (BreakerKind::TimeWindow, f) => f != "window_calls" && f != "consecutive_failures",
        };
    }
    true
}

/// What every control of a render shares.
pub(crate) struct Context {
    /// The preset the design started from.
    preset: Rc<RawScenario>,
    /// The keys client classes override.
    shadowed: Rc<Vec<Shadowed>>,
}

impl Context {
    /// The context of `state`'s controls, for a short list shown outside the controls panel (a
    /// lesson step, an embed); the panel itself memoises both parts across renders.
    pub(crate) fn of(state: &AppState) -> Self {
        Context {
            preset: Rc::new(crate::state::preset_raw(state.preset)),
            shadowed: Rc::new(class_overrides(&state.raw)),
        }
    }
}

/// Whether a parameter differs from the preset the page started from.
fn is_changed(param: &Param, raw: &RawScenario, preset: &RawScenario) -> bool {
    (param.get)(raw) != (param.get)(preset)
}

/// Why a control acts on no client, or on some classes only.
fn shadow_note(shadowed: &[Shadowed], key: &str) -> Option<(bool, String)> {
    let s = shadowed.iter().find(|s| s.key == key)?;
    let names = s.classes.join(", ");
    Some(if s.all {
        (
            true,
            format!(
                "Every client class sets its own ({names}): this value acts on no client. Change it in the scenario's [[fleets]] entries."
            ),
        )
    } else {
        (
            false,
            format!(
                "{names} set{} its own; this value acts on the other classes.",
                if s.classes.len() == 1 { "s" } else { "" }
            ),
        )
    })
}

/// One parameter's control (also shown, one by one, by a lesson step, and alone by an embed's
/// live controls); `context` is built once per list of controls (`Context::of`).
pub(crate) fn control(param: &'static Param, props: &ControlsProps, context: &Context) -> Html {
    let value = (param.get)(&props.state.raw);
    let shadow = shadow_note(&context.shadowed, param.key);
    let disabled = shadow.as_ref().is_some_and(|(all, _)| *all);
    let changed = is_changed(param, &props.state.raw, &context.preset);
    let id = format!("p-{}", param.key.replace('.', "-"));
    let help_id = format!("{id}-help");
    let problem = props.state.problem_for(param.key);
    let key = param.key;
    let dispatch = props.dispatch.clone();
    let input = match param.kind {
        ParamKind::Choice(options) => {
            let onchange = Callback::from(move |e: Event| {
                let select: HtmlSelectElement = e.target_unchecked_into();
                if let Ok(v) = select.value().parse::<f64>() {
                    dispatch.emit(Action::SetParam {
                        key: key.to_string(),
                        value: v,
                    });
                }
            });
            html! {
                // `selected` picks the option when the menu is first drawn; the `value` property keeps
                // it in step afterwards (a browser ignores a changed `selected` attribute on an
                // option the user has picked before, so a reset or a preset would show a stale value).
                <select id={id.clone()} data-key={key} aria-describedby={help_id.clone()} ~value={format!("{value:.0}")} {disabled} {onchange}>
                    { for options.iter().enumerate().map(|(i, o)| html! {
                        <option value={i.to_string()} selected={i as f64 == value}>{ *o }</option>
                    }) }
                </select>
            }
        }
        ParamKind::Bool => {
            let onchange = Callback::from(move |e: Event| {
                let input: HtmlInputElement = e.target_unchecked_into();
                let v = if input.checked() { 1.0 } else { 0.0 };
                dispatch.emit(Action::SetParam {
                    key: key.to_string(),
                    value: v,
                });
            });
            html! {
                <input type="checkbox" id={id.clone()} data-key={key} checked={value != 0.0}
                    aria-describedby={help_id.clone()} {disabled} {onchange} />
            }
        }
        ParamKind::Number | ParamKind::Integer => html! {
            <NumberControl param_key={param.key} value={value} anchor={(param.get)(&context.preset)}
                id={AttrValue::from(id.clone())} help_id={AttrValue::from(help_id.clone())}
                invalid={problem.is_some()} disabled={disabled} dispatch={dispatch} />
        },
    };
    html! {
        <div class={classes!("control", problem.is_some().then_some("invalid"), changed.then_some("changed"), disabled.then_some("shadowed"))} title={param.why}>
            <div class="control-head">
                <label for={id.clone()}>{ param.label }</label>
                if !matches!(param.kind, ParamKind::Number | ParamKind::Integer) {
                    <output for={id}>{ param.format(value) }</output>
                }
            </div>
            { input }
            if let Some((_, note)) = shadow {
                <small class="shadow-note">{ note }</small>
            }
            <small id={help_id}><LinkedText text={param.help} /></small>
            if let Some(p) = problem {
                <small class="error" role="alert">{ &p.message }</small>
            }
        </div>
    }
}
