//! One step of a lesson: the narrative, only the step's controls, the goal checked after every
//! run, hints one at a time, the debrief once the goal is met, and in facilitator mode the
//! expected answer, the solution, discussion prompts and a timer.
//!
//! Owns: the lesson page's layout and wording.
//! Must not: decide goals (`stampede_lessons::evaluate` does) or keep state of its own beyond
//! the facilitator's timer (progress lives in `AppState::page`, hence in the link).

use stampede_core::scenario::params::find;
use stampede_lessons::{Condition, Source, Step, Verdict, all_met, evaluate};
use yew::prelude::*;

use crate::components::charts::Charts;
use crate::components::controls::{Context, ControlsProps, control};
use crate::components::kpis::Kpis;
use crate::components::lesson_timer::LessonTimer;
use crate::lesson::{LessonAction, LessonProgress, Page};
use crate::state::{Action, AppState, Status};

/// Lesson view props.
#[derive(Properties, PartialEq)]
pub struct LessonViewProps {
    /// App state (its page is a lesson).
    pub state: UseReducerHandle<AppState>,
    /// Dispatches actions.
    pub dispatch: Callback<Action>,
    /// Dark mode in effect.
    pub dark: bool,
    /// What the system prefers.
    pub system_dark: bool,
}

/// Where the goal stands for the report on screen.
enum GoalState {
    /// A run is computing (or the scenario cannot run): the conditions without figures.
    Pending,
    /// The finished run's verdicts.
    Checked(Vec<Verdict>),
}

/// The lesson page.
#[component]
pub fn LessonView(props: &LessonViewProps) -> Html {
    let state = &props.state;
    let Page::Lesson(progress) = &state.page else {
        return html! {};
    };
    let step = progress.step();
    let goal = match (&state.report, state.status) {
        (Some(report), Status::Done) => GoalState::Checked(evaluate(&step.goal, report)),
        _ => GoalState::Pending,
    };
    let met = matches!(&goal, GoalState::Checked(v) if all_met(v));
    let status = match state.status {
        Status::Running => "running",
        Status::Done => "done",
        Status::Invalid => "invalid",
    };
    let system_dark = props.system_dark;
    let toggle_dark = props
        .dispatch
        .reform(move |_: MouseEvent| Action::ToggleDark { system_dark });
    html! {
        <div class={classes!("app", "lesson-page", if props.dark { "dark" } else { "light" })}>
            { lesson_header(progress, props.dark, toggle_dark) }
            <main data-status={status} data-run={state.runs_done.to_string()} aria-busy={(state.status == Status::Running).to_string()}>
                <aside class="panel-column lesson-panel" aria-label="Lesson">
                    if !progress.challenge {
                        <section class="narrative" aria-label="Situation">{ paragraphs(&step.narrative) }</section>
                    }
                    { goal_section(step, &goal, met) }
                    { controls_section(step, props) }
                    if !progress.challenge {
                        { hints_section(progress, &props.dispatch) }
                    }
                    if met && !progress.challenge {
                        { debrief_section(progress) }
                    }
                    if progress.facilitator {
                        { facilitator_section(progress, &props.dispatch) }
                    }
                </aside>
                <section class="results" aria-label="Results">
                    { run_status(state) }
                    <Kpis state={state.clone()} />
                    <Charts state={state.clone()} dispatch={props.dispatch.clone()} dark={props.dark} />
                </section>
            </main>
        </div>
    }
}

