//! The report: series as counted, the summary over complete buckets, fault windows.
//!

use super::*;

pub(super) fn ratio(sum: f64, count: u64) -> f64 {
    if count == 0 {
        f64::NAN
    } else {
        sum / count as f64
    }
}

/// Share of [from, to) during which the zone answered a region other than the primary.
pub(super) fn secondary_share(switches: &[(SimTime, u8)], from: SimTime, to: SimTime) -> f64 {
    if switches.is_empty() || to <= from {
        return 0.0;
    }
    secondary_time(switches, from, to).0 as f64 / to.since(from).0 as f64
}

/// Time within [from, to) during which the zone answered a region other than the primary.
pub(super) fn secondary_time(switches: &[(SimTime, u8)], from: SimTime, to: SimTime) -> SimTime {
    let mut region = 0;
    let mut since = SimTime::ZERO;
    let mut secondary = 0u64;
    let overlap = |a: SimTime, b: SimTime| b.min(to).since(a.max(from)).0;
    for &(at, next) in switches {
        if region != 0 {
            secondary += overlap(since, at);
        }
        region = next;
        since = at;
    }
    if region != 0 {
        secondary += overlap(since, SimTime::NEVER);
    }
    SimTime(secondary)
}

/// Label of a fault kind for chart shading.
pub fn fault_label(kind: FaultKind) -> &'static str {
    match kind {
        FaultKind::DnsTimeout => "DNS timeout",
        FaultKind::DnsServfail => "DNS SERVFAIL",
        FaultKind::DnsEmpty => "DNS empty answer",
        FaultKind::ServiceSlowdown => "backend slowdown",
        FaultKind::CapacityLoss => "capacity loss",
        FaultKind::ErrorRate => "backend errors",
        FaultKind::DnsLatency => "DNS latency",
        FaultKind::RegionLoss => "region loss",
        FaultKind::LoadSpike => "load spike",
        FaultKind::Throttle => "operator throttle",
        FaultKind::HealthCheckFlapping => "health checks failing",
        FaultKind::DnsOverride => "DNS override (mitigation)",
    }
}

/// Most shaded windows drawn for one flapping fault; beyond it the whole span is one window.
pub(super) const FLAP_WINDOWS_MAX: u64 = 200;

/// Chart shading: one window per fault, or one per active half-period of a flapping fault.
pub(super) fn fault_windows(sc: &Scenario) -> Vec<(f64, f64, String)> {
    let mut windows = Vec::new();
    for f in &sc.faults {
        let label = fault_label(f.kind);
        let periods = if f.flap_period.0 == 0 {
            1
        } else {
            f.end.since(f.start).0.div_ceil(f.flap_period.0)
        };
        if periods > FLAP_WINDOWS_MAX {
            let label = format!("{label} (flapping every {} s)", f.flap_period.as_s());
            windows.push((f.start.as_s(), f.end.as_s(), label));
            continue;
        }
        for (on, off) in f.active_windows() {
            windows.push((on.as_s(), off.as_s(), label.to_string()));
        }
    }
    windows
}

impl<S: Shape> Engine<S> {
    /// What a service (every region together) could serve in a bucket starting at `start` and
    /// lasting `width_s` seconds, with the workers and slowdown in force then, requests.
    fn service_capacity(&self, service: usize, start: SimTime, width_s: f64) -> f64 {
        let sc = &self.scenario;
        let first = sc.service_slot(service);
        (first..first + sc.service_regions(service))
            .map(|slot| {
                f64::from(self.faults.workers_serving(slot, start)) * 1000.0
                    / (sc.services[service].service_ms_mean * self.faults.slowdown(slot, start))
                    * width_s
            })
            .sum()
    }

