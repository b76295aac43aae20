//! What a statement does to the writer's transaction: one table, as a pure function.
//!
//! The writer is either taken for one statement (a *turn* in the queue, outside any
//! transaction) or *pinned* to a task that began a transaction through the pool. After each
//! statement the pool must know whether a transaction is open now: if one is, the writer stays
//! with (or becomes pinned to) the task; if not, it goes back to the queue. Most of the time the
//! statement's kind and whether it succeeded say so; where they cannot (`SAVEPOINT`, batches,
//! unparseable text, any failure inside a transaction), the connection is asked, which costs a
//! round trip. Before a statement runs, the same table says whether its cancellation would
//! leave the transaction's state unknown, in which case the lease is *armed*: dropped half-way,
//! it is rolled back rather than trusted.
//!
//! Every rule lives in [`after`] and [`arms`]; the tests below list every combination.

use crate::route::classify::TxnEffect;

/// How the writer is held while a statement runs on it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Held {
    /// A turn in the queue: no transaction was open when the statement started.
    Turn,
    /// The task's pinned transaction: one was open.
    Pinned,
}

/// How the statement ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Outcome {
    Succeeded,
    Failed,
}

/// Whether a transaction is open on the writer after the statement.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum After {
    /// None is: the writer goes back to the queue.
    Closed,
    /// One is: the writer stays with (or is pinned to) the task.
    Open,
    /// The statement cannot tell: ask the connection.
    Ask,
}

/// Whether a transaction is open after a statement with `effect` ended with `outcome`.
pub(crate) fn after(held: Held, effect: TxnEffect, outcome: Outcome) -> After {
    use Outcome::*;
    use TxnEffect::*;
    match (held, effect, outcome) {
        // Autocommit in, autocommit out: a failed plain statement cannot open a transaction.
        (Held::Turn, None, _) => After::Closed,
        (Held::Turn, PlainBegin | Begin, Succeeded) => After::Open,
        // COMMIT with nothing open fails; if it succeeded, nothing is open.
        (Held::Turn, End, Succeeded) => After::Closed,
        // Inside a transaction a successful plain statement leaves it open...
        (Held::Pinned, None, Succeeded) => After::Open,
        // ...and a successful COMMIT/ROLLBACK ends it.
        (Held::Pinned, End, Succeeded) => After::Closed,
        // A failed statement may have ended it (SQLite rolls back on some errors), a
        // SAVEPOINT or batch may have opened or closed one, a BEGIN inside a transaction
        // fails: only the connection knows.
        (_, Unknown, _) | (_, _, Failed) | (Held::Pinned, PlainBegin | Begin, Succeeded) => {
            After::Ask
        }
    }
}

/// Whether cancelling the statement half-way would leave the transaction's state unknown, so
/// that its lease must be armed. `writes`: the statement runs on the writer by its verdict (not
/// only because the task is pinned).
pub(crate) fn arms(held: Held, effect: TxnEffect, writes: bool) -> bool {
    match held {
        // Outside a transaction only a statement that may open one matters.
        Held::Turn => effect != TxnEffect::None,
        // Inside one, anything that may change it; a read leaves it as it was.
        Held::Pinned => writes || effect != TxnEffect::None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const EFFECTS: [TxnEffect; 5] = [
        TxnEffect::None,
        TxnEffect::PlainBegin,
        TxnEffect::Begin,
        TxnEffect::End,
        TxnEffect::Unknown,
    ];

    /// Every (held, effect, outcome), with the expected answer written out.
    #[test]
    fn every_combination_has_the_expected_answer() {
        use After::*;
        use Outcome::*;
        let expected = [
            // (held, effect, outcome) -> after
            ((Held::Turn, TxnEffect::None, Succeeded), Closed),
            ((Held::Turn, TxnEffect::None, Failed), Closed),
            ((Held::Turn, TxnEffect::PlainBegin, Succeeded), Open),
            ((Held::Turn, TxnEffect::PlainBegin, Failed), Ask),
            ((Held::Turn, TxnEffect::Begin, Succeeded), Open),
            ((Held::Turn, TxnEffect::Begin, Failed), Ask),
            ((Held::Turn, TxnEffect::End, Succeeded), Closed),
            ((Held::Turn, TxnEffect::End, Failed), Ask),
            ((Held::Turn, TxnEffect::Unknown, Succeeded), Ask),
            ((Held::Turn, TxnEffect::Unknown, Failed), Ask),
            ((Held::Pinned, TxnEffect::None, Succeeded), Open),
            ((Held::Pinned, TxnEffect::None, Failed), Ask),
            ((Held::Pinned, TxnEffect::PlainBegin, Succeeded), Ask),
            ((Held::Pinned, TxnEffect::PlainBegin, Failed), Ask),
            ((Held::Pinned, TxnEffect::Begin, Succeeded), Ask),
            ((Held::Pinned, TxnEffect::Begin, Failed), Ask),
            ((Held::Pinned, TxnEffect::End, Succeeded), Closed),
            ((Held::Pinned, TxnEffect::End, Failed), Ask),
            ((Held::Pinned, TxnEffect::Unknown, Succeeded), Ask),
            ((Held::Pinned, TxnEffect::Unknown, Failed), Ask),
        ];
        assert_eq!(
            expected.len(),
            2 * EFFECTS.len() * 2,
            "every combination listed"
        );
        for ((held, effect, outcome), want) in expected {
            assert_eq!(
                after(held, effect, outcome),
                want,
                "{held:?} {effect:?} {outcome:?}"
            );
        }
    }

    #[test]
    fn only_statements_that_may_change_the_transaction_arm_their_lease() {
        for effect in EFFECTS {
            let changes = effect != TxnEffect::None;
            for writes in [false, true] {
                assert_eq!(arms(Held::Turn, effect, writes), changes, "{effect:?}");
                assert_eq!(
                    arms(Held::Pinned, effect, writes),
                    changes || writes,
                    "{effect:?} writes={writes}"
                );
            }
        }
    }
}
