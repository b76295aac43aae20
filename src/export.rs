//! `export`: `Stats` published through the `metrics` crate facade (feature `metrics`), so
//! Prometheus, OpenTelemetry and other exporters pick them up without a hand-written exporter.
//!
//! Figures are published from a snapshot as absolute values (counters) and gauges, once a
//! second by the pool's background task, never from the statement path.

use metrics::{counter, gauge};

use crate::stats::{Latency, Stats};

/// Publish `stats` under names prefixed `sqlx_rw_`.
pub(crate) fn publish(stats: &Stats) {
    for (route, n) in &stats.routes {
        let target = if route.is_reader() {
            "reader"
        } else {
            "writer"
        };
        let reason = format!("{:?}", route.reason());
        counter!("sqlx_rw_statements_total", "target" => target, "reason" => reason).absolute(*n);
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
    ];
    for (name, value) in counters {
        counter!(name).absolute(value);
    }
    let gauges = [
        ("sqlx_rw_writer_queue", stats.writer_queue as f64),
        (
            "sqlx_rw_writer_queue_high_water",
            stats.writer_queue_high_water as f64,
        ),
        ("sqlx_rw_verdict_cache_entries", stats.cache_entries as f64),
        ("sqlx_rw_verdict_cache_bytes", stats.cache_bytes as f64),
        ("sqlx_rw_readers_open", f64::from(stats.readers_open)),
        ("sqlx_rw_readers_idle", stats.readers_idle as f64),
    ];
    for (name, value) in gauges {
        gauge!(name).set(value);
    }
    latency("sqlx_rw_writer_wait", &stats.writer_wait);
    latency("sqlx_rw_writer_hold", &stats.writer_hold);
}

fn latency(name: &'static str, l: &Latency) {
    counter!(format!("{name}_count")).absolute(l.count);
    for (stat, value) in [
        ("mean", l.mean),
        ("p50", l.p50),
        ("p99", l.p99),
        ("max", l.max),
    ] {
        gauge!(format!("{name}_seconds"), "stat" => stat).set(value.as_secs_f64());
    }
}
