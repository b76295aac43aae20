//! Helpers for tests that run child processes (`crash`, `processes`): the test binary runs
//! itself with `--exact child_…`, and the child talks to its parent in whole lines on stdout.

use std::io::Write;
use std::time::Duration;

/// Write whole lines with one write and flush at once: a line either reaches the pipe complete
/// (before a kill) or not at all (pipe writes up to PIPE_BUF bytes are atomic).
pub fn say(lines: &str) {
    let mut out = std::io::stdout().lock();
    out.write_all(lines.as_bytes())
        .and_then(|()| out.flush())
        .expect("child: write stdout");
}

/// `SQLX_RW_TORTURE=10` multiplies the size of the full run (kills, load duration).
pub fn torture_scale() -> u64 {
    std::env::var("SQLX_RW_TORTURE")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1)
}

/// The child's own deadline: it must never outlive its parent test, even if the parent hangs
/// or dies before it can kill it.
pub fn exit_after(limit: Duration) {
    std::thread::spawn(move || {
        std::thread::sleep(limit);
        eprintln!("child: hard time limit of {limit:?} reached; exiting");
        std::process::exit(3);
    });
}
