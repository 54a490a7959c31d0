//! Presets: scenario files from `presets/` at the repository root, embedded at compile time.
//!
//! Owns: the list of presets and their names. The files themselves cite their sources.
//! Must not: read files at run time (the core has no I/O).

pub use crate::scenario::catalogue::{Entry as Preset, POLICIES, find_policy};

/// Every preset, the default first.
pub static PRESETS: &[Preset] = &[
    Preset {
        name: "october-2025-dns",
        toml: include_str!("../../../presets/october-2025-dns.toml"),
    },
    Preset {
        name: "october-2025-control-plane",
        toml: include_str!("../../../presets/october-2025-control-plane.toml"),
    },
    Preset {
        name: "nlb-health-check-flapping",
        toml: include_str!("../../../presets/nlb-health-check-flapping.toml"),
    },
    Preset {
        name: "naive-retry-storm",
        toml: include_str!("../../../presets/naive-retry-storm.toml"),
    },
    Preset {
        name: "backoff-full-jitter",
        toml: include_str!("../../../presets/backoff-full-jitter.toml"),
    },
    Preset {
        name: "aws-sdk-standard-pre-2026",
        toml: include_str!("../../../presets/aws-sdk-standard-pre-2026.toml"),
    },
    Preset {
        name: "aws-sdk-standard-2026",
        toml: include_str!("../../../presets/aws-sdk-standard-2026.toml"),
    },
    Preset {
        name: "grpc-retry-throttling",
        toml: include_str!("../../../presets/grpc-retry-throttling.toml"),
    },
    Preset {
        name: "circuit-breaker",
        toml: include_str!("../../../presets/circuit-breaker.toml"),
    },
    Preset {
        name: "serve-stale",
        toml: include_str!("../../../presets/serve-stale.toml"),
    },
    Preset {
        name: "client-serve-stale",
        toml: include_str!("../../../presets/client-serve-stale.toml"),
    },
    Preset {
        name: "two-resolvers",
        toml: include_str!("../../../presets/two-resolvers.toml"),
    },
    Preset {
        name: "conditional-forwarding",
        toml: include_str!("../../../presets/conditional-forwarding.toml"),
    },
    Preset {
        name: "multi-region-failover",
        toml: include_str!("../../../presets/multi-region-failover.toml"),
    },
    Preset {
        name: "identity-token-fallback",
        toml: include_str!("../../../presets/identity-token-fallback.toml"),
    },
    Preset {
        name: "cold-start-herd",
        toml: include_str!("../../../presets/cold-start-herd.toml"),
    },
    Preset {
        name: "mixed-runtimes",
        toml: include_str!("../../../presets/mixed-runtimes.toml"),
    },
    Preset {
        name: "shared-resolver",
        toml: include_str!("../../../presets/shared-resolver.toml"),
    },
    Preset {
        name: "dependency-fail-open",
        toml: include_str!("../../../presets/dependency-fail-open.toml"),
    },
    Preset {
        name: "dependency-failover",
        toml: include_str!("../../../presets/dependency-failover.toml"),
    },
    Preset {
        name: "million-clients",
        toml: include_str!("../../../presets/million-clients.toml"),
    },
];

/// Finds a preset by name.
pub fn find(name: &str) -> Option<&'static Preset> {
    PRESETS.iter().find(|p| p.name == name)
}

/// Horizon of the determinism probes, seconds: long enough to cover each preset's fault.
const PROBE_HORIZON_S: f64 = 400.0;

/// Every preset as a scenario with its horizon capped, paired with its name: the runs whose
/// fingerprints must agree between native and wasm builds.
pub fn determinism_probes() -> Vec<(&'static str, crate::Scenario)> {
    PRESETS
        .iter()
        .filter_map(|p| {
            let mut raw = p.raw().ok()?;
            raw.run.duration_s = raw.run.duration_s.min(PROBE_HORIZON_S);
            Some((p.name, crate::Scenario::try_from(raw).ok()?))
        })
        .collect()
}

/// `name=fingerprint` lines for [`determinism_probes`], one per line.
pub fn probe_fingerprints() -> String {
    determinism_probes()
        .iter()
        .map(|(name, sc)| {
            format!(
                "{name}={:016x}",
                crate::report::fingerprint(&crate::run(sc))
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}
