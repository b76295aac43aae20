//! A drop-in sqlx pool for SQLite with one writer and read-only readers.
//!
//! SQLite allows many readers but one writer. A plain `SqlitePool` of many connections lets
//! concurrent writers collide: `database is locked`, retry storms, deferred transactions that
//! fail as soon as they try to write. [`RwPool`] routes every statement by its SQL: reads go to
//! a pool of read-only connections, and everything else (writes, schema changes, transactions,
//! anything it cannot prove is a read) goes to a single writer connection, reached through a
//! fair FIFO queue. SQLite never sees two writers from this process, so nothing waits in
//! SQLite's busy handler or fails with `SQLITE_BUSY`.
//!
//! Query code does not change: `&RwPool` implements sqlx's [`Executor`](sqlx::Executor) and
//! [`Acquire`](sqlx::Acquire).
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), sqlx::Error> {
//! use sqlx_rw::SqliteRwPool;
//!
//! let pool = SqliteRwPool::connect("sqlite::memory:").await?;
//! sqlx::query("CREATE TABLE counter (n INTEGER)").execute(&pool).await?;
//! sqlx::query("INSERT INTO counter VALUES (0)").execute(&pool).await?;
//!
//! // A raw transaction through the pool stays on the writer, for this task only.
//! sqlx::query("BEGIN").execute(&pool).await?; // runs as BEGIN IMMEDIATE
//! sqlx::query("UPDATE counter SET n = n + 1").execute(&pool).await?;
//! sqlx::query("COMMIT").execute(&pool).await?;
//!
//! assert!(pool.route_of("SELECT n FROM counter").is_reader());
//! assert!(pool.route_of("WITH x AS (SELECT 1) DELETE FROM counter").is_writer());
//! let n: i64 = sqlx::query_scalar("SELECT n FROM counter").fetch_one(&pool).await?;
//! assert_eq!(n, 1);
//! # Ok(()) }
//! ```
//!
//! # In-memory databases
//!
//! An in-memory SQLite database exists inside one connection, so for `sqlite::memory:` (and
//! `mode=memory`) the pool opens only the writer and runs every statement, reads included, on
//! it, in queue order. Everything the pool writes is visible to every later read. Reads do not
//! run in parallel, which suits the test suites in-memory databases are used for.
//!
//! # Servers with replicas
//!
//! The same pool routes between a primary and replicas for PostgreSQL (`PgRwPool`, feature
//! `postgres`, `docs/postgres.md`) and MySQL/MariaDB (`MySqlRwPool`, feature `mysql`,
//! `docs/mysql.md`), with read-your-writes by the server's own positions (WAL, GTIDs).
//!
//! See `docs/design.md` for the architecture and `docs/routing.md` for the routing table.

#![warn(missing_docs)]

#[cfg(not(any(feature = "sqlite", feature = "postgres", feature = "mysql")))]
compile_error!("sqlx-rw needs a backend: enable the `sqlite`, `postgres` or `mysql` feature");

mod activity;
mod backend;
mod compat;
mod error;
mod executor;
#[cfg(feature = "metrics")]
mod export;
mod freshness;
mod occupancy;
mod options;
mod owner;
mod pool;
mod position;
mod readers;
mod route;
#[cfg(feature = "sea-orm")]
pub mod sea_orm;
mod statement;
mod stats;
mod txn;
mod upkeep;
mod writer;

pub use activity::Activity;
#[cfg(feature = "mysql")]
pub use backend::mysql::options::{MySqlRwPool, MySqlRwPoolOptions};
#[cfg(feature = "mysql")]
pub use backend::mysql::MySqlSettings;
#[cfg(feature = "postgres")]
pub use backend::postgres::options::{PgRwPool, PgRwPoolOptions};
#[cfg(feature = "postgres")]
pub use backend::postgres::PgSettings;
#[cfg(any(feature = "postgres", feature = "mysql"))]
pub use backend::server::ServerSettings;
#[cfg(feature = "sqlite")]
pub use backend::sqlite::options::{SqliteRwPool, SqliteRwPoolOptions};
#[cfg(feature = "sqlite")]
pub use backend::sqlite::{SqliteSettings, SqliteTransactionMode};
pub use backend::{Backend, ConnectOptionsOf, ErrorClass, ReplicaState, WriterGuard};
pub use error::{RwErrorKind, RwPoolError};
pub use freshness::{InvalidWriteToken, ReadConsistency, WriteToken};
pub use options::RwPoolOptions;
pub use pool::RwPool;
pub use position::Position;
pub use readers::ReadHold;
pub use route::{words, Grammar, Reason, Route, SettingAccess, SettingUse, Target, Words};
pub use stats::{Latency, ReplicaStats, Stats, WalStats};
pub use upkeep::{Upkeep, UpkeepAccess, UpkeepTurn};
