//! Drop-in: code written for a plain `SqlitePool` runs unchanged. The same functions on both
//! pools, `query!`, migrations, the patterns of real projects' suites (futures of one task at
//! once, settings sent through the pool, readers from the caller's options), and the rest of
//! sqlx's `Pool` surface.

#[path = "../common/mod.rs"]
mod common;

mod compat;
mod same_task;
mod settings;
mod sqlx_surface;
