//! Parameter grids: the values of an evenly spaced range of one parameter, the scenario of one
//! point of a grid (values set, seed offset by its seed index), and which parameters a grid may
//! vary along a numeric axis. One definition for `stampede sweep` and the playground's risk map,
//! so both run the same scenarios and give the same numbers.
//!
//! Owns: range spacing (both ends included, integers rounded, values as wire text) and the seed
//! of a point (the scenario's seed plus the seed index, wrapping).
//! Must not: run anything, order points (the CLI's sweep numbers them) or parse command lines.

use crate::RawScenario;
use crate::scenario::params::{Param, ParamKind, trim_number};
use crate::scenario::{Problem, set_param};

/// The `steps` values from `low` to `high` of `param`, evenly spaced with both ends included
/// (one step gives `low`), integers rounded to the nearest whole number, as wire text
/// (`trim_number`). The caller checks the values against the parameter's range.
pub fn range_values(param: &Param, low: f64, high: f64, steps: usize) -> Vec<String> {
    (0..steps)
        .map(|i| {
            let v = if steps <= 1 {
                low
            } else {
                low + (high - low) * i as f64 / (steps - 1) as f64
            };
            let v = if param.kind == ParamKind::Number {
                v
            } else {
                libm::round(v)
            };
            trim_number(v)
        })
        .collect()
}

/// The raw scenario of one grid point: each `(key, value)` set with [`set_param`] in order, and
/// the seed offset by `seed_index` (seed `base + s`, wrapping), as every sweep numbers seeds.
pub fn point_raw<'a>(
    base: &RawScenario,
    values: impl IntoIterator<Item = (&'a str, &'a str)>,
    seed_index: usize,
) -> Result<RawScenario, Problem> {
    let mut raw = base.clone();
    for (key, value) in values {
        set_param(&mut raw, key, value)?;
    }
    raw.run.seed = raw.run.seed.wrapping_add(seed_index as u64);
    Ok(raw)
}

/// Whether a grid may vary `param` along a numeric axis (numbers and integers; choices and
/// switches are not ranges).
pub fn is_numeric_axis(param: &Param) -> bool {
    matches!(param.kind, ParamKind::Number | ParamKind::Integer)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::params;

    #[test]
    fn ranges_include_both_ends_and_round_integers() {
        let duration = params::find("run.duration_s").unwrap();
        assert_eq!(duration.kind, ParamKind::Number);
        assert_eq!(
            range_values(duration, 100.0, 200.0, 5),
            ["100", "125", "150", "175", "200"]
        );
        assert_eq!(range_values(duration, 7.0, 9.0, 1), ["7"]);
        let integer = params::PARAMS
            .iter()
            .find(|p| p.kind == ParamKind::Integer)
            .unwrap();
        // 0, 2.5, 5 → 0, 3 (round half away from zero), 5.
        assert_eq!(range_values(integer, 0.0, 5.0, 3), ["0", "3", "5"]);
    }

    #[test]
    fn a_point_sets_its_values_and_offsets_its_seed() {
        let base = crate::presets::find("naive-retry-storm")
            .unwrap()
            .raw()
            .unwrap();
        let raw = point_raw(&base, [("fleet.clients", "123")], 3).unwrap();
        assert_eq!(raw.fleet.clients, 123);
        assert_eq!(raw.run.seed, base.run.seed + 3);
        assert!(point_raw(&base, [("no.such.key", "1")], 0).is_err());
    }
}
