//! The clients' own state, per simulated client and per call (a client keeps one DNS cache
//! entry, one pooled connection and one answered region for each name it calls, as it keeps an
//! SDK client per service): the cache entry (positive and negative), the connection's end, the
//! region the last answer named, whether a background refresh is out, and the lookups holding a
//! place under the per-client cap with those waiting for one.
//!
//! Owns: that state behind private fields, indexed by a call's slot (the engine's
//! `call_slot`: the client's index with one call per request) or, for lookup places, by client.
//! Must not: schedule, count series, read another model, or decide which slot a call uses (the
//! engine does, by shape).

use std::collections::VecDeque;

use crate::time::SimTime;

/// One call's DNS cache entry (16 bytes: a million clients' entries are read at random, so
/// their size decides how often a request misses the processor's caches).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct CacheEntry {
    positive_until: SimTime,
    negative_until: SimTime,
}

impl CacheEntry {
    /// An entry holding an answer until `until` (nothing when `until` is zero).
    pub fn answered_until(until: SimTime) -> CacheEntry {
        CacheEntry {
            positive_until: until,
            negative_until: SimTime::ZERO,
        }
    }

    /// Whether it holds an answer at `now`.
    #[inline(always)]
    pub fn answers(&self, now: SimTime) -> bool {
        self.positive_until > now
    }

    /// Whether it holds an empty answer (negative caching) at `now`.
    #[inline(always)]
    pub fn is_negative(&self, now: SimTime) -> bool {
        self.negative_until > now
    }

    /// When its answer expires (or expired; zero if it never held one).
    #[inline(always)]
    pub fn expires(&self) -> SimTime {
        self.positive_until
    }
}

/// Every simulated client's state, per call slot.
#[derive(Clone, Debug)]
pub struct Clients {
    caches: Vec<CacheEntry>,
    /// Per slot: its pooled connection is live until then; empty when pooling is off.
    connections: Vec<SimTime>,
    /// Per slot: the region its DNS answer (and pooled connection) names; empty with one region.
    regions: Vec<u8>,
    /// Per slot: whether a background refresh of its entry is out; empty without prefetch.
    prefetching: Vec<bool>,
    /// Per client: lookups holding a place; empty without `lookups_in_flight_max`.
    lookups_in_flight: Vec<u32>,
    /// Per client: lookups waiting for a place, as (request, attempt tag).
    lookup_queues: Vec<VecDeque<(u32, u32)>>,
}

/// Which per-slot and per-client state a run keeps (each costs memory per client).
#[derive(Clone, Copy, Debug)]
pub struct Kept {
    /// The region each answer names (several regions, or a name that fails over).
    pub regions: bool,
    /// Background refreshes.
    pub prefetch: bool,
    /// Lookup places under a per-client cap.
    pub lookup_places: bool,
}

impl Clients {
    /// `caches` and `connections` (one per slot, in their state at t = 0; no connections
    /// without pooling) for `clients` simulated clients, keeping what `kept` says.
    pub fn new(
        caches: Vec<CacheEntry>,
        connections: Vec<SimTime>,
        clients: usize,
        kept: Kept,
    ) -> Clients {
        let slots = caches.len();
        debug_assert!(connections.is_empty() || connections.len() == slots);
        Clients {
            connections,
            regions: if kept.regions {
                vec![0; slots]
            } else {
                Vec::new()
            },
            prefetching: if kept.prefetch {
                vec![false; slots]
            } else {
                Vec::new()
            },
            lookups_in_flight: if kept.lookup_places {
                vec![0; clients]
            } else {
                Vec::new()
            },
            lookup_queues: if kept.lookup_places {
                vec![VecDeque::new(); clients]
            } else {
                Vec::new()
            },
            caches,
        }
    }

    /// A slot's cache entry.
    #[inline(always)]
    pub fn entry(&self, slot: usize) -> CacheEntry {
        self.caches[slot]
    }

    /// A reference to a slot's cache entry, to prefetch its memory.
    #[inline(always)]
    pub fn entry_ref(&self, slot: usize) -> &CacheEntry {
        &self.caches[slot]
    }

    /// An answer is cached until `until`.
    #[inline(always)]
    pub fn cache_answer(&mut self, slot: usize, until: SimTime) {
        self.caches[slot].positive_until = until;
    }

    /// An empty answer is cached until `until`.
    pub fn cache_empty(&mut self, slot: usize, until: SimTime) {
        self.caches[slot].negative_until = until;
    }

    /// Whether a slot's pooled connection is live at `now` (never without pooling).
    #[inline(always)]
    pub fn connected(&self, slot: usize, now: SimTime) -> bool {
        self.connections.get(slot).is_some_and(|c| *c > now)
    }

    /// A slot's attempt reached the backend: without a live connection it opens one that lasts
    /// `lifetime` (zero: no pooling).
    #[inline(always)]
    pub fn connect(&mut self, slot: usize, now: SimTime, lifetime: SimTime) {
        if lifetime > SimTime::ZERO && self.connections[slot] <= now {
            self.connections[slot] = now.after(lifetime);
        }
    }

    /// A slot's connection is closed (a failure the client takes for a broken connection).
    pub fn disconnect(&mut self, slot: usize) {
        if let Some(connection) = self.connections.get_mut(slot) {
            *connection = SimTime::ZERO;
        }
    }

