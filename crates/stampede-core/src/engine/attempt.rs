//! Attempts of a request: pacing, client-side refusal, sending, failure, backoff and retry, calls before the main one, and the request's end.
//!
//! and the counting of metrics. A request refused on the client (breaker open, throttled) ends
//! without an attempt; a refused retry ends it as `BudgetExhausted`; a retry that would start after
//! the request's deadline ends it as `DeadlineExceeded` (an attempt in progress is not cut short).

use super::*;

/// Delay before the retry that follows attempt number `attempt` (1-based), milliseconds.
pub fn backoff_delay_ms(sc: &Scenario, attempt: u32, previous_ms: f64, rng: &mut Rng) -> f64 {
    let base = sc.backoff_base_ms;
    let cap = sc.backoff_max_ms;
    let k = f64::from(attempt.max(1));
    let delay = match sc.backoff {
        BackoffKind::Constant => base,
        BackoffKind::Linear => base * k,
        BackoffKind::Exponential => base * libm::pow(2.0, (k - 1.0).min(62.0)),
    }
    .min(cap);
    match sc.jitter {
        JitterKind::None => delay,
        JitterKind::Full => rng.uniform() * delay,
        JitterKind::Equal => delay / 2.0 + rng.uniform() * delay / 2.0,
        JitterKind::Decorrelated => {
            let upper = (previous_ms.max(base) * 3.0).max(base);
            (base + rng.uniform() * (upper - base)).min(cap)
        }
        JitterKind::Proportional => delay * (0.8 + 0.4 * rng.uniform()),
    }
}

impl<S: Shape> Engine<S> {
    pub(super) fn start_attempt(&mut self, id: RequestId) {
        let bucket = self.bucket();
        assert_eq!(
            self.requests[id as usize].phase,
            Phase::Backoff,
            "an attempt starts only from backoff"
        );
        let refusal = match self.pace(id) {
            Pace::Now => self.refusal(id),
            Pace::At(at) => {
                self.schedule(at, Event::RetryDue { request: id });
                return;
            }
            Pace::TooLate => Some(Outcome::DeadlineExceeded),
        };
        if let Some(refusal) = refusal {
            let r = &self.requests[id as usize];
            if r.attempt == 0 && r.call == 0 {
                self.series.refused_first[bucket] += 1;
            }
            self.call_failed(id, refusal);
            return;
        }
        let policy = self.policy(self.requests[id as usize].client as usize);
        let (attempts_max, hedging) = (policy.attempts_max, policy.hedging);
        let r = &mut self.requests[id as usize];
        assert!(
            r.attempt < attempts_max,
            "attempts never exceed the maximum"
        );
        if r.attempt > 0 {
            self.series.attempts_retry[bucket] += 1;
        } else if r.call == 0 {
            self.series.attempts_first[bucket] += 1;
        } else {
            self.series.attempts_later_call[bucket] += 1;
        }
        if let Some(hedging) = hedging {
            r.hedges_sent = 1;
            r.hedges_live = 1;
            let at = self.now.after(hedging.delay);
            let attempt = r.tag.wrapping_add(1);
            self.launch(id);
            // A call that failed at once (with its hedges) may have moved the request on to its
            // next call, which scheduled its own hedges: this call has none left to send.
            if self.requests[id as usize].tag != attempt {
                return;
            }
            self.schedule(
                at,
                Event::HedgeDue {
                    request: id,
                    attempt,
                },
            );
        } else {
            self.launch(id);
        }
    }

    /// Starts an attempt: sends it, and schedules its timeout if it may still time out.
    #[inline(always)] // runs per request: see `Engine::step_batch`
    pub(super) fn launch(&mut self, id: RequestId) {
        let r = &mut self.requests[id as usize];
        r.attempt += 1;
        r.tag = r.tag.wrapping_add(1);
        r.phase = Phase::Lookup;
        r.lookup_tries = 0;
        r.served_until = SimTime::NEVER;
        let (tag, client, call) = (r.tag, r.client as usize, r.call);
        // The timeout's place in the order of events is taken now; whether it is needed is
        // known once the attempt has been sent (see `attempt_may_time_out`).
        self.sequence += 1;
        let timeout_sequence = self.sequence;
        self.send_attempt(id, tag, client, call);
        if self.attempt_may_time_out(id, tag, client) {
            self.schedule_attempt_timeout(id, tag, timeout_sequence);
        }
    }

