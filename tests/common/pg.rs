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
