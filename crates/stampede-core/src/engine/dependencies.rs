//! The identity and telemetry dependencies of a request.
//!
//! Dependencies: an identity token, cached per client, is fetched before a request's first
//! attempt when the client's has expired; requests arriving during a fetch use its token. A
//! failed fetch fails the request (`DependencyFailed`) unless the cached fallback lets an
//! expired token be used within its grace. A telemetry call per ended request never fails it;
//! a synchronous one adds its latency (its timeout when the collector is black-holed) to a
//! success's latency, counted when the backend answered.

use super::*;

impl<S: Shape> Engine<S> {
    /// Whether a fault aimed at dependency `target` fails this call, and the latency it adds.
    /// Draws from `rng` only while such a fault is in force.
    pub(super) fn dependency_fault(&mut self, target: FaultTarget) -> (Option<FaultKind>, SimTime) {
        let now = self.now;
        let rng = if target == FaultTarget::Identity {
            &mut self.identity_rng
        } else {
            &mut self.telemetry_rng
        };
        self.faults.dependency(target, now, rng)
    }

    /// A request whose client has no valid token fetches one: on success the token is valid from
    /// when the fetch ends; on failure an expired token within its grace may be used.
    pub(super) fn fetch_token(&mut self, id: RequestId) {
        let identity = self.scenario.identity.expect("identity is on");
        let bucket = self.bucket();
        let client = self.requests[id as usize].client as usize;
        self.series.identity_fetches[bucket] += 1;
        let (failed, extra) = self.dependency_fault(FaultTarget::Identity);
        let ready = self.now.after(identity.fetch_latency).after(extra);
        let ok = if failed.is_none() {
            self.tokens[client] = ready.after(identity.token_lifetime);
            true
        } else {
            self.series.identity_fetch_failed[bucket] += 1;
            let usable = self.now < self.tokens[client].after(identity.grace);
            if usable {
                self.series.identity_expired_used[bucket] += 1;
            }
            usable
        };
        self.schedule(ready, Event::TokenReady { request: id, ok });
    }

    pub(super) fn on_token_ready(&mut self, id: RequestId, ok: bool) {
        assert_eq!(
            self.requests[id as usize].phase,
            Phase::Backoff,
            "a request waits for its token before its first attempt"
        );
        if ok {
            self.start_attempt(id);
        } else {
            let bucket = self.bucket();
            self.series.refused_first[bucket] += 1;
            self.finish(id, Outcome::DependencyFailed);
        }
    }

    /// The telemetry call of an ended request: counted, never failing it; returns the latency it
    /// adds (zero unless synchronous).
    #[inline(always)] // runs per request: out of line it cost 9 M instructions of a steady run
    pub(super) fn telemetry_call(&mut self) -> SimTime {
        let Some(telemetry) = self.scenario.telemetry else {
            return SimTime::ZERO;
        };
        let bucket = self.bucket();
        self.series.telemetry_calls[bucket] += 1;
        let (failed, extra) = self.dependency_fault(FaultTarget::Telemetry);
        let waited = match failed {
            None => telemetry.latency.after(extra),
            Some(kind) => {
                self.series.telemetry_failed[bucket] += 1;
                match kind {
                    FaultKind::DnsEmpty | FaultKind::DnsServfail | FaultKind::ErrorRate => {
                        telemetry.latency
                    }
                    _ => telemetry.timeout,
                }
            }
        };
        if telemetry.sync {
            waited.min(telemetry.timeout.max(telemetry.latency))
        } else {
            SimTime::ZERO
        }
    }
}
