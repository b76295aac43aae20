//! A private MariaDB primary with two GTID replicas for the tests, started through the
//! project's own `scripts/mariadb-cluster` (in a temp dir, on free ports, with a non-SUPER
//! application user that the replicas' `read_only` stops). Where the server binaries are
//! missing the tests skip with a loud message; under `CI=true` they fail instead.

#![allow(dead_code)]

use std::sync::OnceLock;

use sqlx::mysql::MySqlConnectOptions;

// Loaded by both this and the other server's helper where a test binary has both.
#[allow(clippy::duplicate_mod)]
#[path = "cluster.rs"]
mod cluster;
pub use cluster::{unique, Cluster};

const KIND: cluster::Kind = cluster::Kind {
    script: "mariadb-cluster",
    product: "MariaDB",
    binaries: &[
        "/usr/sbin/mariadbd",
        "/usr/bin/mariadbd",
        "/usr/sbin/mysqld",
    ],
    primary_var: "SQLX_RW_MY_PRIMARY",
    replicas_var: "SQLX_RW_MY_REPLICAS",
};

/// The cluster every test of this binary shares (started once, reused across binaries and
/// runs while it stays up). `None` (after a loud message) if MariaDB is not installed.
pub fn shared() -> Option<Cluster> {
    static SHARED: OnceLock<Option<Cluster>> = OnceLock::new();
    SHARED
        .get_or_init(|| {
            let dir = std::env::var("SQLX_RW_MY_DIR")
                .unwrap_or_else(|_| "/tmp/sqlx-rw-mariadb".to_owned());
            cluster::start(&KIND, &dir)
        })
        .clone()
}

/// A cluster of its own in `dir`, for tests that kill, stop or pause its servers.
pub fn own(dir: &str) -> Option<Cluster> {
    cluster::start(&KIND, dir)
}

/// `scripts/mariadb-cluster node NAME ACTION DIR` (start, stop, kill, pause, resume,
/// stop-sql, start-sql, delay-N).
pub fn node(cluster: &Cluster, name: &str, action: &str) {
    cluster::node(&KIND, cluster, name, action)
}

/// Stop a cluster of its own and remove its directory.
pub fn stop(cluster: &Cluster) {
    cluster::stop(&KIND, cluster)
}

/// Root on `node`'s Unix socket (the script's own way in). No TLS: over the socket the
/// server takes none (sqlx would otherwise try, as the server offers it).
pub fn root(cluster: &Cluster, node: &str) -> MySqlConnectOptions {
    MySqlConnectOptions::new()
        .socket(format!("{}/{node}/sock", cluster.dir))
        .username("root")
        .ssl_mode(sqlx::mysql::MySqlSslMode::Disabled)
}

/// A database of its own on `cluster` (made by root, granted to the app user), once every
/// replica has it: connect options for the primary and for each replica on it.
pub async fn fresh_database(
    cluster: &Cluster,
    prefix: &str,
) -> (MySqlConnectOptions, Vec<MySqlConnectOptions>) {
    use sqlx::{ConnectOptions, Connection, Executor};
    let database = unique(prefix);
    let mut admin = root(cluster, "primary").connect().await.unwrap();
    admin
        .execute(sqlx::raw_sql(sqlx::AssertSqlSafe(format!(
            "CREATE DATABASE {database}; GRANT ALL ON {database}.* TO 'sqlx_rw'@'%'"
        ))))
        .await
        .unwrap();
    admin.close().await.unwrap();
    let on = |url: &str| {
        url.parse::<MySqlConnectOptions>()
            .unwrap()
            .database(&database)
    };
    for url in &cluster.replicas {
        let mut tries = 0;
        while on(url).connect().await.is_err() {
            tries += 1;
            assert!(tries < 500, "the new database never reached a replica");
            tokio::time::sleep(std::time::Duration::from_millis(10)).await;
        }
    }
    (
        on(&cluster.primary),
        cluster.replicas.iter().map(|url| on(url)).collect(),
    )
}

/// Wait until every replica has applied everything the primary has written so far.
pub async fn wait_caught_up(cluster: &Cluster) {
    use sqlx::{ConnectOptions, Connection};
    let mut primary = root(cluster, "primary").connect().await.unwrap();
    let position: String = sqlx::query_scalar("SELECT CAST(@@gtid_binlog_pos AS CHAR)")
        .fetch_one(&mut primary)
        .await
        .unwrap();
    primary.close().await.unwrap();
    for replica in ["replica1", "replica2"] {
        let mut conn = root(cluster, replica).connect().await.unwrap();
        let reached: i64 = sqlx::query_scalar("SELECT MASTER_GTID_WAIT(?, 10)")
            .bind(&position)
            .fetch_one(&mut conn)
            .await
            .unwrap();
        assert_eq!(reached, 0, "{replica} caught up with {position}");
        conn.close().await.unwrap();
    }
}

/// The cluster's extra server with no binary log (no GTIDs): its URL.
pub fn single(cluster: &Cluster) -> String {
    cluster::run(&KIND, &["single", "start", &cluster.dir])
        .lines()
        .find_map(|line| line.trim().strip_prefix("export SQLX_RW_MY_SINGLE="))
        .expect("the single server's URL")
        .to_owned()
}
