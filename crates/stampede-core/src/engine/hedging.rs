//! Hedging: extra attempts of a request as child request slots.
//!
//! Hedging (gRFC A6 `hedgingPolicy`): a hedge is a child request slot linked to its user
//! request; the first success ends the user request and cancels the others (their backend work
//! is abandoned: wasted if served). Each hedge is granted like a retry by the retry budget (gRFC
//! A6: hedges are subject to retry throttling) and admitted by the breaker; its result counts for
//! both. A hedge cancelled because another attempt won hands back its breaker probe (recorded
//! with the request's outcome) and Envoy slot. With calls before the main one each call hedges
//! with the class's policy (gRPC's hedging policy is per method): a hedge carries its call's
//! index, so it draws on that call's budget and breaker, and a call that ends (won, or failed
//! for good) cancels its hedges still out before the next call starts.

use super::*;

impl<S: Shape> Engine<S> {
    /// The next hedge of a live request, unless every attempt is out or its deadline passed.
    pub(super) fn on_hedge_due(&mut self, id: RequestId, first_tag: u32) {
        let r = &self.requests[id as usize];
        // The slot still holds the request that scheduled this (its tag moves on only with a
        // new request: hedged requests make no retries).
        if r.tag != first_tag || matches!(r.phase, Phase::Free | Phase::Backoff) {
            return;
        }
        let Some(hedging) = self.policy(r.client as usize).hedging else {
            return;
        };
        if self.send_hedge(id)
            && u32::from(self.requests[id as usize].hedges_sent) < hedging.max_attempts
        {
            let at = self.now.after(hedging.delay);
            self.schedule(
                at,
                Event::HedgeDue {
                    request: id,
                    attempt: first_tag,
                },
            );
        }
    }

    /// Sends one more attempt for hedged request `parent` if any is left and its deadline (which
    /// bounds the hedges as it bounds retries, gRFC A6) has not passed. Returns whether it did.
    pub(super) fn send_hedge(&mut self, parent: RequestId) -> bool {
        let policy = self.policy(self.requests[parent as usize].client as usize);
        let max_attempts = policy.hedging.map_or(1, |h| h.max_attempts);
        let deadline = policy.deadline;
        let p = &self.requests[parent as usize];
        if u32::from(p.hedges_sent) >= max_attempts
            || (deadline > SimTime::ZERO && self.now > p.started.after(deadline))
        {
            return false;
        }
        let client = p.client;
        let (class, local) = self.local_call(parent);
        // gRFC A6: hedges beyond the first are subject to retry throttling, as retries are; the
        // breaker admits each one as an attempt of its own.
        let Some(grant) = self.budgets[class].try_retry(local, self.now, RetryAfter::Error) else {
            return false;
        };
        let child = self.allocate(client);
        // The hedge works for the parent's current call: its budget, breaker, cache and name.
        self.requests[child as usize].call = self.requests[parent as usize].call;
        if self.refusal(child).is_some() {
            if grant.slot {
                self.budgets[class].release_slot(local);
            }
            self.requests[child as usize].phase = Phase::Free;
            self.free.push(child);
            return false;
        }
        let c = &mut self.requests[child as usize];
        c.retry_slot = grant.slot;
        c.budget_tokens = grant.tokens;
        let place = self.requests[parent as usize]
            .hedges
            .iter()
            .position(|h| *h == NO_PARENT)
            .expect("a hedged request has a free place for each hedge");
        let p = &mut self.requests[parent as usize];
        p.hedges[place] = child;
        p.hedges_sent += 1;
        p.hedges_live += 1;
        self.requests[child as usize].parent = parent;
        let bucket = self.bucket();
        self.series.attempts_hedge[bucket] += 1;
        self.launch(child);
        true
    }

