//! The names MySQL users write: the pool and its options as type aliases, as sqlx names
//! `MySqlPool` and `MySqlPoolOptions`. The replicas and the primary's pool size are set with
//! the setters every server backend shares (`backend/server.rs`).

use sqlx::MySql;

use crate::{RwPool, RwPoolOptions};

/// `RwPool` for MySQL and MariaDB: a primary and any number of replicas.
pub type MySqlRwPool = RwPool<MySql>;

/// `RwPoolOptions` for MySQL, as `MySqlPoolOptions` is sqlx's `PoolOptions<MySql>`.
pub type MySqlRwPoolOptions = RwPoolOptions<MySql>;
