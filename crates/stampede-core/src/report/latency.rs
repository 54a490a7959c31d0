//! The latency histogram: log-spaced bins, the table that maps a latency to its bin without a
//! logarithm per request, and quantiles over the bins.
//!
//! Owns: the bin layout. Must not: simulate.

/// Bounds of the latency histogram: bin `i` holds latencies in [LOW·R^i, LOW·R^(i+1)) ms.
pub const LATENCY_BINS: usize = 96;
const LATENCY_LOW_MS: f64 = 0.1;
const LATENCY_RATIO: f64 = 1.2;

/// Histogram bin of a latency: bin `k` ≥ 1 holds [`latency_bin_upper_ms`]`(k − 1)` up to
/// [`latency_bin_upper_ms`]`(k)`, bin 0 everything below, the last bin everything above. Found by
/// binary search over the edges (computed once with `libm`), with no logarithm per call.
pub fn latency_bin(latency_ms: f64) -> usize {
    static EDGES: std::sync::OnceLock<[f64; LATENCY_BINS - 1]> = std::sync::OnceLock::new();
    let edges = EDGES.get_or_init(|| std::array::from_fn(latency_bin_upper_ms));
    edges.partition_point(|edge| *edge <= latency_ms)
}

/// Sub-ranges per power of two, as bits, in [`LatencyBinTable`]: a sub-range spans a ratio of at
/// most 9/8, below [`LATENCY_RATIO`], so it holds at most one bin edge.
const SUBRANGE_BITS: u32 = 3;

/// Finds the histogram bin of a latency in integer microseconds with one table look-up and one
/// comparison: no floating point and no search on the per-request path.
#[derive(Debug)]
pub struct LatencyBinTable {
    /// Per bin `k` < 95: the least latency, µs, that [`latency_bin`] puts above bin `k`; then
    /// `u64::MAX`.
    edges_us: [u64; 256],
    /// Per sub-range of the microseconds (see `subrange`): the bin of its smallest value.
    first_bin: [u8; 64 << SUBRANGE_BITS],
}

impl LatencyBinTable {
    /// The table, computed once.
    pub fn get() -> &'static LatencyBinTable {
        static TABLE: std::sync::OnceLock<LatencyBinTable> = std::sync::OnceLock::new();
        TABLE.get_or_init(|| {
            let ms = |us: u64| crate::time::SimTime(us).as_ms();
            let mut edges_us = [u64::MAX; 256];
            for (bin, edge_us) in edges_us.iter_mut().take(LATENCY_BINS - 1).enumerate() {
                let edge_ms = latency_bin_upper_ms(bin);
                let mut us = libm::ceil(edge_ms * 1e3) as u64;
                while us > 0 && edge_ms <= ms(us - 1) {
                    us -= 1;
                }
                while edge_ms > ms(us) {
                    us += 1;
                }
                *edge_us = us;
            }
            let mut first_bin = [0; 64 << SUBRANGE_BITS];
            for (i, bin) in first_bin.iter_mut().enumerate() {
                let low_us = subrange_low(i);
                *bin = edges_us[..LATENCY_BINS - 1].partition_point(|e| *e <= low_us) as u8;
            }
            LatencyBinTable {
                edges_us,
                first_bin,
            }
        })
    }

    /// Equals [`latency_bin`] of the latency in milliseconds (`SimTime(latency_us).as_ms()`).
    pub fn bin(&self, latency_us: u64) -> usize {
        let bin = self.first_bin[subrange(latency_us)];
        let next = usize::from(latency_us >= self.edges_us[usize::from(bin)]);
        (usize::from(bin) + next).min(LATENCY_BINS - 1)
    }
}

/// Index of the sub-range of `us`: below 2^`SUBRANGE_BITS` the value itself, above it the
/// exponent and the next `SUBRANGE_BITS` bits after the leading one.
fn subrange(us: u64) -> usize {
    if us < 1 << SUBRANGE_BITS {
        return us as usize;
    }
    let exponent = 63 - us.leading_zeros();
    let mantissa = (us >> (exponent - SUBRANGE_BITS)) & ((1 << SUBRANGE_BITS) - 1);
    (((exponent + 1 - SUBRANGE_BITS) << SUBRANGE_BITS) as u64 | mantissa) as usize
}

/// The smallest value of sub-range `index` (the inverse of `subrange`).
fn subrange_low(index: usize) -> u64 {
    let (high, mantissa) = (
        index >> SUBRANGE_BITS,
        (index & ((1 << SUBRANGE_BITS) - 1)) as u64,
    );
    if high == 0 {
        return mantissa;
    }
    let exponent = high as u32 + SUBRANGE_BITS - 1;
    if exponent > 63 {
        return u64::MAX;
    }
    (1 << exponent) | (mantissa << (exponent - SUBRANGE_BITS))
}

/// Upper edge of a latency bin, ms.
pub fn latency_bin_upper_ms(bin: usize) -> f64 {
    LATENCY_LOW_MS * libm::pow(LATENCY_RATIO, (bin + 1) as f64)
}

/// The `q` quantile (0..1) of a histogram, as the upper edge of its bin; NaN when empty.
///
/// Out of line: `Engine::report` calls it three times per bucket, and inlined there its loop
/// made V8 recompile the whole report (16 kB of wasm, 30–50 ms of TurboFan) during the next run.
#[inline(never)]
pub fn histogram_quantile(histogram: &[u64], q: f64) -> f64 {
    let total: u64 = histogram.iter().sum();
    if total == 0 {
        return f64::NAN;
    }
    let rank = libm::ceil(q * total as f64).max(1.0) as u64;
    let mut seen = 0;
    for (bin, count) in histogram.iter().enumerate() {
        seen += count;
        if seen >= rank {
            return latency_bin_upper_ms(bin);
        }
    }
    latency_bin_upper_ms(histogram.len() - 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantiles_come_from_the_right_bins() {
        let mut h = vec![0u64; LATENCY_BINS];
        for (latency_ms, bin) in [
            (0.05, 0),
            (0.1, 0),
            (0.11, 0),
            (0.12, 1),
            (0.13, 1),
            (1e9, 95),
        ] {
            assert_eq!(latency_bin(latency_ms), bin, "{latency_ms} ms");
        }
        for bin in 0..LATENCY_BINS - 1 {
            let upper = latency_bin_upper_ms(bin);
            assert_eq!(latency_bin(upper * 0.999_999), bin);
            assert_eq!(latency_bin(upper), bin + 1);
        }
        let table = LatencyBinTable::get();
        let us_max = if cfg!(debug_assertions) {
            1 << 20
        } else {
            1 << 25
        };
        let mut draws = crate::rng::Rng::stream(1, crate::rng::StreamId::Arrivals);
        let wide = (0..100_000).map(|_| draws.next_u64() >> (draws.next_u64() % 64));
        for us in (0..us_max).chain(wide).chain([u64::MAX - 1, u64::MAX]) {
            let ms = crate::time::SimTime(us).as_ms();
            assert_eq!(table.bin(us), latency_bin(ms), "{us} µs");
        }
        for i in 1..=subrange(u64::MAX) {
            assert_eq!(subrange(subrange_low(i)), i);
            assert!(subrange_low(i) > subrange_low(i - 1));
        }
        h[latency_bin(1.0)] += 50;
        h[latency_bin(100.0)] += 50;
        assert!(histogram_quantile(&h, 0.5) <= 1.0 * LATENCY_RATIO);
        assert!(histogram_quantile(&h, 0.9) > 100.0);
        assert!(histogram_quantile(&[0; 4], 0.5).is_nan());
    }
}