fn lesson_header(progress: &LessonProgress, dark: bool, toggle_dark: Callback<MouseEvent>) -> Html {
    let lesson = progress.lesson;
    let count = lesson.steps.len();
    let mode = if progress.facilitator {
        "Facilitator view"
    } else if progress.challenge {
        "Challenge"
    } else {
        "Lesson"
    };
    html! {
        <header class="top lesson-top">
            <p class="crumbs"><a href="?lessons">{ "All lessons" }</a>{ " · " }{ mode }</p>
            <h1>{ &lesson.title }</h1>
            <p class="lesson-meta">
                <span data-step={(progress.step + 1).to_string()}>{ format!("Step {} of {count}: {}", progress.step + 1, progress.step().title) }</span>
                { " · " }<span>{ format!("{} min", lesson.duration_min) }</span>
                { " · " }<span data-attempts={progress.attempts.to_string()}>{ format!("attempts {}", progress.attempts) }</span>
            </p>
            <nav class="lesson-nav" aria-label="Steps">
                if progress.step > 0 {
                    <a href={progress.step_link(progress.step - 1)}>{ "← Previous step" }</a>
                }
                if progress.step + 1 < count {
                    <a href={progress.step_link(progress.step + 1)}>{ "Next step →" }</a>
                }
                <button type="button" onclick={toggle_dark} aria-pressed={dark.to_string()}>{ "Dark mode" }</button>
            </nav>
        </header>
    }
}

/// Text with blank lines between paragraphs as paragraphs.
fn paragraphs(text: &str) -> Html {
    html! {
        { for text.split("\n\n").filter(|p| !p.trim().is_empty()).map(|p| html! { <p>{ p.trim().replace('\n', " ") }</p> }) }
    }
}

fn goal_section(step: &Step, goal: &GoalState, met: bool) -> Html {
    let (state, heading) = match goal {
        GoalState::Pending => ("pending", "Goal (checking after the run…)"),
        GoalState::Checked(_) if met => ("met", "Goal met"),
        GoalState::Checked(_) => ("unmet", "Goal not met yet"),
    };
    let rows: Vec<Html> = match goal {
        GoalState::Pending => step.goal.iter().map(pending_row).collect(),
        GoalState::Checked(verdicts) => verdicts.iter().map(verdict_row).collect(),
    };
    html! {
        <section class={classes!("goal", state)} data-goal={state} aria-label="Goal">
            <h2 role="status" aria-live="polite">{ heading }</h2>
            <ul class="goal-list">{ for rows }</ul>
            if met {
                <p class="goal-success">{ "Every condition holds for this run. Read the debrief below, then move on." }</p>
            }
        </section>
    }
}

fn pending_row(condition: &Condition) -> Html {
    html! { <li data-met="pending"><span class="mark" aria-hidden="true">{ "…" }</span>{ condition.text() }</li> }
}

fn verdict_row(verdict: &Verdict) -> Html {
    let (mark, word) = if verdict.met {
        ("✓", "met: ")
    } else {
        ("✗", "not met: ")
    };
    html! {
        <li data-met={verdict.met.to_string()}>
            <span class="mark" aria-hidden="true">{ mark }</span>
            <span class="visually-hidden">{ word }</span>
            { &verdict.text }
        </li>
    }
}

fn controls_section(step: &Step, props: &LessonViewProps) -> Html {
    let context = Context::of(&props.state);
    let controls_props = ControlsProps {
        state: props.state.clone(),
        dispatch: props.dispatch.clone(),
    };
    let shown = |keys: &[String]| -> Html {
        html! { <>{ for keys.iter().filter_map(|k| find(k)).map(|p| control(p, &controls_props, &context)) }</> }
    };
    let restart = props
        .dispatch
        .reform(|_: MouseEvent| Action::Lesson(LessonAction::Restart));
    html! {
        <section class="lesson-controls" aria-label="Your controls">
            <h2>{ "Your controls" }</h2>
            <form class="controls" onsubmit={Callback::from(|e: SubmitEvent| e.prevent_default())}>
                <fieldset>
                    <legend class="visually-hidden">{ "Controls of this step" }</legend>
                    { shown(&step.controls) }
                </fieldset>
                if !step.locked.is_empty() {
                    <fieldset class="locked" disabled=true>
                        <legend>{ "Fixed in this step" }</legend>
                        { shown(&step.locked) }
                    </fieldset>
                }
            </form>
            <p class="lesson-actions">
                <button type="button" onclick={restart}>{ "Back to the step's start" }</button>
                <a href={format!("?{}", props.state.playground_query())} title="Every control, starting from these settings">{ "Open in the playground" }</a>
            </p>
        </section>
    }
}

