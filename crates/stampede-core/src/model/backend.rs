//! One backend slot (a region of the main service, or of a further service): admission at its
//! door, its waiting queue, its busy workers and the service time of a job.
//!
//! Owns: the slot's queue and busy workers, its settings (copied, so the hot path reads one
//! struct), the backend faults in force there (handed in by the engine when they change) and
//! the operator's throttle, a token bucket of [`THROTTLE_BURST_S`] of its rate, full when a
//! throttle starts. Verdicts: admitted or throttled, into service or queued or rejected (full),
//! the next job to serve, how long a job takes.
//!
//! Must not: schedule events, count series, or read another model; it draws only from the
//! stream handed to [`Backend::service_time_ms`].

use std::collections::VecDeque;

use crate::rng::Rng;
use crate::scenario::raw::{QueueDiscipline, ServiceTimeLaw};
use crate::scenario::validate::ServiceConfig;
use crate::time::SimTime;

use super::faults::BackendFaults;

/// Burst an operator's throttle allows, as seconds of its rate.
pub const THROTTLE_BURST_S: f64 = 0.1;

/// An attempt waiting for, or in, service.
#[derive(Clone, Copy, Debug)]
pub struct Job {
    /// The request slot the attempt belongs to.
    pub request: u32,
    /// The attempt's tag (a later attempt of the slot has another).
    pub tag: u32,
    /// When it reached the backend.
    pub enqueued: SimTime,
    /// Whether serving it re-establishes a lapsed lease (decided when it reached the backend).
    pub reestablish: bool,
}

/// One backend slot.
#[derive(Clone, Debug)]
pub struct Backend {
    queue: VecDeque<Job>,
    busy_workers: u32,
    /// The service this slot runs (index in `Scenario::services`).
    service: usize,
    config: ServiceConfig,
    faults: BackendFaults,
    throttle_tokens: f64,
    throttle_refilled_at: SimTime,
}

/// Tokens an operator's throttle of `rate_per_s` holds at most (none when it admits nothing).
fn throttle_burst(rate_per_s: f64) -> f64 {
    if rate_per_s > 0.0 {
        (rate_per_s * THROTTLE_BURST_S).max(1.0)
    } else {
        0.0
    }
}

impl Backend {
    /// An idle slot of service `service` with settings `config` and the faults in force at t = 0.
    pub fn new(service: usize, config: ServiceConfig, faults: BackendFaults) -> Backend {
        Backend {
            queue: VecDeque::new(),
            busy_workers: 0,
            service,
            config,
            faults,
            throttle_tokens: 0.0,
            throttle_refilled_at: SimTime::ZERO,
        }
    }

    /// The service this slot runs (index in `Scenario::services`).
    #[inline]
    pub fn service(&self) -> usize {
        self.service
    }

    /// Regions of the slot's service.
    #[inline]
    pub fn regions(&self) -> u32 {
        self.config.regions
    }

    /// Workers busy now.
    #[inline]
    pub fn busy_workers(&self) -> u32 {
        self.busy_workers
    }

    /// The backend faults in force.
    #[inline]
    pub fn faults(&self) -> BackendFaults {
        self.faults
    }

    /// The faults in force changed at `now`: a throttle that starts starts with a full bucket.
    pub fn set_faults(&mut self, faults: BackendFaults, now: SimTime) {
        let throttled = self.faults.throttle_per_s.is_some();
        self.faults = faults;
        if let Some(rate) = faults.throttle_per_s
            && !throttled
        {
            self.throttle_tokens = throttle_burst(rate);
            self.throttle_refilled_at = now;
        }
    }

    /// Drops every job waiting (a throttle restarting the hosts); returns how many.
    pub fn flush(&mut self) -> u64 {
        let flushed = self.queue.len() as u64;
        self.queue.clear();
        flushed
    }

    /// Whether the operator's throttle, if one is in force, admits an attempt at `now` (which
    /// takes a token); false = throttled.
    #[inline]
    pub fn admit_throttle(&mut self, now: SimTime) -> bool {
        let Some(rate) = self.faults.throttle_per_s else {
            return true;
        };
        let elapsed_s = now.since(self.throttle_refilled_at).as_s();
        self.throttle_refilled_at = now;
        self.throttle_tokens = (self.throttle_tokens + elapsed_s * rate).min(throttle_burst(rate));
        if self.throttle_tokens < 1.0 {
            return false;
        }
        self.throttle_tokens -= 1.0;
        true
    }

    /// Whether a worker is free (of those the faults in force leave serving).
    #[inline]
    pub fn has_free_worker(&self) -> bool {
        self.busy_workers < self.faults.workers
    }

    /// Jobs waiting in the queue now.
    pub fn queue_len(&self) -> usize {
        self.queue.len()
    }

    /// Queues `job`: the queue's length after it, or `None` when the queue is full (rejected).
    #[inline]
    pub fn enqueue(&mut self, job: Job) -> Option<u64> {
        if self.queue.len() >= self.config.queue_capacity as usize {
            return None;
        }
        self.queue.push_back(job);
        Some(self.queue.len() as u64)
    }

    /// A job goes into service: one more worker busy.
    #[inline]
    pub fn start(&mut self) {
        self.busy_workers += 1;
        assert!(
            self.busy_workers <= self.config.workers,
            "busy workers never exceed the worker count"
        );
    }

    /// A job's service ended: its worker is free.
    #[inline]
    pub fn end_service(&mut self) {
        assert!(self.busy_workers > 0, "a service ends once");
        self.busy_workers -= 1;
    }

    /// The next job to serve if a worker is free, in the queue's discipline.
    #[inline]
    pub fn next_job(&mut self) -> Option<Job> {
        if !self.has_free_worker() {
            return None;
        }
        match self.config.queue_discipline {
            QueueDiscipline::Fifo => self.queue.pop_front(),
            QueueDiscipline::Lifo => self.queue.pop_back(),
        }
    }

    /// Whether a job whose attempt was abandoned is dropped from the queue instead of served.
    #[inline]
    pub fn drops_abandoned(&self) -> bool {
        self.config.drop_abandoned
    }

    /// How long a job takes, ms: the service's law around its mean, times the slowdown in
    /// force and `work_factor`, if any (a lease to re-establish). Draws from `rng` unless
    /// constant.
    #[inline(always)] // runs per request: left out of line it cost 2 % of a steady run's instructions
    pub fn service_time_ms(&self, work_factor: Option<f64>, rng: &mut Rng) -> f64 {
        let config = &self.config;
        let mut mean_ms = config.service_ms_mean * self.faults.slowdown;
        if let Some(factor) = work_factor {
            mean_ms *= factor;
        }
        match config.service_time {
            ServiceTimeLaw::Constant => mean_ms,
            ServiceTimeLaw::Exponential => rng.exponential(mean_ms),
            ServiceTimeLaw::LogNormal => {
                // Mean-preserving: E[exp(μ + σZ)] = exp(μ + σ²/2) = mean.
                let sigma = config.service_sigma;
                let mu = libm::log(mean_ms) - sigma * sigma / 2.0;
                libm::exp(mu + sigma * rng.normal())
            }
        }
    }
}
