//! Backend slots: admission (throttle, errors, region loss), queues, service, leases.
//!
//! Control plane (October 2025, stages 2 and 3): with leases each client holds one until
//! `lifetime` after its last success; an attempt that reaches the backend after its client's
//! lease lapsed re-establishes it and costs `reestablish_work_factor` times the service time.
//! Leases held are counted per bucket end with a per-bucket tally of lease ends, O(1) per renewal.
//! An operator's `throttle` is a token bucket at the backend's door (rejections are throttling
//! errors); with `flush_queue` it drops the queue when it starts. `health_check_flapping` takes
//! workers out of service as capacity loss does, capped by velocity control.

use super::*;

/// What the engine counts per service, every service alike (the main one first), one element
/// per service and metric bucket at [`ServiceSeries::at`]; `report` lays them out as the
/// report's main-backend and per-service series. Flat, so that the main service's counts cost
/// what one series does.
#[derive(Clone, Debug)]
pub(super) struct ServiceSeries {
    buckets: usize,
    /// Regions of each service.
    regions: Vec<usize>,
    /// Attempts that reached the service.
    pub(super) offered: Vec<u64>,
    /// Attempts that reached each backend slot, at `at(slot, bucket)`; empty when every
    /// attempt goes to its service's primary (no client's answer names another region).
    pub(super) slot_offered: Vec<u64>,
    /// Largest queue length of one of its regions.
    pub(super) queue_len_max: Vec<u64>,
    /// Most attempts in service at once, its regions together.
    pub(super) in_service_max: Vec<u64>,
    /// Work served after its client gave up.
    pub(super) wasted: Vec<u64>,
    /// Attempts a worker started serving.
    pub(super) started: Vec<u64>,
    /// Sum of their waits in the queue, ms.
    pub(super) queue_wait_ms_sum: Vec<f64>,
}

impl ServiceSeries {
    /// Zero counts for `buckets` buckets of services with `regions` regions each, counting per
    /// backend slot when `by_slot`.
    pub(super) fn new(buckets: usize, regions: Vec<usize>, by_slot: bool) -> ServiceSeries {
        let cells = buckets * regions.len();
        let slots: usize = regions.iter().sum();
        ServiceSeries {
            buckets,
            offered: vec![0; cells],
            slot_offered: if by_slot {
                vec![0; buckets * slots]
            } else {
                Vec::new()
            },
            queue_len_max: vec![0; cells],
            in_service_max: vec![0; cells],
            wasted: vec![0; cells],
            started: vec![0; cells],
            queue_wait_ms_sum: vec![0.0; cells],
            regions,
        }
    }

    /// Where a service's (or, in `slot_offered`, a backend slot's) count of bucket `bucket` is.
    #[inline(always)]
    pub(super) fn at(&self, service: usize, bucket: usize) -> usize {
        service * self.buckets + bucket
    }

    /// Number of services.
    pub(super) fn services(&self) -> usize {
        self.regions.len()
    }

    /// One service's series of a count.
    pub(super) fn of<T: Clone>(&self, count: &[T], service: usize) -> Vec<T> {
        count[self.at(service, 0)..self.at(service + 1, 0)].to_vec()
    }

    /// Attempts that reached each region of a service (without per-slot counts: all of them
    /// its primary's).
    pub(super) fn offered_by_region(&self, service: usize) -> Vec<Vec<u64>> {
        let first: usize = self.regions[..service].iter().sum();
        (0..self.regions[service])
            .map(|region| {
                if !self.slot_offered.is_empty() {
                    self.of(&self.slot_offered, first + region)
                } else if region == 0 {
                    self.of(&self.offered, service)
                } else {
                    vec![0; self.buckets]
                }
            })
            .collect()
    }
}

impl<S: Shape> Engine<S> {
    /// Recomputes the backend faults in force at `now` in every region, and until when they hold.
    /// Events at an edge's instant see the same state as [`Fault::active`](crate::scenario::Fault::active) at that instant.
    #[cold]
    pub(super) fn update_backend_faults(&mut self) {
        let now = self.now;
        for (region, backend) in self.backends.iter_mut().enumerate() {
            backend.set_faults(self.faults.backend_at(region, now), now);
            // At every start of the throttle (each period of a flapping one).
            if self.faults.throttle_flushes(region, now) {
                self.series.dropped_abandoned[self.bucket_index] += backend.flush();
            }
        }
        self.backend_faults_until = self.faults.backend_edge_after(now);
    }

    pub(super) fn workers_in_force(&self, region: usize) -> u32 {
        debug_assert!(self.now < self.backend_faults_until);
        self.backends[region].faults().workers
    }

