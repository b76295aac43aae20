//! `PgRwPool` against a real primary and two streaming standbys (`scripts/pg-cluster`):
//! routing, healing, read-your-writes, concurrency on the primary, credentials.

#[path = "../common/pg.rs"]
mod pg;

mod consistency;
mod primary;
mod routing;

use sqlx_rw::{PgRwPool, PgRwPoolOptions, ReadConsistency};

/// A pool on the shared cluster with both replicas, or `None` if PostgreSQL is absent.
async fn pool(consistency: ReadConsistency) -> Option<(pg::Cluster, PgRwPool)> {
    let cluster = pg::shared()?;
    let options = cluster
        .replicas
        .iter()
        .fold(PgRwPoolOptions::new(), |o, url| o.replica(url))
        .read_consistency(consistency);
    let pool = options
        .connect(&cluster.primary)
        .await
        .expect("open PgRwPool");
    Some((cluster, pool))
}

/// Share of reads served by replicas, from the pool's own counters.
fn replica_share(pool: &PgRwPool) -> f64 {
    let stats = pool.stats();
    let on_replicas: u64 = stats.replicas.iter().map(|r| r.reads).sum();
    on_replicas as f64 / (stats.reader_statements + stats.fresh_reads_on_writer).max(1) as f64
}