fn hints_section(progress: &LessonProgress, dispatch: &Callback<Action>) -> Html {
    let step = progress.step();
    let total = step.hints.len();
    let more = dispatch.reform(|_: MouseEvent| Action::Lesson(LessonAction::Hint));
    html! {
        <section class="hints" aria-label="Hints">
            if progress.hints > 0 {
                <ol class="hint-list">{ for step.hints.iter().take(progress.hints).map(|h| html! { <li>{ h }</li> }) }</ol>
            }
            if progress.hints < total {
                <button type="button" onclick={more}>{ format!("Show a hint ({} of {total})", progress.hints + 1) }</button>
            }
        </section>
    }
}

fn debrief_section(progress: &LessonProgress) -> Html {
    let step = progress.step();
    let lesson = progress.lesson;
    let last = progress.step + 1 == lesson.steps.len();
    html! {
        <section class="debrief" aria-label="Debrief">
            <h2>{ "Debrief" }</h2>
            { paragraphs(&step.debrief) }
            { sources(&step.sources) }
            if last {
                { sources(&lesson.sources) }
                <p><a href="?lessons">{ "Back to the lessons" }</a></p>
            } else {
                <p><a class="next-step" href={progress.step_link(progress.step + 1)}>{ "Next step →" }</a></p>
            }
        </section>
    }
}

fn sources(list: &[Source]) -> Html {
    if list.is_empty() {
        return html! {};
    }
    html! {
        <ul class="sources">
            { for list.iter().map(|s| html! { <li><a href={s.url.clone()} target="_blank" rel="noopener">{ &s.title }</a></li> }) }
        </ul>
    }
}

fn facilitator_section(progress: &LessonProgress, dispatch: &Callback<Action>) -> Html {
    let step = progress.step();
    let lesson = progress.lesson;
    let apply = dispatch.reform(|_: MouseEvent| Action::Lesson(LessonAction::ApplySolution));
    let solution: Vec<Html> = step
        .solution
        .iter()
        .map(|s| {
            let label = find(&s.key).map_or(s.key.as_str(), |p| p.label);
            html! { <li><code>{ s.to_string() }</code>{ format!(" ({label})") }</li> }
        })
        .collect();
    html! {
        <section class="facilitator" aria-label="Facilitator">
            <h2>{ "Facilitator" }</h2>
            <LessonTimer planned_min={lesson.duration_min} />
            <h3>{ "Expected answer" }</h3>
            { paragraphs(&step.expected) }
            <h3>{ "Solution settings" }</h3>
            <ul class="solution">{ for solution }</ul>
            <button type="button" onclick={apply}>{ "Apply the solution" }</button>
            if !lesson.facilitator_notes.is_empty() {
                <h3>{ "Notes" }</h3>
                { paragraphs(&lesson.facilitator_notes) }
            }
            if !lesson.discussion.is_empty() {
                <h3>{ "Discussion prompts" }</h3>
                <ul class="discussion">{ for lesson.discussion.iter().map(|d| html! { <li>{ d }</li> }) }</ul>
            }
            <h3>{ "Links to share" }</h3>
            <ul class="share">
                <li><a href={progress.mode_link(false, false)}>{ "This step for learners" }</a></li>
                <li><a href={progress.mode_link(false, true)}>{ "Challenge: the goal only" }</a></li>
            </ul>
        </section>
    }
}

fn run_status(state: &AppState) -> Html {
    let progress = state.report.as_ref().map_or(0.0, |r| {
        r.buckets_done as f64 / r.buckets_total.max(1) as f64 * 100.0
    });
    let problems: Vec<String> = state.notices();
    html! {
        <>
            if !problems.is_empty() {
                <div class="banner" role="alert"><ul>{ for problems.iter().map(|p| html! { <li>{ p }</li> }) }</ul></div>
            }
            <p class="run-status" role="status">
                { match state.status {
                    Status::Running => format!("Simulating… {progress:.0} %"),
                    Status::Done => "Up to date: the goal above is checked on this run.".to_string(),
                    Status::Invalid => "Fix the highlighted control to run the scenario.".to_string(),
                } }
            </p>
        </>
    }
}
