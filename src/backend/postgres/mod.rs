//! PostgreSQL: a primary and any number of streaming replicas.
//!
//! The writer side is a pool of primary connections (`primary_connections`, default 10):
//! PostgreSQL takes concurrent writers, so the pool's queue in front of it serves that many
//! jobs at once rather than one. Each replica is a reader target with its own pool. The
//! router's grammar is in [`grammar`]; this file holds the facts the pool needs about the
//! server: which errors mean "a standby refused a write" (25006) or "try elsewhere"
//! (recovery conflicts, broken connections), and how to read WAL positions for
//! read-your-writes (`pg_current_wal_insert_lsn()` on the primary after a commit,
//! `pg_last_wal_replay_lsn()` on a replica).

use futures_core::future::BoxFuture;
use sqlx::postgres::{PgConnectOptions, PgConnection};
use sqlx::{Error, Postgres, SqlStr};

use crate::activity::Activity;
use crate::backend::server::ServerSettings;
use crate::backend::{Backend, ErrorClass, ReplicaState, WriterGuard};
use crate::position::Position;
use crate::route::Grammar;

mod grammar;
pub(crate) mod options;
#[cfg(feature = "sea-orm")]
mod sea_orm;

/// PostgreSQL settings of a pool: its replicas and the size of the primary's pool.
pub type PgSettings = ServerSettings<Postgres>;

/// The WAL position (`pg_lsn`) as bytes from the start of the log: what the pool compares.
const LSN_AS_BYTES: &str = "- '0/0'::pg_lsn)::int8";

/// Where the primary's WAL ends now, as a replica will report it once it has replayed every
/// record written so far.
///
/// `pg_current_wal_insert_lsn()` says where the next record goes. When the last record ended
/// exactly at a WAL page boundary, that is past the next page's header (24 bytes, or 40 at
/// the start of a segment), while a replica reports the end of the last record it replayed:
/// the boundary itself. Seen on the reference machine: insert position `0/4016018`, replica
/// at `0/4016000`, and it stays there while nothing more is written. The header is taken
/// off, or an idle primary would leave every replica one header short of the pool's last
/// write: behind for read-your-writes and, in time, out of rotation.
const WRITE_POSITION: &str = "\
    SELECT (l - '0/0'::pg_lsn)::int8 - CASE \
        WHEN o = 40 THEN 40 \
        WHEN o % current_setting('wal_block_size')::int8 = 24 THEN 24 \
        ELSE 0 END \
    FROM (SELECT l, (pg_walfile_name_offset(l)).file_offset AS o \
          FROM (SELECT pg_current_wal_insert_lsn() AS l) AS insert_position) AS w";

impl Backend for Postgres {
    type Settings = PgSettings;

    fn default_settings() -> PgSettings {
        ServerSettings::new()
    }

