//! MySQL and MariaDB: a primary and any number of replicas, with read-your-writes by GTID.
//!
//! The writer side is a pool of primary connections (`primary_connections`, default 10), as
//! for PostgreSQL. Each replica is a reader target with its own pool. The router's grammar is
//! in [`grammar`]; this file holds the facts the pool needs about the server:
//!
//! - **Refusals.** A replica with `read_only` refuses a write with error 1290 (1792 inside a
//!   read-only transaction), nothing written: the pool runs it again on the primary. A replica
//!   that is shutting down (1053), whose connection was killed (1927) or cut, failed before
//!   it did anything: another server can run the read.
//! - **Positions** ([`gtid`]). MariaDB numbers transactions per replication domain
//!   (`domain-server-sequence`): after a write the pool reads the primary's
//!   `@@gtid_binlog_pos`, and a replica's `@@gtid_slave_pos` tells how far it has applied.
//!   MySQL keeps sets of `uuid:interval` in `@@gtid_executed` on both sides. Either way a
//!   position is a counter per stream (domain, or server UUID), compared by the generic
//!   read-your-writes code stream by stream.
//! - **Replica health**: `@@read_only` off means promoted; `SHOW SLAVE STATUS` with either
//!   replication thread not running means stopped (asked only if the user may: the
//!   `SLAVE MONITOR` / `REPLICATION CLIENT` privilege).

use futures_core::future::BoxFuture;
use sqlx::mysql::{MySqlConnectOptions, MySqlConnection, MySqlDatabaseError};
use sqlx::{Error, MySql, Row, SqlStr};

use crate::activity::Activity;
use crate::backend::server::ServerSettings;
use crate::backend::{Backend, ErrorClass, ReplicaState, WriterGuard};
use crate::position::Position;
use crate::route::Grammar;

mod grammar;
pub(crate) mod gtid;
pub(crate) mod options;

/// MySQL settings of a pool: its replicas and the size of the primary's pool.
pub type MySqlSettings = ServerSettings<MySql>;

/// The server's error number, if `err` is one the server sent.
fn number(err: &Error) -> Option<u16> {
    match err {
        Error::Database(e) => e
            .try_downcast_ref::<MySqlDatabaseError>()
            .map(|e| e.number()),
        _ => None,
    }
}

/// `--read-only` / `--super-read-only` refused the statement.
const READ_ONLY: u16 = 1290;
/// A write inside `START TRANSACTION READ ONLY`.
const READ_ONLY_TRANSACTION: u16 = 1792;
/// Server shutdown in progress; connection killed; too many connections.
const GONE: [u16; 3] = [1053, 1927, 1040];

impl Backend for MySql {
    type Settings = MySqlSettings;

    fn default_settings() -> MySqlSettings {
        ServerSettings::new()
    }