    /// A hedged request's attempt (its own or a hedge's) failed: send the next hedge at once
    /// (gRFC A6: a non-fatal failure short-cuts the hedging delay), or end the request with this
    /// cause when it was the last attempt out.
    pub(super) fn hedge_failed(&mut self, id: RequestId, cause: Outcome) {
        let parent = self.requests[id as usize].parent;
        let parent = if parent == NO_PARENT {
            self.requests[id as usize].phase = Phase::Hedging;
            id
        } else {
            self.release_hedge(parent, id);
            parent
        };
        let p = &mut self.requests[parent as usize];
        assert!(p.hedges_live > 0, "an attempt ends once");
        p.hedges_live -= 1;
        if !self.send_hedge(parent) && self.requests[parent as usize].hedges_live == 0 {
            assert_eq!(
                self.requests[parent as usize].phase,
                Phase::Hedging,
                "no attempt out: the request's own attempt has ended too"
            );
            self.hedged_call_failed(parent, cause);
        }
    }

    /// A hedged request's attempt failed with a cause that is not retried (gRFC A6: a fatal
    /// status ends the call): the request ends with it and its other hedges are cancelled.
    pub(super) fn hedge_fatal(&mut self, id: RequestId, cause: Outcome) {
        let parent = self.requests[id as usize].parent;
        if parent == NO_PARENT {
            // Its own attempt has ended: it is no longer out when the hedges are cancelled.
            self.requests[id as usize].phase = Phase::Hedging;
            self.hedged_call_failed(id, cause);
        } else {
            self.release_hedge(parent, id);
            let p = &mut self.requests[parent as usize];
            p.hedges_live -= 1;
            self.hedged_call_failed(parent, cause);
        }
    }

    /// Hedged request `id`'s current call failed for good: an optional call before the main one
    /// ends (its other attempts cancelled) and the next call starts; otherwise the request ends.
    pub(super) fn hedged_call_failed(&mut self, id: RequestId, cause: Outcome) {
        if self.call_is_optional(id) {
            self.end_hedged_call(id, cause);
            self.next_call(id, false);
        } else {
            self.finish(id, cause);
        }
    }

    /// Hedged request `id`'s current call is over with `outcome` while the request goes on: as
    /// `finish` does for the request, its own attempt, if still out, is recorded with the
    /// outcome and its hedges still out are cancelled; the request waits for its next call.
    pub(super) fn end_hedged_call(&mut self, id: RequestId, outcome: Outcome) {
        self.abandon_lookup(id);
        let r = &mut self.requests[id as usize];
        let own_attempt_out = matches!(r.phase, Phase::Lookup | Phase::Backend);
        r.phase = Phase::Backoff;
        self.cancel_hedges(id, own_attempt_out, outcome);
    }

    /// Frees the slot of a hedge that ended, and its place in its request.
    pub(super) fn release_hedge(&mut self, parent: RequestId, child: RequestId) {
        self.abandon_lookup(child);
        let c = &mut self.requests[child as usize];
        assert!(c.phase != Phase::Free, "a hedge ends once");
        c.phase = Phase::Free;
        c.parent = NO_PARENT;
        self.free.push(child);
        let p = &mut self.requests[parent as usize];
        let place = p
            .hedges
            .iter()
            .position(|h| *h == child)
            .expect("a hedge is listed by its request");
        p.hedges[place] = NO_PARENT;
    }

    /// The request ended: its hedges still out are cancelled (gRPC cancels the losers); work they
    /// queued on the backend is abandoned. The request's own attempt, if still out, is recorded
    /// with the request's outcome so that breaker probes and budgets are handed back.
    pub(super) fn cancel_hedges(&mut self, id: RequestId, own_attempt_out: bool, outcome: Outcome) {
        if own_attempt_out {
            self.end_attempt(id, outcome);
        }
        let hedges = self.requests[id as usize].hedges;
        for child in hedges.into_iter().filter(|h| *h != NO_PARENT) {
            // A cancelled hedge hands back its breaker probe and Envoy slot, as the request's
            // own attempt does, but earns or costs no retry tokens.
            let c = self.requests[child as usize];
            let (class, local) = self.local_call(child);
            if let Some(breakers) = &mut self.breakers[class] {
                breakers.record(
                    local,
                    self.now,
                    c.breaker_epoch,
                    outcome != Outcome::Success,
                );
            }
            if c.retry_slot {
                self.requests[child as usize].retry_slot = false;
                self.budgets[class].release_slot(local);
            }
            self.release_hedge(id, child);
        }
        let r = &mut self.requests[id as usize];
        r.hedges_live = 0;
    }
}
