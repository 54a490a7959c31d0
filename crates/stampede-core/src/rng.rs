//! Portable, seeded pseudo-random streams.
//!
//! Owns: the derivation of one independent stream per source of randomness from the seed
//! (SplitMix64 over the seed and the stream's number fills xoshiro256++'s state), so that
//! changing one policy does not reshuffle another source (common random numbers), and the
//! samplers over it (uniform, exponential by ziggurat, normal, …). The generator itself is
//! `rand_xoshiro`'s `Xoshiro256PlusPlus` (rust-random, value-stable across platforms), seeded
//! with exactly the state the hand-written one had, so every stream is unchanged.
//! Must not: use `std` or `rand` generators whose algorithm differs between targets, or any
//! transcendental function outside `libm` (native and wasm32 must agree bit for bit).

use rand_core::{RngCore, SeedableRng};
use rand_xoshiro::Xoshiro256PlusPlus;

/// One independent source of randomness in the model. Each gets its own stream from the seed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u64)]
pub enum StreamId {
    /// User request arrival times and which client sends them.
    Arrivals = 1,
    /// Backend service times.
    Service = 2,
    /// Retry backoff jitter.
    Jitter = 3,
    /// Initial state of client DNS caches.
    CacheInit = 4,
    /// Partial and probabilistic faults.
    Faults = 5,
    /// Resolver answer latency.
    Resolver = 6,
    /// Client-side adaptive throttling decisions.
    Throttle = 7,
    /// Initial state of client connection pools.
    ConnectionInit = 8,
    /// Initial state of the caches of the second and later resolvers.
    ResolverInit = 9,
    /// Phase of the Route 53 health checks (failover routing).
    HealthCheck = 10,
    /// Initial state of the clients' identity tokens.
    TokenInit = 11,
    /// Partial faults aimed at the identity service (which fetches fail).
    Identity = 12,
    /// Partial faults aimed at the telemetry collector (which calls fail).
    Telemetry = 13,
    /// Initial state of the clients' leases.
    LeaseInit = 14,
    /// Phase of the Route 53 health checks of further names with failover routing (one draw
    /// per such name, in name order).
    NameHealthCheck = 15,
}

/// Start of the exponential ziggurat's tail (256 layers).
const ZIGGURAT_R: f64 = 7.697_117_470_131_05;
/// Area of each layer of the exponential ziggurat (256 layers).
const ZIGGURAT_V: f64 = 0.003_949_659_822_581_557;

/// Layer edges `x` (decreasing, `x[256] = 0`) and the density at them, `f[i] = exp(-x[i])`.
#[derive(Debug)]
struct ZigguratTables {
    x: [f64; 257],
    f: [f64; 257],
}

/// The exponential ziggurat's tables, computed once with `libm` (identical on every target).
fn ziggurat_tables() -> &'static ZigguratTables {
    static TABLES: std::sync::OnceLock<ZigguratTables> = std::sync::OnceLock::new();
    TABLES.get_or_init(|| {
        let mut x = [0.0; 257];
        x[0] = ZIGGURAT_V / libm::exp(-ZIGGURAT_R);
        x[1] = ZIGGURAT_R;
        for i in 2..256 {
            x[i] = -libm::log(ZIGGURAT_V / x[i - 1] + libm::exp(-x[i - 1]));
        }
        let f = x.map(|v| libm::exp(-v));
        ZigguratTables { x, f }
    })
}

/// One stream: a xoshiro256++ generator (Blackman and Vigna, 2019) and the samplers over it.
#[derive(Clone, Debug)]
pub struct Rng {
    generator: Xoshiro256PlusPlus,
}

/// The 52 bits above a ziggurat layer index, as a uniform in [0, 1).
fn layer_uniform(bits: u64) -> f64 {
    ((bits >> 12) as i64) as f64 * (1.0 / (1u64 << 52) as f64)
}

