//! The file watch: SQLite does not notice its database file being deleted or replaced.
//!
//! In WAL mode a connection whose file was unlinked goes on writing to it, and everything
//! written from then on is lost when the pool closes. So the writer remembers which file it
//! opened (device and inode, one `stat`) and checks it after each statement it runs: a write
//! into a file that is no longer at the path is reported lost, not acknowledged. While nothing
//! is at the path, writes fail fast (a reconnect would create an empty database); once a file
//! is back, the writer closes its old connection and opens the path anew.

use std::path::PathBuf;
use std::sync::Mutex;

use sqlx::Error;

use crate::backend::WriterGuard;
use crate::error::{pool_error, RwErrorKind};

/// Where the watched file stands, one state at a time.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum FileState {
    /// The writer has not opened the file yet (the pool opens lazily).
    Unopened,
    /// The file the writer opened is at the path.
    Same(FileId),
    /// The file the writer opened is gone or replaced: writes are lost, so they fail.
    Moved,
    /// A file is back at the path; the writer's connection, bound to the old one, must be
    /// replaced before its next use.
    Back(FileId),
}

type FileId = (u64, u64);

pub(crate) struct FileWatch {
    path: PathBuf,
    state: Mutex<FileState>,
}

impl FileWatch {
    pub(crate) fn new(path: PathBuf) -> Self {
        FileWatch {
            path,
            state: Mutex::new(FileState::Unopened),
        }
    }

    fn state(&self) -> std::sync::MutexGuard<'_, FileState> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }
}

impl WriterGuard for FileWatch {
    fn opened(&self) {
        let mut state = self.state();
        if *state == FileState::Unopened {
            if let Some(id) = file_id(&self.path) {
                *state = FileState::Same(id);
            }
        }
    }

    fn before_turn(&self) -> Result<(), Error> {
        let mut state = self.state();
        if *state != FileState::Moved {
            return Ok(());
        }
        match file_id(&self.path) {
            None => Err(moved_error()),
            Some(id) => {
                *state = FileState::Back(id);
                tracing::warn!(target: "sqlx_rw", "a database file is back at its path; reopening the writer");
                Ok(())
            }
        }
    }

    fn must_reopen(&self) -> bool {
        matches!(*self.state(), FileState::Back(_))
    }

    fn reopened(&self) {
        let mut state = self.state();
        if let FileState::Back(id) = *state {
            *state = FileState::Same(id);
        }
    }

    fn is_usable(&self) -> bool {
        matches!(*self.state(), FileState::Unopened | FileState::Same(_))
    }

    fn after_statement(&self) -> Result<(), Error> {
        let mut state = self.state();
        let FileState::Same(opened) = *state else {
            // Not opened through the queue yet (only the `writer()` escape hatch), or being
            // replaced: nothing to compare with.
            return match *state {
                FileState::Moved => Err(moved_error()),
                _ => Ok(()),
            };
        };
        if file_id(&self.path) == Some(opened) {
            return Ok(());
        }
        *state = FileState::Moved;
        tracing::error!(
            target: "sqlx_rw",
            "the database file was deleted or replaced under the running pool; writes fail \
             until a database file is back at its path"
        );
        Err(moved_error())
    }
}

fn moved_error() -> Error {
    pool_error(
        RwErrorKind::DatabaseFileMoved,
        "the database file was deleted or replaced while the pool was running: SQLite went on \
         writing to the old, unlinked file, so this write is lost. Writes fail until a database \
         file is back at the path (restore it), then the writer reopens it",
    )
}

#[cfg(unix)]
fn file_id(path: &std::path::Path) -> Option<FileId> {
    use std::os::unix::fs::MetadataExt;
    std::fs::metadata(path).ok().map(|m| (m.dev(), m.ino()))
}

#[cfg(not(unix))]
fn file_id(path: &std::path::Path) -> Option<FileId> {
    // No inode to compare: only a deleted file is noticed.
    std::fs::metadata(path).ok().map(|_| (0, 0))
}
