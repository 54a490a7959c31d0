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

    fn from_us_f64(microseconds: f64) -> SimTime {
        if microseconds.is_nan() || microseconds <= 0.0 {
            SimTime(0)
        } else if microseconds >= u64::MAX as f64 {
            SimTime::NEVER
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
}
