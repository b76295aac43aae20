//! The backend-generic behaviour suite (routing, pinning, cancellation), run against every
//! backend this build has. Each backend adds a module that expands the suite with a fixture
//! giving a fresh database; backends that need a server start it through the project's
//! scripts. Single-writer queue behaviour is SQLite's and stays in its own tests.

#[path = "../common/mod.rs"]
mod common;
mod suite;

mod sqlite {
    crate::behaviour_suite!(crate::common::file_pool());
}
