//! Scales of the parameter registry: where a slider's stops lie and which part of the range it
//! covers, so that every control reaches its useful values in one gesture.
//!
//! Owns: the stop ladders (1-2-5-like series per decade, seconds on the clock, nines of
//! availability), the stops of each parameter and the stepping between them, and the slider
//! range derived from a preset's value.
//! Must not: know any parameter by key. Everything a parameter needs is data on its
//! [`Param`](super::Param) definition (`scale`), so a new parameter gets its control from its
//! definition alone.

use super::{Param, ParamKind};

/// Where the stops of a parameter lie.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Ladder {
    /// Multiples of the parameter's `step` (small ranges: attempts, fractions).
    Linear,
    /// The mantissas repeated in every decade from `from` up (logarithmic: times, rates, sizes);
    /// 0 is a stop too when the range starts at 0.
    Decades {
        /// Mantissas in `[1, 10)`, ascending.
        mantissas: &'static [f64],
        /// Smallest positive stop, in the parameter's unit.
        from: f64,
    },
    /// An explicit ascending list of stops (seconds on the clock, nines of availability).
    List(&'static [f64]),
    /// Too wide and too arbitrary for a slider (a seed): a number box only.
    Entry,
}

/// How a slider moves through a parameter's range.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Scale {
    /// Where the stops are.
    pub ladder: Ladder,
    /// The part of the range a slider covers when the full range is huge, in the parameter's
    /// unit (`None`: the whole range); widened around the preset's value
    /// ([`Param::slider_range`]). Values outside it stay valid: the number box takes them.
    pub typical: Option<(f64, f64)>,
    /// Further stops the ladder lacks: values that presets and cited sources use, in the unit.
    pub marks: &'static [f64],
}

/// 1-2-5 in every decade: money.
pub const ONE_TWO_FIVE: &[f64] = &[1.0, 2.0, 5.0];

/// A finer 1-2-5 (with 1.5, 2.5, 3, 4, 6, 8): counts, rates, sizes and milliseconds, where 25 ms,
/// 250 ms, 3 s, 40 workers or 400 requests are as common as the 1-2-5 values.
pub const FINE: &[f64] = &[1.0, 1.5, 2.0, 2.5, 3.0, 4.0, 5.0, 6.0, 8.0];

/// Seconds on the clock: 1-2-5 below a second, then seconds, minutes, hours and days people
/// set (15 s, 45 s, 90 s, 7 min, 12 min, 3 h, 12 h, 7 days).
pub const SECONDS: &[f64] = &[
    0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, // below a second
    1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 8.0, 10.0, 12.0, 15.0, 20.0, 25.0, 30.0, 40.0, 45.0, 50.0, 60.0,
    90.0, 120.0, 150.0, 180.0, 240.0, 300.0, 360.0, 420.0, 480.0, 600.0, 720.0, 900.0, 1200.0,
    1500.0, 1800.0, 2400.0, 2700.0, 3600.0, // minutes
    5400.0, 7200.0, 10_800.0, 14_400.0, 21_600.0, 28_800.0, 43_200.0, // hours
    86_400.0, 172_800.0, 259_200.0, 604_800.0, // days
];

/// Nines of availability, with the halves between them.
pub const NINES: &[f64] = &[
    0.0, 0.5, 0.9, 0.95, 0.99, 0.995, 0.999, 0.9995, 0.9999, 0.99995, 0.99999,
];

impl Scale {
    /// Multiples of the parameter's step over its whole range.
    pub const LINEAR: Scale = Scale {
        ladder: Ladder::Linear,
        typical: None,
        marks: &[],
    };
    /// A number box only.
    pub const ENTRY: Scale = Scale {
        ladder: Ladder::Entry,
        typical: None,
        marks: &[],
    };

    /// Logarithmic stops: `mantissas` in every decade from `from` up.
    pub const fn decades(mantissas: &'static [f64], from: f64) -> Scale {
        Scale {
            ladder: Ladder::Decades { mantissas, from },
            typical: None,
            marks: &[],
        }
    }

    /// Stops on the clock ([`SECONDS`]), in seconds.
    pub const fn seconds() -> Scale {
        Scale {
            ladder: Ladder::List(SECONDS),
            typical: None,
            marks: &[],
        }
    }

    /// Stops from an explicit list.
    pub const fn list(stops: &'static [f64]) -> Scale {
        Scale {
            ladder: Ladder::List(stops),
            typical: None,
            marks: &[],
        }
    }

    /// The same scale with a typical range `[low, high]` for the slider.
    pub const fn typical(self, low: f64, high: f64) -> Scale {
        Scale {
            typical: Some((low, high)),
            ..self
        }
    }

    /// The same scale with further stops.
    pub const fn marks(self, marks: &'static [f64]) -> Scale {
        Scale { marks, ..self }
    }

    /// Whether the stops grow by ratios rather than by a constant step.
    pub fn is_logarithmic(&self) -> bool {
        matches!(self.ladder, Ladder::Decades { .. } | Ladder::List(_))
    }
}

