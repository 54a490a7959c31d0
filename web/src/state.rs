//! The playground's state and its reducer: plain Rust, unit-tested natively.
//!
//! Owns: the parameters being edited, the validation problems, the last good report, which run is
//! in flight, and every transition between them ([`Action`]). Reports are shared (`Rc`): an
//! action copies no report, and a streaming run's deltas are appended to the one report kept
//! (copied first only if an older state still holds it, once per batch of deltas).
//! Must not: touch the DOM, the worker or the URL (effects in `app.rs` do that).

use std::rc::Rc;

use stampede_core::presets::PRESETS;
use stampede_core::scenario::params::find;
use stampede_core::scenario::{apply_query, to_query};
use stampede_core::{Problem, RawScenario, Report, Scenario};

use crate::delta::{DeltaError, ReportDelta};
use crate::lesson::{LessonAction, Page};

/// Where the run in flight is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    /// A run is computing (or waiting for the debounce).
    Running,
    /// The report on screen is complete and matches the parameters.
    Done,
    /// The parameters are invalid; the last good report stays on screen.
    Invalid,
}

/// A pinned design the current one is compared with.
#[derive(Clone, Debug, PartialEq)]
pub struct Baseline {
    /// Preset it started from.
    pub preset: usize,
    /// Its parameters.
    pub raw: RawScenario,
    /// Its report so far (partial while its run streams in).
    pub report: Option<Rc<Report>>,
    /// Whether `report` is its run's final report.
    pub finished: bool,
    /// Why it cannot run (empty when it is valid).
    pub problems: Vec<Problem>,
    /// Id of its latest run.
    pub run_id: u64,
}

impl Baseline {
    /// A baseline about to run as run `run_id`, with its validation problems.
    fn new(preset: usize, raw: RawScenario, run_id: u64) -> Baseline {
        let problems = match Scenario::try_from(raw.clone()) {
            Err(e) => e.problems,
            // Over the playground's budget: the worker refuses it too.
            Ok(sc) => crate::guard::refusal(&sc)
                .map(|message| Problem {
                    path: "(cost)".into(),
                    message,
                })
                .into_iter()
                .collect(),
        };
        Baseline {
            preset,
            raw,
            report: None,
            finished: false,
            problems,
            run_id,
        }
    }

    /// The URL query of the baseline (`preset=…&key=value…`).
    pub fn query(&self) -> String {
        design_query(self.preset, &self.raw)
    }

    /// What a KPI card says of the baseline: its value once the baseline's run has finished (a
    /// partial run's figures are not the baseline's), otherwise why there is none yet.
    pub fn card(&self, id: &str) -> BaselineCard {
        if !self.problems.is_empty() {
            return BaselineCard::Note("cannot run");
        }
        match (&self.report, self.finished) {
            (Some(report), true) => crate::kpi::cards(&report.summary)
                .into_iter()
                .find(|k| k.id == id)
                .map_or(BaselineCard::Absent, |k| BaselineCard::Value(k.value)),
            _ => BaselineCard::Note("running…"),
        }
    }
}

/// What a KPI card shows of the pinned baseline.
#[derive(Clone, Debug, PartialEq)]
pub enum BaselineCard {
    /// The baseline's value for the card.
    Value(String),
    /// No value yet, and why (its run is still going, or it cannot run).
    Note(&'static str),
    /// The baseline has no such card (list cards exist only for some scenarios).
    Absent,
}

/// `preset=NAME` plus the parameters that differ from that preset.
fn design_query(preset: usize, raw: &RawScenario) -> String {
    let name = PRESETS.get(preset).map_or("", |p| p.name);
    let diff = to_query(raw, &preset_raw(preset));
    if diff.is_empty() {
        format!("preset={name}")
    } else {
        format!("preset={name}&{diff}")
    }
}

/// A design in a link: `preset=NAME&rest` split into the preset index and the other pairs.
struct LinkDesign<'a> {
    /// Index of the preset (the first one when the link names none or an unknown one).
    preset: usize,
    /// The `key=value` pairs other than `preset=`.
    rest: Vec<&'a str>,
    /// The problem of a preset name that names no preset.
    problem: Option<Problem>,
}

/// Splits `preset=NAME&rest` into the preset index and the rest; an unknown name is a problem
/// (the first preset stands in for it).
fn split_preset<'a>(pairs: impl Iterator<Item = &'a str>) -> LinkDesign<'a> {
    let mut design = LinkDesign {
        preset: 0,
        rest: Vec::new(),
        problem: None,
    };
    for pair in pairs {
        let Some(name) = pair.strip_prefix("preset=") else {
            design.rest.push(pair);
            continue;
        };
        match PRESETS.iter().position(|p| p.name == name) {
            Some(index) => {
                design.preset = index;
                design.problem = None;
            }
            None => {
                let known: Vec<&str> = PRESETS.iter().map(|p| p.name).collect();
                design.preset = 0;
                design.problem = Some(Problem {
                    path: "preset".to_string(),
                    message: format!(
                        "no preset named `{name}`, showing `{}` instead; known: {}",
                        PRESETS.first().map_or("", |p| p.name),
                        known.join(", ")
                    ),
                });
            }
        }
    }
    design
}

