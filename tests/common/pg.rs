//! A private PostgreSQL primary with two streaming standbys for the tests, started through
//! the project's own `scripts/pg-cluster` (as the `postgres` OS user, in a temp dir, on free
//! ports). Where the server binaries are missing the tests skip with a loud message; under
//! `CI=true` they fail instead.

#![allow(dead_code)]

use std::sync::OnceLock;

// Loaded by both this and the other server's helper where a test binary has both.
#[allow(clippy::duplicate_mod)]
#[path = "cluster.rs"]
mod cluster;
pub use cluster::{unique, Cluster};

const KIND: cluster::Kind = cluster::Kind {
    script: "pg-cluster",
    product: "PostgreSQL",
    binaries: &["/usr/lib/postgresql/15/bin/initdb", "/usr/bin/pg_config"],
    primary_var: "SQLX_RW_PG_PRIMARY",
    replicas_var: "SQLX_RW_PG_REPLICAS",
};

/// The cluster every test of this binary shares (started once, reused across binaries and
/// runs while it stays up). `None` (after a loud message) if PostgreSQL is not installed.
pub fn shared() -> Option<Cluster> {
    static SHARED: OnceLock<Option<Cluster>> = OnceLock::new();
    SHARED
        .get_or_init(|| {
            let dir =
                std::env::var("SQLX_RW_PG_DIR").unwrap_or_else(|_| "/tmp/sqlx-rw-pg".to_owned());
            cluster::start(&KIND, &dir)
        })
        .clone()
}

/// A cluster of its own in `dir`, for tests that kill, stop or pause its servers.
pub fn own(dir: &str) -> Option<Cluster> {
    cluster::start(&KIND, dir)
}

/// `scripts/pg-cluster node NAME ACTION DIR` (start, stop, kill, pause, resume).
pub fn node(cluster: &Cluster, name: &str, action: &str) {
    cluster::node(&KIND, cluster, name, action)
}

/// Stop a cluster of its own and remove its directory.
pub fn stop(cluster: &Cluster) {
    cluster::stop(&KIND, cluster)
}

/// A database of its own on `cluster`, owned by the app role (created by the superuser over
/// the cluster's socket), once every replica has it too: connect options for the primary and
/// for each replica on it.
pub async fn fresh_database(
    cluster: &Cluster,
    prefix: &str,
) -> (
    sqlx::postgres::PgConnectOptions,
    Vec<sqlx::postgres::PgConnectOptions>,
) {
    use sqlx::postgres::PgConnectOptions;
    use sqlx::{ConnectOptions, Connection, Executor};
    let primary: PgConnectOptions = cluster.primary.parse().unwrap();
    let database = unique(prefix);
    let mut admin = PgConnectOptions::new()
        .socket(&cluster.dir)
        .port(primary.get_port())
        .username("postgres")
        .database("postgres")
        .connect()
        .await
        .unwrap();
    admin
        .execute(sqlx::AssertSqlSafe(format!(
            "CREATE DATABASE {database} OWNER sqlx_rw"
        )))
        .await
        .unwrap();
    admin.close().await.unwrap();
    let on = |url: &str| url.parse::<PgConnectOptions>().unwrap().database(&database);
    // The new database reaches the standbys by replication too.
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
