//! A private test cluster (a primary and two replicas) started through one of the project's
//! scripts (`scripts/pg-cluster`, `scripts/mariadb-cluster`), which print the URLs as `export`
//! lines. Where the server binaries are missing the tests skip with a loud message; under
//! `CI=true`, or with the binaries present, a cluster that will not start fails them.

#![allow(dead_code)]

use std::path::PathBuf;
use std::process::Command;

/// One kind of cluster: its script and what it prints.
pub struct Kind {
    /// The script under `scripts/`.
    pub script: &'static str,
    /// The server's name, for the skip message.
    pub product: &'static str,
    /// Paths whose presence says the server is installed.
    pub binaries: &'static [&'static str],
    /// The printed variables with the primary's URL and the replicas' (comma-separated).
    pub primary_var: &'static str,
    pub replicas_var: &'static str,
}

/// The URLs of a running cluster.
#[derive(Clone, Debug)]
pub struct Cluster {
    pub primary: String,
    pub replicas: Vec<String>,
    pub dir: String,
}

fn script(kind: &Kind) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("scripts")
        .join(kind.script)
}

/// `script start dir`: a healthy cluster there is reused, anything else recreated.
pub fn start(kind: &Kind, dir: &str) -> Option<Cluster> {
    let output = Command::new("bash")
        .arg(script(kind))
        .arg("start")
        .arg(dir)
        .output();
    let output = match output {
        Ok(output) if output.status.success() => output,
        Ok(output) => return unavailable(kind, &String::from_utf8_lossy(&output.stderr)),
        Err(error) => return unavailable(kind, &error.to_string()),
    };
    let text = String::from_utf8_lossy(&output.stdout);
    let var = |name: &str| {
        text.lines()
            .filter_map(|line| line.trim().strip_prefix("export "))
            .find_map(|line| line.strip_prefix(&format!("{name}=")))
            .map(|value| value.trim_matches('\'').trim_matches('"').to_owned())
    };
    Some(Cluster {
        primary: var(kind.primary_var).expect("the script printed the primary URL"),
        replicas: var(kind.replicas_var)
            .expect("the script printed the replica URLs")
            .split(',')
            .map(str::to_owned)
            .collect(),
        dir: dir.to_owned(),
    })
}

fn unavailable(kind: &Kind, why: &str) -> Option<Cluster> {
    let installed = kind
        .binaries
        .iter()
        .any(|p| std::path::Path::new(p).exists());
    if std::env::var("CI").as_deref() == Ok("true") || installed {
        panic!("the {} test cluster could not start: {why}", kind.product);
    }
    eprintln!(
        "\n!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n\
         SKIPPED: {product} is not installed here, so the {product} tests did not run.\n\
         ({why})\n\
         !!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n",
        product = kind.product
    );
    None
}

/// `script node NAME ACTION DIR`.
pub fn node(kind: &Kind, cluster: &Cluster, name: &str, action: &str) {
    let status = Command::new("bash")
        .arg(script(kind))
        .args(["node", name, action, &cluster.dir])
        .status()
        .expect("run the cluster script");
    assert!(
        status.success(),
        "{} node {name} {action} failed",
        kind.script
    );
}

/// `script stop DIR`: stop every node and remove the directory.
pub fn stop(kind: &Kind, cluster: &Cluster) {
    let _ = Command::new("bash")
        .arg(script(kind))
        .args(["stop", &cluster.dir])
        .status();
}

/// `script ARGS…`, its standard output.
pub fn run(kind: &Kind, args: &[&str]) -> String {
    let output = Command::new("bash")
        .arg(script(kind))
        .args(args)
        .output()
        .expect("run the cluster script");
    assert!(
        output.status.success(),
        "{} {args:?}: {}",
        kind.script,
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// A name no other test of the run uses, for its tables and databases.
pub fn unique(prefix: &str) -> String {
    use std::sync::atomic::{AtomicU32, Ordering};
    static N: AtomicU32 = AtomicU32::new(0);
    format!(
        "{prefix}_{}_{}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    )
}
