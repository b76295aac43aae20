//! Transactions and the writer: concurrent read-modify-write with exact counters, typed and
//! read-only transactions, `acquire()`, arrival order, in-memory databases and `close()`.

#[path = "../common/mod.rs"]
mod common;

mod contention;
mod writer;