    fn grammar() -> &'static Grammar {
        &grammar::GRAMMAR
    }

    fn writer_options(_: &MySqlSettings, base: &MySqlConnectOptions) -> MySqlConnectOptions {
        base.clone()
    }

    fn reader_targets(
        settings: &MySqlSettings,
        _: &MySqlConnectOptions,
    ) -> Vec<MySqlConnectOptions> {
        settings.replicas.clone()
    }

    fn begin_statement(_: &MySqlSettings) -> Option<SqlStr> {
        None
    }

    fn writer_guard(_: &MySqlConnectOptions) -> Option<Box<dyn WriterGuard>> {
        None
    }

    fn in_transaction(conn: &mut MySqlConnection) -> BoxFuture<'_, Result<bool, Error>> {
        Box::pin(async move {
            // MariaDB reports it; MySQL has no such variable, but lists the connection's open
            // InnoDB transaction (started by its first statement after BEGIN).
            let probe = sqlx::raw_sql("SELECT CAST(@@in_transaction AS SIGNED)");
            match sqlx::Executor::fetch_one(&mut *conn, probe).await {
                Ok(row) => Ok(row.try_get::<i64, _>(0)? != 0),
                Err(error) if number(&error) == Some(UNKNOWN_VARIABLE) => {
                    let probe = sqlx::raw_sql(
                        "SELECT COUNT(*) FROM information_schema.innodb_trx \
                         WHERE trx_mysql_thread_id = CONNECTION_ID()",
                    );
                    let row = sqlx::Executor::fetch_one(&mut *conn, probe).await?;
                    Ok(row.try_get::<i64, _>(0)? != 0)
                }
                Err(error) => Err(error),
            }
        })
    }

    fn watch_transactions(
        _: &mut MySqlConnection,
        _: Box<dyn Fn() + Send + Sync>,
        _: Box<dyn Fn() + Send + Sync>,
    ) -> BoxFuture<'_, Result<(), Error>> {
        // No commit hook on the client side.
        Box::pin(async { Ok(()) })
    }

    fn watch_statements(
        _: &mut MySqlConnection,
        _: std::sync::Arc<Activity>,
    ) -> BoxFuture<'_, Result<(), Error>> {
        // Several primary connections: a task never waits for one it holds itself.
        Box::pin(async { Ok(()) })
    }

    fn rollback(conn: &mut MySqlConnection) -> BoxFuture<'_, Result<(), Error>> {
        Box::pin(async move {
            sqlx::Executor::execute(&mut *conn, sqlx::raw_sql("ROLLBACK")).await?;
            Ok(())
        })
    }

    fn classify_error(err: &Error) -> ErrorClass {
        match number(err) {
            Some(READ_ONLY | READ_ONLY_TRANSACTION) => ErrorClass::ReadOnlyRefusal,
            Some(n) if GONE.contains(&n) => ErrorClass::RetryElsewhere,
            Some(_) => ErrorClass::Other,
            None => match err {
                Error::Io(_) | Error::Tls(_) | Error::Protocol(_) => ErrorClass::RetryElsewhere,
                _ => ErrorClass::Other,
            },
        }
    }

    fn busy_message(err: &Error) -> String {
        format!("the primary reported a lock timeout: {err}")
    }

    fn with_session_setting(
        options: MySqlConnectOptions,
        name: &str,
        value: &str,
    ) -> MySqlConnectOptions {
        match name {
            "time_zone" => options.timezone(Some(value.to_owned())),
            // Set on each new connection instead: see `carries_setting`.
            _ => options,
        }
    }

    fn carries_setting(name: &str) -> bool {
        // The one session variable sqlx's `MySqlConnectOptions` can set at connect.
        name == "time_zone"
    }

    fn readers_can_run(_: &mut MySqlConnection) -> BoxFuture<'_, Result<bool, Error>> {
        Box::pin(async { Ok(true) })
    }

    fn clone_arguments(arguments: &sqlx::mysql::MySqlArguments) -> sqlx::mysql::MySqlArguments {
        arguments.clone()
    }

    fn writer_connections(settings: &MySqlSettings) -> usize {
        settings.primary_connections
    }

    fn target_name(options: &MySqlConnectOptions) -> String {
        format!("{}:{}", options.get_host(), options.get_port())
    }

    fn readers_lag() -> bool {
        true
    }

    fn write_position(
        conn: &mut MySqlConnection,
    ) -> BoxFuture<'_, Result<Option<Position>, Error>> {
        Box::pin(async move {
            // After a commit a server with GTIDs has one at least: none means it keeps none.
            let position = gtid::ask(conn, gtid::Side::Primary).await?;
            Ok((!position.is_origin()).then_some(position))
        })
    }

    fn positions_missing(
        conn: &mut MySqlConnection,
    ) -> BoxFuture<'_, Result<Option<String>, Error>> {
        Box::pin(gtid::missing(conn))
    }

    fn replayed_position(
        conn: &mut MySqlConnection,
    ) -> BoxFuture<'_, Result<Option<Position>, Error>> {
        Box::pin(async move { gtid::ask(conn, gtid::Side::Replica).await.map(Some) })
    }

    fn wait_for_position<'c>(
        conn: &'c mut MySqlConnection,
        position: &'c Position,
        timeout: std::time::Duration,
    ) -> BoxFuture<'c, Result<Option<bool>, Error>> {
        Box::pin(gtid::wait(conn, position, timeout))
    }

    fn replica_state(conn: &mut MySqlConnection) -> BoxFuture<'_, Result<ReplicaState, Error>> {
        Box::pin(async move {
            let read_only: i64 = sqlx::query_scalar("SELECT CAST(@@read_only AS SIGNED)")
                .fetch_one(&mut *conn)
                .await?;
            let replayed = gtid::ask(conn, gtid::Side::Replica).await?;
            let replaying = replication_running(conn).await?;
            Ok(ReplicaState {
                // A replica without read_only would take writes the pool sends it only by
                // mistake; promoted or not, it is not a place for reads that may be healed.
                in_recovery: read_only != 0,
                replaying: replaying.unwrap_or(true),
                replayed: Some(replayed),
            })
        })
    }

    fn apply_session_setting<'c>(
        conn: &'c mut MySqlConnection,
        name: &'c str,
        value: &'c str,
    ) -> BoxFuture<'c, Result<(), Error>> {
        Box::pin(async move {
            // A literal, not a bound value: MySQL refuses a string for a numeric variable.
            let sql = format!("SET SESSION {} = {}", checked_name(name)?, literal(value));
            sqlx::Executor::execute(&mut *conn, sqlx::raw_sql(sqlx::AssertSqlSafe(sql))).await?;
            Ok(())
        })
    }

    fn one_writer() -> bool {
        false
    }

    fn connection_broken(err: &Error) -> bool {
        match number(err) {
            Some(n) => GONE[..2].contains(&n),
            None => matches!(err, Error::Io(_) | Error::Tls(_) | Error::Protocol(_)),
        }
    }

    fn session_setting_value<'c>(
        conn: &'c mut MySqlConnection,
        name: &'c str,
    ) -> BoxFuture<'c, Result<Option<String>, Error>> {
        Box::pin(async move {
            let sql = format!("SELECT CAST(@@SESSION.{} AS CHAR)", checked_name(name)?);
            sqlx::query_scalar(sqlx::AssertSqlSafe(sql))
                .fetch_one(&mut *conn)
                .await
        })
    }

    fn writer_read_only_message(err: &Error) -> Option<String> {
        Some(format!(
            "the primary refused the write as read-only ({err}): the server the primary URL \
             reaches runs with read_only (a replica, or a primary fenced off during a \
             failover). Point the URL at the current primary (a proxy, a virtual IP or a DNS \
             name keeps it current); the pool opens new connections from that URL"
        ))
    }

    fn validate(settings: &MySqlSettings) -> Result<(), Error> {
        settings.validate()
    }
}

