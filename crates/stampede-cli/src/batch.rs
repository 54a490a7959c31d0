//! `--shard auto`: which shard of a sweep this process runs, read from the array index and count
//! of the batch engine it runs under.
//!
//! Owns: the environment variables of each engine, how an engine's index and count become a
//! shard `(i, n)`, and the errors when none, a part, or disagreeing engines are found.
//! Must not: read the environment itself (the caller passes a lookup, so tests stay hermetic), or
//! schedule anything: the engine starts the processes, `stampede merge` joins their outputs.
//!
//! Engines and their variables (the docs pages each follows are cited in `docs/batch.md`):
//! - Kubernetes Indexed Job: `JOB_COMPLETION_INDEX` (0-based, set by the Job controller) and
//!   [`COUNT_VAR`], which the Job's manifest sets to its `spec.completions` (Kubernetes exposes
//!   no variable with the count).
//! - Slurm job array: `SLURM_ARRAY_TASK_ID`, `SLURM_ARRAY_TASK_COUNT` and
//!   `SLURM_ARRAY_TASK_MIN` (an array may start at any index), with `SLURM_ARRAY_TASK_MAX` and
//!   `SLURM_ARRAY_TASK_STEP` checked when set: the array must be an evenly spaced range
//!   (`--array=0-99`, `1-100`, `0-98:2`), not a list.
//! - AWS Batch array job: `AWS_BATCH_JOB_ARRAY_INDEX` (0-based) and `AWS_BATCH_JOB_ARRAY_SIZE`.

use stampede_core::Problem;

/// The variable a Kubernetes Indexed Job's manifest sets to its `spec.completions`.
pub const COUNT_VAR: &str = "STAMPEDE_SHARD_COUNT";

/// The argument path problems are reported under.
const PATH: &str = "--shard auto";

/// Reads an environment variable (`std::env::var` in the binary, a table in tests).
pub type Env<'a> = &'a dyn Fn(&str) -> Option<String>;