    /// Whether attempt `tag` of request `id`, just sent, may still time out: it has not ended
    /// already (refused, failed, answered from a negative cache) and is not in service with an
    /// end before its timeout. Such an attempt's timeout would find it over, so it is not
    /// scheduled: results are the same, with one event fewer per attempt served in time.
    #[inline(always)]
    pub(super) fn attempt_may_time_out(&self, id: RequestId, tag: u32, client: usize) -> bool {
        let r = &self.requests[id as usize];
        #[cfg(test)]
        if self.every_timeout {
            return r.tag == tag && matches!(r.phase, Phase::Lookup | Phase::Backend);
        }
        r.tag == tag
            && match r.phase {
                Phase::Lookup => true,
                Phase::Backend => {
                    r.served_until >= self.now.after(self.policy(client).attempt_timeout)
                }
                Phase::Free | Phase::Backoff | Phase::Hedging => false,
            }
    }

    /// Sends attempt `tag` of request `id`: from the pooled connection, the client's DNS cache,
    /// a local override, or a lookup.
    #[inline(always)] // runs per request: see `Engine::step_batch`
    pub(super) fn send_attempt(&mut self, id: RequestId, tag: u32, client: usize, call: u8) {
        let bucket = self.bucket();

        let slot = self.call_slot(client, call);
        let cache = self.clients.entry(slot);
        if self.clients.connected(slot, self.now) {
            self.series.connection_reused[bucket] += 1;
            self.send_to_backend(id);
        } else if !self.dns_overrides.is_empty()
            && self
                .dns_overrides
                .iter()
                .any(|(start, end)| (*start..*end).contains(&(client as u64)))
        {
            // A local override (hosts file) is read before DNS (nsswitch `files dns`).
            self.series.dns_overridden[bucket] += 1;
            self.clients.set_region(slot, 0);
            self.send_to_backend(id);
        } else if cache.answers(self.now) {
            self.series.dns_client_cache[bucket] += 1;
            if self
                .clients
                .refresh_due(slot, self.now, self.policy(client).client_prefetch)
            {
                self.start_prefetch(client, call);
            }
            self.send_to_backend(id);
        } else if cache.is_negative(self.now) {
            self.series.dns_negative_cached[bucket] += 1;
            self.fail_attempt(id, Outcome::DnsEmpty);
        } else {
            if !self.rotate_next.is_empty() && self.policy(client).rotate {
                let period = self.rotate_period();
                let next = &mut self.rotate_next[client];
                self.requests[id as usize].lookup_offset = *next;
                *next = ((usize::from(*next) + 1) % period) as u8;
            }
            if self.clients.caps_lookups() && !self.take_lookup_place(client, id, tag) {
                return;
            }
            self.query_resolver(id);
        }
    }

    /// AWS adaptive rate limiter (before anything else: the SDK sleeps before sending). An
    /// attempt that waited for its token goes now; one whose token would come after its
    /// request's deadline is too late (and takes none).
    #[inline(always)] // runs per request: see `Engine::step_batch`
    pub(super) fn pace(&mut self, id: RequestId) -> Pace {
        let client = self.requests[id as usize].client as usize;
        let deadline = self.policy(client).deadline;
        let r = &mut self.requests[id as usize];
        if std::mem::take(&mut r.paced) {
            return Pace::Now;
        }
        let latest = if deadline > SimTime::ZERO {
            r.started.after(deadline)
        } else {
            SimTime::NEVER
        };
        let (class, local) = self.local_call(id);
        let pace = self.budgets[class].pace(local, self.now, latest);
        if let Pace::At(_) = pace {
            self.requests[id as usize].paced = true;
        }
        pace
    }

    /// Client-side refusal of an attempt before anything is sent: adaptive throttling first (it
    /// counts every attempt the application makes), then the breaker (which admits probes).
    #[inline(always)] // runs per request: see `Engine::step_batch`
    pub(super) fn refusal(&mut self, id: RequestId) -> Option<Outcome> {
        let (class, local) = self.local_call(id);
        if !self.budgets[class].admit(local, self.now, &mut self.throttle) {
            return Some(Outcome::Throttled);
        }
        if let Some(breakers) = &mut self.breakers[class] {
            match breakers.admit(local, self.now) {
                Some(epoch) => self.requests[id as usize].breaker_epoch = epoch,
                None => return Some(Outcome::BreakerOpen),
            }
        }
        None
    }

