//! `PgRwPool` against a real primary and two streaming standbys (`scripts/pg-cluster`):
//! routing, healing, read-your-writes, concurrency on the primary, credentials.

#[path = "../common/doc_block.rs"]
mod doc_block;
#[path = "../common/pg.rs"]
mod pg;

mod consistency;
mod differential;
mod primary;
mod routing;
mod tls;

use sqlx_rw::{PgRwPool, PgRwPoolOptions, ReadConsistency};

/// A pool on the shared cluster with both replicas, or `None` if PostgreSQL is absent.
async fn pool(consistency: ReadConsistency) -> Option<(pg::Cluster, PgRwPool)> {
    let cluster = pg::shared()?;
    let options = cluster
        .replicas
        .iter()
        .fold(PgRwPoolOptions::new(), |o, url| o.replica(url))
        .read_consistency(consistency)
        // These tests assert where reads ran: a read that must see a write waits for a
        // standby to replay it, not the default 20 ms after which it runs on the primary (a
        // loaded CI machine replays slower than that now and then).
        .replica_wait(std::time::Duration::from_secs(2));
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

/// Wait until every replica has `table` (DDL replays later too): tests that read in
/// `Eventual` mode would otherwise fail on a table their replica has not created yet.
async fn wait_replicated(cluster: &pg::Cluster, table: &str) {
    for url in &cluster.replicas {
        let replica = sqlx::PgPool::connect(url).await.unwrap();
        for _ in 0..500 {
            let there: bool = sqlx::query_scalar("SELECT to_regclass($1) IS NOT NULL")
                .bind(table)
                .fetch_one(&replica)
                .await
                .unwrap();
            if there {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(10)).await;
        }
        replica.close().await;
    }
}

/// Wait until every replica has replayed everything the primary has written so far, so a
/// test's next read is served by a replica whatever the consistency mode needs.
async fn wait_caught_up(cluster: &pg::Cluster) {
    let primary = sqlx::PgPool::connect(&cluster.primary).await.unwrap();
    let lsn: String = sqlx::query_scalar("SELECT pg_current_wal_insert_lsn()::text")
        .fetch_one(&primary)
        .await
        .unwrap();
    primary.close().await;
    for url in &cluster.replicas {
        let replica = sqlx::PgPool::connect(url).await.unwrap();
        for _ in 0..500 {
            let done: bool = sqlx::query_scalar("SELECT pg_last_wal_replay_lsn() >= $1::pg_lsn")
                .bind(&lsn)
                .fetch_one(&replica)
                .await
                .unwrap();
            if done {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(10)).await;
        }
        replica.close().await;
    }
}
