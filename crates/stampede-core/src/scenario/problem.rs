//! Problems: what is wrong with a scenario, each with the field path of the offending field.
//!
//! Owns: the error types of every scenario conversion (decoding, editing, validation).
//! Must not: decide what is a problem (the codec, edits and validation do).

/// One problem in a scenario, with the path of the offending field.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    /// Dotted path of the field, e.g. `faults[1].end_s`.
    pub path: String,
    /// What is wrong, for people.
    pub message: String,
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.path, self.message)
    }
}

/// Every problem found in a scenario. Never empty.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScenarioError {
    /// The problems, in field order.
    pub problems: Vec<Problem>,
}

impl std::fmt::Display for ScenarioError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for (i, p) in self.problems.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{p}")?;
        }
        Ok(())
    }
}

impl std::error::Error for ScenarioError {}

impl ScenarioError {
    /// An error of one problem.
    pub fn one(path: &str, message: String) -> ScenarioError {
        ScenarioError {
            problems: vec![Problem {
                path: path.to_string(),
                message,
            }],
        }
    }
}
