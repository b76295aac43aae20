//! A private PostgreSQL primary with two streaming standbys for the tests, started through
//! the project's own `scripts/pg-cluster` (as the `postgres` OS user, in a temp dir, on free
//! ports). Where the server binaries are missing the tests skip with a loud message; under
//! `CI=true` they fail instead.

#![allow(dead_code)]

use std::path::PathBuf;
use std::process::Command;
use std::sync::OnceLock;

/// The URLs of a running cluster.
#[derive(Clone, Debug)]
pub struct Cluster {
    pub primary: String,
    pub replicas: Vec<String>,
    pub dir: String,
}

fn script() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("scripts/pg-cluster")
}

/// The cluster every test of this binary shares (started once, reused across binaries and
/// runs while it stays up). `None` (after a loud message) if PostgreSQL is not installed.
pub fn shared() -> Option<Cluster> {
    static SHARED: OnceLock<Option<Cluster>> = OnceLock::new();
    SHARED
        .get_or_init(|| {
            let dir =
                std::env::var("SQLX_RW_PG_DIR").unwrap_or_else(|_| "/tmp/sqlx-rw-pg".to_owned());
            start(&dir)
        })
        .clone()
}

/// A cluster of its own in `dir`, for tests that kill, stop or pause its servers.
pub fn own(dir: &str) -> Option<Cluster> {
    start(dir)
}

fn start(dir: &str) -> Option<Cluster> {
    let output = Command::new("bash")
        .arg(script())
        .arg("start")
        .arg(dir)
        .output();
    let output = match output {
        Ok(output) if output.status.success() => output,
        Ok(output) => return unavailable(&String::from_utf8_lossy(&output.stderr)),
        Err(error) => return unavailable(&error.to_string()),
    };
    let text = String::from_utf8_lossy(&output.stdout);
    let var = |name: &str| {
        text.lines()
            .filter_map(|line| line.trim().strip_prefix("export "))
            .find_map(|line| line.strip_prefix(&format!("{name}=")))
            .map(|value| value.trim_matches('\'').trim_matches('"').to_owned())
    };
    let primary = var("SQLX_RW_PG_PRIMARY").expect("pg-cluster printed the primary URL");
    let replicas = var("SQLX_RW_PG_REPLICAS")
        .expect("pg-cluster printed the replica URLs")
        .split(',')
        .map(str::to_owned)
        .collect();
    Some(Cluster {
        primary,
        replicas,
        dir: dir.to_owned(),
    })
}

fn unavailable(why: &str) -> Option<Cluster> {
    let binaries = ["/usr/lib/postgresql/15/bin/initdb", "/usr/bin/pg_config"]
        .iter()
        .any(|p| std::path::Path::new(p).exists());
    if std::env::var("CI").as_deref() == Ok("true") || binaries {
        panic!("the PostgreSQL test cluster could not start: {why}");
    }
    eprintln!(
        "\n!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n\
         SKIPPED: PostgreSQL is not installed here, so the PostgreSQL tests did not run.\n\
         ({why})\n\
         !!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n"
    );
    None
}

/// `scripts/pg-cluster node NAME ACTION DIR` (start, stop, kill, pause, resume).
pub fn node(cluster: &Cluster, name: &str, action: &str) {
    let status = Command::new("bash")
        .arg(script())
        .args(["node", name, action, &cluster.dir])
        .status()
        .expect("run pg-cluster");
    assert!(status.success(), "pg-cluster node {name} {action} failed");
}

/// Stop a cluster of its own and remove its directory.
pub fn stop(cluster: &Cluster) {
    let _ = Command::new("bash")
        .arg(script())
        .args(["stop", &cluster.dir])
        .status();
}

/// A name no other test of the run uses, for its tables.
pub fn unique(prefix: &str) -> String {
    use std::sync::atomic::{AtomicU32, Ordering};
    static N: AtomicU32 = AtomicU32::new(0);
    format!(
        "{prefix}_{}_{}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    )
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
