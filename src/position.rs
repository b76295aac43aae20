//! `Position`: how far a database's history has got, as read-your-writes compares it.
//!
//! A replica has seen a write when it has replayed the writer's history up to the position the
//! writer reported after that write. For PostgreSQL the history is one log and a position is
//! one number (bytes of WAL). Other servers keep several independent histories: MariaDB numbers
//! its transactions per replication *domain* (GTID `domain-server-sequence`), so a position is
//! a sequence number per domain, and two positions may be unordered (each ahead in a different
//! domain).
//!
//! `Position` holds one counter per stream (a MariaDB domain, a MySQL server UUID; PostgreSQL
//! uses stream 0 only) and
//! orders positions as such vectors do: `a` [`covers`](Position::covers) `b` when it is at
//! least as far in every stream. The generic code never compares positions any other way, so
//! a backend with many streams is served by the same code as one with one:
//!
//! - a read that must see `need` goes to a replica whose replayed position covers it;
//! - the pool's latest position is the [`join`](Position::join) of every position recorded
//!   (so recorded positions form a chain, each covering the one before);
//! - the positions every replica has replayed are their [`meet`](Position::meet);
//! - a replica's lag is the [`distance`](Position::distance) from its position to the latest.
//!
//! ```
//! use sqlx_rw::Position;
//!
//! let replica = Position::from_streams([(0, 10), (1, 4)]);
//! assert!(replica.covers(&Position::from_streams([(0, 9)])));
//! // Unordered: each is ahead in one stream.
//! let other = Position::from_streams([(0, 8), (1, 6)]);
//! assert!(!replica.covers(&other) && !other.covers(&replica));
//! assert_eq!(replica.join(&other), Position::from_streams([(0, 10), (1, 6)]));
//! assert_eq!(replica.distance(&other), 2);
//! ```

use std::fmt;

/// A point in the writer's history: one counter per independent stream (see the module
/// documentation). The origin (nothing written) has no streams.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct Position {
    /// Sorted by stream; no stream at zero (zero and absent are the same point).
    streams: Vec<(u128, u64)>,
}

impl Position {
    /// Nothing written yet: every position covers it.
    pub const ORIGIN: Position = Position {
        streams: Vec::new(),
    };

    /// A position in a history with one stream (stream 0), such as PostgreSQL's WAL.
    pub fn scalar(counter: u64) -> Self {
        Position::from_streams([(0, counter)])
    }

    /// A position from `(stream, counter)` pairs in any order; a stream given twice keeps its
    /// highest counter.
    pub fn from_streams(streams: impl IntoIterator<Item = (u128, u64)>) -> Self {
        let mut streams: Vec<(u128, u64)> = streams.into_iter().filter(|s| s.1 > 0).collect();
        streams.sort_unstable();
        // Sorted by (stream, counter): of equal streams, the last is the highest.
        streams.reverse();
        streams.dedup_by_key(|s| s.0);
        streams.reverse();
        Position { streams }
    }

    /// The `(stream, counter)` pairs, by stream, none at zero.
    pub fn streams(&self) -> &[(u128, u64)] {
        &self.streams
    }

    /// `true` for the origin.
    pub fn is_origin(&self) -> bool {
        self.streams.is_empty()
    }

    /// The counter of `stream` (0 if absent).
    pub fn get(&self, stream: u128) -> u64 {
        self.streams
            .binary_search_by_key(&stream, |s| s.0)
            .map_or(0, |i| self.streams[i].1)
    }

    /// `true` if this position is at least as far as `other` in every stream: whoever has
    /// replayed up to here has every write up to `other`.
    pub fn covers(&self, other: &Position) -> bool {
        other.streams.iter().all(|&(s, c)| self.get(s) >= c)
    }

    /// The earliest position that covers both.
    pub fn join(&self, other: &Position) -> Position {
        self.combine(other, u64::max)
    }

    /// The furthest position both cover.
    pub fn meet(&self, other: &Position) -> Position {
        self.combine(other, u64::min)
    }

    /// How far this position is ahead of `behind`: the sum over streams of what `behind`
    /// lacks (in the backend's units: bytes of WAL, transactions).
    pub fn distance(&self, behind: &Position) -> u64 {
        self.streams
            .iter()
            .map(|&(s, c)| c.saturating_sub(behind.get(s)))
            .fold(0, u64::saturating_add)
    }

