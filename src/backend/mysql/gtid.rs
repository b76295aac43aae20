//! GTID positions: where the primary's history is after a write, and how far a replica has
//! applied it, as [`Position`]s (one counter per stream) the generic code compares.
//!
//! **MariaDB** names a transaction `domain-server-sequence`. Sequence numbers rise within a
//! domain whichever server wrote (a failover continues the count), and domains are
//! independent histories: a position is the highest sequence per domain. The primary's
//! `@@gtid_binlog_pos` holds the last GTID of every domain in its binary log (this write's
//! included, once it committed); a replica's `@@gtid_slave_pos` the last it applied.
//!
//! **MySQL** keeps the *set* of transactions applied, `uuid:1-5:7-9,…` in `@@gtid_executed`,
//! on primary and replica alike. A stream is a source server's UUID, and its counter the
//! highest `n` such that every transaction `1..=n` is in the set: a transaction past a gap
//! (applied out of order by parallel workers) counts only once the gap is filled, so a
//! replica is never taken to have applied what it has not. Tagged GTIDs (MySQL 8.3,
//! `uuid:tag:1-5`) are streams of their own.

use std::sync::atomic::{AtomicBool, Ordering};

use sqlx::mysql::MySqlConnection;
use sqlx::Error;

use super::{number, UNKNOWN_VARIABLE};
use crate::position::Position;

/// Which side's position to read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Side {
    /// Everything committed on the primary so far.
    Primary,
    /// Everything a replica has applied.
    Replica,
}

/// Servers asked so far were MySQL (not MariaDB): ask MySQL's variable first. A wrong guess
/// costs one failed query, then the guess flips.
static MYSQL: AtomicBool = AtomicBool::new(false);

/// The position of `side` on `conn`.
pub(crate) async fn ask(conn: &mut MySqlConnection, side: Side) -> Result<Position, Error> {
    let mysql = MYSQL.load(Ordering::Relaxed);
    match read(conn, side, mysql).await {
        Err(error) if number(&error) == Some(UNKNOWN_VARIABLE) => {
            MYSQL.store(!mysql, Ordering::Relaxed);
            read(conn, side, !mysql).await
        }
        other => other,
    }
}

async fn read(conn: &mut MySqlConnection, side: Side, mysql: bool) -> Result<Position, Error> {
    let sql = match (mysql, side) {
        (true, _) => "SELECT CAST(@@GLOBAL.gtid_executed AS CHAR)",
        (false, Side::Primary) => "SELECT CAST(@@gtid_binlog_pos AS CHAR)",
        (false, Side::Replica) => "SELECT CAST(@@gtid_slave_pos AS CHAR)",
    };
    let text: Option<String> = sqlx::query_scalar(sql).fetch_one(&mut *conn).await?;
    let text = text.unwrap_or_default();
    let parsed = if mysql {
        parse_mysql(&text)
    } else {
        parse_mariadb(&text)
    };
    parsed.ok_or_else(|| {
        Error::Protocol(format!(
            "the server reported a GTID position sqlx-rw cannot read: {text:?}"
        ))
    })
}

/// Why the primary behind `conn` keeps no GTIDs, if it keeps none: MySQL with `gtid_mode`
/// not `ON`, or MariaDB with its binary log off.
pub(crate) async fn missing(conn: &mut MySqlConnection) -> Result<Option<String>, Error> {
    let mode = sqlx::query_scalar::<_, Option<String>>("SELECT CAST(@@gtid_mode AS CHAR)")
        .fetch_one(&mut *conn)
        .await;
    match mode {
        Ok(mode) => {
            MYSQL.store(true, Ordering::Relaxed);
            let mode = mode.unwrap_or_default();
            Ok((!mode.eq_ignore_ascii_case("on"))
                .then(|| format!("the primary runs with gtid_mode={mode}")))
        }
        // MariaDB: GTIDs are always on where there is a binary log to replicate from.
        Err(error) if number(&error) == Some(UNKNOWN_VARIABLE) => {
            MYSQL.store(false, Ordering::Relaxed);
            let log_bin: i64 = sqlx::query_scalar("SELECT CAST(@@log_bin AS SIGNED)")
                .fetch_one(&mut *conn)
                .await?;
            Ok((log_bin == 0).then(|| "the primary's binary log is off (no GTIDs)".to_owned()))
        }
        Err(error) => Err(error),
    }
}

/// Wait on a MariaDB replica until it has applied `position`, at most `timeout`:
/// `MASTER_GTID_WAIT`, which compares sequence numbers per domain (the server id in the text
/// is not compared). `None` on MySQL, whose streams (tags hashed in) cannot always be written
/// back as a GTID set: the pool asks for the position again instead.
pub(crate) async fn wait(
    conn: &mut MySqlConnection,
    position: &Position,
    timeout: std::time::Duration,
) -> Result<Option<bool>, Error> {
    if MYSQL.load(Ordering::Relaxed) {
        return Ok(None);
    }
    let Some(text) = mariadb_text(position) else {
        return Ok(None);
    };
    let reached: Option<i64> = sqlx::query_scalar("SELECT MASTER_GTID_WAIT(?, ?)")
        .bind(text)
        .bind(timeout.as_secs_f64())
        .fetch_one(&mut *conn)
        .await?;
    Ok(Some(reached == Some(0)))
}

