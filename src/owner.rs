//! `Owner`: which caller a pinned transaction or a held writer belongs to.
//!
//! Raw `BEGIN`/`COMMIT` sent through `&RwPool` must reach the same connection, and only the
//! caller that sent the `BEGIN` may use it until the transaction ends. That caller is the
//! current tokio task; code that is not inside a spawned task (the future given to
//! `Runtime::block_on`, `#[tokio::main]`, `#[tokio::test]`) is identified by its thread, which
//! is where `block_on` always polls it.

use std::thread::ThreadId;

use tokio::task::Id;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) enum Owner {
    Task(Id),
    Thread(ThreadId),
}

impl Owner {
    pub(crate) fn current() -> Owner {
        match tokio::task::try_id() {
            Some(id) => Owner::Task(id),
            None => Owner::Thread(std::thread::current().id()),
        }
    }
}