fn splitmix64(x: &mut u64) -> u64 {
    *x = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = *x;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

impl Rng {
    /// The stream `stream` of the run seeded with `seed`.
    pub fn stream(seed: u64, stream: StreamId) -> Rng {
        let mut x = seed ^ (stream as u64).wrapping_mul(0xD1B5_4A32_D192_ED03);
        // The state words in order, little-endian, as `Xoshiro256PlusPlus::from_seed` reads
        // them back: the generator starts from the same state as the hand-written one did.
        let mut seed_bytes = [0u8; 32];
        for chunk in seed_bytes.chunks_exact_mut(8) {
            chunk.copy_from_slice(&splitmix64(&mut x).to_le_bytes());
        }
        Rng {
            generator: Xoshiro256PlusPlus::from_seed(seed_bytes),
        }
    }

    /// The next 64 random bits.
    #[inline(always)]
    pub fn next_u64(&mut self) -> u64 {
        self.generator.next_u64()
    }

    /// Uniform in [0, 1) with 53 bits of precision.
    pub fn uniform(&mut self) -> f64 {
        // Through i64: the value fits, and a signed conversion is one instruction on x86-64.
        ((self.next_u64() >> 11) as i64) as f64 * (1.0 / (1u64 << 53) as f64)
    }

    /// Uniform in (0, 1]: safe to take the logarithm of.
    pub fn uniform_open0(&mut self) -> f64 {
        1.0 - self.uniform()
    }

    /// Uniform integer in [0, n). `n` must be positive.
    pub fn below(&mut self, n: u64) -> u64 {
        assert!(n > 0);
        // Lemire's multiply-shift on 32 bits when `n` fits (a u64 product: no u128, which wasm32
        // emulates slowly); the bias (< n / 2^32) is irrelevant here. Larger `n`: 53-bit float.
        if let Ok(n32) = u32::try_from(n) {
            ((self.next_u64() >> 32) * u64::from(n32)) >> 32
        } else {
            ((self.uniform() * n as f64) as u64).min(n - 1)
        }
    }

    /// Exponential with the given mean: ziggurat (Marsaglia and Tsang, 2000) with 256 layers, as
    /// `rand_distr::Exp1` draws it. About 99 % of draws cost one table look-up and a multiply;
    /// the rest take `libm::exp` (wedge) or `libm::log` (tail).
    #[inline]
    pub fn exponential(&mut self, mean: f64) -> f64 {
        let tables = ziggurat_tables();
        let bits = self.next_u64();
        let i = (bits & 0xff) as usize;
        let x = layer_uniform(bits) * tables.x[i];
        if x < tables.x[i + 1] {
            return mean * x;
        }
        mean * self.exponential_outside(tables, i, x)
    }

    /// The rest of a standard exponential draw whose point `x` in layer `i` fell outside the
    /// layer's inner rectangle.
    #[cold]
    #[inline(never)]
    fn exponential_outside(&mut self, tables: &ZigguratTables, mut i: usize, mut x: f64) -> f64 {
        loop {
            if i == 0 {
                // Tail beyond R: memoryless, so R plus a fresh exponential.
                return ZIGGURAT_R - libm::log(self.uniform_open0());
            }
            let (f_hi, f_lo) = (tables.f[i], tables.f[i + 1]);
            if f_lo + (f_hi - f_lo) * self.uniform() < libm::exp(-x) {
                return x;
            }
            let bits = self.next_u64();
            i = (bits & 0xff) as usize;
            x = layer_uniform(bits) * tables.x[i];
            if x < tables.x[i + 1] {
                return x;
            }
        }
    }

    /// Standard normal (Box–Muller, one value per call).
    pub fn normal(&mut self) -> f64 {
        let u1 = self.uniform_open0();
        let u2 = self.uniform();
        libm::sqrt(-2.0 * libm::log(u1)) * libm::cos(2.0 * core::f64::consts::PI * u2)
    }

    /// True with probability `p`.
    pub fn chance(&mut self, p: f64) -> bool {
        self.uniform() < p
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// xoshiro256++ as Blackman and Vigna's reference `xoshiro256plusplus.c` writes it, the
    /// generator the core had before it took `rand_xoshiro`'s.
    fn reference_next(s: &mut [u64; 4]) -> u64 {
        let result = s[0].wrapping_add(s[3]).rotate_left(23).wrapping_add(s[0]);
        let t = s[1] << 17;
        s[2] ^= s[0];
        s[3] ^= s[1];
        s[1] ^= s[2];
        s[0] ^= s[3];
        s[2] ^= t;
        s[3] = s[3].rotate_left(45);
        result
    }

    #[test]
    fn every_stream_is_the_reference_generator_from_the_same_state() {
        for seed in [0, 1, 42, u64::MAX] {
            for stream in [
                StreamId::Arrivals,
                StreamId::Faults,
                StreamId::NameHealthCheck,
            ] {
                let mut x = seed ^ (stream as u64).wrapping_mul(0xD1B5_4A32_D192_ED03);
                let mut state = [0; 4].map(|_: u64| splitmix64(&mut x));
                let mut rng = Rng::stream(seed, stream);
                for _ in 0..1000 {
                    assert_eq!(
                        rng.next_u64(),
                        reference_next(&mut state),
                        "{seed} {stream:?}"
                    );
                }
            }
        }
        // The reference's first outputs from the state [1, 2, 3, 4] (the test vector of
        // rand_xoshiro and of the reference implementation).
        let mut state = [1, 2, 3, 4];
        assert_eq!(reference_next(&mut state), 41_943_041);
        assert_eq!(reference_next(&mut state), 58_720_359);
    }

    #[test]
    fn streams_differ_and_repeat() {
        let a: Vec<u64> = (0..4)
            .map(|_| Rng::stream(7, StreamId::Arrivals).next_u64())
            .collect();
        assert!(
            a.windows(2).all(|w| w[0] == w[1]),
            "same seed and stream repeat"
        );
        let mut x = Rng::stream(7, StreamId::Arrivals);
        let mut y = Rng::stream(7, StreamId::Service);
        assert_ne!(x.next_u64(), y.next_u64());
    }

    #[test]
    fn uniform_mean_is_half() {
        let mut r = Rng::stream(1, StreamId::Jitter);
        let n = 200_000;
        let mean = (0..n).map(|_| r.uniform()).sum::<f64>() / n as f64;
        // Standard error of the mean is 0.2887/sqrt(n) ≈ 0.00065; allow 5 sigma.
        assert!((mean - 0.5).abs() < 0.0033, "mean {mean}");
    }

    #[test]
    fn ziggurat_tables_decrease_to_zero() {
        let t = ziggurat_tables();
        assert!(t.x.windows(2).all(|w| w[0] > w[1]), "layer edges decrease");
        assert!(t.x[255] > 0.0 && t.x[256] == 0.0);
    }

    #[test]
    fn exponential_matches_its_distribution() {
        // P(X > x) = exp(-x) at a few points, including the tail beyond R.
        let mut r = Rng::stream(3, StreamId::Service);
        let n = 1_000_000;
        let draws: Vec<f64> = (0..n).map(|_| r.exponential(1.0)).collect();
        for x in [0.1, 0.5, 1.0, 2.0, 4.0, 8.0] {
            let p = libm::exp(-x);
            let seen = draws.iter().filter(|d| **d > x).count() as f64 / n as f64;
            let sigma = (p * (1.0 - p) / n as f64).sqrt();
            assert!(
                (seen - p).abs() < 5.0 * sigma + 1e-6,
                "P(X > {x}) = {seen}, want {p}"
            );
        }
        let second = draws.iter().map(|d| d * d).sum::<f64>() / n as f64;
        assert!((second - 2.0).abs() < 0.03, "E[X^2] = {second}");
    }

    #[test]
    fn below_is_uniform() {
        let mut r = Rng::stream(4, StreamId::Arrivals);
        let mut counts = [0u32; 10];
        for _ in 0..100_000 {
            counts[r.below(10) as usize] += 1;
        }
        assert!(
            counts.iter().all(|c| (9_500..10_500).contains(c)),
            "{counts:?}"
        );
        let big = 1u64 << 40;
        assert!((0..1000).all(|_| r.below(big) < big));
    }

    #[test]
    fn exponential_mean() {
        let mut r = Rng::stream(2, StreamId::Service);
        let n = 200_000;
        let mean = (0..n).map(|_| r.exponential(40.0)).sum::<f64>() / n as f64;
        // Standard error is 40/sqrt(n) ≈ 0.089; allow 5 sigma.
        assert!((mean - 40.0).abs() < 0.45, "mean {mean}");
    }
}
