//! Presets: scenario files from `presets/` at the repository root, embedded at compile time.
//!
//! Owns: the list of presets and their names. The files themselves cite their sources.
//! Must not: read files at run time (the core has no I/O).

use crate::scenario::{self, RawScenario, ScenarioError};

/// One preset.
#[derive(Clone, Copy, Debug)]
pub struct Preset {
    /// Stable name, used in URLs and on the command line.
    pub name: &'static str,
    /// The TOML text.
    pub toml: &'static str,
}

impl Preset {
    /// Decodes the preset.
    pub fn raw(&self) -> Result<RawScenario, ScenarioError> {
        scenario::raw_from_toml(self.toml)
    }

    /// The title line of the preset.
    pub fn title(&self) -> String {
        self.raw()
            .map(|r| r.title)
            .unwrap_or_else(|_| self.name.to_string())
    }

    /// The first comment paragraph: what the preset shows and its sources.
    pub fn description(&self) -> String {
        self.toml
            .lines()
            .take_while(|l| l.starts_with('#'))
            .map(|l| l.trim_start_matches('#').trim())
            .collect::<Vec<_>>()
            .join(" ")
    }
}

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

/// Policy fragments: partial scenarios (a runtime's DNS caching, a library's retry policy and
/// budget, a breaker's defaults) that [`crate::scenario::overlay`] applies over any scenario.
pub static POLICIES: &[Preset] = &[
    Preset {
        name: "dns-systemd-resolved",
        toml: include_str!("../../../presets/policies/dns-systemd-resolved.toml"),
    },
    Preset {
        name: "dns-nscd",
        toml: include_str!("../../../presets/policies/dns-nscd.toml"),
    },
    Preset {
        name: "breaker-finagle-failure-accrual",
        toml: include_str!("../../../presets/policies/breaker-finagle-failure-accrual.toml"),
    },
    Preset {
        name: "breaker-hystrix",
        toml: include_str!("../../../presets/policies/breaker-hystrix.toml"),
    },
    Preset {
        name: "breaker-polly-v8",
        toml: include_str!("../../../presets/policies/breaker-polly-v8.toml"),
    },
    Preset {
        name: "breaker-resilience4j",
        toml: include_str!("../../../presets/policies/breaker-resilience4j.toml"),
    },
    Preset {
        name: "dns-glibc-go",
        toml: include_str!("../../../presets/policies/dns-glibc-go.toml"),
    },
    Preset {
        name: "dns-jvm",
        toml: include_str!("../../../presets/policies/dns-jvm.toml"),
    },
    Preset {
        name: "dns-nodejs",
        toml: include_str!("../../../presets/policies/dns-nodejs.toml"),
    },
    Preset {
        name: "dns-coredns-cache30",
        toml: include_str!("../../../presets/policies/dns-coredns-cache30.toml"),
    },
    Preset {
        name: "dns-nodelocal-cache",
        toml: include_str!("../../../presets/policies/dns-nodelocal-cache.toml"),
    },
    Preset {
        name: "retry-aws-adaptive",
        toml: include_str!("../../../presets/policies/retry-aws-adaptive.toml"),
    },
    Preset {
        name: "retry-aws-cpp-legacy-pre-2026",
        toml: include_str!("../../../presets/policies/retry-aws-cpp-legacy-pre-2026.toml"),
    },
    Preset {
        name: "retry-aws-dotnet-v4-standard-pre-2026",
        toml: include_str!("../../../presets/policies/retry-aws-dotnet-v4-standard-pre-2026.toml"),
    },
    Preset {
        name: "retry-aws-go-v2-standard-pre-2026",
        toml: include_str!("../../../presets/policies/retry-aws-go-v2-standard-pre-2026.toml"),
    },
    Preset {
        name: "retry-aws-java-v2-legacy-pre-2026",
        toml: include_str!("../../../presets/policies/retry-aws-java-v2-legacy-pre-2026.toml"),
    },
    Preset {
        name: "retry-aws-legacy-botocore",
        toml: include_str!("../../../presets/policies/retry-aws-legacy-botocore.toml"),
    },
    Preset {
        name: "retry-aws-standard-2026",
        toml: include_str!("../../../presets/policies/retry-aws-standard-2026.toml"),
    },
    Preset {
        name: "retry-aws-standard-2026-dynamodb",
        toml: include_str!("../../../presets/policies/retry-aws-standard-2026-dynamodb.toml"),
    },
    Preset {
        name: "retry-aws-standard-pre-2026",
        toml: include_str!("../../../presets/policies/retry-aws-standard-pre-2026.toml"),
    },
    Preset {
        name: "retry-envoy",
        toml: include_str!("../../../presets/policies/retry-envoy.toml"),
    },
    Preset {
        name: "retry-finagle",
        toml: include_str!("../../../presets/policies/retry-finagle.toml"),
    },
    Preset {
        name: "retry-grpc",
        toml: include_str!("../../../presets/policies/retry-grpc.toml"),
    },
    Preset {
        name: "retry-grpc-pre-2024",
        toml: include_str!("../../../presets/policies/retry-grpc-pre-2024.toml"),
    },
    Preset {
        name: "retry-grpc-throttled",
        toml: include_str!("../../../presets/policies/retry-grpc-throttled.toml"),
    },
    Preset {
        name: "retry-sre-adaptive-throttling",
        toml: include_str!("../../../presets/policies/retry-sre-adaptive-throttling.toml"),
    },
];

/// Finds a policy fragment by name.
pub fn find_policy(name: &str) -> Option<&'static Preset> {
    POLICIES.iter().find(|p| p.name == name)
}

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