    /// The report's backend series (the main service's) and, with several services, its
    /// per-service series, from the counts kept per service.
    fn lay_out_service_series(&self, series: &mut Series) {
        let counts = &self.service_series;
        series.backend_offered = counts.of(&counts.offered, 0);
        series.region_offered = counts.offered_by_region(0);
        series.queue_len_max = counts.of(&counts.queue_len_max, 0);
        series.in_service_max = counts.of(&counts.in_service_max, 0);
        series.wasted = counts.of(&counts.wasted, 0);
        series.service_started = counts.of(&counts.started, 0);
        series.queue_wait_ms_sum = counts.of(&counts.queue_wait_ms_sum, 0);
        if counts.services() > 1 {
            let each = |count: &[u64]| {
                (0..counts.services())
                    .map(|s| counts.of(count, s))
                    .collect()
            };
            series.service_offered = each(&counts.offered);
            series.service_queue_len_max = each(&counts.queue_len_max);
            series.service_in_service_max = each(&counts.in_service_max);
            series.service_wasted = each(&counts.wasted);
            series.service_region_offered = (0..counts.services())
                .map(|s| counts.offered_by_region(s))
                .collect();
        }
    }

    /// The report of the run so far: complete buckets only, plus the summary over them.
    pub(super) fn report(&self) -> Report {
        let sc = &self.scenario;
        let bucket_s = sc.bucket.as_s();
        let buckets_done = if self.is_finished() && !self.budget_exhausted {
            self.buckets_total
        } else {
            ((self.now.0 / sc.bucket.0) as usize).min(self.buckets_total)
        };
        let mut series = self.series.clone();
        self.lay_out_service_series(&mut series);
        for b in 0..self.buckets_total {
            let start = SimTime(sc.bucket.0 * b as u64);
            let width_s = bucket_s.min(sc.duration.since(start).as_s());
            series.backend_capacity[b] = self.service_capacity(0, start, width_s);
            if !series.service_offered.is_empty() {
                for service in 1..sc.services.len() {
                    series.service_capacity[service][b] =
                        self.service_capacity(service, start, width_s);
                }
            }
            series.failover_fraction[b] = secondary_share(
                self.name_routes[0].switches(),
                start,
                start.after(sc.bucket),
            );
            for (route, fraction) in self
                .name_routes
                .iter()
                .zip(&mut series.name_failover_fraction)
            {
                fraction[b] = secondary_share(route.switches(), start, start.after(sc.bucket));
            }
            for (r, config) in sc.resolvers.iter().enumerate() {
                series.resolver_capacities[r][b] = config.capacity_qps * width_s;
            }
            series.resolver_capacity[b] =
                sc.resolvers.iter().map(|r| r.capacity_qps).sum::<f64>() * width_s;
            let h = &self.latency_buckets[b];
            series.latency_p50_ms[b] = histogram_quantile(h, 0.50);
            series.latency_p90_ms[b] = histogram_quantile(h, 0.90);
            series.latency_p99_ms[b] = histogram_quantile(h, 0.99);
        }
        if !series.service_capacity.is_empty() {
            series.service_capacity[0].clone_from(&series.backend_capacity);
        }
        if self.leases.is_on() && self.is_finished() {
            // The last bucket never rolls over: the leases ending in it have lapsed by its end.
            let last = self.bucket_index;
            series.leases_held_fraction[last] = self.leases.held_after(last);
        }
        // Fractions of the (client, call) breakers: each class's, weighted by its share of them
        // (one class: a share of exactly 1, so its own fractions).
        let classes = sc.classes();
        let entries_of = |c: &Scenario| c.simulated_clients * (1 + c.dependencies.len() as u64);
        let total: u64 = classes.iter().map(|c| entries_of(c)).sum();
        for (class, breakers) in classes.iter().zip(&self.breakers) {
            let Some(breakers) = breakers else { continue };
            let entries = entries_of(class);
            let share = entries as f64 / total as f64;
            let (open, half_open) = breakers.state_fractions(self.now, entries);
            for b in 0..self.buckets_total {
                series.breaker_open_fraction[b] += open[b] * share;
                series.breaker_half_open_fraction[b] += half_open[b] * share;
            }
        }
        let summary = self.summary(&series, buckets_done);
        let mut diagnostics = Vec::new();
        if self.memory_exhausted {
            diagnostics.push(format!(
                "The run stopped at {:.1} s of {:.1} s: it reached its memory bound of {} requests, events and queued jobs held at once (about {} MB, from its load and queue sizes). Lower the request rate, the queue capacities or the timeouts.",
                self.now.as_s(),
                sc.duration.as_s(),
                thousands(self.memory_entries_max),
                self.memory_entries_max * crate::cost::BYTES_PER_ENTRY / 1_000_000
            ));
        } else if self.budget_exhausted {
            diagnostics.push(format!(
                "The run stopped at {:.1} s of {:.1} s: it reached its event budget of {} events. Shorten the horizon, shrink the fleet or raise run.event_budget.",
                self.now.as_s(),
                sc.duration.as_s(),
                sc.event_budget
            ));
        }
        if sc.client_scale > 1 {
            diagnostics.push(format!(
                "simulated {} clients as {} super-clients of {}: each sends for {} clients and shares one DNS cache, connection, retry budget and breaker (raise fleet.scale_max_clients to simulate every client)",
                thousands(sc.clients),
                thousands(sc.simulated_clients),
                thousands(sc.client_scale),
                thousands(sc.client_scale),
            ));
        }
        Report {
            format_version: crate::report::REPORT_FORMAT_VERSION,
            stampede_version: crate::report::STAMPEDE_VERSION.to_string(),
            title: sc.title.clone(),
            seed: sc.seed,
            bucket_s,
            buckets_total: self.buckets_total,
            buckets_done,
            now_s: self.now.as_s(),
            finished: self.is_finished(),
            fault_windows: fault_windows(sc),
            series,
            summary,
            diagnostics,
            client_scale_factor: sc.client_scale,
        }
    }