/// Percent-encodes the characters that would break a query value.
pub fn encode_component(text: &str) -> String {
    let mut out = String::new();
    for c in text.chars() {
        match c {
            '%' | '&' | '=' | '#' | '+' | ' ' | '?' => out.push_str(&format!("%{:02X}", c as u32)),
            _ => out.push(c),
        }
    }
    out
}

/// Reverses [`encode_component`] (and any other `%XX` escape).
pub fn decode_component(text: &str) -> String {
    stampede_core::scenario::percent_decode(text)
}

/// The whole state of the playground.
#[derive(Clone, Debug, PartialEq)]
pub struct AppState {
    /// Index of the preset the parameters started from.
    pub preset: usize,
    /// The parameters being edited.
    pub raw: RawScenario,
    /// Problems of `raw`; empty when it is valid.
    pub problems: Vec<Problem>,
    /// Problems found in the URL the page was opened with (kept on screen, never dropped silently).
    pub url_problems: Vec<Problem>,
    /// The last report received (partial while running).
    pub report: Option<Rc<Report>>,
    /// Status.
    pub status: Status,
    /// Bumped whenever `report` changes (charts redraw on it).
    pub report_seq: u64,
    /// Problems the worker reported for the last run, as text.
    pub worker_problems: Vec<String>,
    /// Id of the latest run asked for; reports of older runs are ignored.
    pub run_id: u64,
    /// Runs completed since the page loaded.
    pub runs_done: u64,
    /// Dark mode: `None` follows the system.
    pub dark: Option<bool>,
    /// Time under the shared chart cursor, seconds.
    pub cursor_s: Option<f64>,
    /// Replay playhead: charts show data up to this time; `None` shows everything.
    pub playhead_s: Option<f64>,
    /// Whether the replay is advancing.
    pub playing: bool,
    /// Replay speed, simulated seconds per wall second.
    pub speed: f64,
    /// Embedded in another page (`embed=1`): charts and KPIs only, no controls.
    pub embed: bool,
    /// What the embed link asks for (charts, cards, live controls, title, caption, theme).
    pub embedding: crate::embed::EmbedOptions,
    /// A pinned design to compare with (`vs=` in the URL).
    pub baseline: Option<Baseline>,
    /// Policies applied since the preset was loaded, with what each set (removable chips).
    pub applied: Vec<crate::policies::Applied>,
    /// The page shown: the playground, the lesson list or a lesson step (`crate::lesson`).
    pub page: Page,
}

/// Replay speeds offered, simulated seconds per wall second.
pub const SPEEDS: [f64; 4] = [15.0, 60.0, 240.0, 960.0];

/// Everything that can happen to the state.
#[derive(Clone, Debug, PartialEq)]
pub enum Action {
    /// A control changed a parameter.
    SetParam {
        /// Registry key.
        key: String,
        /// New value (choice index for choices).
        value: f64,
    },
    /// Load a preset by index.
    LoadPreset(usize),
    /// Back to the current preset's values.
    ResetPreset,
    /// Back to the first preset.
    ResetAll,
    /// A partial report of a run.
    Progress {
        /// Run id.
        run_id: u64,
        /// The report so far.
        report: Box<Report>,
    },
    /// The final report of a run.
    Finished {
        /// Run id.
        run_id: u64,
        /// The report.
        report: Box<Report>,
    },
    /// What is new in the current run's report, in the order the worker sent it; the last delta
    /// may end the run (`ReportDelta::finished`).
    Appended {
        /// Run id.
        run_id: u64,
        /// The deltas, oldest first.
        deltas: Vec<ReportDelta>,
    },
    /// The worker rejected a run's scenario.
    Rejected {
        /// Run id.
        run_id: u64,
        /// Every problem, as text.
        problems: Vec<String>,
    },
    /// The worker failed (trapped, panicked or fell silent) and was replaced: what it was
    /// showing is dropped (partial figures of a run that will never finish).
    WorkerFailed {
        /// What happened, for people.
        detail: String,
    },
    /// Toggle dark mode (from the system default `system_dark`).
    ToggleDark {
        /// What the system prefers.
        system_dark: bool,
    },
    /// Move the shared cursor.
    Cursor(Option<f64>),
    /// Apply a policy fragment (runtime DNS, retry library, breaker defaults) by index.
    ApplyPolicy(usize),
    /// Undo the applied policy at this place of [`AppState::applied`].
    RemovePolicy(usize),
    /// Pin the current design as the baseline to compare with.
    PinBaseline,
    /// Stop comparing.
    ClearBaseline,
    /// A report of the baseline's run.
    BaselineReport {
        /// Run id.
        run_id: u64,
        /// The report so far.
        report: Box<Report>,
        /// Whether it is the run's final report.
        finished: bool,
    },
    /// What is new in the baseline run's report, oldest first.
    BaselineAppended {
        /// Run id.
        run_id: u64,
        /// The deltas, oldest first.
        deltas: Vec<ReportDelta>,
    },
    /// Replay the run from the start (`reduced_motion` jumps to the end instead).
    Play {
        /// The user prefers reduced motion.
        reduced_motion: bool,
    },
    /// Pause the replay.
    Pause,
    /// Show the whole run.
    JumpToEnd,
    /// Move the playhead.
    Scrub(f64),
    /// Set the replay speed.
    Speed(f64),
    /// Wall time passed while playing, milliseconds.
    Tick(f64),
    /// Something done in a lesson (`crate::lesson`).
    Lesson(LessonAction),
}