    /// Bookkeeping when an attempt ends: breaker and budget statistics, the Envoy retry slot, and
    /// the pooled connection (a failed backend attempt closes it).
    #[inline(always)] // runs per request: see `Engine::step_batch`
    pub(super) fn end_attempt(&mut self, id: RequestId, cause: Outcome) {
        let success = cause == Outcome::Success;
        let client = self.requests[id as usize].client as usize;
        let (class, local) = self.local_call(id);
        let r = &mut self.requests[id as usize];
        if let Some(breakers) = &mut self.breakers[class] {
            breakers.record(local, self.now, r.breaker_epoch, !success);
        }
        let throttled = matches!(cause, Outcome::Rejected | Outcome::OperatorThrottled);
        self.budgets[class].attempt_ended(local, self.now, success, throttled);
        if r.retry_slot {
            r.retry_slot = false;
            self.budgets[class].release_slot(local);
        }
        if matches!(
            cause,
            Outcome::RequestTimeout
                | Outcome::Rejected
                | Outcome::OperatorThrottled
                | Outcome::ServerError
        ) {
            let slot = client * self.call_stride + usize::from(self.requests[id as usize].call);
            self.clients.disconnect(slot);
        }
    }

    pub(super) fn on_attempt_timeout(&mut self, id: RequestId, tag: u32) {
        let r = &self.requests[id as usize];
        if r.tag != tag {
            return;
        }
        match r.phase {
            Phase::Lookup => self.fail_attempt(id, Outcome::DnsTimeout),
            Phase::Backend => self.fail_attempt(id, Outcome::RequestTimeout),
            Phase::Backoff | Phase::Free | Phase::Hedging => {}
        }
    }

    pub(super) fn fail_attempt(&mut self, id: RequestId, cause: Outcome) {
        debug_assert!(matches!(
            self.requests[id as usize].phase,
            Phase::Lookup | Phase::Backend
        ));
        self.abandon_lookup(id);
        self.end_attempt(id, cause);
        let (class, local) = self.local_call(id);
        // The class's settings, borrowed field by field beside the request and the jitter stream.
        let policy = if !self.classed() {
            &self.scenario
        } else {
            &*self.scenario.fleets[class].scenario
        };
        let on = policy.retry_on;
        let retryable = match cause {
            Outcome::DnsEmpty | Outcome::DnsServfail | Outcome::DnsTimeout => on.dns_failure,
            Outcome::RequestTimeout => on.timeout,
            Outcome::Rejected | Outcome::OperatorThrottled => on.rejected,
            Outcome::ServerError => on.server_error,
            _ => true,
        };
        if policy.hedging.is_some() {
            if retryable {
                self.hedge_failed(id, cause);
            } else {
                self.hedge_fatal(id, cause);
            }
            return;
        }
        let r = &mut self.requests[id as usize];
        r.phase = Phase::Backoff;
        if r.attempt >= policy.attempts_max || !retryable {
            self.call_failed(id, cause);
            return;
        }
        let delay_ms = backoff_delay_ms(policy, r.attempt, r.last_delay_ms, &mut self.jitter);
        r.last_delay_ms = delay_ms;
        let at = self.now.after(SimTime::from_ms(delay_ms));
        let deadline = policy.deadline;
        if deadline > SimTime::ZERO && at > r.started.after(deadline) {
            self.call_failed(id, Outcome::DeadlineExceeded);
            return;
        }
        let after = match cause {
            Outcome::RequestTimeout => RetryAfter::Timeout,
            Outcome::Rejected | Outcome::OperatorThrottled => RetryAfter::Throttling,
            _ => RetryAfter::Error,
        };
        let Some(grant) = self.budgets[class].try_retry(local, self.now, after) else {
            self.call_failed(id, Outcome::BudgetExhausted);
            return;
        };
        let r = &mut self.requests[id as usize];
        r.budget_tokens = grant.tokens;
        r.retry_slot = grant.slot;
        self.schedule(at, Event::RetryDue { request: id });
    }

    /// The request's current call failed for good (attempts, budget, deadline or a refusal): an
    /// optional call before the main one is skipped (fail-open); otherwise the request ends.
    pub(super) fn call_failed(&mut self, id: RequestId, cause: Outcome) {
        if self.call_is_optional(id) {
            self.next_call(id, false);
        } else {
            self.finish(id, cause);
        }
    }