    pub(super) fn send_to_backend(&mut self, id: RequestId) {
        let bucket = self.bucket();
        let (tag, client) = (
            self.requests[id as usize].tag,
            self.requests[id as usize].client as usize,
        );
        // Only a class calling a further name can reach a further service.
        let service = if self.one_name() {
            0
        } else {
            self.scenario.names[self.call_name(client, self.requests[id as usize].call)].service
        };
        // The region its call's answer names (the primary without failover routing).
        let slot = self.call_slot(client, self.requests[id as usize].call);
        let in_service = self.clients.region(slot);
        // Backend slots: the main service's regions, then each further service's.
        let region = if self.one_name() {
            in_service
        } else {
            self.scenario.service_slot(service) + in_service
        };
        let counts = &mut self.service_series;
        let at = counts.at(service, bucket);
        counts.offered[at] += 1;
        if !counts.slot_offered.is_empty() {
            let at = counts.at(region, bucket);
            counts.slot_offered[at] += 1;
        }
        self.requests[id as usize].region = region as u8;
        let lifetime = self.policy(client).connection_lifetime;
        self.clients.connect(slot, self.now, lifetime);
        self.requests[id as usize].phase = Phase::Backend;
        let job = Job {
            request: id,
            tag,
            enqueued: self.now,
            reestablish: service == 0 && self.leases.lapsed(client, self.now),
        };
        debug_assert!(self.now < self.backend_faults_until);
        let backend = &mut self.backends[region];
        let faults = backend.faults();
        if !backend.admit_throttle(self.now) {
            self.series.backend_throttled[bucket] += 1;
            self.fail_attempt(id, Outcome::OperatorThrottled);
            return;
        }
        if faults.error_rate.is_some_and(|p| self.faults.strikes(p))
            || faults.region_lost.is_some_and(|p| self.faults.strikes(p))
        {
            self.fail_attempt(id, Outcome::ServerError);
        } else if backend.has_free_worker() {
            self.start_service(job, region);
        } else if let Some(len) = backend.enqueue(job) {
            let at = self.service_series.at(service, bucket);
            let max = &mut self.service_series.queue_len_max[at];
            *max = (*max).max(len);
        } else {
            self.fail_attempt(id, Outcome::Rejected);
        }
    }

    // Natively only: in wasm, inlined twice into `step` it made V8's first call slower.
    #[cfg_attr(not(target_arch = "wasm32"), inline(always))]
    pub(super) fn start_service(&mut self, job: Job, region: usize) {
        let bucket = self.bucket();
        let one_name = self.one_name();
        let backend = &mut self.backends[region];
        backend.start();
        // One name: every attempt goes to the main service.
        let service = if one_name { 0 } else { backend.service() };
        // All regions of the service: their busy workers together.
        let busy = if backend.regions() > 1 {
            self.backends
                .iter()
                .filter(|b| b.service() == service)
                .map(|b| u64::from(b.busy_workers()))
                .sum()
        } else {
            u64::from(backend.busy_workers())
        };
        let counts = &mut self.service_series;
        let at = counts.at(service, bucket);
        counts.started[at] += 1;
        counts.queue_wait_ms_sum[at] += self.now.since(job.enqueued).as_ms();
        let max = &mut counts.in_service_max[at];
        *max = (*max).max(busy);
        let mut work_factor = None;
        if job.reestablish
            && let Some(lease) = self.scenario.lease
        {
            work_factor = Some(lease.reestablish_work_factor);
            self.series.lease_reestablished[bucket] += 1;
        }
        let duration_ms = self.backends[region].service_time_ms(work_factor, &mut self.service);
        let at = self.now.after(SimTime::from_ms(duration_ms));
        let r = &mut self.requests[job.request as usize];
        if r.tag == job.tag {
            r.served_until = at;
        }
        self.schedule(
            at,
            Event::ServiceDone {
                request: job.request,
                attempt: job.tag,
                region: region as u8,
            },
        );
    }

    pub(super) fn on_service_done(&mut self, id: RequestId, tag: u32, region: u8) {
        let region = usize::from(region);
        let backend = &mut self.backends[region];
        backend.end_service();
        let service = backend.service();
        if self.current(id, tag, Phase::Backend) {
            let client = self.requests[id as usize].client as usize;
            if self.leases.is_on() && service == 0 {
                self.renew_lease(client);
            }
            self.end_attempt(id, Outcome::Success);
            let parent = self.requests[id as usize].parent;
            if parent == NO_PARENT {
                self.requests[id as usize].phase = Phase::Backoff;
                self.call_succeeded(id);
            } else {
                self.release_hedge(parent, id);
                self.call_succeeded(parent);
            }
        } else {
            let bucket = self.bucket();
            let at = self.service_series.at(service, bucket);
            self.service_series.wasted[at] += 1;
        }
        self.dispatch_backend(region);
    }

    /// A renewal succeeded: the client's lease holds for its lifetime from now.
    pub(super) fn renew_lease(&mut self, client: usize) {
        let Some(lease) = self.scenario.lease else {
            return;
        };
        let until = self.now.after(lease.lifetime);
        self.leases.renew(client, until, self.bucket_index);
    }

    #[inline(always)] // runs per request: see `Engine::step_batch`
    pub(super) fn dispatch_backend(&mut self, region: usize) {
        debug_assert!(self.now < self.backend_faults_until);
        let drop_abandoned = self.backends[region].drops_abandoned();
        while let Some(job) = self.backends[region].next_job() {
            if drop_abandoned && !self.current(job.request, job.tag, Phase::Backend) {
                let bucket = self.bucket();
                self.series.dropped_abandoned[bucket] += 1;
                continue;
            }
            self.start_service(job, region);
        }
    }
}