    #[inline(never)] // keeps `report` small for V8 (see `histogram_quantile`)
    pub(super) fn summary(&self, series: &Series, buckets_done: usize) -> Summary {
        let sc = &self.scenario;
        let bucket_s = sc.bucket.as_s();
        let success: u64 = series.success.iter().sum();
        let failed_by_cause: [u64; FAILURE_CAUSES] =
            std::array::from_fn(|i| series.failed[i].iter().sum());
        let served: u64 = series.service_started.iter().sum();
        let failed: u64 = failed_by_cause.iter().sum();
        let finished = success + failed;
        let mut peak_amplification = (0.0, 0.0);
        for b in 0..buckets_done {
            if series.requests[b] >= 10 {
                let attempts = crate::report::attempts_in_bucket(series, b) as f64;
                let ratio = attempts / series.requests[b] as f64;
                if ratio > peak_amplification.0 {
                    peak_amplification = (ratio, b as f64 * bucket_s);
                }
            }
        }
        let peak_backend = peak_load(
            &series.backend_offered,
            &series.backend_capacity,
            buckets_done,
            bucket_s,
        );
        let peak_resolver = peak_load(
            &series.dns_to_resolver,
            &series.resolver_capacity,
            buckets_done,
            bucket_s,
        );
        let window_s = sc.recovery_window_s;
        let (baseline_per_bucket, recovery) = recovery_verdict(RecoveryInput {
            success: &series.success,
            buckets_done,
            bucket_s,
            first_fault_start_s: sc.first_fault_start().map(SimTime::as_s),
            last_fault_end_s: sc.last_fault_end().map(SimTime::as_s),
            window_s,
        });
        let slo_allowed = finished as f64 * (1.0 - sc.slo_target);
        // Buckets below the SLO, by their requests' completion; a bucket without any is not down.
        // The last bucket may be short: each counts its own width.
        let downtime_minutes = (0..buckets_done)
            .filter(|&b| {
                let ok = series.success[b];
                let ended = ok + series.failed_total(b);
                ended > 0 && (ok as f64) < sc.slo_target * ended as f64
            })
            .map(|b| {
                let start = SimTime(sc.bucket.0 * b as u64);
                sc.bucket.min(sc.duration.since(start)).as_s()
            })
            // From +0.0: `sum` starts at -0.0, so a run with no downtime said "-0 min".
            .fold(0.0, |total, width_s| total + width_s)
            / 60.0;
        Summary {
            requests_finished: finished,
            requests_in_flight: self.in_flight,
            success,
            failed,
            failed_by_cause,
            availability: if finished == 0 {
                1.0
            } else {
                success as f64 / finished as f64
            },
            peak_amplification: peak_amplification.0,
            peak_amplification_at_s: peak_amplification.1,
            peak_backend_load_ratio: peak_backend.0,
            peak_backend_load_at_s: peak_backend.1,
            peak_resolver_load_ratio: peak_resolver.0,
            peak_resolver_load_at_s: peak_resolver.1,
            baseline_goodput_per_s: baseline_per_bucket / bucket_s,
            recovery,
            recovery_window_s: window_s,
            wasted_work: series.wasted.iter().sum(),
            slo_burn: if slo_allowed > 0.0 {
                failed as f64 / slo_allowed
            } else {
                0.0
            },
            cost_of_downtime: failed as f64 * sc.cost_per_failed_request
                + downtime_minutes * sc.cost_per_minute_down,
            downtime_minutes,
            latency_ms_mean: ratio(series.latency_ms_sum.iter().sum(), success),
            queue_wait_ms_mean: ratio(series.queue_wait_ms_sum.iter().sum(), served),
            latency_ms_p50_p90_p99: [
                histogram_quantile(&self.latency_all, 0.50),
                histogram_quantile(&self.latency_all, 0.90),
                histogram_quantile(&self.latency_all, 0.99),
            ],
            events: self.events,
            services: if series.service_offered.is_empty() {
                Vec::new()
            } else {
                sc.services
                    .iter()
                    .enumerate()
                    .map(|(i, service)| {
                        let peak = peak_load(
                            &series.service_offered[i],
                            &series.service_capacity[i],
                            buckets_done,
                            bucket_s,
                        );
                        ServiceSummary {
                            name: service.name.clone(),
                            offered: series.service_offered[i][..buckets_done].iter().sum(),
                            peak_load_ratio: peak.0,
                            peak_load_at_s: peak.1,
                            wasted_work: series.service_wasted[i][..buckets_done].iter().sum(),
                        }
                    })
                    .collect()
            },
            classes: sc
                .fleets
                .iter()
                .enumerate()
                .map(|(i, class)| {
                    let success: u64 = series.class_success[i][..buckets_done].iter().sum();
                    let finished =
                        success + series.class_failed[i][..buckets_done].iter().sum::<u64>();
                    ClassSummary {
                        name: class.name.clone(),
                        requests_finished: finished,
                        success,
                        availability: if finished == 0 {
                            1.0
                        } else {
                            success as f64 / finished as f64
                        },
                    }
                })
                .collect(),
            names: if sc.summarises_names() {
                self.name_summaries(buckets_done)
            } else {
                Vec::new()
            },
            resolvers: resolver_summaries(series, buckets_done, bucket_s),
            totals: crate::report::Totals::of(series),
        }
    }

    /// Each name's routing and the changes of its answer up to the end of the last complete
    /// bucket.
    pub(super) fn name_summaries(&self, buckets_done: usize) -> Vec<NameSummary> {
        let sc = &self.scenario;
        let until = SimTime(sc.bucket.0 * buckets_done as u64);
        sc.names
            .iter()
            .enumerate()
            .map(|(i, name)| {
                let switches = self.name_routes[i].switches();
                // The last bucket may end after the run does.
                let secondary = secondary_time(switches, SimTime::ZERO, until.min(sc.duration));
                NameSummary {
                    name: name.name.clone(),
                    service: sc.services[name.service].name.clone(),
                    failover: name.failover.is_some(),
                    switches: switches
                        .iter()
                        .filter(|(at, _)| *at < until)
                        .map(|&(at, region)| AnswerSwitch {
                            at_s: at.as_s(),
                            region,
                        })
                        .collect(),
                    time_on_secondary_s: secondary.as_s(),
                }
            })
            .collect()
    }
}
