//! `Queue`: the writer's queue of jobs, first come first served.
//!
//! A fixed set of resources (the writer's parking places: one for SQLite's single writer, one
//! per primary connection for a server) is handed from job to job in arrival order. A job
//! that finds a resource free takes it at once; otherwise it joins the back of the queue with
//! a note of what it is ([`Job`]), and is handed the resource directly by the job before it
//! when that one lets go: no wake-up race, no barging. Because the waiting jobs are kept as a
//! list rather than hidden in a lock, whoever holds the resource can see what waits behind it,
//! which is the room a later change needs to take several queued autocommit writes at once.
//!
//! A job whose future is dropped while it waits simply disappears: the resource skips it. A
//! job dropped in the instant after being handed the resource gives it back, because what is
//! handed over is a [`Grant`], and dropping a grant always passes the resource on.
//!
//! A job may also wait with a *member*: work that whoever holds the resource can do for it
//! (for the writer, an autocommit write). The holder may [`gather`](Queue::gather) the
//! members waiting at the head of the queue, in arrival order, and do their work in its own
//! turn; each gathered job leaves the queue and learns it was gathered ([`Gathered`]) instead
//! of being handed the resource. A job that is handed the resource gets its member back.

use std::collections::VecDeque;
use std::ops::{Deref, DerefMut};
use std::sync::{Arc, Mutex};

use tokio::sync::oneshot;

/// What a waiting job will do with the writer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Job {
    /// One statement through the pool, outside any transaction.
    Statement,
    /// The writer taken away: a typed transaction or an acquired connection.
    HandOut,
    /// The pool's own work (opening the writer, closing).
    Pool,
    /// Background upkeep between callers (for SQLite, a WAL checkpoint).
    Upkeep,
}

pub(crate) struct Queue<T, M = ()> {
    inner: Mutex<Inner<T, M>>,
    /// Which resources to hand out first when several are free (for the writer: a parking
    /// place that holds a connection, before an empty one that must wait for sqlx's pool).
    preferred: fn(&T) -> bool,
}

struct Inner<T, M> {
    /// The resources no job holds (the others are granted, or on their way to a job).
    parked: Vec<T>,
    waiting: VecDeque<Waiter<T, M>>,
}

struct Waiter<T, M> {
    job: Job,
    member: Option<M>,
    hand: oneshot::Sender<Handed<T, M>>,
}

/// The resource, and the member the job waited with.
type Handed<T, M> = (Grant<T, M>, Option<M>);

/// The job's member was gathered by the holder of the resource, which does its work: the job
/// is out of the queue and is never handed the resource.
#[derive(Debug)]
pub(crate) struct Gathered;

/// The resource, held by one job. Dropping it hands the resource to the next job in line.
pub(crate) struct Grant<T, M = ()> {
    value: Option<T>,
    queue: Arc<Queue<T, M>>,
}

impl<T, M> Queue<T, M> {
    /// A queue in front of one resource.
    #[cfg_attr(not(test), allow(dead_code))]
    pub(crate) fn new(value: T) -> Arc<Self> {
        Self::of(vec![value], |_| true)
    }

    /// A queue in front of `values`: up to that many jobs hold one each at a time, a
    /// `preferred` one first when several are free.
    pub(crate) fn of(values: Vec<T>, preferred: fn(&T) -> bool) -> Arc<Self> {
        Arc::new(Queue {
            inner: Mutex::new(Inner {
                parked: values,
                waiting: VecDeque::new(),
            }),
            preferred,
        })
    }

    fn inner(&self) -> std::sync::MutexGuard<'_, Inner<T, M>> {
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Wait for the resource behind every job that came before. Cancel-safe: dropped while
    /// waiting, the job leaves the queue; dropped just as it was handed the resource, it hands
    /// it on.
    pub(crate) async fn acquire(self: &Arc<Self>, job: Job) -> Grant<T, M> {
        match self.acquire_with(job, None).await {
            Ok((grant, _)) => grant,
            Err(Gathered) => unreachable!("sqlx-rw: a job without a member is never gathered"),
        }
    }

    /// As [`acquire`](Self::acquire), waiting with `member`: handed the resource, the job gets
    /// its member back; or the holder gathers the member and the job is done waiting.
    pub(crate) async fn acquire_with(
        self: &Arc<Self>,
        job: Job,
        member: Option<M>,
    ) -> Result<Handed<T, M>, Gathered> {
        let receiver = {
            let mut inner = self.inner();
            // A resource is parked only while no job waits (a release hands it to the first
            // waiter), so taking it never jumps the queue.
            if let Some(value) = inner.parked.pop() {
                let grant = Grant {
                    value: Some(value),
                    queue: Arc::clone(self),
                };
                return Ok((grant, member));
            }
            let (hand, receiver) = oneshot::channel();
            // Jobs dropped while they waited would otherwise stay listed until the holder lets
            // go, however long that takes.
            inner.waiting.retain(|waiter| !waiter.hand.is_closed());
            inner.waiting.push_back(Waiter { job, member, hand });
            receiver
        };
        // A gathered job's sender is dropped with it; any other job is handed the resource or
        // dropped along with the queue's holder of it, which cannot happen while it waits.
        receiver.await.map_err(|_| Gathered)
    }

