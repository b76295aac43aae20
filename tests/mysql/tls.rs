//! Each target connects with the TLS settings of its own URL: the cluster serves TLS with a
//! certificate for 127.0.0.1 signed by a test CA (`scripts/mariadb-cluster`), and the primary
//! and each replica are given different `ssl-mode`s and root certificates.

use std::time::{Duration, Instant};

use sqlx::Row;
use sqlx_rw::{MySqlRwPoolOptions, ReadConsistency};

use super::my;

/// `url` (which says `ssl-mode=disabled`) with TLS in `mode`, verified against `root` from the
/// cluster's `tls/` folder.
fn with_tls(cluster: &my::Cluster, url: &str, mode: &str, root: &str) -> String {
    assert!(url.contains("ssl-mode=disabled"), "{url}");
    url.replace(
        "ssl-mode=disabled",
        &format!("ssl-mode={mode}&ssl-ca={}/tls/{root}", cluster.dir),
    )
}

/// On the connection it runs on: whether it is a replica, and the TLS version ('' in the
/// clear).
const TLS: &str = "SELECT CAST(@@read_only AS SIGNED), \
     (SELECT VARIABLE_VALUE FROM information_schema.SESSION_STATUS \
      WHERE VARIABLE_NAME = 'SSL_VERSION')";

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn each_target_connects_with_the_tls_settings_of_its_own_url() {
    let Some(cluster) = my::shared() else {
        return;
    };
    let verified = with_tls(&cluster, &cluster.replicas[0], "verify_identity", "ca.crt");
    let plain = cluster.replicas[1].clone();
    // The same server as the first, but trusting an unrelated CA: it can never connect.
    let untrusted = with_tls(&cluster, &cluster.replicas[0], "verify_ca", "other-ca.crt");
    let primary = with_tls(&cluster, &cluster.primary, "verify_ca", "ca.crt");
    let pool = MySqlRwPoolOptions::new()
        .replica(&verified)
        .replica(&plain)
        .replica(&untrusted)
        .read_consistency(ReadConsistency::Eventual)
        .replica_check_interval(Duration::from_millis(50))
        .connect(&primary)
        .await
        .unwrap();
    let mut writer = pool.acquire().await.unwrap();
    let on_primary = sqlx::query(TLS).fetch_one(&mut *writer).await.unwrap();
    drop(writer);
    assert_eq!(on_primary.get::<i64, _>(0), 0);
    assert!(
        on_primary.get::<String, _>(1).starts_with("TLS"),
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
    // Each read takes a reader connection, chosen as for any read; the statement runs on it
    // directly (through the pool, `@@read_only` would go to the primary).
    let (mut tls, mut clear, mut primary_reads) = (0u64, 0u64, 0u64);
    for _ in 0..300 {
        let mut conn = pool.acquire_read().await.unwrap();
        let row = sqlx::query(TLS).fetch_one(&mut *conn).await.unwrap();
        let encrypted = row.get::<String, _>(1).starts_with("TLS");
        match (row.get::<i64, _>(0) == 1, encrypted) {
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
        "reads in the clear are the ssl-mode=disabled replica's"
    );
    assert_eq!(served(2), 0, "none reached the replica it cannot verify");
    assert!(tls >= 100 && clear >= 100, "both replicas served reads");
    let shown = format!("{pool:?} {:?}", pool.stats());
    assert!(!shown.contains("sqlx-rw-test-secret"), "{shown}");
    pool.close().await;
}
