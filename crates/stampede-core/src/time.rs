//! Simulated time.
//!
//! Owns: the integer time type of the model. Integer time keeps event order exact and identical on
//! every target; floating-point durations from the scenario are converted once, at validation.

/// A point in simulated time, in microseconds since the run started.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SimTime(pub u64);

impl SimTime {
    /// The start of the run.
    pub const ZERO: SimTime = SimTime(0);
    /// Later than any event of any run.
    pub const NEVER: SimTime = SimTime(u64::MAX);

    /// From seconds, rounded to the nearest microsecond and saturating.
    pub fn from_s(seconds: f64) -> SimTime {
        SimTime::from_us_f64(seconds * 1e6)
    }

    /// From milliseconds, rounded to the nearest microsecond and saturating.
    pub fn from_ms(milliseconds: f64) -> SimTime {
        SimTime::from_us_f64(milliseconds * 1e3)
    }

    /// From microseconds, rounded to the nearest and saturating.
    #[inline(always)]
    pub fn from_us_f64(microseconds: f64) -> SimTime {
        /// 2^52: from here on every double is an integer.
        const TWO_POW_52: f64 = 4_503_599_627_370_496.0;
        if microseconds.is_nan() || microseconds <= 0.0 {
            SimTime(0)
        } else if microseconds >= u64::MAX as f64 {
            SimTime::NEVER
        } else if microseconds < TWO_POW_52 {
            // Round half away from zero, as `libm::round` does, with no float-to-integer
            // conversion (V8 checks every wasm one with a round trip, about 20 cycles): adding
            // 2^52 rounds to the nearest integer (ties to even) and leaves it in the mantissa;
            // a tie that went down to the even integer goes up instead. Every step is exact.
            let shifted = microseconds + TWO_POW_52;
            let nearest = shifted.to_bits() - TWO_POW_52.to_bits();
            let tie_went_down = microseconds - (shifted - TWO_POW_52) == 0.5;
            SimTime(nearest + u64::from(tie_went_down))
        } else if microseconds < 9.0e18 {
            // Round half away from zero, as `libm::round` does, without its software rounding:
            // the fractional part of a positive double is exact, and above 2^52 it is zero.
            // Only through i64 (one instruction each way on x86-64 and in wasm; the unsigned
            // conversions are multi-instruction sequences).
            let whole = microseconds as i64;
            let round_up = microseconds - whole as f64 >= 0.5;
            SimTime(whole as u64 + u64::from(round_up))
        } else {
            // [9·10^18, 2^64): a multiple of 1024 (the spacing of doubles there), so its half is an
            // integer below 2^63.
            SimTime((microseconds * 0.5) as i64 as u64 * 2)
        }
    }

    /// Seconds as a float.
    pub fn as_s(self) -> f64 {
        self.as_us_f64() / 1e6
    }

    /// Milliseconds as a float.
    pub fn as_ms(self) -> f64 {
        self.as_us_f64() / 1e3
    }

    /// Microseconds as a float: through i64 below 2^63 (one instruction on x86-64 and in wasm,
    /// where u64 → f64 is a sequence), which rounds the same integer the same way.
    fn as_us_f64(self) -> f64 {
        if self.0 < 1 << 63 {
            self.0 as i64 as f64
        } else {
            self.0 as f64
        }
    }

    /// `self + duration`, saturating at [`SimTime::NEVER`].
    pub fn after(self, duration: SimTime) -> SimTime {
        SimTime(self.0.saturating_add(duration.0))
    }

    /// `self − earlier`, or zero.
    pub fn since(self, earlier: SimTime) -> SimTime {
        SimTime(self.0.saturating_sub(earlier.0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rounds_like_libm_round() {
        let cases = [
            0.4,
            0.5,
            0.6,
            1.5,
            2.5,
            2.499_999_999,
            123_456.5,
            1e15 + 0.5,
            4_503_599_627_370_495.5,
            4_503_599_627_370_495.0,
            4_503_599_627_370_494.5,
            4_503_599_627_370_496.0,
            0.499_999_999_999_999_94,
            1e-300,
            3.5,
            1_000_000.499_999_999_9,
            9_007_199_254_740_993.0,
            8.999_999_999_999_999e18,
            9.0e18,
            1.8e19,
            18_446_744_073_709_549_568.0,
        ];
        for us in cases {
            assert_eq!(SimTime::from_us_f64(us).0, libm::round(us) as u64, "{us}");
        }
        assert_eq!(SimTime::from_us_f64(f64::NAN), SimTime::ZERO);
        for us in [0, 1, (1 << 53) + 1, (1 << 63) - 1, 1 << 63, u64::MAX] {
            assert_eq!(SimTime(us).as_us_f64(), us as f64, "{us}");
        }
        assert_eq!(SimTime::from_us_f64(1e30), SimTime::NEVER);
    }

    /// Random magnitudes from 10^-3 to 10^19 µs, and the halves n + 0.5 with their neighbours
    /// one ulp away, all round as `libm::round` does.
    #[test]
    fn rounds_like_libm_round_at_random_and_at_every_kind_of_half() {
        let mut rng = crate::rng::Rng::stream(7, crate::rng::StreamId::Arrivals);
        for _ in 0..200_000 {
            let us = libm::pow(10.0, rng.uniform() * 22.0 - 3.0);
            assert_eq!(SimTime::from_us_f64(us).0, libm::round(us) as u64, "{us}");
            let half = (rng.below(1 << 52) as f64) + 0.5;
            for v in [
                half,
                f64::from_bits(half.to_bits() - 1),
                f64::from_bits(half.to_bits() + 1),
            ] {
                assert_eq!(SimTime::from_us_f64(v).0, libm::round(v) as u64, "{v}");
            }
        }
    }
}
