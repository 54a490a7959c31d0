//! The lesson list: every game-day lesson with its audience, duration and steps, and links to
//! start it, open it as a facilitator or hand out its challenge.
//!
//! Owns: the list page's layout and wording.
//! Must not: hold lesson content (the lesson files do) or state.

use stampede_lessons::{Lesson, lessons};
use yew::prelude::*;

use crate::lesson::Page;
use crate::state::{Action, AppState};

/// Lesson list props.
#[derive(Properties, PartialEq)]
pub struct LessonListProps {
    /// App state (its page is the list).
    pub state: UseReducerHandle<AppState>,
    /// Dispatches actions.
    pub dispatch: Callback<Action>,
    /// Dark mode in effect.
    pub dark: bool,
    /// What the system prefers.
    pub system_dark: bool,
}

/// The lesson list page.
#[component]
pub fn LessonList(props: &LessonListProps) -> Html {
    let notice = match &props.state.page {
        Page::LessonList { notice } => notice.clone(),
        _ => None,
    };
    let system_dark = props.system_dark;
    let toggle_dark = props
        .dispatch
        .reform(move |_: MouseEvent| Action::ToggleDark { system_dark });
    let total: u32 = lessons().map(|l| l.duration_min).sum();
    html! {
        <div class={classes!("app", "lesson-list-page", if props.dark { "dark" } else { "light" })}>
            <header class="top lesson-top">
                <p class="crumbs"><a href="?">{ "Playground" }</a>{ " · Lessons" }</p>
                <h1>{ "Game-day lessons" }</h1>
                <p class="lesson-meta">{ format!(
                    "{} lessons, {total} minutes in all. Each step shows a situation, a few controls and a goal the app checks after every run.",
                    lessons().count()
                ) }</p>
                <nav class="lesson-nav">
                    <button type="button" onclick={toggle_dark} aria-pressed={props.dark.to_string()}>{ "Dark mode" }</button>
                </nav>
            </header>
            <main class="lesson-list-main">
                if let Some(n) = notice {
                    <div class="banner" role="alert"><p>{ n }</p></div>
                }
                <ol class="lesson-list">{ for lessons().map(card) }</ol>
            </main>
        </div>
    }
}

fn card(lesson: &'static Lesson) -> Html {
    let link = |extra: &str| format!("?lesson={}&step=1&attempts=0{extra}", lesson.id);
    html! {
        <li class="lesson-card" data-lesson={lesson.id.clone()}>
            <h2><a href={link("")}>{ &lesson.title }</a></h2>
            <p class="lesson-meta">{ format!("{} · {} min · {} step(s)", lesson.audience, lesson.duration_min, lesson.steps.len()) }</p>
            <p>{ &lesson.summary }</p>
            <ol class="lesson-steps">
                { for lesson.steps.iter().enumerate().map(|(i, s)| html! {
                    <li><a href={format!("?lesson={}&step={}&attempts=0", lesson.id, i + 1)}>{ &s.title }</a></li>
                }) }
            </ol>
            <p class="lesson-links">
                <a href={link("")}>{ "Start" }</a>{ " · " }
                <a href={link("&facilitator=1")}>{ "Facilitator view" }</a>{ " · " }
                <a href={link("&challenge=1")}>{ "Challenge link" }</a>
            </p>
        </li>
    }
}
