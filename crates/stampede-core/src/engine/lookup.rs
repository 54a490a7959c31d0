//! Client-side DNS: the client's cache, resolv.conf tries over the resolvers, resolver caches and rate limits, upstream queries, prefetch and the per-client lookup cap.
//!
//! DNS: each client asks its resolvers with resolv.conf semantics as Go's resolver implements
//! them (`src/net/dnsclient_unix.go`): `lookup_attempts` rounds over the list, one
//! `lookup_timeout` per try, moving on after a timeout or a SERVFAIL (as glibc's `res_send`
//! does too); `rotate` starts each lookup at the next resolver. An empty answer ends the lookup.
//! Conditional forwarding: a name with a resolver list of its own (`NameConfig::resolvers`) is
//! asked only of those resolvers, in that order, with the same rounds, timeouts and rotation
//! within the list (one rotate counter per client, shared by its names, as Go keeps one per
//! resolver configuration); only the `Topology` engine runs such scenarios. Each resolver has its own rate limiter, optional per-client limit
//! (GCRA), and cache; zone-scoped DNS faults hit upstream queries, resolver-scoped ones every
//! query that resolver receives. Flapping faults schedule one edge at a time.
//!
//! Prefetch: an attempt that uses a client cache entry expiring within `client_prefetch` starts a
//! background lookup (one per client at a time) on a request slot of its own that only refreshes
//! the cache; it follows the same resolv.conf tries and lookup cap but has no attempt or outcome.
//!
//! Lookups in flight per client (`lookups_in_flight_max`, Node's libuv pool): a lookup holds a
//! place from its first try to its end; lookups beyond the cap wait in a per-client FIFO. A
//! lookup whose attempt gave up keeps its place until its try ends and then as many lookup
//! timeouts as it has tries left (getaddrinfo cannot be cancelled; its later tries are assumed
//! dropped too, and are not sent to the resolvers).

use super::*;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Answer {
    Records {
        ttl: SimTime,
        region: u8,
    },
    /// An expired answer served by resolver `server` (its stale-answer TTL applies).
    Stale {
        region: u8,
        server: u8,
    },
    Empty,
    Servfail,
}

