//! KPI cards and the aria-live summary sentence.

use yew::prelude::*;

use crate::kpi::{Kpi, LIST_SEPARATOR, Verdict, cards, compare, summary_sentence};
use crate::state::{AppState, BaselineCard, Status};

/// KPI props.
#[derive(Properties, PartialEq)]
pub struct KpisProps {
    /// App state.
    pub state: UseReducerHandle<AppState>,
    /// The cards to show, in this order (an embed's `kpis=`); `None`: every card.
    #[prop_or_default]
    pub only: Option<Vec<&'static str>>,
}

/// The KPI cards.
#[component]
pub fn Kpis(props: &KpisProps) -> Html {
    let Some(report) = props.state.report.as_ref() else {
        let waiting = if props.state.status == Status::Invalid {
            "No result: this scenario cannot run until the problems above are fixed."
        } else {
            "Running the first simulation…"
        };
        return html! { <p id="summary" aria-live="polite">{ waiting }</p> };
    };
    let sentence = if props.state.status == Status::Running {
        String::new()
    } else {
        summary_sentence(report)
    };
    let baseline = props.state.baseline.as_ref();
    // The baseline's figures once its run has finished (what `Baseline::card` shows as values).
    let pinned = baseline
        .filter(|b| b.finished && b.problems.is_empty())
        .and_then(|b| b.report.as_ref())
        .map(|r| &r.summary);
    html! {
        <>
            <div class="kpis">
                { for shown(cards(&report.summary), props.only.as_deref()).into_iter().map(|k| {
                    // Matched by id: the list cards (classes, services, resolvers, failover names) exist only
                    // for some scenarios.
                    let was = baseline.map_or(BaselineCard::Absent, |b| b.card(k.id));
                    html! {
                        <div class={classes!("kpi", k.bad.then_some("bad"), k.list.then_some("kpi-list"))} data-kpi={k.id} title={k.help}>
                            <div class="kpi-label">{ k.label }</div>
                            <div class="kpi-value">{ value_html(&k) }</div>
                            { match was {
                                BaselineCard::Value(value) => html! {
                                    <>
                                        <div class="kpi-baseline">{ format!("baseline: {value}") }</div>
                                        { for pinned.and_then(|w| compare(k.id, &report.summary, w)).map(|c| html! {
                                            <div class={classes!("kpi-diff", verdict_class(c.verdict))} data-verdict={c.verdict.word()}>
                                                <span aria-hidden="true">{ verdict_mark(c.verdict) }</span>
                                                { c.text }
                                            </div>
                                        }) }
                                    </>
                                },
                                BaselineCard::Note(note) => html! { <div class="kpi-baseline-note">{ format!("baseline: {note}") }</div> },
                                BaselineCard::Absent => html! {},
                            } }
                            <div class="kpi-help">{ k.help }</div>
                        </div>
                    }
                }) }
            </div>
            <p id="summary" aria-live="polite">{ sentence }</p>
        </>
    }
}

fn verdict_class(v: Verdict) -> &'static str {
    match v {
        Verdict::Better => "diff-better",
        Verdict::Worse => "diff-worse",
        Verdict::Same => "diff-same",
        Verdict::Mixed => "diff-mixed",
    }
}

/// A shape beside the words, so the verdict is not told by colour alone.
fn verdict_mark(v: Verdict) -> &'static str {
    match v {
        Verdict::Better => "✓ ",
        Verdict::Worse => "✗ ",
        Verdict::Same => "= ",
        Verdict::Mixed => "± ",
    }
}

/// A card's value; a list card's entries each in a span, so a line breaks between entries
/// before it breaks inside one (the text, and so what a screen reader reads, is unchanged).
fn value_html(k: &Kpi) -> Html {
    if !k.list {
        return html! { { k.value.clone() } };
    }
    let entries: Vec<&str> = k.value.split(LIST_SEPARATOR).collect();
    html! {
        { for entries.iter().enumerate().map(|(i, entry)| html! {
            <>
                if i > 0 { { LIST_SEPARATOR } }
                <span class="kpi-entry">{ *entry }</span>
            </>
        }) }
    }
}

/// The cards `only` names, in its order (a list card the scenario lacks is left out); every
/// card without `only`.
fn shown(all: Vec<Kpi>, only: Option<&[&'static str]>) -> Vec<Kpi> {
    match only {
        None => all,
        Some(ids) => ids
            .iter()
            .filter_map(|id| all.iter().find(|k| k.id == *id).cloned())
            .collect(),
    }
}
