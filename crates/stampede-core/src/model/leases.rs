//! Leases (October 2025, stage 2): each client holds one until `lifetime` after its last
//! success at the main service; an attempt reaching the backend after its client's lease lapsed
//! must re-establish it.
//!
//! Owns: every client's lease end and a tally of lease ends per metric bucket, so that the share
//! of clients holding a lease at each bucket's end costs O(1) per renewal and per bucket.
//!
//! Must not: schedule events, count series (it hands the share back to the engine), or read
//! another model.

use crate::time::SimTime;

/// The leases of every simulated client (none when the scenario has no `[lease]`).
#[derive(Clone, Debug)]
pub struct Leases {
    /// Per client: its lease holds until then.
    until: Vec<SimTime>,
    /// Per metric bucket (one more for the horizon and beyond): clients whose lease ends in it.
    ends: Vec<u64>,
    /// Clients whose lease ends in the bucket being counted or later.
    ending_later: u64,
    bucket: SimTime,
    buckets_total: usize,
}

impl Leases {
    /// Leases ending at `until` (one per client; empty for none), counted in buckets of
    /// `bucket`, `buckets_total` of them.
    pub fn new(until: Vec<SimTime>, bucket: SimTime, buckets_total: usize) -> Leases {
        let mut leases = Leases {
            ends: Vec::new(),
            ending_later: until.len() as u64,
            until,
            bucket,
            buckets_total,
        };
        if !leases.until.is_empty() {
            leases.ends = vec![0; buckets_total + 1];
            for i in 0..leases.until.len() {
                let ends_in = leases.bucket_of(leases.until[i]);
                leases.ends[ends_in] += 1;
            }
        }
        leases
    }

    /// Whether clients hold leases at all.
    #[inline]
    pub fn is_on(&self) -> bool {
        !self.until.is_empty()
    }

    /// Whether `client`'s lease has lapsed at `now` (false without leases).
    #[inline]
    pub fn lapsed(&self, client: usize, now: SimTime) -> bool {
        self.until.get(client).is_some_and(|l| *l <= now)
    }

    /// The metric bucket in which a lease ending at `until` ends; `buckets_total` for the
    /// horizon and beyond.
    fn bucket_of(&self, until: SimTime) -> usize {
        ((until.0 / self.bucket.0) as usize).min(self.buckets_total)
    }

    /// `client` renewed its lease (a success), now in bucket `bucket_now`: it holds until
    /// `until`.
    pub fn renew(&mut self, client: usize, until: SimTime, bucket_now: usize) {
        let (old, new) = (self.bucket_of(self.until[client]), self.bucket_of(until));
        assert!(new >= bucket_now, "a renewed lease ends after now");
        self.ends[old] -= 1;
        self.ends[new] += 1;
        if old < bucket_now {
            self.ending_later += 1;
        }
        self.until[client] = until;
    }

    /// Bucket `ended` is over: the leases ending in it have lapsed by its end. Returns the share
    /// of clients holding a lease at its end.
    pub fn close_bucket(&mut self, ended: usize) -> f64 {
        self.ending_later -= self.ends[ended];
        self.ending_later as f64 / self.until.len() as f64
    }

    /// The share of clients holding a lease at the end of bucket `last`, the run's last (which
    /// never closes), without closing it.
    pub fn held_after(&self, last: usize) -> f64 {
        (self.ending_later - self.ends[last]) as f64 / self.until.len() as f64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_share_held_counts_each_renewal_once() {
        // Buckets of 10 µs, 3 of them; leases of 4 clients end in buckets 0, 1, 1 and 3 (the
        // horizon and beyond).
        let ends = vec![SimTime(5), SimTime(12), SimTime(15), SimTime(40)];
        let mut leases = Leases::new(ends, SimTime(10), 3);
        assert!(leases.lapsed(0, SimTime(5)) && !leases.lapsed(1, SimTime(5)));
        assert_eq!(
            leases.close_bucket(0),
            0.75,
            "client 0's lease lapsed in bucket 0"
        );
        // In bucket 1, client 0 renews (its lease had lapsed: it holds again) until bucket 2.
        leases.renew(0, SimTime(25), 1);
        assert_eq!(
            leases.close_bucket(1),
            0.5,
            "clients 0 and 3 hold at the end of bucket 1"
        );
        assert_eq!(
            leases.held_after(2),
            0.25,
            "client 0's lease ends in bucket 2"
        );
    }
}