/// The raw scenario of preset `index` (the first one if the index is out of range).
pub fn preset_raw(index: usize) -> RawScenario {
    PRESETS
        .get(index)
        .or(PRESETS.first())
        .and_then(|p| p.raw().ok())
        .unwrap_or_default()
}

impl AppState {
    /// The state for a page opened with `query` (`preset=NAME&key=value...`).
    pub fn from_query(query: &str) -> AppState {
        let mut design = Vec::new();
        let mut lesson_pairs = Vec::new();
        let mut embedding = crate::embed::EmbedOptions::new();
        let mut baseline_query = None;
        for pair in query
            .trim_start_matches('?')
            .split('&')
            .filter(|p| !p.is_empty())
        {
            if embedding.take(pair) {
                continue;
            } else if let Some(vs) = pair.strip_prefix("vs=") {
                baseline_query = Some(vs);
            } else if crate::lesson::is_lesson_pair(pair) {
                lesson_pairs.push(pair);
            } else {
                design.push(pair);
            }
        }
        let LinkDesign {
            preset,
            rest,
            problem,
        } = split_preset(design.into_iter());
        // A lesson step starts from its own settings; the link's pairs are the learner's changes.
        let page = crate::lesson::page_from_pairs(&lesson_pairs);
        let (preset, base) = match (&page, crate::lesson::base_raw(&page)) {
            (Page::Lesson(p), Some(base)) => (
                PRESETS
                    .iter()
                    .position(|x| x.name == p.lesson.preset)
                    .unwrap_or(preset),
                base,
            ),
            _ => (preset, preset_raw(preset)),
        };
        let (raw, problems) = apply_query(&base, &rest.join("&"));
        let url_problems = problem.into_iter().chain(problems).collect();
        let mut state = AppState {
            preset,
            raw,
            problems: Vec::new(),
            url_problems,
            report: None,
            status: Status::Running,
            report_seq: 0,
            worker_problems: Vec::new(),
            run_id: 0,
            runs_done: 0,
            dark: embedding.theme.dark(),
            cursor_s: None,
            playhead_s: None,
            playing: false,
            speed: SPEEDS[1],
            embed: embedding.embed,
            embedding,
            baseline: None,
            applied: Vec::new(),
            page,
        };
        if let Some(vs) = baseline_query {
            let decoded = decode_component(vs);
            let LinkDesign {
                preset,
                rest,
                problem,
            } = split_preset(decoded.split('&').filter(|p| !p.is_empty()));
            let (raw, problems) = apply_query(&preset_raw(preset), &rest.join("&"));
            state
                .url_problems
                .extend(problem.into_iter().chain(problems).map(|p| Problem {
                    path: format!("vs: {}", p.path),
                    ..p
                }));
            state.baseline = Some(Baseline::new(preset, raw, 1));
        }
        state.revalidate();
        state
    }

    /// The URL query that reproduces the current parameters (and, embedded, the embed options).
    pub fn to_query(&self) -> String {
        match &self.page {
            Page::Playground => {}
            Page::LessonList { .. } => return "lessons".to_string(),
            Page::Lesson(progress) => {
                let changes = to_query(&self.raw, &progress.step().start);
                return if changes.is_empty() {
                    progress.query()
                } else {
                    format!("{}&{changes}", progress.query())
                };
            }
        }
        let mut query = self.playground_query();
        if self.embed {
            query = format!("{query}&{}", self.embedding.to_query());
        }
        query
    }

    /// The URL query of the current design and baseline, without embed options: what "Open in
    /// Stampede" opens.
    pub fn playground_query(&self) -> String {
        let query = design_query(self.preset, &self.raw);
        match &self.baseline {
            Some(b) => format!("{query}&vs={}", encode_component(&b.query())),
            None => query,
        }
    }

    /// The validated scenario, when the parameters are valid.
    pub fn scenario(&self) -> Option<Scenario> {
        Scenario::try_from(self.raw.clone()).ok()
    }

    /// Problems for one parameter key (shown next to its control).
    pub fn problem_for(&self, key: &str) -> Option<&Problem> {
        self.problems
            .iter()
            .find(|p| p.path == key || key_path(key) == p.path)
    }

    /// Simulated horizon of the report on screen (or of the parameters), seconds.
    pub fn horizon_s(&self) -> f64 {
        self.report.as_ref().map_or(self.raw.run.duration_s, |r| {
            r.bucket_s * r.buckets_total as f64
        })
    }

