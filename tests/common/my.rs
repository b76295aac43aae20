//! A private MariaDB primary with two GTID replicas for the tests, started through the
//! project's own `scripts/mariadb-cluster` (in a temp dir, on free ports, with a non-SUPER
//! application user that the replicas' `read_only` stops). Where the server binaries are
//! missing the tests skip with a loud message; under `CI=true` they fail instead.

#![allow(dead_code)]

use std::path::PathBuf;
use std::process::Command;
use std::sync::OnceLock;

use sqlx::mysql::MySqlConnectOptions;

/// The URLs of a running cluster.
#[derive(Clone, Debug)]
pub struct Cluster {
    pub primary: String,
    pub replicas: Vec<String>,
    pub dir: String,
}

fn script() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("scripts/mariadb-cluster")
}

/// The cluster every test of this binary shares (started once, reused across binaries and
/// runs while it stays up). `None` (after a loud message) if MariaDB is not installed.
pub fn shared() -> Option<Cluster> {
    static SHARED: OnceLock<Option<Cluster>> = OnceLock::new();
    SHARED
        .get_or_init(|| {
            let dir = std::env::var("SQLX_RW_MY_DIR")
                .unwrap_or_else(|_| "/tmp/sqlx-rw-mariadb".to_owned());
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
    Some(Cluster {
        primary: var("SQLX_RW_MY_PRIMARY").expect("mariadb-cluster printed the primary URL"),
        replicas: var("SQLX_RW_MY_REPLICAS")
            .expect("mariadb-cluster printed the replica URLs")
            .split(',')
            .map(str::to_owned)
            .collect(),
        dir: dir.to_owned(),
    })
}

fn unavailable(why: &str) -> Option<Cluster> {
    let binaries = [
        "/usr/sbin/mariadbd",
        "/usr/bin/mariadbd",
        "/usr/sbin/mysqld",
    ]
    .iter()
    .any(|p| std::path::Path::new(p).exists());
    if std::env::var("CI").as_deref() == Ok("true") || binaries {
        panic!("the MariaDB test cluster could not start: {why}");
    }
    eprintln!(
        "\n!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n\
         SKIPPED: MariaDB is not installed here, so the MySQL/MariaDB tests did not run.\n\
         ({why})\n\
         !!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n"
    );
    None
}

/// `scripts/mariadb-cluster node NAME ACTION DIR` (start, stop, kill, pause, resume,
/// stop-sql, start-sql).
pub fn node(cluster: &Cluster, name: &str, action: &str) {
    let status = Command::new("bash")
        .arg(script())
        .args(["node", name, action, &cluster.dir])
        .status()
        .expect("run mariadb-cluster");
    assert!(
        status.success(),
        "mariadb-cluster node {name} {action} failed"
    );
}

/// Stop a cluster of its own and remove its directory.
pub fn stop(cluster: &Cluster) {
    let _ = Command::new("bash")
        .arg(script())
        .args(["stop", &cluster.dir])
        .status();
}

/// A name no other test of the run uses.
pub fn unique(prefix: &str) -> String {
    use std::sync::atomic::{AtomicU32, Ordering};
    static N: AtomicU32 = AtomicU32::new(0);
    format!(
        "{prefix}_{}_{}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    )
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
    let output = Command::new("bash")
        .arg(script())
        .args(["single", "start", &cluster.dir])
        .output()
        .expect("run mariadb-cluster");
    assert!(
        output.status.success(),
        "mariadb-cluster single start: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .find_map(|line| line.trim().strip_prefix("export SQLX_RW_MY_SINGLE="))
        .expect("the single server's URL")
        .to_owned()
}