    fn grammar() -> &'static Grammar {
        &grammar::GRAMMAR
    }

    fn writer_options(_: &PgSettings, base: &PgConnectOptions) -> PgConnectOptions {
        base.clone()
    }

    fn reader_targets(settings: &PgSettings, _: &PgConnectOptions) -> Vec<PgConnectOptions> {
        settings.replicas.clone()
    }

    fn begin_statement(_: &PgSettings) -> Option<SqlStr> {
        None
    }

    fn writer_guard(_: &PgConnectOptions) -> Option<Box<dyn WriterGuard>> {
        None
    }

    fn in_transaction(conn: &mut PgConnection) -> BoxFuture<'_, Result<bool, Error>> {
        Box::pin(async move {
            // Outside a transaction block every statement is its own transaction, which starts
            // with it: the two timestamps are equal. Inside one, `now()` is the BEGIN's. The
            // simple protocol keeps it one statement; a failed transaction refuses it (25P02).
            let probe = sqlx::raw_sql("SELECT now() <> statement_timestamp()");
            match sqlx::Executor::fetch_one(&mut *conn, probe).await {
                Ok(row) => sqlx::Row::try_get::<bool, _>(&row, 0),
                Err(Error::Database(e)) if e.code().as_deref() == Some("25P02") => Ok(true),
                Err(error) => Err(error),
            }
        })
    }

    fn watch_transactions(
        _: &mut PgConnection,
        _: Box<dyn Fn() + Send + Sync>,
        _: Box<dyn Fn() + Send + Sync>,
    ) -> BoxFuture<'_, Result<(), Error>> {
        // PostgreSQL has no commit hook on the client side.
        Box::pin(async { Ok(()) })
    }

    fn watch_statements(
        _: &mut PgConnection,
        _: std::sync::Arc<Activity>,
    ) -> BoxFuture<'_, Result<(), Error>> {
        // With several primary connections a task never waits for one it holds itself, so
        // the pool needs no statement activity.
        Box::pin(async { Ok(()) })
    }

    fn rollback(conn: &mut PgConnection) -> BoxFuture<'_, Result<(), Error>> {
        Box::pin(async move {
            sqlx::Executor::execute(&mut *conn, sqlx::raw_sql("ROLLBACK")).await?;
            Ok(())
        })
    }

    fn classify_error(err: &Error) -> ErrorClass {
        match err {
            Error::Database(e) => match e.code().as_deref() {
                // read_only_sql_transaction: a standby refused a write before doing anything.
                Some("25006") => ErrorClass::ReadOnlyRefusal,
                // A read cancelled by a conflict with recovery, a standby shutting down or not
                // yet accepting connections: another server can run it.
                Some("40001" | "40P01" | "57P01" | "57P02" | "57P03") => ErrorClass::RetryElsewhere,
                Some(code) if code.starts_with("08") => ErrorClass::RetryElsewhere,
                _ => ErrorClass::Other,
            },
            Error::Io(_) | Error::Tls(_) | Error::Protocol(_) => ErrorClass::RetryElsewhere,
            _ => ErrorClass::Other,
        }
    }

    fn busy_message(err: &Error) -> String {
        format!("the primary reported a lock timeout: {err}")
    }

    fn with_session_setting(
        options: PgConnectOptions,
        name: &str,
        value: &str,
    ) -> PgConnectOptions {
        options.options([(name, value)])
    }

    fn readers_can_run(_: &mut PgConnection) -> BoxFuture<'_, Result<bool, Error>> {
        Box::pin(async { Ok(true) })
    }

    fn clone_arguments(arguments: &sqlx::postgres::PgArguments) -> sqlx::postgres::PgArguments {
        arguments.clone()
    }

    fn writer_connections(settings: &PgSettings) -> usize {
        settings.primary_connections
    }

    fn target_name(options: &PgConnectOptions) -> String {
        format!("{}:{}", options.get_host(), options.get_port())
    }

    fn readers_lag() -> bool {
        true
    }

    fn write_position(conn: &mut PgConnection) -> BoxFuture<'_, Result<Option<Position>, Error>> {
        Box::pin(async move {
            let position: Option<i64> = sqlx::query_scalar(WRITE_POSITION)
                .fetch_one(&mut *conn)
                .await?;
            Ok(position.map(|p| Position::scalar(p as u64)))
        })
    }

    fn replayed_position(
        conn: &mut PgConnection,
    ) -> BoxFuture<'_, Result<Option<Position>, Error>> {
        Box::pin(async move {
            let sql = position_query("pg_last_wal_replay_lsn");
            let position: Option<i64> = sqlx::query_scalar(sqlx::AssertSqlSafe(sql))
                .fetch_one(&mut *conn)
                .await?;
            Ok(position.map(|p| Position::scalar(p as u64)))
        })
    }

    fn replica_state(conn: &mut PgConnection) -> BoxFuture<'_, Result<ReplicaState, Error>> {
        Box::pin(async move {
            let sql =
                format!("SELECT pg_is_in_recovery(), (pg_last_wal_replay_lsn() {LSN_AS_BYTES}");
            let (in_recovery, replayed): (bool, Option<i64>) =
                sqlx::query_as(sqlx::AssertSqlSafe(sql))
                    .fetch_one(&mut *conn)
                    .await?;
            Ok(ReplicaState {
                in_recovery,
                replaying: true,
                replayed: replayed.map(|p| Position::scalar(p as u64)),
            })
        })
    }

    fn apply_session_setting<'c>(
        conn: &'c mut PgConnection,
        name: &'c str,
        value: &'c str,
    ) -> BoxFuture<'c, Result<(), Error>> {
        Box::pin(async move {
            sqlx::query("SELECT set_config($1, $2, false)")
                .bind(name)
                .bind(value)
                .execute(&mut *conn)
                .await?;
            Ok(())
        })
    }

    fn one_writer() -> bool {
        false
    }

    fn connection_broken(err: &Error) -> bool {
        match err {
            Error::Database(e) => e
                .code()
                .is_some_and(|code| code.starts_with("08") || code.starts_with("57P0")),
            Error::Io(_) | Error::Tls(_) | Error::Protocol(_) => true,
            _ => false,
        }
    }

    fn session_setting_value<'c>(
        conn: &'c mut PgConnection,
        name: &'c str,
    ) -> BoxFuture<'c, Result<Option<String>, Error>> {
        Box::pin(async move {
            sqlx::query_scalar("SELECT current_setting($1, true)")
                .bind(name)
                .fetch_one(&mut *conn)
                .await
        })
    }

    fn writer_read_only_message(err: &Error) -> Option<String> {
        Some(format!(
            "the primary refused the write as read-only ({err}): the server the primary URL \
             reaches is in recovery or set read-only. After a failover, point the URL at the \
             new primary (a cluster manager's service address, a virtual IP or a DNS name \
             keeps it current); the pool opens new connections from that URL"
        ))
    }

    fn validate(settings: &PgSettings) -> Result<(), Error> {
        settings.validate()
    }
}

/// `SELECT (<lsn function>() - '0/0'::pg_lsn)::int8`.
fn position_query(function: &str) -> String {
    format!("SELECT ({function}() {LSN_AS_BYTES}")
}