    fn combine(&self, other: &Position, pick: fn(u64, u64) -> u64) -> Position {
        let mut streams: Vec<u128> = self
            .streams
            .iter()
            .chain(&other.streams)
            .map(|s| s.0)
            .collect();
        streams.sort_unstable();
        streams.dedup();
        Position::from_streams(
            streams
                .into_iter()
                .map(|s| (s, pick(self.get(s), other.get(s)))),
        )
    }

    /// The text of a [`WriteToken`](crate::WriteToken) after its prefix: each stream's counter
    /// in hex, comma-separated, stream 0 bare and others as `stream:counter`.
    pub(crate) fn encode(&self) -> String {
        let mut text = String::new();
        for (i, &(s, c)) in self.streams.iter().enumerate() {
            if i > 0 {
                text.push(',');
            }
            if s == 0 {
                text.push_str(&format!("{c:x}"));
            } else {
                text.push_str(&format!("{s:x}:{c:x}"));
            }
        }
        if text.is_empty() {
            text.push('0');
        }
        text
    }

    /// The inverse of [`encode`](Self::encode).
    pub(crate) fn decode(text: &str) -> Option<Position> {
        // Hex digits only (`from_str_radix` would also take a sign), at most `max` of them.
        let hex = |digits: &str, max: usize| {
            (!digits.is_empty()
                && digits.len() <= max
                && digits.bytes().all(|b| b.is_ascii_hexdigit()))
            .then(|| u128::from_str_radix(digits, 16).ok())
            .flatten()
        };
        let mut streams = Vec::new();
        for part in text.split(',') {
            let (stream, counter) = match part.split_once(':') {
                Some((s, c)) => (hex(s, 32)?, hex(c, 16)? as u64),
                None => (0, hex(part, 16)? as u64),
            };
            streams.push((stream, counter));
        }
        Some(Position::from_streams(streams))
    }
}

impl fmt::Display for Position {
    /// Stream 0 alone as its number; several streams as `stream:counter` pairs.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.streams.as_slice() {
            [] => f.write_str("0"),
            [(0, counter)] => write!(f, "{counter}"),
            streams => {
                for (i, (s, c)) in streams.iter().enumerate() {
                    if i > 0 {
                        f.write_str(",")?;
                    }
                    write!(f, "{s}:{c}")?;
                }
                Ok(())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_are_ordered_stream_by_stream() {
        let a = Position::from_streams([(1, 5), (0, 3), (1, 2), (7, 0)]);
        assert_eq!(a.streams(), &[(0, 3), (1, 5)]);
        assert!(a.covers(&Position::ORIGIN));
        assert!(!Position::ORIGIN.covers(&a));
        assert!(a.covers(&Position::scalar(3)));
        assert!(!a.covers(&Position::scalar(4)));
        let b = Position::from_streams([(0, 4), (2, 1)]);
        assert!(!a.covers(&b) && !b.covers(&a));
        let join = a.join(&b);
        assert_eq!(join, Position::from_streams([(0, 4), (1, 5), (2, 1)]));
        assert!(join.covers(&a) && join.covers(&b));
        assert_eq!(a.meet(&b), Position::scalar(3));
        assert_eq!(join.distance(&a), 2);
        assert_eq!(a.distance(&join), 0);
        assert_eq!(Position::scalar(10).distance(&Position::scalar(4)), 6);
    }

    #[test]
    fn positions_read_back_as_written() {
        for p in [
            Position::ORIGIN,
            Position::scalar(0x1a2b),
            Position::from_streams([(0, 1), (3, u64::MAX), (u128::MAX, 9)]),
            Position::from_streams([(5, 2)]),
        ] {
            assert_eq!(Position::decode(&p.encode()), Some(p.clone()), "{p}");
        }
        for bad in [
            "",
            ",",
            "zz",
            "1:",
            ":1",
            "1:2:3",
            "100000000000000000000000000000000:1",
            "+1",
            "1:-1",
            "10000000000000000",
        ] {
            assert_eq!(Position::decode(bad), None, "{bad}");
        }
        assert_eq!(Position::scalar(12).to_string(), "12");
        assert_eq!(
            Position::from_streams([(0, 1), (2, 3)]).to_string(),
            "0:1,2:3"
        );
    }
}