/// `position` as a MariaDB GTID position (`domain-0-sequence,…`), if every stream is a domain.
fn mariadb_text(position: &Position) -> Option<String> {
    let parts: Option<Vec<String>> = position
        .streams()
        .iter()
        .map(|&(domain, sequence)| {
            let domain = u32::try_from(domain).ok()?;
            Some(format!("{domain}-0-{sequence}"))
        })
        .collect();
    Some(parts?.join(","))
}

/// `domain-server-sequence[,…]` (empty: nothing yet) as the highest sequence per domain.
pub(crate) fn parse_mariadb(text: &str) -> Option<Position> {
    let mut streams = Vec::new();
    for gtid in text.split(',').map(str::trim).filter(|g| !g.is_empty()) {
        let mut parts = gtid.split('-');
        let domain: u32 = parts.next()?.parse().ok()?;
        let _server: u32 = parts.next()?.parse().ok()?;
        let sequence: u64 = parts.next()?.parse().ok()?;
        if parts.next().is_some() {
            return None;
        }
        streams.push((u128::from(domain), sequence));
    }
    Some(Position::from_streams(streams))
}

/// `uuid:interval[:interval…][,…]` (with `tag:` before a tag's intervals, MySQL 8.3) as, per
/// stream, the end of the interval that starts at 1.
pub(crate) fn parse_mysql(text: &str) -> Option<Position> {
    let mut streams = Vec::new();
    for set in text.split(',').map(str::trim).filter(|s| !s.is_empty()) {
        let mut parts = set.split(':');
        let uuid = u128::from_str_radix(&parts.next()?.replace('-', ""), 16).ok()?;
        let mut stream = uuid;
        // The end of the run from 1, and whether a gap has ended it.
        let (mut contiguous, mut gap) = (0u64, false);
        for part in parts.map(str::trim) {
            if part.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_') {
                // A tag: the intervals after it are a stream of their own.
                streams.push((stream, contiguous));
                stream = uuid ^ (u128::from(fnv1a(part)) << 64);
                (contiguous, gap) = (0, false);
                continue;
            }
            let (start, end) = match part.split_once('-') {
                Some((a, b)) => (a.parse::<u64>().ok()?, b.parse::<u64>().ok()?),
                None => {
                    let n = part.parse::<u64>().ok()?;
                    (n, n)
                }
            };
            // Intervals come sorted and merged: only one that continues 1..=n extends it.
            if !gap && start <= contiguous.saturating_add(1) {
                contiguous = contiguous.max(end);
            } else {
                gap = true;
            }
        }
        streams.push((stream, contiguous));
    }
    Some(Position::from_streams(streams))
}

/// A tag's stream: stable across processes (tokens travel between them).
fn fnv1a(text: &str) -> u64 {
    text.to_ascii_lowercase()
        .bytes()
        .fold(0xcbf2_9ce4_8422_2325, |hash, b| {
            (hash ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mariadb_positions_are_the_highest_sequence_per_domain() {
        assert_eq!(parse_mariadb(""), Some(Position::ORIGIN));
        assert_eq!(
            mariadb_text(&parse_mariadb("0-1-8,3-2-5").unwrap()).as_deref(),
            Some("0-0-8,3-0-5")
        );
        assert_eq!(parse_mariadb("0-1-8"), Some(Position::scalar(8)));
        let two = parse_mariadb("0-1-8,3-2-5").unwrap();
        assert_eq!(two.streams(), &[(0, 8), (3, 5)]);
        // Another server in the same domain continues its count (a failover).
        assert!(parse_mariadb("0-2-9").unwrap().covers(&Position::scalar(8)));
        assert!(!parse_mariadb("0-1-9").unwrap().covers(&two));
        for bad in ["0-1", "x-1-2", "0-1-2-3", "0-1-y"] {
            assert_eq!(parse_mariadb(bad), None, "{bad}");
        }
    }

    #[test]
    fn mysql_positions_count_only_what_follows_without_a_gap() {
        let uuid = "3e11fa47-71ca-11e1-9e33-c80aa9429562";
        let id = 0x3e11fa4771ca11e19e33c80aa9429562_u128;
        assert_eq!(parse_mysql(""), Some(Position::ORIGIN));
        assert_eq!(
            parse_mysql(&format!("{uuid}:1-5")).unwrap().streams(),
            &[(id, 5)]
        );
        // A gap: 7-9 are applied, 6 is not yet.
        assert_eq!(
            parse_mysql(&format!("{uuid}:1-5:7-9")).unwrap().streams(),
            &[(id, 5)]
        );
        assert_eq!(
            parse_mysql(&format!("{uuid}:2-5")).unwrap(),
            Position::ORIGIN
        );
        let other = "00000000-0000-0000-0000-000000000001";
        let two = parse_mysql(&format!("{uuid}:1-5,\n{other}:1-3")).unwrap();
        assert_eq!(two.streams(), &[(1, 3), (id, 5)]);
        let tagged = parse_mysql(&format!("{uuid}:1-5:audit:1-2")).unwrap();
        assert_eq!(tagged.streams().len(), 2);
        assert_eq!(tagged.get(id), 5);
        assert_eq!(parse_mysql("not-a-uuid:1-2"), None);
    }
}