    /// Take the members waiting at the head of the queue, in arrival order, up to `count` of
    /// them and `weight` in total (the first is taken whatever its weight): the caller holds
    /// the resource and does their work. Stops at the first job without a member, so no job
    /// is overtaken. Jobs dropped while they waited are skipped.
    pub(crate) fn gather(
        &self,
        count: usize,
        mut weight: usize,
        weigh: impl Fn(&M) -> usize,
    ) -> Vec<M> {
        let mut inner = self.inner();
        let mut members = Vec::new();
        while members.len() < count {
            let Some(front) = inner.waiting.front() else {
                break;
            };
            if front.hand.is_closed() {
                inner.waiting.pop_front();
                continue;
            }
            let Some(member) = &front.member else {
                break;
            };
            let w = weigh(member);
            if !members.is_empty() && w > weight {
                break;
            }
            weight = weight.saturating_sub(w);
            let waiter = inner
                .waiting
                .pop_front()
                .expect("sqlx-rw: the front was just seen");
            members.extend(waiter.member);
        }
        members
    }

    /// `true` if a job waits at the head of the queue without a member: gathering would stop
    /// there, and it should get the resource next.
    pub(crate) fn other_job_next(&self) -> bool {
        self.inner()
            .waiting
            .iter()
            .find(|waiter| !waiter.hand.is_closed())
            .is_some_and(|waiter| waiter.member.is_none())
    }

    /// The resource if it is free right now, without queueing.
    pub(crate) fn try_acquire(self: &Arc<Self>) -> Option<Grant<T, M>> {
        let mut inner = self.inner();
        let value = inner.parked.pop()?;
        Some(Grant {
            value: Some(value),
            queue: Arc::clone(self),
        })
    }

    /// Apply `f` to every resource no job holds now.
    pub(crate) fn each_parked(&self, mut f: impl FnMut(&mut T)) {
        self.inner().parked.iter_mut().for_each(&mut f);
    }

    /// What the jobs waiting now will do, front first.
    #[cfg_attr(not(test), allow(dead_code))]
    pub(crate) fn jobs(&self) -> Vec<Job> {
        self.inner().waiting.iter().map(|w| w.job).collect()
    }

    /// Hand `value` to the first job still waiting, or park it.
    fn release(self: &Arc<Self>, mut value: T) {
        let mut inner = self.inner();
        while let Some(waiter) = inner.waiting.pop_front() {
            let grant = Grant {
                value: Some(value),
                queue: Arc::clone(self),
            };
            match waiter.hand.send((grant, waiter.member)) {
                Ok(()) => return,
                // That job was dropped while it waited: take the value back, try the next.
                Err((mut returned, _)) => {
                    value = returned
                        .value
                        .take()
                        .expect("sqlx-rw: an unsent grant still holds its value");
                }
            }
        }
        // Free resources are taken from the end: preferred ones go there.
        if (self.preferred)(&value) {
            inner.parked.push(value);
        } else {
            inner.parked.insert(0, value);
        }
    }
}

impl<T, M> Deref for Grant<T, M> {
    type Target = T;

    fn deref(&self) -> &T {
        self.value
            .as_ref()
            .expect("sqlx-rw: a grant holds its value until dropped")
    }
}

impl<T, M> DerefMut for Grant<T, M> {
    fn deref_mut(&mut self) -> &mut T {
        self.value
            .as_mut()
            .expect("sqlx-rw: a grant holds its value until dropped")
    }
}