/// A batch engine that runs array jobs, and the variables that give its index and count.
#[derive(Clone, Copy, Debug)]
struct Engine {
    /// Name for messages.
    name: &'static str,
    /// The variable whose presence says the process runs under this engine.
    marker: &'static str,
    /// Reads `(index, count)` from the engine's variables.
    read: fn(Env<'_>) -> Result<(usize, usize), String>,
}

const ENGINES: &[Engine] = &[
    Engine {
        name: "Kubernetes Indexed Job",
        marker: "JOB_COMPLETION_INDEX",
        read: |env| {
            let index = number(env, "JOB_COMPLETION_INDEX")?;
            let count = number(env, COUNT_VAR).map_err(|e| {
                format!("{e} (set it to the Job's spec.completions in the manifest)")
            })?;
            Ok((index, count))
        },
    },
    Engine {
        name: "Slurm job array",
        marker: "SLURM_ARRAY_TASK_ID",
        read: slurm,
    },
    Engine {
        name: "AWS Batch array job",
        marker: "AWS_BATCH_JOB_ARRAY_INDEX",
        read: |env| {
            Ok((
                number(env, "AWS_BATCH_JOB_ARRAY_INDEX")?,
                number(env, "AWS_BATCH_JOB_ARRAY_SIZE")?,
            ))
        },
    },
];

/// A required whole-number variable.
fn number(env: Env<'_>, name: &str) -> Result<usize, String> {
    let text = env(name).ok_or_else(|| format!("{name} is not set"))?;
    text.trim()
        .parse()
        .map_err(|_| format!("{name} must be a whole number ≥ 0, got `{text}`"))
}

/// Slurm: the task's place in an evenly spaced array, `(ID − MIN) / STEP`.
fn slurm(env: Env<'_>) -> Result<(usize, usize), String> {
    let id = number(env, "SLURM_ARRAY_TASK_ID")?;
    let count = number(env, "SLURM_ARRAY_TASK_COUNT")?;
    let min = number(env, "SLURM_ARRAY_TASK_MIN")?;
    let step = match env("SLURM_ARRAY_TASK_STEP") {
        Some(_) => number(env, "SLURM_ARRAY_TASK_STEP")?.max(1),
        None => 1,
    };
    let spaced = "the array must be an evenly spaced range such as --array=0-99 or 1-100:1";
    if id < min || !(id - min).is_multiple_of(step) {
        return Err(format!(
            "SLURM_ARRAY_TASK_ID {id} is not MIN {min} plus a multiple of STEP {step}: {spaced}"
        ));
    }
    if env("SLURM_ARRAY_TASK_MAX").is_some() {
        let max = number(env, "SLURM_ARRAY_TASK_MAX")?;
        if max < min || (max - min) / step + 1 != count {
            return Err(format!(
                "SLURM_ARRAY_TASK_COUNT {count} does not match MIN {min} to MAX {max} in steps of \
                 {step}: {spaced}"
            ));
        }
    }
    Ok(((id - min) / step, count))
}

/// The shard `(i, n)` of the batch engine whose variables `env` holds.
///
/// Errors, each naming the variables: no engine's variables set; an engine's variables incomplete
/// or not whole numbers; a count of 0 or an index outside `0..count`; two engines' variables set
/// with different shards (the same shard from two is accepted).
pub fn shard_from_env(env: Env<'_>) -> Result<(usize, usize), Problem> {
    let problem = |message: String| Problem {
        path: PATH.into(),
        message,
    };
    let mut found: Vec<(&str, (usize, usize))> = Vec::new();
    for engine in ENGINES.iter().filter(|e| env(e.marker).is_some()) {
        let (index, count) =
            (engine.read)(env).map_err(|e| problem(format!("{}: {e}", engine.name)))?;
        if count == 0 || index >= count {
            return Err(problem(format!(
                "{}: index {index} is not below the count {count}",
                engine.name
            )));
        }
        found.push((engine.name, (index, count)));
    }
    match found.as_slice() {
        [] => Err(problem(format!(
            "no batch engine found: expected JOB_COMPLETION_INDEX and {COUNT_VAR} (Kubernetes \
             Indexed Job), SLURM_ARRAY_TASK_ID, SLURM_ARRAY_TASK_COUNT and SLURM_ARRAY_TASK_MIN \
             (Slurm job array), or AWS_BATCH_JOB_ARRAY_INDEX and AWS_BATCH_JOB_ARRAY_SIZE (AWS \
             Batch array job); elsewhere give --shard i/n"
        ))),
        [(_, shard), rest @ ..] => match rest.iter().find(|(_, other)| other != shard) {
            None => Ok(*shard),
            Some((other_name, other)) => Err(problem(format!(
                "{} says shard {}/{} but {other_name} says {}/{}: unset one engine's variables or \
                 give --shard i/n",
                found[0].0, shard.0, shard.1, other.0, other.1
            ))),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shard(vars: &[(&str, &str)]) -> Result<(usize, usize), String> {
        let env = |name: &str| {
            vars.iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| v.to_string())
        };
        shard_from_env(&env).map_err(|p| {
            assert_eq!(p.path, PATH);
            p.message
        })
    }

    #[test]
    fn each_engine_gives_its_index_and_count() {
        let k8s = [("JOB_COMPLETION_INDEX", "3"), (COUNT_VAR, "8")];
        assert_eq!(shard(&k8s), Ok((3, 8)));
        // --array=1-8: the task with ID 4 is the fourth, index 3.
        let slurm = [
            ("SLURM_ARRAY_TASK_ID", "4"),
            ("SLURM_ARRAY_TASK_COUNT", "8"),
            ("SLURM_ARRAY_TASK_MIN", "1"),
            ("SLURM_ARRAY_TASK_MAX", "8"),
        ];
        assert_eq!(shard(&slurm), Ok((3, 8)));
        // --array=10-24:2 has 8 tasks; ID 16 is index 3.
        let stepped = [
            ("SLURM_ARRAY_TASK_ID", "16"),
            ("SLURM_ARRAY_TASK_COUNT", "8"),
            ("SLURM_ARRAY_TASK_MIN", "10"),
            ("SLURM_ARRAY_TASK_MAX", "24"),
            ("SLURM_ARRAY_TASK_STEP", "2"),
        ];
        assert_eq!(shard(&stepped), Ok((3, 8)));
        let aws = [
            ("AWS_BATCH_JOB_ARRAY_INDEX", "3"),
            ("AWS_BATCH_JOB_ARRAY_SIZE", "8"),
        ];
        assert_eq!(shard(&aws), Ok((3, 8)));
        // Two engines agreeing are accepted.
        assert_eq!(shard(&[&k8s[..], &aws[..]].concat()), Ok((3, 8)));
    }

    #[test]
    fn missing_partial_bad_and_disagreeing_variables_are_refused() {
        let none = shard(&[]).unwrap_err();
        assert!(
            none.contains("no batch engine found") && none.contains(COUNT_VAR),
            "{none}"
        );
        let partial = shard(&[("JOB_COMPLETION_INDEX", "0")]).unwrap_err();
        assert!(
            partial.contains("STAMPEDE_SHARD_COUNT is not set")
                && partial.contains("spec.completions"),
            "{partial}"
        );
        let bad = shard(&[
            ("AWS_BATCH_JOB_ARRAY_INDEX", "x"),
            ("AWS_BATCH_JOB_ARRAY_SIZE", "2"),
        ])
        .unwrap_err();
        assert!(
            bad.contains("AWS_BATCH_JOB_ARRAY_INDEX must be a whole number"),
            "{bad}"
        );
        let outside = shard(&[("JOB_COMPLETION_INDEX", "8"), (COUNT_VAR, "8")]).unwrap_err();
        assert!(
            outside.contains("index 8 is not below the count 8"),
            "{outside}"
        );
        // --array=1,2,9: three tasks, not an evenly spaced range.
        let list = shard(&[
            ("SLURM_ARRAY_TASK_ID", "2"),
            ("SLURM_ARRAY_TASK_COUNT", "3"),
            ("SLURM_ARRAY_TASK_MIN", "1"),
            ("SLURM_ARRAY_TASK_MAX", "9"),
        ])
        .unwrap_err();
        assert!(list.contains("evenly spaced"), "{list}");
        let disagree = shard(&[
            ("JOB_COMPLETION_INDEX", "1"),
            (COUNT_VAR, "4"),
            ("AWS_BATCH_JOB_ARRAY_INDEX", "2"),
            ("AWS_BATCH_JOB_ARRAY_SIZE", "4"),
        ])
        .unwrap_err();
        assert!(
            disagree.contains("1/4") && disagree.contains("2/4"),
            "{disagree}"
        );
    }
}