    /// The region a slot's last answer named (0, the primary, with one region).
    #[inline(always)]
    pub fn region(&self, slot: usize) -> usize {
        self.regions.get(slot).map_or(0, |r| usize::from(*r))
    }

    /// Whether regions are kept (several regions, or a name that fails over).
    pub fn keeps_regions(&self) -> bool {
        !self.regions.is_empty()
    }

    /// A slot's answer names `region` (ignored with one region).
    #[inline(always)]
    pub fn set_region(&mut self, slot: usize, region: u8) {
        if let Some(current) = self.regions.get_mut(slot) {
            *current = region;
        }
    }

    /// Whether a slot's entry should be refreshed in the background at `now`: prefetch is on,
    /// none is out, and its answer expires within `window`.
    #[inline(always)]
    pub fn refresh_due(&self, slot: usize, now: SimTime, window: SimTime) -> bool {
        !self.prefetching.is_empty()
            && !self.prefetching[slot]
            && self.caches[slot].positive_until <= now.after(window)
    }

    /// A background refresh of a slot's entry starts (`true`) or ends (`false`).
    pub fn set_prefetching(&mut self, slot: usize, out: bool) {
        debug_assert!(self.prefetching[slot] != out, "one refresh at a time");
        self.prefetching[slot] = out;
    }

    /// Whether lookups take places under a per-client cap.
    #[inline(always)]
    pub fn caps_lookups(&self) -> bool {
        !self.lookups_in_flight.is_empty()
    }

    /// Gives a lookup of `client` a place under `cap` (true), or queues `(request, tag)` for
    /// one (false).
    pub fn take_place(&mut self, client: usize, cap: u32, request: u32, tag: u32) -> bool {
        if self.lookups_in_flight[client] < cap {
            self.lookups_in_flight[client] += 1;
            return true;
        }
        self.lookup_queues[client].push_back((request, tag));
        false
    }

    /// A lookup of `client` hands back its place.
    pub fn release_place(&mut self, client: usize) {
        assert!(
            self.lookups_in_flight[client] > 0,
            "a place is released once"
        );
        self.lookups_in_flight[client] -= 1;
    }

    /// The oldest lookup of `client` waiting for a place, taken off the queue.
    pub fn next_waiting(&mut self, client: usize) -> Option<(u32, u32)> {
        self.lookup_queues[client].pop_front()
    }

    /// A waiting lookup of `client` takes the place just handed back, under `cap`.
    pub fn fill_place(&mut self, client: usize, cap: u32) {
        self.lookups_in_flight[client] += 1;
        assert!(
            self.lookups_in_flight[client] <= cap,
            "lookups in flight never exceed the cap"
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kept_all() -> Kept {
        Kept {
            regions: true,
            prefetch: true,
            lookup_places: true,
        }
    }

    #[test]
    fn an_entry_answers_until_it_expires_and_an_empty_answer_is_kept_apart() {
        let mut clients = Clients::new(vec![CacheEntry::default(); 2], Vec::new(), 2, kept_all());
        clients.cache_answer(1, SimTime(10));
        assert!(clients.entry(1).answers(SimTime(9)));
        assert!(
            !clients.entry(1).answers(SimTime(10)),
            "the end is exclusive"
        );
        assert!(!clients.entry(0).answers(SimTime::ZERO));
        clients.cache_empty(0, SimTime(5));
        assert!(clients.entry(0).is_negative(SimTime(4)) && !clients.entry(0).answers(SimTime(4)));
        assert_eq!(clients.entry(1).expires(), SimTime(10));
    }

    #[test]
    fn a_connection_opens_once_and_lasts_its_lifetime() {
        let mut clients = Clients::new(
            vec![CacheEntry::default()],
            vec![SimTime::ZERO],
            1,
            kept_all(),
        );
        assert!(!clients.connected(0, SimTime::ZERO));
        clients.connect(0, SimTime(100), SimTime(50));
        clients.connect(0, SimTime(120), SimTime(50)); // still live: not reopened
        assert!(clients.connected(0, SimTime(149)) && !clients.connected(0, SimTime(150)));
        let mut unpooled = Clients::new(vec![CacheEntry::default()], Vec::new(), 1, kept_all());
        unpooled.connect(0, SimTime(100), SimTime::ZERO);
        assert!(!unpooled.connected(0, SimTime(100)));
    }

    #[test]
    fn places_are_capped_and_waiting_lookups_come_out_in_order() {
        let mut clients = Clients::new(vec![CacheEntry::default()], Vec::new(), 1, kept_all());
        assert!(clients.take_place(0, 1, 7, 0));
        assert!(!clients.take_place(0, 1, 8, 0));
        assert!(!clients.take_place(0, 1, 9, 3));
        clients.release_place(0);
        assert_eq!(clients.next_waiting(0), Some((8, 0)));
        clients.fill_place(0, 1);
        assert_eq!(clients.next_waiting(0), Some((9, 3)));
        assert_eq!(clients.next_waiting(0), None);
    }

    #[test]
    fn one_region_is_the_primary_and_is_not_kept() {
        let mut clients = Clients::new(
            vec![CacheEntry::default()],
            Vec::new(),
            1,
            Kept {
                regions: false,
                ..kept_all()
            },
        );
        clients.set_region(0, 1);
        assert_eq!(clients.region(0), 0);
        assert!(!clients.keeps_regions());
    }
}
