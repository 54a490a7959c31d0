//! The catalogue of policy fragments (`presets/policies/*.toml` at the repository root,
//! embedded at compile time): a runtime's DNS caching, a retry library, a breaker's defaults.
//!
//! Owns: the fragments and their names, and the named-text type presets share.
//! Must not: read files at run time (the core has no I/O), or name presets.

use super::codec::raw_from_toml;
use super::problem::ScenarioError;
use super::raw::RawScenario;

/// A named scenario text: a preset or a policy fragment.
#[derive(Clone, Copy, Debug)]
pub struct Entry {
    /// Stable name, used in URLs and on the command line.
    pub name: &'static str,
    /// The TOML text.
    pub toml: &'static str,
}

impl Entry {
    /// Decodes the text.
    pub fn raw(&self) -> Result<RawScenario, ScenarioError> {
        raw_from_toml(self.toml)
    }

    /// The title line of the text.
    pub fn title(&self) -> String {
        self.raw()
            .map(|r| r.title)
            .unwrap_or_else(|_| self.name.to_string())
    }

    /// The first comment paragraph: what it shows or sets, and its sources.
    pub fn description(&self) -> String {
        self.toml
            .lines()
            .take_while(|l| l.starts_with('#'))
            .map(|l| l.trim_start_matches('#').trim())
            .collect::<Vec<_>>()
            .join(" ")
    }
}

/// Policy fragments: partial scenarios (a runtime's DNS caching, a library's retry policy and
/// budget, a breaker's defaults) that [`super::overlay`] applies over any scenario.
pub static POLICIES: &[Entry] = &[
    Entry {
        name: "dns-systemd-resolved",
        toml: include_str!("../../../../presets/policies/dns-systemd-resolved.toml"),
    },
    Entry {
        name: "dns-nscd",
        toml: include_str!("../../../../presets/policies/dns-nscd.toml"),
    },
    Entry {
        name: "breaker-finagle-failure-accrual",
        toml: include_str!("../../../../presets/policies/breaker-finagle-failure-accrual.toml"),
    },
    Entry {
        name: "breaker-hystrix",
        toml: include_str!("../../../../presets/policies/breaker-hystrix.toml"),
    },
    Entry {
        name: "breaker-polly-v8",
        toml: include_str!("../../../../presets/policies/breaker-polly-v8.toml"),
    },
    Entry {
        name: "breaker-resilience4j",
        toml: include_str!("../../../../presets/policies/breaker-resilience4j.toml"),
    },
    Entry {
        name: "dns-glibc-go",
        toml: include_str!("../../../../presets/policies/dns-glibc-go.toml"),
    },
    Entry {
        name: "dns-jvm",
        toml: include_str!("../../../../presets/policies/dns-jvm.toml"),
    },
    Entry {
        name: "dns-nodejs",
        toml: include_str!("../../../../presets/policies/dns-nodejs.toml"),
    },
    Entry {
        name: "dns-coredns-cache30",
        toml: include_str!("../../../../presets/policies/dns-coredns-cache30.toml"),
    },
    Entry {
        name: "dns-nodelocal-cache",
        toml: include_str!("../../../../presets/policies/dns-nodelocal-cache.toml"),
    },
    Entry {
        name: "retry-aws-adaptive",
        toml: include_str!("../../../../presets/policies/retry-aws-adaptive.toml"),
    },
    Entry {
        name: "retry-aws-cpp-legacy-pre-2026",
        toml: include_str!("../../../../presets/policies/retry-aws-cpp-legacy-pre-2026.toml"),
    },
    Entry {
        name: "retry-aws-dotnet-v4-standard-pre-2026",
        toml: include_str!(
            "../../../../presets/policies/retry-aws-dotnet-v4-standard-pre-2026.toml"
        ),
    },
    Entry {
        name: "retry-aws-go-v2-standard-pre-2026",
        toml: include_str!("../../../../presets/policies/retry-aws-go-v2-standard-pre-2026.toml"),
    },
    Entry {
        name: "retry-aws-java-v2-legacy-pre-2026",
        toml: include_str!("../../../../presets/policies/retry-aws-java-v2-legacy-pre-2026.toml"),
    },
    Entry {
        name: "retry-aws-legacy-botocore",
        toml: include_str!("../../../../presets/policies/retry-aws-legacy-botocore.toml"),
    },
    Entry {
        name: "retry-aws-standard-2026",
        toml: include_str!("../../../../presets/policies/retry-aws-standard-2026.toml"),
    },
    Entry {
        name: "retry-aws-standard-2026-dynamodb",
        toml: include_str!("../../../../presets/policies/retry-aws-standard-2026-dynamodb.toml"),
    },
    Entry {
        name: "retry-aws-standard-pre-2026",
        toml: include_str!("../../../../presets/policies/retry-aws-standard-pre-2026.toml"),
    },
    Entry {
        name: "retry-envoy",
        toml: include_str!("../../../../presets/policies/retry-envoy.toml"),
    },
    Entry {
        name: "retry-finagle",
        toml: include_str!("../../../../presets/policies/retry-finagle.toml"),
    },
    Entry {
        name: "retry-grpc",
        toml: include_str!("../../../../presets/policies/retry-grpc.toml"),
    },
    Entry {
        name: "retry-grpc-pre-2024",
        toml: include_str!("../../../../presets/policies/retry-grpc-pre-2024.toml"),
    },
    Entry {
        name: "retry-grpc-throttled",
        toml: include_str!("../../../../presets/policies/retry-grpc-throttled.toml"),
    },
    Entry {
        name: "retry-sre-adaptive-throttling",
        toml: include_str!("../../../../presets/policies/retry-sre-adaptive-throttling.toml"),
    },
];

/// Finds a policy fragment by name.
pub fn find_policy(name: &str) -> Option<&'static Entry> {
    POLICIES.iter().find(|p| p.name == name)
}
