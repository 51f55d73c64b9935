//! Group commit: requests that each need a durable write queue up, and one task
//! writes whatever has queued in one transaction, then answers each. Every request
//! still gets its answer only after the commit that holds its write; the database
//! syncs once per batch instead of once per request. Under light load a batch is
//! one request and nothing waits; under heavy load batches grow by themselves.

use std::future::Future;
use std::sync::OnceLock;

use tokio::sync::{mpsc, oneshot};

/// How many requests one transaction takes at most.
pub const MAX_BATCH: usize = 256;

type Job<J, R> = (J, oneshot::Sender<R>);

/// A queue of jobs `J`, each answered with an `R`, written by one task in batches.
pub struct Batcher<J, R> {
    tx: OnceLock<mpsc::UnboundedSender<Job<J, R>>>,
}

impl<J, R> std::fmt::Debug for Batcher<J, R> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Batcher")
    }
}

impl<J, R> Default for Batcher<J, R> {
    fn default() -> Self {
        Self { tx: OnceLock::new() }
    }
}

impl<J: Send + 'static, R: Send + 'static> Batcher<J, R> {
    /// Submits a job and waits for its answer. The writer task is started on first
    /// use by `start`, which turns a batch of jobs into their answers, in order.
    /// `None` if the writer is gone (it never stops while the server runs).
    pub async fn submit<F, Fut>(&self, job: J, start: impl FnOnce() -> F) -> Option<R>
    where
        F: FnMut(Vec<J>) -> Fut + Send + 'static,
        Fut: Future<Output = Vec<R>> + Send + 'static,
    {
        let tx = self.tx.get_or_init(|| {
            let (tx, rx) = mpsc::unbounded_channel();
            tokio::spawn(write_loop(rx, start()));
            tx
        });
        let (answer, wait) = oneshot::channel();
        tx.send((job, answer)).ok()?;
        wait.await.ok()
    }
}

async fn write_loop<J, R, F, Fut>(mut rx: mpsc::UnboundedReceiver<Job<J, R>>, mut run: F)
where
    F: FnMut(Vec<J>) -> Fut,
    Fut: Future<Output = Vec<R>>,
{
    while let Some(first) = rx.recv().await {
        let mut jobs = vec![first];
        while jobs.len() < MAX_BATCH {
            match rx.try_recv() {
                Ok(job) => jobs.push(job),
                Err(_) => break,
            }
        }
        let (inputs, answers): (Vec<J>, Vec<oneshot::Sender<R>>) = jobs.into_iter().unzip();
        let results = run(inputs).await;
        for (answer, result) in answers.into_iter().zip(results) {
            // A requester that has gone away (its connection closed) no longer needs the answer;
            // what it asked for is committed all the same.
            let _ = answer.send(result);
        }
    }
}
