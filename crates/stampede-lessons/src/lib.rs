//! Game-day lessons: guided exercises over Stampede's presets, with goals the app and the CLI
//! check on a run's report.
//!
//! Owns: the lesson file format and its validation (`lesson`), goals and their verdicts in words
//! (`goal`), the solvable-and-not-pre-solved check (`check`), and the lessons embedded from
//! `lessons/*.toml` at the repository root.
//! Must not: do I/O, read a clock or depend on anything but `stampede-core` (checked by xtask's
//! tidy test): the web app and the CLI both use it.

pub mod check;
pub mod goal;
pub mod lesson;

use std::sync::OnceLock;

pub use goal::{Condition, Kpi, Op, Verdict, all_met, evaluate};
pub use lesson::{Lesson, LessonError, Setting, Source, Step};

/// One embedded lesson file.
#[derive(Clone, Copy, Debug)]
pub struct LessonFile {
    /// Its path from the repository root (`lessons/<id>.toml`).
    pub path: &'static str,
    /// The TOML text.
    pub toml: &'static str,
}

macro_rules! lesson_files {
    ($($id:literal),* $(,)?) => {
        &[$(LessonFile {
            path: concat!("lessons/", $id, ".toml"),
            toml: include_str!(concat!("../../../lessons/", $id, ".toml")),
        }),*]
    };
}

/// Every lesson file, in the order of the lesson list (a two-hour game day runs them in order).
pub static LESSON_FILES: &[LessonFile] = lesson_files![
    "dns-cascade",
    "backoff-and-jitter",
    "budgets-and-breakers",
    "caches-repopulate",
    "zone-or-resolver",
    "conditional-forwarding",
    "region-failover",
    "identity-and-telemetry",
    "metastability",
    "concentration-risk",
    "october-2025-replay",
];

/// Every embedded lesson, decoded once; a file with problems is its error.
pub fn embedded() -> &'static [Result<Lesson, LessonError>] {
    static DECODED: OnceLock<Vec<Result<Lesson, LessonError>>> = OnceLock::new();
    DECODED.get_or_init(|| {
        LESSON_FILES
            .iter()
            .map(|f| Lesson::decode(f.path, f.toml))
            .collect()
    })
}

/// The embedded lessons that decode, in list order.
pub fn lessons() -> impl Iterator<Item = &'static Lesson> {
    embedded().iter().filter_map(|l| l.as_ref().ok())
}

/// The embedded lesson with id `id`.
pub fn find(id: &str) -> Option<&'static Lesson> {
    lessons().find(|l| l.id == id)
}
