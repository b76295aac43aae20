//! Each target connects with the TLS settings of its own URL: the cluster serves TLS with a
//! certificate for 127.0.0.1 signed by a test CA (`scripts/pg-cluster`), and the primary and
//! each replica are given different `sslmode`s and root certificates.

use std::time::{Duration, Instant};

use sqlx::Row;
use sqlx_rw::{PgRwPoolOptions, ReadConsistency};

use crate::pg;

/// `url` (which says `sslmode=disable`) with TLS in `mode`, verified against `root` from the
/// cluster's `tls/` folder.
fn with_tls(cluster: &pg::Cluster, url: &str, mode: &str, root: &str) -> String {
    assert!(url.contains("sslmode=disable"), "{url}");
    url.replace(
        "sslmode=disable",
        &format!("sslmode={mode}&sslrootcert={}/tls/{root}", cluster.dir),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn each_target_connects_with_the_tls_settings_of_its_own_url() {
    let Some(cluster) = pg::shared() else {
        return;
    };
    let verified = with_tls(&cluster, &cluster.replicas[0], "verify-full", "ca.crt");
    let plain = cluster.replicas[1].clone();
    // The same server as the first, but trusting an unrelated CA: it can never connect.
    let untrusted = with_tls(
        &cluster,
        &cluster.replicas[0],
        "verify-full",
        "other-ca.crt",
    );
    let primary = with_tls(&cluster, &cluster.primary, "verify-full", "ca.crt");
    let pool = PgRwPoolOptions::new()
        .replica(&verified)
        .replica(&plain)
        .replica(&untrusted)
        .read_consistency(ReadConsistency::Eventual)
        .replica_check_interval(Duration::from_millis(50))
        .connect(&primary)
        .await
        .unwrap();
    let ssl = "SELECT pg_is_in_recovery(), ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()";
    let on_primary = sqlx::query(ssl).fetch_one(pool.writer()).await.unwrap();
    assert!(!on_primary.get::<bool, _>(0));
    assert!(
        on_primary.get::<bool, _>(1),
        "the primary's connection uses TLS"
    );
    let started = Instant::now();
    while pool.stats().replicas[2].state != "down" {
        assert!(
            started.elapsed() < Duration::from_secs(5),
            "the replica whose certificate cannot be verified left rotation: {:?}",
            pool.stats().replicas
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let before = pool.stats();
    // Reads that reported TLS on a replica, plain on a replica, and on the primary. The pool
    // would run `pg_backend_pid()` (it answers for one connection) on the primary: each read
    // takes a reader connection, chosen as for any read.
    let (mut tls, mut clear, mut primary_reads) = (0u64, 0u64, 0u64);
    for _ in 0..300 {
        let mut conn = pool.acquire_read().await.unwrap();
        let row = sqlx::query(ssl).fetch_one(&mut *conn).await.unwrap();
        match (row.get::<bool, _>(0), row.get::<bool, _>(1)) {
            (true, true) => tls += 1,
            (true, false) => clear += 1,
            (false, true) => primary_reads += 1,
            (false, false) => panic!("a primary connection without TLS"),
        }
    }
    let after = pool.stats();
    let served = |i: usize| after.replicas[i].reads - before.replicas[i].reads;
    eprintln!("TLS: {tls} reads over TLS, {clear} in the clear, {primary_reads} on the primary");
    assert_eq!(tls, served(0), "reads over TLS are the verified replica's");
    assert_eq!(
        clear,
        served(1),
        "reads in the clear are the sslmode=disable replica's"
    );
    assert_eq!(served(2), 0, "none reached the replica it cannot verify");
    assert!(tls >= 100 && clear >= 100, "both replicas served reads");
    let shown = format!("{pool:?} {:?}", pool.stats());
    assert!(!shown.contains("sqlx-rw-test-secret"), "{shown}");
    pool.close().await;
}
