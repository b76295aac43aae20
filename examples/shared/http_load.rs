//! A load for the example services: keep-alive HTTP/1.1 clients over loopback, each signing
//! users up (`POST /signup/{email}`, answering the new id), signing them in
//! (`POST /signin/{email}`) and reading their profiles (`GET /profile/{id}`). Written by hand
//! on a TCP stream so the load needs no HTTP client crate; it counts statuses, sorts 500s by
//! their body and keeps every latency.

#![allow(dead_code)]

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use axum::Router;
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;

/// `--clients N --seconds S` from the command line (defaults 32 and 5), or the usage and exit 2.
pub fn args(example: &str) -> (usize, Duration) {
    let usage = format!(
        "usage: cargo run --release --example {example} -- [--clients N] [--seconds S]\n  \
         --clients N   concurrent HTTP clients (default 32)\n  \
         --seconds S   how long each pool is driven, fractions allowed (default 5)"
    );
    let (mut clients, mut seconds) = (32usize, 5.0f64);
    let mut it = std::env::args().skip(1);
    let fail = |error: String| -> ! {
        eprintln!("{error}\n{usage}");
        std::process::exit(2)
    };
    while let Some(arg) = it.next() {
        let Some(value) = it.next() else {
            fail(format!("{arg} needs a value"))
        };
        match arg.as_str() {
            "--clients" => match value.parse() {
                Ok(n) if n > 0 => clients = n,
                _ => fail(format!("--clients: not a positive number: {value}")),
            },
            "--seconds" => match value.parse() {
                Ok(s) if s > 0.0 => seconds = s,
                _ => fail(format!("--seconds: not a positive number: {value}")),
            },
            _ => fail(format!("unknown argument {arg}")),
        }
    }
    (clients, Duration::from_secs_f64(seconds))
}

/// The header of the table that [`Load::row`] fills.
pub const TABLE_HEAD: &str =
    "| pool | requests/s | HTTP 500s | p50 | p99 | 500s by cause |\n|---|---|---|---|---|---|";

/// Serve `app` on a free loopback port until the returned handle is aborted.
pub async fn serve(app: Router) -> (SocketAddr, tokio::task::JoinHandle<()>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let server = tokio::spawn(async move {
        axum::serve(listener, app).await.unwrap();
    });
    (addr, server)
}

/// What a load saw.
#[derive(Debug, Default)]
pub struct Load {
    pub requests: u64,
    pub ok: u64,
    /// Sign-ups answered 200: users that must be in the database.
    pub signed_up: u64,
    /// Profile reads answered 200 (each is two reads outside a transaction).
    pub profiles: u64,
    /// HTTP 500s, by the error in their body (first 100 characters).
    pub errors: std::collections::BTreeMap<String, u64>,
    /// Other statuses than 200 and 500 (there should be none).
    pub other: u64,
    pub elapsed: Duration,
    pub latencies: Vec<Duration>,
}

impl Load {
    pub fn server_errors(&self) -> u64 {
        self.errors.values().sum()
    }

    pub fn per_second(&self) -> f64 {
        self.requests as f64 / self.elapsed.as_secs_f64()
    }

    pub fn percentile(&mut self, p: f64) -> Duration {
        self.latencies.sort();
        let i = ((self.latencies.len() as f64 * p) as usize).min(self.latencies.len() - 1);
        self.latencies[i]
    }

    /// This load as a row of the table under [`TABLE_HEAD`].
    pub fn row(&mut self, pool: &str) -> String {
        let errors = self.server_errors();
        let causes = if self.errors.is_empty() {
            "-".to_owned()
        } else {
            self.errors
                .iter()
                .map(|(cause, n)| format!("{n} × {cause}"))
                .collect::<Vec<_>>()
                .join("; ")
        };
        format!(
            "| {pool} | {:.0} | {errors} ({:.2} %) | {:.2} ms | {:.2} ms | {causes} |",
            self.per_second(),
            errors as f64 * 100.0 / self.requests.max(1) as f64,
            self.percentile(0.5).as_secs_f64() * 1000.0,
            self.percentile(0.99).as_secs_f64() * 1000.0,
        )
    }
}

/// `clients` keep-alive HTTP/1.1 clients, each signing up users of its own, signing them in
/// and reading their profiles, for `length`.
pub async fn drive(addr: SocketAddr, clients: usize, length: Duration) -> Load {
    let started = Instant::now();
    let tasks: Vec<_> = (0..clients)
        .map(|client| tokio::spawn(client_loop(addr, client, started + length)))
        .collect();
    let mut load = Load::default();
    for task in tasks {
        let one = task.await.unwrap();
        load.requests += one.requests;
        load.ok += one.ok;
        load.signed_up += one.signed_up;
        load.profiles += one.profiles;
        load.other += one.other;
        for (cause, n) in one.errors {
            *load.errors.entry(cause).or_default() += n;
        }
        load.latencies.extend(one.latencies);
    }
    load.elapsed = started.elapsed();
    load
}

async fn client_loop(addr: SocketAddr, client: usize, until: Instant) -> Load {
    let stream = TcpStream::connect(addr).await.unwrap();
    stream.set_nodelay(true).unwrap();
    let (read, mut write) = stream.into_split();
    let mut read = BufReader::new(read);
    let mut load = Load::default();
    let mut users: Vec<(String, i64)> = Vec::new();
    let mut step = 0u64;
    while Instant::now() < until {
        step += 1;
        // One sign-up in five, then sign-ins and profile reads of the client's own users.
        let (method, path, signup) = match (step % 5, users.len()) {
            (0, _) | (_, 0) => {
                let email = format!("c{client}-u{step}@example.com");
                ("POST", format!("/signup/{email}"), Some(email))
            }
            (1 | 2, n) => (
                "POST",
                format!("/signin/{}", users[step as usize % n].0),
                None,
            ),
            (_, n) => (
                "GET",
                format!("/profile/{}", users[step as usize % n].1),
                None,
            ),
        };
        let sent = Instant::now();
        let request =
            format!("{method} {path} HTTP/1.1\r\nHost: load\r\nContent-Length: 0\r\n\r\n");
        write.write_all(request.as_bytes()).await.unwrap();
        let (status, body) = response(&mut read).await;
        load.latencies.push(sent.elapsed());
        load.requests += 1;
        match status {
            200 => {
                load.ok += 1;
                load.profiles += u64::from(method == "GET");
                if let Some(email) = signup {
                    load.signed_up += 1;
                    users.push((email, body.trim().parse().unwrap()));
                }
            }
            500 => {
                *load
                    .errors
                    .entry(body.chars().take(100).collect())
                    .or_default() += 1
            }
            _ => load.other += 1,
        }
    }
    load
}

/// One response: its status and body (axum sends a Content-Length).
async fn response(read: &mut BufReader<tokio::net::tcp::OwnedReadHalf>) -> (u16, String) {
    let mut line = String::new();
    read.read_line(&mut line).await.unwrap();
    let status: u16 = line.split(' ').nth(1).and_then(|s| s.parse().ok()).unwrap();
    let mut length = 0;
    loop {
        line.clear();
        read.read_line(&mut line).await.unwrap();
        if line == "\r\n" {
            break;
        }
        if let Some((name, value)) = line.split_once(':') {
            if name.eq_ignore_ascii_case("content-length") {
                length = value.trim().parse().unwrap();
            }
        }
    }
    let mut body = vec![0; length];
    read.read_exact(&mut body).await.unwrap();
    (status, String::from_utf8_lossy(&body).into_owned())
}