    /// The report as the charts show it: cut at the playhead while replaying (a copy only then).
    pub fn visible_report(&self) -> Option<Rc<Report>> {
        let report = self.report.as_ref()?;
        let Some(t) = self.playhead_s else {
            return Some(Rc::clone(report));
        };
        let buckets = (t / report.bucket_s).ceil() as usize;
        let mut visible = Report::clone(report);
        visible.buckets_done = visible.buckets_done.min(buckets);
        Some(Rc::new(visible))
    }

    /// What the banner above the results lists: what the link had that was ignored, what the
    /// worker rejected, the report's diagnostics and, when no result can stand in for them (the
    /// page is embedded, without controls to mark, or nothing has run yet), why the scenario
    /// cannot run.
    pub fn notices(&self) -> Vec<String> {
        let mut items: Vec<String> = self
            .url_problems
            .iter()
            .map(|p| format!("Ignored from the link: {p}"))
            .collect();
        if self.status == Status::Invalid && (self.embed || self.report.is_none()) {
            items.extend(
                self.problems
                    .iter()
                    .map(|p| format!("Cannot run this scenario: {p}")),
            );
        }
        if let Some(b) = &self.baseline {
            items.extend(
                b.problems
                    .iter()
                    .map(|p| format!("Cannot run the pinned baseline: {p}")),
            );
        }
        items.extend(self.worker_problems.iter().cloned());
        if let Some(r) = &self.report {
            items.extend(r.diagnostics.iter().cloned());
        }
        items
    }

    fn revalidate(&mut self) {
        match Scenario::try_from(self.raw.clone()) {
            // Over the playground's budget: refused with its numbers, never started.
            Ok(sc) if let Some(refusal) = crate::guard::refusal(&sc) => {
                self.problems.clear();
                self.worker_problems = vec![refusal];
                self.status = Status::Invalid;
            }
            Ok(_) => {
                self.problems.clear();
                // A refusal or failure was about the design this one replaces.
                self.worker_problems.clear();
                self.run_id += 1;
                self.status = Status::Running;
            }
            Err(e) => {
                self.problems = e.problems;
                self.status = Status::Invalid;
            }
        }
    }

    /// The current run's report is its final one.
    fn finish(&mut self) {
        self.worker_problems.clear();
        self.status = Status::Done;
        self.runs_done += 1;
        if let Page::Lesson(progress) = &mut self.page
            && progress.changed
        {
            progress.attempts += 1;
            progress.changed = false;
        }
    }

