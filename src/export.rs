//! `export`: `Stats` published through the `metrics` crate facade (feature `metrics`), so
//! Prometheus, OpenTelemetry and other exporters pick them up without a hand-written exporter.
//!
//! Figures are published from a snapshot as absolute values (counters) and gauges, by a
//! background task of the pool every `RwPoolOptions::metrics_interval` (1 s by default), never
//! from the statement path. Every metric carries a `pool` label (the pool's name), so two pools
//! in one process do not overwrite each other; the reader gauges also carry a `replica` label:
//! `local` for SQLite's one reader pool; for a server with replicas, `all` on the totals and
//! each replica's `host:port` on the `sqlx_rw_replica_*` figures.

use std::sync::Weak;
use std::time::Duration;

use metrics::{counter, gauge};

use crate::backend::Backend;
use crate::pool::{RwPool, Shared};
use crate::stats::{Latency, Stats};

/// Publish the pool's stats every `interval` until the pool is closed or dropped.
pub(crate) async fn publish_every<DB: Backend>(shared: Weak<Shared<DB>>, interval: Duration) {
    let mut tick = tokio::time::interval(interval);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        let Some(shared) = shared.upgrade() else {
            return;
        };
        let pool = RwPool(shared);
        publish(&pool.stats(), pool.name(), DB::readers_lag());
        if pool.is_closed() {
            return;
        }
    }
}

/// Publish `stats` under names prefixed `sqlx_rw_`, labelled with the pool's `name`;
/// `replicas`: the readers are a server's replicas, published one by one.
pub(crate) fn publish(stats: &Stats, name: &str, replicas: bool) {
    let pool = name.to_owned();
    for (route, n) in &stats.routes {
        let target = if route.is_reader() {
            "reader"
        } else {
            "writer"
        };
        let reason = format!("{:?}", route.reason());
        counter!("sqlx_rw_statements_total", "pool" => pool.clone(), "target" => target, "reason" => reason)
            .absolute(*n);
    }
    let counters = [
        ("sqlx_rw_parse_fallbacks_total", stats.parse_fallbacks),
        ("sqlx_rw_healed_total", stats.healed),
        ("sqlx_rw_transactions_begun_total", stats.transactions_begun),
        ("sqlx_rw_commits_total", stats.commits),
        ("sqlx_rw_rollbacks_total", stats.rollbacks),
        (
            "sqlx_rw_abandoned_transactions_total",
            stats.abandoned_transactions,
        ),
        ("sqlx_rw_reader_fallbacks_total", stats.reader_fallbacks),
        ("sqlx_rw_settings_spread_total", stats.settings_spread),
        ("sqlx_rw_own_writer_reads_total", stats.own_writer_reads),
        ("sqlx_rw_verdict_cache_hits_total", stats.cache_hits),
        ("sqlx_rw_verdict_cache_misses_total", stats.cache_misses),
        ("sqlx_rw_wal_truncates_total", stats.wal.truncates),
        (
            "sqlx_rw_wal_truncate_give_ups_total",
            stats.wal.truncate_give_ups,
        ),
        (
            "sqlx_rw_wal_passive_checkpoints_total",
            stats.wal.passive_complete + stats.wal.passive_partial,
        ),
        ("sqlx_rw_wal_frames_copied_total", stats.wal.frames_copied),
        ("sqlx_rw_read_retries_total", stats.read_retries),
        (
            "sqlx_rw_fresh_reads_on_writer_total",
            stats.fresh_reads_on_writer,
        ),
        ("sqlx_rw_untracked_writes_total", stats.untracked_writes),
        ("sqlx_rw_position_reads_total", stats.position_reads),
        ("sqlx_rw_groups_total", stats.groups),
        ("sqlx_rw_group_statements_total", stats.group_statements),
        ("sqlx_rw_regroups_total", stats.regroups),
        ("sqlx_rw_group_failures_total", stats.group_failures),
    ];
    for (metric, value) in counters {
        counter!(metric, "pool" => pool.clone()).absolute(value);
    }
    let gauges = [
        ("sqlx_rw_writer_queue", stats.writer_queue as f64),
        (
            "sqlx_rw_writer_queue_high_water",
            stats.writer_queue_high_water as f64,
        ),
        ("sqlx_rw_verdict_cache_entries", stats.cache_entries as f64),
        ("sqlx_rw_verdict_cache_bytes", stats.cache_bytes as f64),
        ("sqlx_rw_wal_bytes", stats.wal.wal_bytes as f64),
        ("sqlx_rw_wal_bytes_max", stats.wal.wal_bytes_max as f64),
        ("sqlx_rw_freshness_marks", stats.freshness_marks as f64),
    ];
    for (metric, value) in gauges {
        gauge!(metric, "pool" => pool.clone()).set(value);
    }
    let readers = [
        ("sqlx_rw_readers_open", f64::from(stats.readers_open)),
        ("sqlx_rw_readers_idle", stats.readers_idle as f64),
    ];
    let all = if replicas { "all" } else { "local" };
    for (metric, value) in readers {
        gauge!(metric, "pool" => pool.clone(), "replica" => all).set(value);
    }
    for replica in stats.replicas.iter().filter(|_| replicas) {
        let name = replica.name.clone();
        counter!("sqlx_rw_replica_reads_total", "pool" => pool.clone(), "replica" => name.clone())
            .absolute(replica.reads);
        let gauges = [
            (
                "sqlx_rw_replica_healthy",
                f64::from(u8::from(replica.healthy)),
            ),
            (
                "sqlx_rw_replica_behind_seconds",
                replica.behind.as_secs_f64(),
            ),
            ("sqlx_rw_replica_open", f64::from(replica.open)),
            ("sqlx_rw_replica_in_flight", replica.in_flight as f64),
        ];
        for (metric, value) in gauges {
            gauge!(metric, "pool" => pool.clone(), "replica" => name.clone()).set(value);
        }
    }
    latency("sqlx_rw_writer_wait", &stats.writer_wait, &pool);
    latency("sqlx_rw_writer_hold", &stats.writer_hold, &pool);
    latency("sqlx_rw_wal_read_hold", &stats.wal.read_holds, &pool);
}

fn latency(metric: &'static str, l: &Latency, pool: &str) {
    counter!(format!("{metric}_count"), "pool" => pool.to_owned()).absolute(l.count);
    for (stat, value) in [
        ("mean", l.mean),
        ("p50", l.p50),
        ("p99", l.p99),
        ("max", l.max),
    ] {
        gauge!(format!("{metric}_seconds"), "pool" => pool.to_owned(), "stat" => stat)
            .set(value.as_secs_f64());
    }
}