impl<S: Shape> Engine<S> {
    /// Starts a background lookup that refreshes `client`'s cache entry before it expires. It
    /// uses a request slot of its own but is no user request: it has no attempt, outcome or
    /// timeout beyond its tries, and only updates the cache.
    pub(super) fn start_prefetch(&mut self, client: usize, call: u8) {
        let slot = self.call_slot(client, call);
        self.clients.set_prefetching(slot, true);
        let bucket = self.bucket();
        self.series.dns_prefetches[bucket] += 1;
        let id = self.allocate(client as u32);
        let r = &mut self.requests[id as usize];
        r.prefetch = true;
        r.call = call;
        r.tag = r.tag.wrapping_add(1);
        r.phase = Phase::Lookup;
        let tag = r.tag;
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

    /// A background refresh ended (answered or out of tries): its slot is free again.
    pub(super) fn end_prefetch(&mut self, id: RequestId) {
        self.end_lookup(id);
        let r = &mut self.requests[id as usize];
        assert!(
            r.prefetch && r.phase == Phase::Lookup,
            "a refresh ends once"
        );
        r.phase = Phase::Free;
        r.prefetch = false;
        let slot = r.client as usize * self.call_stride + usize::from(r.call);
        self.clients.set_prefetching(slot, false);
        self.free.push(id);
    }

    /// Gives the lookup a place among its client's lookups in flight, or queues it (false); a
    /// client whose class has no cap takes no place.
    pub(super) fn take_lookup_place(&mut self, client: usize, id: RequestId, tag: u32) -> bool {
        let cap = self.policy(client).lookups_in_flight_max;
        if cap == 0 {
            return true; // this client's class has no cap (another class has one)
        }
        if self.clients.take_place(client, cap, id, tag) {
            self.requests[id as usize].lookup_slot = true;
            return true;
        }
        let bucket = self.bucket();
        self.series.dns_lookups_queued[bucket] += 1;
        false
    }

    /// A lookup of `client` ended: its place goes to the oldest queued lookup still wanted.
    pub(super) fn release_lookup_place(&mut self, client: usize) {
        self.clients.release_place(client);
        while let Some((id, tag)) = self.clients.next_waiting(client) {
            if self.current(id, tag, Phase::Lookup) && !self.requests[id as usize].lookup_slot {
                let cap = self.policy(client).lookups_in_flight_max;
                self.clients.fill_place(client, cap);
                self.requests[id as usize].lookup_slot = true;
                self.query_resolver(id);
                break;
            }
        }
    }

    /// The current lookup of `id` ends normally: it hands back its place.
    pub(super) fn end_lookup(&mut self, id: RequestId) {
        if !self.clients.caps_lookups() {
            return; // no cap: no lookup holds a place
        }
        let r = &mut self.requests[id as usize];
        if r.lookup_slot {
            r.lookup_slot = false;
            let client = r.client as usize;
            self.release_lookup_place(client);
        }
    }

    /// The attempt of `id` gives up while its lookup holds a place: the lookup goes on as a
    /// ghost that keeps the place until it ends.
    pub(super) fn abandon_lookup(&mut self, id: RequestId) {
        if !self.clients.caps_lookups() {
            return; // no cap: no lookup holds a place
        }
        let r = &mut self.requests[id as usize];
        if r.lookup_slot {
            r.lookup_slot = false;
            let (tag, client, tries) = (r.tag, r.client, r.lookup_tries);
            let tries_max = self.lookup_tries_max(id, client as usize);
            self.ghost_lookups
                .insert((id, tag), (client, tries, tries_max));
        }
    }

    /// A DNS event of a lookup that is no longer current: if it is a ghost's, the ghost moves on
    /// (`timed_out`: to its next try, if any) or ends and hands back its place.
    pub(super) fn ghost_event(&mut self, id: RequestId, tag: u32, timed_out: bool) {
        let Some(&(client, tries, tries_max)) = self.ghost_lookups.get(&(id, tag)) else {
            return;
        };
        if timed_out && tries < tries_max {
            self.ghost_lookups
                .insert((id, tag), (client, tries + 1, tries_max));
            self.schedule_lookup_timeout(id, tag, client as usize);
        } else {
            self.ghost_lookups.remove(&(id, tag));
            self.release_lookup_place(client as usize);
        }
    }

    /// Generic cell rate algorithm (ITU-T I.371): one query per 1/limit seconds with a burst of
    /// [`RESOLVER_BURST_S`] of the limit; true when the query conforms (and is counted).
    pub(super) fn within_client_limit(&mut self, client: usize, server: usize) -> bool {
        // Scaled by the client's class's super-client factor.
        let limit = self.policy(client).resolvers[server].per_client_qps_limit;
        if limit <= 0.0 {
            return true;
        }
        let increment_us = 1e6 / limit;
        let tolerance_us = (limit * RESOLVER_BURST_S).max(1.0) * increment_us;
        let tat = &mut self.client_limit_tat[client * self.resolvers.len() + server];
        let start = (*tat).max(self.now.0);
        if (start - self.now.0) as f64 + increment_us > tolerance_us {
            return false;
        }
        *tat = start + libm::round(increment_us) as u64;
        true
    }

    pub(super) fn answer(&mut self, at: SimTime, id: RequestId, tag: u32, answer: Answer) {
        self.schedule(
            at,
            Event::LookupDone {
                request: id,
                attempt: tag,
                answer,
            },
        );
    }

    pub(super) fn drop_query(&mut self, id: RequestId, tag: u32, server: usize) {
        let bucket = self.bucket();
        self.series.dns_dropped[bucket] += 1;
        self.series.resolver_dropped[server][bucket] += 1;
        let client = self.requests[id as usize].client as usize;
        self.schedule_lookup_timeout(id, tag, client);
    }

    /// Sends the next try of a lookup to the next resolver in resolv.conf order (Go
    /// `src/net/dnsclient_unix.go`: `attempts` rounds over the servers from the rotate offset),
    /// or in the order of its name's forwarding list.
    pub(super) fn query_resolver(&mut self, id: RequestId) {
        let bucket = self.bucket();
        let n = self.resolvers.len();
        let server = match self.forwarded_to(id) {
            None => {
                let r = &self.requests[id as usize];
                (usize::from(r.lookup_offset) + r.lookup_tries as usize) % n
            }
            Some(list) => {
                let r = &self.requests[id as usize];
                list[(usize::from(r.lookup_offset) + r.lookup_tries as usize) % list.len()]
            }
        };
        let r = &mut self.requests[id as usize];
        r.lookup_tries += 1;
        let (tag, client) = (r.tag, r.client as usize);
        self.series.dns_to_resolver[bucket] += 1;
        self.series.resolver_queries[server][bucket] += 1;

        if !self.client_limit_tat.is_empty() && !self.within_client_limit(client, server) {
            self.series.dns_client_limited[bucket] += 1;
            self.drop_query(id, tag, server);
            return;
        }
        let latency = self.scenario.resolvers[server].latency;
        if !self.resolvers[server].admit(self.now) {
            self.drop_query(id, tag, server);
            return;
        }

        let mut extra = SimTime::ZERO;
        match self
            .faults
            .strike(FaultTarget::Resolver(server), &FaultKind::DNS, self.now)
        {
            Some((FaultKind::DnsTimeout, _)) => return self.drop_query(id, tag, server),
            Some((FaultKind::DnsServfail, _)) => {
                return self.answer(self.now.after(latency), id, tag, Answer::Servfail);
            }
            Some((FaultKind::DnsEmpty, _)) => {
                return self.answer(self.now.after(latency), id, tag, Answer::Empty);
            }
            Some((_, added)) => extra = added,
            None => {}
        }
        let name = self.call_name(client, self.requests[id as usize].call);
        match self.resolvers[server].cached(name, self.now, latency, extra) {
            Cached::Records { ready, ttl, region } => {
                self.series.dns_resolver_cache[bucket] += 1;
                self.answer(ready, id, tag, Answer::Records { ttl, region });
            }
            Cached::Empty { ready } => {
                self.series.dns_resolver_cache[bucket] += 1;
                self.answer(ready, id, tag, Answer::Empty);
            }
            Cached::Miss => self.query_upstream(id, tag, server, extra, name),
        }
    }

    /// The resolver's cache cannot answer: ask the authoritative zone.
    pub(super) fn query_upstream(
        &mut self,
        id: RequestId,
        tag: u32,
        server: usize,
        extra: SimTime,
        name: usize,
    ) {
        let bucket = self.bucket();
        self.series.dns_upstream[bucket] += 1;
        let config = &self.scenario.resolvers[server];
        let (upstream_latency, negative_ttl, serve_stale, max_ttl) = (
            config.upstream_latency,
            config.negative_ttl,
            config.serve_stale,
            config.max_ttl,
        );
        // The main name's zone is `zone`; every further name is a target of its own.
        let zone = if name == 0 {
            FaultTarget::Zone
        } else {
            FaultTarget::Name(name)
        };
        let hit = self
            .faults
            .strike(
                zone,
                &[
                    FaultKind::DnsEmpty,
                    FaultKind::DnsServfail,
                    FaultKind::DnsTimeout,
                ],
                self.now,
            )
            .map(|(kind, _)| kind);
        let zone_latency = self
            .faults
            .strike(zone, &[FaultKind::DnsLatency], self.now)
            .map_or(SimTime::ZERO, |(_, added)| added);
        let upstream_at = self
            .now
            .after(upstream_latency)
            .after(extra)
            .after(zone_latency);
        let stale_at = self.now.after(SimTime::from_ms(STALE_CLIENT_TIMEOUT_MS));
        // Each name answers its own region (the primary without failover routing).
        let answer_region = self.name_routes[name].answer_region();
        let record_ttl = self.scenario.names[name].record_ttl;
        let resolver = &mut self.resolvers[server];
        let stale_region = resolver.stale_region(name);
        let stale_possible = serve_stale && stale_region.is_some();
        let stale = Answer::Stale {
            region: stale_region.unwrap_or(0),
            server: server as u8,
        };
        match hit {
            None => {
                let ttl = record_ttl.min(max_ttl);
                resolver.store_records(name, upstream_at, ttl, answer_region);
                // RFC 8767 §5: an answer slower than the client response timer is served stale.
                if stale_possible && upstream_at > stale_at {
                    self.answer(stale_at, id, tag, stale);
                } else {
                    let region = answer_region;
                    self.answer(upstream_at, id, tag, Answer::Records { ttl, region });
                }
            }
            Some(FaultKind::DnsEmpty) => {
                resolver.store_empty(name, upstream_at, negative_ttl);
                self.answer(upstream_at, id, tag, Answer::Empty);
            }
            Some(FaultKind::DnsServfail) => {
                let answer = if stale_possible {
                    stale
                } else {
                    Answer::Servfail
                };
                self.answer(upstream_at, id, tag, answer);
            }
            Some(_) if stale_possible => self.answer(stale_at, id, tag, stale),
            Some(_) => self.drop_query(id, tag, server),
        }
    }

    /// The try of `client`'s lookup `(id, tag)` times out after its class's lookup timeout (the
    /// slot may already serve another client when the lookup is a ghost's).
    pub(super) fn schedule_lookup_timeout(&mut self, id: RequestId, tag: u32, client: usize) {
        let at = self.now.after(self.policy(client).lookup_timeout);
        self.schedule(
            at,
            Event::LookupTimeout {
                request: id,
                attempt: tag,
            },
        );
    }

    pub(super) fn on_lookup_done(&mut self, id: RequestId, tag: u32, answer: Answer) {
        if !self.current(id, tag, Phase::Lookup) {
            if !self.ghost_lookups.is_empty() {
                self.ghost_event(id, tag, false);
            }
            return;
        }
        let client = self.requests[id as usize].client as usize;
        if answer == Answer::Servfail {
            // glibc (`res_send`: SERVFAIL → next server) and Go (`tryOneName`: `continue` on
            // errServerTemporarilyMisbehaving) ask the next nameserver; only when every try has
            // failed does the lookup fail (and client-side serve-stale get its chance).
            let tries_max = self.lookup_tries_max(id, client);
            let prefetch = self.requests[id as usize].prefetch;
            if self.requests[id as usize].lookup_tries < tries_max {
                self.query_resolver(id);
            } else if prefetch {
                self.end_prefetch(id);
            } else if !self.serve_client_stale(id, client) {
                self.end_lookup(id);
                self.fail_attempt(id, Outcome::DnsServfail);
            }
            return;
        }
        let prefetch = self.requests[id as usize].prefetch;
        if !prefetch {
            self.end_lookup(id);
        }
        let bucket = self.bucket();
        let (ttl, region) = match answer {
            Answer::Records { ttl, region } => (ttl, region),
            Answer::Stale { region, server } => {
                self.series.dns_stale[bucket] += 1;
                let ttl = self.scenario.resolvers[usize::from(server)].stale_answer_ttl;
                (ttl, region)
            }
            Answer::Empty => {
                let slot = self.call_slot(client, self.requests[id as usize].call);
                let until = self.now.after(self.policy(client).client_negative_ttl);
                self.clients.cache_empty(slot, until);
                if prefetch {
                    self.end_prefetch(id);
                } else {
                    self.fail_attempt(id, Outcome::DnsEmpty);
                }
                return;
            }
            Answer::Servfail => unreachable!("handled above"),
        };
        let policy = self.policy(client);
        let kept = match policy.client_cache {
            ClientCacheMode::None => SimTime::ZERO,
            ClientCacheMode::RecordTtl => ttl,
            ClientCacheMode::Fixed => policy.client_ttl,
        };
        let slot = self.call_slot(client, self.requests[id as usize].call);
        self.clients.cache_answer(slot, self.now.after(kept));
        self.clients.set_region(slot, region);
        if prefetch {
            self.end_prefetch(id);
        } else {
            self.send_to_backend(id);
        }
    }

    pub(super) fn on_lookup_timeout(&mut self, id: RequestId, tag: u32) {
        if !self.current(id, tag, Phase::Lookup) {
            if !self.ghost_lookups.is_empty() {
                self.ghost_event(id, tag, true);
            }
            return;
        }
        let client = self.requests[id as usize].client as usize;
        let prefetch = self.requests[id as usize].prefetch;
        if !prefetch && self.serve_client_stale(id, client) {
            return;
        }
        let tries_max = self.lookup_tries_max(id, client);
        if self.requests[id as usize].lookup_tries < tries_max {
            self.query_resolver(id);
        } else if prefetch {
            self.end_prefetch(id);
        } else {
            self.end_lookup(id);
            self.fail_attempt(id, Outcome::DnsTimeout);
        }
    }

    /// Client-side serve-stale: when the lookup of a request fails (SERVFAIL or a timed-out try)
    /// and the client's last answer expired less than `client_stale_max` ago, the request goes on
    /// with that answer (counted as a stale answer). Returns whether it did.
    pub(super) fn serve_client_stale(&mut self, id: RequestId, client: usize) -> bool {
        let stale_max = self.policy(client).client_stale_max;
        let expired_at = self
            .clients
            .entry(self.call_slot(client, self.requests[id as usize].call))
            .expires();
        if stale_max == SimTime::ZERO
            || expired_at == SimTime::ZERO
            || self.now >= expired_at.after(stale_max)
        {
            return false;
        }
        self.end_lookup(id);
        let bucket = self.bucket();
        self.series.dns_stale[bucket] += 1;
        self.send_to_backend(id);
        true
    }
}