/// `mantissa × 10^exponent`, rounded once (a division for negative exponents, so 2.5 × 10⁻¹ is
/// the same `f64` as the literal 0.25).
fn scaled(mantissa: f64, exponent: i32) -> f64 {
    if exponent >= 0 {
        mantissa * 10f64.powi(exponent)
    } else {
        mantissa / 10f64.powi(-exponent)
    }
}

/// `k × step` rounded once (by dividing by 1/step when the step is a decimal fraction).
fn multiple(k: f64, step: f64) -> f64 {
    let inverse = (1.0 / step).round();
    if step < 1.0 && (inverse * step - 1.0).abs() < 1e-12 {
        k / inverse
    } else {
        k * step
    }
}

impl Param {
    /// Every stop of the parameter, ascending, from `min` to `max` (both included): the
    /// ladder's values in range, then the scale's marks; whole numbers only for integers.
    pub fn steps(&self) -> Vec<f64> {
        let mut stops = vec![self.min, self.max];
        match self.scale.ladder {
            Ladder::Linear => {
                let step = self.step.max(f64::MIN_POSITIVE);
                let first = (self.min / step).ceil();
                let count = ((self.max - self.min) / step).floor() as u64 + 1;
                stops.extend((0..count.min(100_000)).map(|k| multiple(first + k as f64, step)));
            }
            Ladder::Decades { mantissas, from } => {
                if self.min <= 0.0 {
                    stops.push(0.0);
                }
                let mut exponent = libm::floor(libm::log10(from)) as i32;
                'decades: loop {
                    for m in mantissas {
                        let v = scaled(*m, exponent);
                        if v > self.max {
                            break 'decades;
                        }
                        if v >= from {
                            stops.push(v);
                        }
                    }
                    exponent += 1;
                }
            }
            Ladder::List(list) => stops.extend_from_slice(list),
            Ladder::Entry => {}
        }
        stops.extend_from_slice(self.scale.marks);
        let integer = matches!(self.kind, ParamKind::Integer);
        stops.retain(|v| *v >= self.min && *v <= self.max && (!integer || v.fract() == 0.0));
        stops.sort_by(f64::total_cmp);
        stops.dedup();
        stops
    }

    /// The range a slider covers for a design whose preset sets `anchor`: the typical range (or
    /// the whole range), widened so that the anchor sits inside it with a decade to spare on
    /// logarithmic scales, and ending on stops.
    pub fn slider_range(&self, anchor: f64) -> (f64, f64) {
        let (mut low, mut high) = self.scale.typical.unwrap_or((self.min, self.max));
        if anchor.is_finite() {
            let room = if self.scale.is_logarithmic() {
                10.0
            } else {
                1.0
            };
            low = low.min(anchor / room);
            high = high.max(anchor * room);
        }
        let stops = self.steps();
        let low = stops
            .iter()
            .rev()
            .find(|s| **s <= low)
            .copied()
            .unwrap_or(self.min);
        let high = stops
            .iter()
            .find(|s| **s >= high)
            .copied()
            .unwrap_or(self.max);
        (low, high)
    }

    /// The stops a slider offers for a design whose preset sets `anchor` (see
    /// [`Param::slider_range`]); empty for a number box only.
    pub fn slider_steps(&self, anchor: f64) -> Vec<f64> {
        if self.scale.ladder == Ladder::Entry {
            return Vec::new();
        }
        let (low, high) = self.slider_range(anchor);
        self.steps()
            .into_iter()
            .filter(|s| *s >= low && *s <= high)
            .collect()
    }

    /// The value `count` stops above `value` (below when negative), within the range: the
    /// keyboard's arrows. From a value between stops, one step up or down lands on the nearest
    /// stop in that direction.
    pub fn step_from(&self, value: f64, count: i32) -> f64 {
        if self.scale.ladder == Ladder::Entry {
            return (value + f64::from(count) * self.step).clamp(self.min, self.max);
        }
        let stops = self.steps();
        let Some(last) = stops.len().checked_sub(1) else {
            return value;
        };
        // From the last stop at or below the value going up, or the first at or above it going
        // down: off a stop, the first step lands on the neighbouring stop in that direction.
        let at = if count >= 0 {
            stops.iter().rposition(|s| *s <= value).unwrap_or(0)
        } else {
            stops.iter().position(|s| *s >= value).unwrap_or(last)
        };
        let index = (at as i64 + i64::from(count)).clamp(0, last as i64);
        stops[index as usize]
    }

    /// Where `value` sits among `stops`: the index of the nearest stop (by ratio on logarithmic
    /// scales), clamped to the ends for values outside them.
    pub fn position(&self, value: f64, stops: &[f64]) -> usize {
        let distance = |s: f64| {
            if self.scale.is_logarithmic() && s > 0.0 && value > 0.0 {
                libm::log(s / value).abs()
            } else {
                (s - value).abs()
            }
        };
        stops
            .iter()
            .enumerate()
            .min_by(|a, b| distance(*a.1).total_cmp(&distance(*b.1)))
            .map_or(0, |(i, _)| i)
    }
}