/// Unknown system variable: a MySQL server asked for a MariaDB one, or the reverse.
pub(crate) const UNKNOWN_VARIABLE: u16 = 1193;
/// Access denied; you need (at least one of) the … privilege(s).
const NO_PRIVILEGE: u16 = 1227;

/// A syntax error: `SHOW REPLICA STATUS` on a server older than MariaDB 10.5 / MySQL 8.0.22.
const SYNTAX: u16 = 1064;

/// Both replication threads run (`Some(true)`), one does not (`Some(false)`), or the user may
/// not ask (`None`: the monitor judges by positions alone).
async fn replication_running(conn: &mut MySqlConnection) -> Result<Option<bool>, Error> {
    let mut rows = None;
    // MySQL 8.4 knows only the first; servers before MariaDB 10.5 / MySQL 8.0.22 the second.
    for sql in ["SHOW REPLICA STATUS", "SHOW SLAVE STATUS"] {
        match sqlx::Executor::fetch_all(&mut *conn, sqlx::raw_sql(sqlx::AssertSqlSafe(sql))).await {
            Ok(found) => {
                rows = Some(found);
                break;
            }
            Err(error) if number(&error) == Some(SYNTAX) => continue,
            Err(error) if number(&error) == Some(NO_PRIVILEGE) => return Ok(None),
            Err(error) => return Err(error),
        }
    }
    // No row: not configured as a replica at all (it replays nothing).
    let Some(row) = rows.as_ref().and_then(|rows| rows.first()) else {
        return Ok(Some(false));
    };
    let running = |thread: &str| {
        ["Slave", "Replica"].iter().any(|prefix| {
            let column = format!("{prefix}_{thread}_Running");
            let text = row.try_get::<String, _>(column.as_str()).or_else(|_| {
                row.try_get::<Vec<u8>, _>(column.as_str())
                    .map(|b| String::from_utf8_lossy(&b).into_owned())
            });
            text.is_ok_and(|state| state.eq_ignore_ascii_case("yes"))
        })
    };
    Ok(Some(running("IO") && running("SQL")))
}

/// `value` as a literal for `SET`: a number as it is, anything else a quoted string (with
/// quotes and backslashes escaped, as MySQL reads them by default).
fn literal(value: &str) -> String {
    let number = !value.is_empty()
        && value.parse::<f64>().is_ok()
        && value
            .bytes()
            .all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'-' | b'+' | b'e' | b'E'));
    if number {
        value.to_owned()
    } else {
        format!("'{}'", value.replace('\\', "\\\\").replace('\'', "''"))
    }
}

/// `name` if it is a plain variable name (letters, digits, `_`), which the grammar only ever
/// passes; anything else would be spliced into SQL.
fn checked_name(name: &str) -> Result<&str, Error> {
    if !name.is_empty() && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_') {
        Ok(name)
    } else {
        Err(Error::Configuration(
            format!("`{name}` is not a MySQL session variable name").into(),
        ))
    }
}