impl<T, M> Drop for Grant<T, M> {
    fn drop(&mut self) {
        if let Some(value) = self.value.take() {
            self.queue.release(value);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[tokio::test]
    async fn jobs_get_the_resource_in_arrival_order() {
        let queue = Queue::<_>::new(Vec::new());
        let first = queue.acquire(Job::Pool).await;
        let mut waiters = Vec::new();
        for n in 0..20 {
            let task_queue = Arc::clone(&queue);
            waiters.push(tokio::spawn(async move {
                let mut grant = task_queue.acquire(Job::Statement).await;
                grant.push(n);
            }));
            // Each joins the queue before the next is spawned.
            while queue.jobs().len() < n + 1 {
                tokio::task::yield_now().await;
            }
        }
        assert_eq!(queue.jobs(), vec![Job::Statement; 20]);
        drop(first);
        for waiter in waiters {
            waiter.await.unwrap();
        }
        let order = queue.try_acquire().unwrap().clone();
        assert_eq!(order, (0..20).collect::<Vec<_>>());
    }

    #[tokio::test]
    async fn a_job_dropped_while_waiting_is_skipped() {
        let queue = Queue::<_>::new(0u32);
        let held = queue.acquire(Job::Pool).await;
        let dropped = tokio::time::timeout(Duration::from_millis(10), queue.acquire(Job::HandOut));
        assert!(dropped.await.is_err());
        let next = {
            let queue = Arc::clone(&queue);
            tokio::spawn(async move { *queue.acquire(Job::Statement).await + 1 })
        };
        // The dropped job is pruned as the next one joins.
        while queue.jobs() != [Job::Statement] {
            tokio::task::yield_now().await;
        }
        drop(held);
        assert_eq!(next.await.unwrap(), 1);
        assert!(queue.try_acquire().is_some(), "free again");
    }

    #[tokio::test]
    async fn a_grant_never_received_is_handed_on() {
        let queue = Queue::<_>::new(7u32);
        let held = queue.acquire(Job::Pool).await;
        // A job that is handed the resource but dropped before it looks.
        let mut lost = Box::pin(queue.acquire(Job::Statement));
        assert!(futures_util::poll!(&mut lost).is_pending());
        let after = {
            let queue = Arc::clone(&queue);
            tokio::spawn(async move { *queue.acquire(Job::Statement).await })
        };
        while queue.jobs().len() < 2 {
            tokio::task::yield_now().await;
        }
        drop(held);
        drop(lost);
        assert_eq!(after.await.unwrap(), 7);
        assert!(queue.try_acquire().is_some(), "free again");
    }

    #[tokio::test]
    async fn several_resources_serve_that_many_jobs_at_once_and_queue_the_rest() {
        let queue = Queue::<_>::of(vec![1u32, 2], |_| true);
        let first = queue.acquire(Job::Statement).await;
        let second = queue.acquire(Job::Statement).await;
        assert_ne!(*first, *second);
        assert!(queue.try_acquire().is_none(), "both are held");
        let third = {
            let queue = Arc::clone(&queue);
            tokio::spawn(async move { *queue.acquire(Job::Statement).await })
        };
        while queue.jobs().is_empty() {
            tokio::task::yield_now().await;
        }
        let freed = *second;
        drop(second);
        assert_eq!(
            third.await.unwrap(),
            freed,
            "the freed one goes to the waiter"
        );
        drop(first);
        let again = (queue.try_acquire().unwrap(), queue.try_acquire().unwrap());
        assert_ne!(*again.0, *again.1);
    }

    #[tokio::test]
    async fn a_preferred_resource_is_handed_out_before_others() {
        // Odd values are preferred (for the writer: a parking place holding a connection).
        let queue = Queue::<_>::of(vec![1u32, 3], |v| v % 2 == 1);
        let mut first = queue.acquire(Job::Statement).await;
        *first = 2; // emptied, as a hand-out leaves its parking place
        drop(first);
        let next = queue.acquire(Job::Statement).await;
        assert_eq!(*next % 2, 1, "the one still holding something comes first");
    }

    #[tokio::test]
    async fn the_holder_gathers_the_members_at_the_head_in_order_and_no_further() {
        let queue: Arc<Queue<u32, u32>> = Queue::of(vec![0], |_| true);
        let held = queue.acquire(Job::Pool).await;
        let mut waiters = Vec::new();
        // Three members, then a job without one, then another member.
        for (n, member) in [Some(1), Some(2), Some(3), None, Some(5)]
            .into_iter()
            .enumerate()
        {
            let task_queue = Arc::clone(&queue);
            waiters.push(tokio::spawn(async move {
                task_queue
                    .acquire_with(Job::Statement, member)
                    .await
                    .map(|(_, member)| member)
            }));
            while queue.jobs().len() < n + 1 {
                tokio::task::yield_now().await;
            }
        }
        // Weight 1 each, room for 3: the first three only.
        assert_eq!(queue.gather(10, 3, |_| 1), vec![1, 2, 3]);
        assert!(
            queue.gather(10, 10, |_| 1).is_empty(),
            "a job without a member stops it"
        );
        drop(held);
        let outcomes: Vec<_> = futures_util::future::join_all(waiters)
            .await
            .into_iter()
            .map(|w| w.unwrap().ok())
            .collect();
        assert_eq!(
            outcomes[..3],
            [None, None, None],
            "gathered: never handed the resource"
        );
        assert_eq!(outcomes[3], Some(None), "handed the resource");
        assert_eq!(
            outcomes[4],
            Some(Some(5)),
            "handed the resource with its member back"
        );
    }

    #[tokio::test]
    async fn gathering_stops_at_the_count_and_skips_dropped_jobs() {
        let queue: Arc<Queue<u32, u32>> = Queue::of(vec![0], |_| true);
        let _held = queue.acquire(Job::Pool).await;
        let dropped = tokio::time::timeout(
            Duration::from_millis(10),
            queue.acquire_with(Job::Statement, Some(9)),
        );
        assert!(dropped.await.is_err());
        let mut waiters = Vec::new();
        for member in 1..=4 {
            let task_queue = Arc::clone(&queue);
            waiters.push(tokio::spawn(async move {
                task_queue
                    .acquire_with(Job::Statement, Some(member))
                    .await
                    .is_err()
            }));
            while queue.jobs().len() < member as usize {
                tokio::task::yield_now().await;
            }
        }
        assert_eq!(queue.gather(3, usize::MAX, |_| 1), vec![1, 2, 3]);
        assert_eq!(queue.jobs().len(), 1);
    }
}
