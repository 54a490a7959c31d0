//! A sliding time window of two counters, split into [`SLICES`] slices.
//!
//! Owns: the windowed counting shared by the Finagle retry budget, SRE adaptive throttling and the
//! time-based circuit breaker. The window covers the current slice plus the previous
//! `SLICES − 1` whole slices, as Finagle's `WindowedAdder` does.
//! Must not: allocate; updates are O(1) amortised (each slice is cleared once per pass).

use crate::time::SimTime;

/// Slices per window.
pub const SLICES: usize = 10;

/// Two counters summed over a sliding window. The slice width is kept by the owner and passed
/// in, so many windows (one per client) share it.
#[derive(Clone, Copy, Debug, Default)]
pub struct Window {
    /// Absolute index of the current slice (time ÷ slice width).
    current: u64,
    /// First counter per slice.
    a: [u32; SLICES],
    /// Second counter per slice.
    b: [u32; SLICES],
    /// Sum of `a` over the window.
    sum_a: u32,
    /// Sum of `b` over the window.
    sum_b: u32,
}

impl Window {
    /// Drops the slices that left the window by `now`.
    pub fn advance(&mut self, now: SimTime, slice_width: SimTime) {
        let target = now.0 / slice_width.0.max(1);
        if target == self.current {
            return;
        }
        debug_assert!(target > self.current, "time never goes backwards");
        if target - self.current >= SLICES as u64 {
            *self = Window {
                current: target,
                ..Window::default()
            };
            return;
        }
        for k in self.current + 1..=target {
            let i = (k % SLICES as u64) as usize;
            self.sum_a -= self.a[i];
            self.sum_b -= self.b[i];
            self.a[i] = 0;
            self.b[i] = 0;
        }
        self.current = target;
    }

    /// Adds to the counters in the current slice (call [`Window::advance`] first).
    pub fn add(&mut self, a: u32, b: u32) {
        let i = (self.current % SLICES as u64) as usize;
        self.a[i] = self.a[i].saturating_add(a);
        self.b[i] = self.b[i].saturating_add(b);
        self.sum_a = self.sum_a.saturating_add(a);
        self.sum_b = self.sum_b.saturating_add(b);
    }

    /// First counter over the window.
    pub fn sum_a(&self) -> u32 {
        self.sum_a
    }

    /// Second counter over the window.
    pub fn sum_b(&self) -> u32 {
        self.sum_b
    }

    /// Empties the window.
    pub fn clear(&mut self) {
        *self = Window {
            current: self.current,
            ..Window::default()
        };
    }
}

/// Width of one slice of a window of length `window`.
pub fn slice_width(window: SimTime) -> SimTime {
    SimTime((window.0 / SLICES as u64).max(1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_expire_after_the_window() {
        let width = slice_width(SimTime::from_s(10.0));
        let mut w = Window::default();
        w.add(1, 2);
        w.advance(SimTime::from_s(5.0), width);
        w.add(1, 0);
        assert_eq!((w.sum_a(), w.sum_b()), (2, 2));
        // The first slice [0, 1 s) leaves the window when slice 10 begins.
        w.advance(SimTime::from_s(9.99), width);
        assert_eq!(w.sum_a(), 2);
        w.advance(SimTime::from_s(10.0), width);
        assert_eq!((w.sum_a(), w.sum_b()), (1, 0));
        w.advance(SimTime::from_s(100.0), width);
        assert_eq!((w.sum_a(), w.sum_b()), (0, 0));
    }
}