    /// Applies one action.
    pub fn apply(&mut self, action: Action) {
        match action {
            Action::SetParam { key, value } => {
                let Some(param) = find(&key) else { return };
                if let Err(message) = param.check(value) {
                    self.problems.retain(|p| p.path != key);
                    self.problems.push(Problem { path: key, message });
                    self.status = Status::Invalid;
                    return;
                }
                (param.set)(&mut self.raw, value);
                if let Page::Lesson(progress) = &mut self.page {
                    progress.changed = true;
                }
                self.revalidate();
            }
            Action::LoadPreset(index) => {
                self.preset = index.min(PRESETS.len().saturating_sub(1));
                self.raw = preset_raw(self.preset);
                self.applied.clear();
                // What the link had for the design it replaces no longer applies; the pinned
                // baseline's (`vs`) still does.
                self.url_problems.retain(|p| p.path.starts_with("vs"));
                self.revalidate();
            }
            Action::ResetPreset => {
                self.raw = preset_raw(self.preset);
                self.applied.clear();
                self.revalidate();
            }
            Action::ResetAll => {
                self.preset = 0;
                self.raw = preset_raw(0);
                self.applied.clear();
                self.url_problems.clear();
                self.revalidate();
            }
            Action::Progress { run_id, report } => {
                if run_id == self.run_id {
                    self.report = Some(Rc::from(report));
                    self.report_seq += 1;
                }
            }
            Action::WorkerFailed { detail } => {
                self.report = None;
                self.report_seq += 1;
                self.worker_problems = vec![crate::guard::worker_failed(&detail)];
                self.status = Status::Invalid;
                if let Some(b) = &mut self.baseline
                    && !b.finished
                {
                    b.report = None;
                }
            }
            Action::Appended { run_id, deltas } => {
                let Some(report) = self.report.as_mut().filter(|_| run_id == self.run_id) else {
                    return;
                };
                let appended = append(report, deltas);
                self.report_seq += 1;
                match appended {
                    Ok(false) => {}
                    Ok(true) => self.finish(),
                    Err(e) => self.worker_problems = vec![e.to_string()],
                }
            }
            Action::Rejected { run_id, problems } => {
                if run_id == self.run_id {
                    self.worker_problems = problems;
                    self.status = Status::Invalid;
                }
            }
            Action::Finished { run_id, report } => {
                if run_id == self.run_id {
                    self.report = Some(Rc::from(report));
                    self.report_seq += 1;
                    self.finish();
                }
            }
            Action::ToggleDark { system_dark } => {
                self.dark = Some(!self.dark.unwrap_or(system_dark));
            }
            Action::Cursor(t) => self.cursor_s = t,
            Action::ApplyPolicy(index) => {
                if let Some(policy) = stampede_core::presets::POLICIES.get(index) {
                    let before = self.raw.clone();
                    match stampede_core::scenario::apply_policy(&mut self.raw, policy.name) {
                        Ok(()) => {
                            let applied =
                                crate::policies::Applied::new(policy.name, &before, &self.raw);
                            self.applied.push(applied);
                            self.revalidate()
                        }
                        Err(problem) => {
                            self.problems = vec![problem];
                            self.status = Status::Invalid;
                        }
                    }
                }
            }
            Action::RemovePolicy(at) => {
                if at < self.applied.len() {
                    self.applied.remove(at).undo(&mut self.raw);
                    self.revalidate();
                }
            }
            Action::PinBaseline => {
                let run_id = self.baseline.as_ref().map_or(1, |b| b.run_id + 1);
                self.baseline = Some(Baseline::new(self.preset, self.raw.clone(), run_id));
                self.report_seq += 1;
            }
            Action::ClearBaseline => {
                self.baseline = None;
                self.report_seq += 1;
            }
            Action::BaselineReport {
                run_id,
                report,
                finished,
            } => {
                if let Some(b) = self.baseline.as_mut().filter(|b| b.run_id == run_id) {
                    b.report = Some(Rc::from(report));
                    b.finished = finished;
                    self.report_seq += 1;
                }
            }
            Action::BaselineAppended { run_id, deltas } => {
                let Some(b) = self.baseline.as_mut().filter(|b| b.run_id == run_id) else {
                    return;
                };
                let Some(report) = b.report.as_mut() else {
                    return;
                };
                match append(report, deltas) {
                    Ok(finished) => b.finished = finished,
                    Err(e) => self.worker_problems = vec![format!("pinned baseline: {e}")],
                }
                self.report_seq += 1;
            }
            Action::Play { reduced_motion } => {
                if reduced_motion {
                    self.apply(Action::JumpToEnd);
                } else {
                    let at_end = self.playhead_s.is_none_or(|t| t >= self.horizon_s());
                    if at_end {
                        self.playhead_s = Some(0.0);
                    }
                    self.playing = true;
                }
            }
            Action::Pause => self.playing = false,
            Action::JumpToEnd => {
                self.playing = false;
                self.playhead_s = None;
            }
            Action::Scrub(t) => {
                self.playing = false;
                let horizon = self.horizon_s();
                self.playhead_s = if t >= horizon { None } else { Some(t.max(0.0)) };
            }
            Action::Speed(speed) => {
                if speed.is_finite() && speed > 0.0 {
                    self.speed = speed;
                }
            }
            Action::Tick(wall_ms) => {
                if let (true, Some(t)) = (self.playing, self.playhead_s) {
                    let next = t + self.speed * wall_ms / 1000.0;
                    if next >= self.horizon_s() {
                        self.apply(Action::JumpToEnd);
                    } else {
                        self.playhead_s = Some(next);
                    }
                }
            }
            Action::Lesson(action) => self.lesson_action(action),
        }
    }

    /// A lesson action: a hint, back to the step's start, or the recorded solution.
    fn lesson_action(&mut self, action: LessonAction) {
        let Page::Lesson(progress) = &mut self.page else {
            return;
        };
        let step = progress.step();
        match action {
            LessonAction::Hint => progress.hints = (progress.hints + 1).min(step.hints.len()),
            LessonAction::Restart => {
                self.raw = step.start.clone();
                self.revalidate();
            }
            LessonAction::ApplySolution => {
                self.raw = step.solved.clone();
                self.revalidate();
            }
        }
    }
}

/// Appends `deltas` to `report`, oldest first, copying the report first only if an older state
/// still holds it; returns whether the last delta ended the run.
fn append(report: &mut Rc<Report>, deltas: Vec<ReportDelta>) -> Result<bool, DeltaError> {
    let report = Rc::make_mut(report);
    for delta in deltas {
        delta.apply_to(report)?;
    }
    Ok(report.finished)
}

