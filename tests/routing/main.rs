//! Routing: every statement goes where it can run, reads to readers only when provably reads.
//! The routing table in docs/routing.md, SQLite's own verdict on a corpus and on generated
//! statements, a no-panic fuzz of the classifier, and statements of every awkward kind.

#[path = "../common/mod.rs"]
mod common;

mod differential;
mod fuzz;
mod statements;
mod table;