    /// Whether request `id`'s current call is one before the main call.
    #[inline(always)]
    pub(super) fn call_before_main(&self, id: RequestId) -> bool {
        let r = &self.requests[id as usize];
        !self.one_call() && usize::from(r.call) < self.policy(r.client as usize).dependencies.len()
    }

    /// Whether request `id`'s current call is one before the main call that may fail open.
    pub(super) fn call_is_optional(&self, id: RequestId) -> bool {
        let r = &self.requests[id as usize];
        !self.one_call()
            && self
                .policy(r.client as usize)
                .dependencies
                .get(usize::from(r.call))
                .is_some_and(|d| !d.required)
    }

    /// An attempt of request `id`'s current call succeeded: the main call ends the request; a
    /// call before it ends (a hedged one with its other attempts cancelled) and the next starts.
    #[inline(always)] // runs per request: see `Engine::step_batch`
    pub(super) fn call_succeeded(&mut self, id: RequestId) {
        if self.call_before_main(id) {
            if self
                .policy(self.requests[id as usize].client as usize)
                .hedging
                .is_some()
            {
                self.end_hedged_call(id, Outcome::Success);
            }
            self.next_call(id, true);
        } else {
            self.finish(id, Outcome::Success);
        }
    }

    /// The current call is over (it succeeded, or an optional one failed): the request's next
    /// call starts with a fresh attempt count. A success hands back the AWS quota as a request's
    /// success does.
    pub(super) fn next_call(&mut self, id: RequestId, succeeded: bool) {
        let (class, local) = self.local_call(id);
        let r = &mut self.requests[id as usize];
        assert_eq!(r.phase, Phase::Backoff, "a call ends between attempts");
        if succeeded {
            self.budgets[class].request_succeeded(local, r.attempt == 1, r.budget_tokens);
        }
        if r.retry_slot {
            r.retry_slot = false;
            self.budgets[class].release_slot(local);
        }
        // The call's budget entry sees one request end and the next call's one start.
        self.budgets[class].request_ended(local);
        self.budgets[class].request_started(local + 1, self.now);
        let r = &mut self.requests[id as usize];
        r.call += 1;
        r.attempt = 0;
        r.last_delay_ms = 0.0;
        r.budget_tokens = 0;
        self.start_attempt(id);
    }

    // Natively only: in wasm, inlined twice into `step` it made V8's first call slower.
    #[cfg_attr(not(target_arch = "wasm32"), inline(always))]
    pub(super) fn finish(&mut self, id: RequestId, outcome: Outcome) {
        self.abandon_lookup(id);
        let telemetry = self.telemetry_call();
        let bucket = self.bucket();
        let r = &mut self.requests[id as usize];
        assert!(r.phase != Phase::Free, "a request ends exactly once");
        assert_eq!(
            r.parent, NO_PARENT,
            "only a user request ends with an outcome"
        );
        let own_attempt_out = matches!(r.phase, Phase::Lookup | Phase::Backend);
        r.phase = Phase::Free;
        let client = r.client as usize;
        if self.policy(client).hedging.is_some() {
            self.cancel_hedges(id, own_attempt_out, outcome);
        }
        let (class, local) = self.local_call(id);
        let classed = self.classed();
        let r = &mut self.requests[id as usize];
        if r.retry_slot {
            r.retry_slot = false;
            self.budgets[class].release_slot(local);
        }
        if outcome == Outcome::Success {
            self.budgets[class].request_succeeded(local, r.attempt == 1, r.budget_tokens);
        }
        self.budgets[class].request_ended(local);
        if classed {
            if outcome == Outcome::Success {
                self.series.class_success[class][bucket] += 1;
            } else {
                self.series.class_failed[class][bucket] += 1;
            }
        }
        let latency = self.now.after(telemetry).since(r.started);
        self.free.push(id);
        self.in_flight -= 1;
        match outcome {
            Outcome::Success => {
                self.series.success[bucket] += 1;
                self.series.latency_ms_sum[bucket] += latency.as_ms();
                let bin = self.latency_bins.bin(latency.0);
                self.latency_buckets[bucket][bin] += 1;
                self.latency_all[bin] += 1;
            }
            failure => {
                let index = failure
                    .failure_index()
                    .expect("a failure has a cause index");
                self.series.failed[index][bucket] += 1;
            }
        }
    }
}