/// Path of the field a registry key edits, for matching validation problems (outage keys edit the first fault).
fn key_path(key: &str) -> String {
    match key.strip_prefix("outage.") {
        Some("duration_s") => "faults[0].end_s".to_string(),
        Some(field) => format!("faults[0].{field}"),
        None => key.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn finished(state: &mut AppState) {
        let sc = state.scenario().expect("valid");
        let mut sim = stampede_core::Simulation::new(&sc);
        sim.advance_to(stampede_core::SimTime::from_s(1.0));
        let report = Box::new(sim.report());
        state.apply(Action::Finished {
            run_id: state.run_id,
            report,
        });
    }

    /// Streams the state's scenario as the worker does: the first report whole, then deltas of
    /// the buckets done since, `batch` deltas per action. Returns the engine's final report.
    fn stream(state: &mut AppState, run_id: u64, batch: usize) -> Report {
        let sc = state.scenario().expect("valid");
        let mut sim = stampede_core::Simulation::new(&sc);
        let step = stampede_core::SimTime::from_s(sc.bucket.as_s() * 1.5);
        sim.advance_to(step);
        let first = sim.report();
        let mut sent = first.buckets_done;
        state.apply(Action::Progress {
            run_id,
            report: Box::new(first),
        });
        let mut pending = Vec::new();
        while !sim.is_finished() {
            sim.advance_to(sim.now().after(step));
            let report = sim.report();
            let done = report.buckets_done;
            pending.push(ReportDelta::since(report, sent));
            sent = done;
            if pending.len() == batch || sim.is_finished() {
                let deltas = std::mem::take(&mut pending);
                state.apply(Action::Appended { run_id, deltas });
            }
        }
        sim.report()
    }

    #[test]
    fn deltas_append_to_the_one_report_kept_and_the_last_one_finishes_the_run() {
        for batch in [1, 4] {
            let mut s = AppState::from_query("preset=naive-retry-storm");
            let run_id = s.run_id;
            let final_report = stream(&mut s, run_id, batch);
            assert_eq!(s.status, Status::Done, "batch {batch}");
            assert_eq!(s.runs_done, 1);
            let shown = s.report.as_deref().expect("a report");
            assert_eq!(
                serde_json::to_string(shown).unwrap(),
                serde_json::to_string(&final_report).unwrap(),
                "batch {batch}: the appended report is the engine's final report"
            );
        }
    }

    #[test]
    fn deltas_of_an_older_run_or_of_another_scenario_change_nothing() {
        let mut s = AppState::from_query("preset=naive-retry-storm");
        let old = s.run_id;
        stream(&mut s, old, 2);
        s.apply(Action::SetParam {
            key: "retry.attempts_max".into(),
            value: 2.0,
        });
        let before = s.report.clone();
        let other = stampede_core::Simulation::new(&s.scenario().unwrap()).report();
        let stale = ReportDelta::between(other, 0, 1);
        s.apply(Action::Appended {
            run_id: old,
            deltas: vec![stale],
        });
        let same = |a: &Option<Rc<Report>>, b: &Option<Rc<Report>>| match (a, b) {
            (Some(a), Some(b)) => Rc::ptr_eq(a, b),
            _ => false,
        };
        assert!(same(&s.report, &before), "a stale run's delta is ignored");
        assert_eq!(s.status, Status::Running);
        let mixed = AppState::from_query("preset=mixed-runtimes")
            .scenario()
            .unwrap();
        let misfit = ReportDelta::between(stampede_core::Simulation::new(&mixed).report(), 0, 1);
        let run_id = s.run_id;
        s.apply(Action::Appended {
            run_id,
            deltas: vec![misfit],
        });
        assert_eq!(
            s.report.as_deref().map(|r| r.buckets_done),
            before.as_deref().map(|r| r.buckets_done)
        );
        assert!(
            s.notices().iter().any(|n| n.contains("does not fit")),
            "{:?}",
            s.notices()
        );
    }

    #[test]
    fn a_parameter_change_starts_a_new_run_and_ignores_stale_reports() {
        let mut s = AppState::from_query("");
        let first = s.run_id;
        finished(&mut s);
        assert_eq!(s.status, Status::Done);
        s.apply(Action::SetParam {
            key: "retry.attempts_max".into(),
            value: 2.0,
        });
        assert_eq!(s.run_id, first + 1);
        assert_eq!(s.status, Status::Running);
        let stale = Box::new(Report::clone(s.report.as_ref().unwrap()));
        s.apply(Action::Finished {
            run_id: first,
            report: stale,
        });
        assert_eq!(
            s.status,
            Status::Running,
            "a stale run's report does not finish the new run"
        );
    }

    #[test]
    fn an_invalid_value_keeps_the_last_report_and_names_the_field() {
        let mut s = AppState::from_query("");
        finished(&mut s);
        let before = s.report.as_ref().map(|r| r.summary.events);
        s.apply(Action::SetParam {
            key: "retry.attempts_max".into(),
            value: 0.0,
        });
        assert_eq!(s.status, Status::Invalid);
        assert!(s.problem_for("retry.attempts_max").is_some());
        assert_eq!(s.report.as_ref().map(|r| r.summary.events), before);
        s.apply(Action::SetParam {
            key: "retry.backoff_base_ms".into(),
            value: 30_000.0,
        });
        assert!(
            s.problem_for("retry.backoff_max_ms").is_some(),
            "cross-field rule reported"
        );
    }

    #[test]
    fn url_round_trip_and_bad_url_pairs_are_kept_as_problems() {
        let mut s = AppState::from_query("?preset=naive-retry-storm");
        s.apply(Action::SetParam {
            key: "retry.attempts_max".into(),
            value: 6.0,
        });
        let q = s.to_query();
        assert_eq!(q, "preset=naive-retry-storm&retry.attempts_max=6");
        let back = AppState::from_query(&q);
        assert_eq!(back.raw, s.raw);
        let bad = AppState::from_query("preset=naive-retry-storm&retry.attempts_maxx=3");
        assert_eq!(bad.url_problems.len(), 1);
        let embedded = AppState::from_query("preset=naive-retry-storm&embed=1");
        assert!(embedded.embed && embedded.url_problems.is_empty());
        assert_eq!(embedded.to_query(), "preset=naive-retry-storm&embed=1&v=1");
    }

    #[test]
    fn a_link_naming_an_unknown_preset_says_so() {
        let s = AppState::from_query("preset=naive-retry-stom&retry.attempts_max=6");
        let problem = s
            .url_problems
            .iter()
            .find(|p| p.path == "preset")
            .expect("the unknown preset name is listed");
        assert!(problem.message.contains("`naive-retry-stom`"), "{problem}");
        assert!(problem.message.contains("naive-retry-storm"), "{problem}");
        assert_eq!(
            s.raw.retry.attempts_max, 6,
            "the rest of the link still applies"
        );
        let vs = AppState::from_query("vs=preset%3Dnope");
        assert!(
            vs.url_problems.iter().any(|p| p.path == "vs: preset"),
            "{:?}",
            vs.url_problems
        );
        let known = AppState::from_query("preset=naive-retry-storm");
        assert!(known.url_problems.is_empty(), "{:?}", known.url_problems);
    }

    /// Loading another preset replaces the link's design: what the link had that was ignored no
    /// longer shows; what it had for the pinned baseline (`vs`) still does.
    #[test]
    fn loading_a_preset_drops_the_link_notices_of_the_design_it_replaces() {
        let mut s =
            AppState::from_query("preset=naive-retry-storm&retry.attempts_maxx=3&vs=preset%3Dnope");
        assert!(
            s.notices()
                .iter()
                .any(|n| n.contains("retry.attempts_maxx"))
        );
        s.apply(Action::LoadPreset(0));
        let notices = s.notices();
        assert!(
            !notices.iter().any(|n| n.contains("retry.attempts_maxx")),
            "{notices:?}"
        );
        assert!(
            s.url_problems.iter().any(|p| p.path == "vs: preset"),
            "{:?}",
            s.url_problems
        );
    }

    #[test]
    fn a_link_that_cannot_run_says_why_when_no_result_stands_in() {
        // Each value is in range; together they break the rule that the cap is at least the base.
        let conflict =
            "preset=naive-retry-storm&retry.backoff_base_ms=30000&retry.backoff_max_ms=1000";
        for query in [conflict.to_string(), format!("{conflict}&embed=1")] {
            let s = AppState::from_query(&query);
            assert_eq!(s.status, Status::Invalid, "{query}");
            let notices = s.notices().join("\n");
            assert!(
                notices.contains("retry.backoff_max_ms"),
                "{query}: {notices}"
            );
        }
        let mut editing = AppState::from_query("preset=naive-retry-storm");
        finished(&mut editing);
        editing.apply(Action::SetParam {
            key: "retry.backoff_base_ms".into(),
            value: 30_000.0,
        });
        assert_eq!(editing.status, Status::Invalid);
        assert!(
            editing.notices().is_empty(),
            "with a result on screen, the control itself shows the problem: {:?}",
            editing.notices()
        );
    }

    #[test]
    fn presets_and_resets() {
        let mut s = AppState::from_query("");
        s.apply(Action::LoadPreset(1));
        assert_eq!(s.preset, 1);
        s.apply(Action::SetParam {
            key: "backend.workers".into(),
            value: 7.0,
        });
        s.apply(Action::ResetPreset);
        assert_eq!(s.raw, preset_raw(1));
        s.apply(Action::ResetAll);
        assert_eq!((s.preset, &s.raw), (0, &preset_raw(0)));
    }

    #[test]
    fn replay_advances_pauses_scrubs_and_respects_reduced_motion() {
        let mut s = AppState::from_query("");
        finished(&mut s);
        let horizon = s.horizon_s();
        s.apply(Action::Play {
            reduced_motion: true,
        });
        assert_eq!(
            (s.playing, s.playhead_s),
            (false, None),
            "reduced motion jumps to the end"
        );
        s.apply(Action::Play {
            reduced_motion: false,
        });
        assert_eq!((s.playing, s.playhead_s), (true, Some(0.0)));
        s.apply(Action::Tick(1000.0));
        assert_eq!(s.playhead_s, Some(s.speed));
        s.apply(Action::Pause);
        s.apply(Action::Tick(1000.0));
        assert_eq!(s.playhead_s, Some(s.speed), "a paused replay does not move");
        s.apply(Action::Scrub(horizon / 2.0));
        let visible = s.visible_report().unwrap();
        assert!(visible.buckets_done <= s.report.as_ref().unwrap().buckets_done);
        s.apply(Action::Play {
            reduced_motion: false,
        });
        s.apply(Action::Tick(1e9));
        assert_eq!(
            (s.playing, s.playhead_s),
            (false, None),
            "the replay stops at the end"
        );
    }

    fn preset_index(name: &str) -> usize {
        PRESETS
            .iter()
            .position(|p| p.name == name)
            .expect("preset exists")
    }

    #[test]
    fn a_pinned_baseline_travels_in_the_url_and_takes_only_its_own_reports() {
        let mut s = AppState::from_query("preset=naive-retry-storm");
        s.apply(Action::PinBaseline);
        s.apply(Action::LoadPreset(2));
        s.apply(Action::SetParam {
            key: "retry.attempts_max".into(),
            value: 2.0,
        });
        let q = s.to_query();
        assert!(q.contains("&vs=preset%3Dnaive-retry-storm"), "{q}");
        let back = AppState::from_query(&q);
        let baseline = back.baseline.as_ref().expect("baseline from the link");
        assert_eq!(baseline.raw, preset_raw(preset_index("naive-retry-storm")));
        assert_eq!(back.raw, s.raw);
        assert_eq!(back.to_query(), q);
        let run_id = baseline.run_id;
        let report = s.report.as_deref().cloned().unwrap_or_else(|| {
            let sc = s.scenario().unwrap();
            let mut sim = stampede_core::Simulation::new(&sc);
            sim.advance_to(stampede_core::SimTime::from_s(1.0));
            sim.report()
        });
        let mut back = back;
        back.apply(Action::BaselineReport {
            run_id: run_id + 7,
            report: Box::new(report.clone()),
            finished: true,
        });
        assert!(
            back.baseline.as_ref().unwrap().report.is_none(),
            "a stale baseline run is ignored"
        );
        back.apply(Action::BaselineReport {
            run_id,
            report: Box::new(report),
            finished: true,
        });
        assert!(back.baseline.as_ref().unwrap().report.is_some());
        back.apply(Action::ClearBaseline);
        assert!(!back.to_query().contains("vs="));
    }

    #[test]
    fn the_baseline_shows_its_figures_only_once_its_run_has_finished() {
        let mut s = AppState::from_query("preset=naive-retry-storm");
        s.apply(Action::PinBaseline);
        let run_id = s.baseline.as_ref().unwrap().run_id;
        let sc = s.scenario().unwrap();
        let mut sim = stampede_core::Simulation::new(&sc);
        sim.advance_to(stampede_core::SimTime::from_s(1.0));
        s.apply(Action::BaselineReport {
            run_id,
            report: Box::new(sim.report()),
            finished: false,
        });
        let baseline = s.baseline.as_ref().unwrap();
        assert!(
            matches!(baseline.card("availability"), BaselineCard::Note(_)),
            "a partial run's availability is not the baseline's: {:?}",
            baseline.card("availability")
        );
        let report = stampede_core::run(&sc);
        let expected = crate::kpi::cards(&report.summary)
            .into_iter()
            .find(|k| k.id == "availability")
            .unwrap()
            .value;
        s.apply(Action::BaselineReport {
            run_id,
            report: Box::new(report),
            finished: true,
        });
        let baseline = s.baseline.as_ref().unwrap();
        assert_eq!(baseline.card("availability"), BaselineCard::Value(expected));
        assert_eq!(baseline.card("resolvers"), BaselineCard::Absent);
    }

    #[test]
    fn a_baseline_that_cannot_run_says_why() {
        let vs = encode_component(
            "preset=naive-retry-storm&retry.backoff_base_ms=30000&retry.backoff_max_ms=1000",
        );
        let s = AppState::from_query(&format!("preset=naive-retry-storm&vs={vs}"));
        assert_eq!(s.status, Status::Running, "the design itself runs");
        let baseline = s.baseline.as_ref().expect("the link pins a baseline");
        assert_eq!(
            baseline.card("availability"),
            BaselineCard::Note("cannot run")
        );
        let notices = s.notices().join("\n");
        assert!(
            notices.contains("baseline") && notices.contains("retry.backoff_max_ms"),
            "{notices}"
        );
        assert!(s.to_query().contains("vs="), "the link keeps the baseline");
    }

    #[test]
    fn component_encoding_round_trips() {
        let text = "preset=a&b.c=1%2 x?#+";
        assert_eq!(decode_component(&encode_component(text)), text);
        assert!(!encode_component(text).contains('&'));
    }

    #[test]
    fn applying_a_policy_changes_its_fields_and_the_link() {
        let mut s = AppState::from_query("preset=naive-retry-storm");
        let index = stampede_core::presets::POLICIES
            .iter()
            .position(|p| p.name == "retry-grpc-throttled")
            .unwrap();
        s.apply(Action::ApplyPolicy(index));
        assert_eq!(s.status, Status::Running);
        assert_eq!(s.raw.retry.attempts_max, 4);
        assert!(
            s.to_query().contains("retry_budget.kind=grpc_throttling"),
            "{}",
            s.to_query()
        );
        assert_eq!(s.applied.len(), 1, "a chip for the policy");
        s.apply(Action::RemovePolicy(0));
        assert!(s.applied.is_empty());
        assert_eq!(
            s.to_query(),
            "preset=naive-retry-storm",
            "removing it undoes it"
        );
    }

    #[test]
    fn dark_mode_toggles_from_the_system_default() {
        let mut s = AppState::from_query("");
        s.apply(Action::ToggleDark { system_dark: true });
        assert_eq!(s.dark, Some(false));
        s.apply(Action::ToggleDark { system_dark: true });
        assert_eq!(s.dark, Some(true));
    }
}
