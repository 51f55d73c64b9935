//! One shared feed of the hall display's figures per session and language, for
//! every display stream of this process (issue 14, item 3).
//!
//! Each open `/api/sessions/{id}/events` stream used to read the database and
//! compute the figures once a second on its own: 400 streams took 1.5 of 2 cores.
//! Now the first stream of a session starts one task that computes the figures
//! once per [`TICK`], serialises them to JSON once, and publishes the text on a
//! `tokio::sync::watch` channel when it changed; every stream only forwards the
//! newest text (an `Arc<str>`, shared, not copied per listener). A stream that
//! falls behind skips to the newest figures, as a display should. The task stops
//! as soon as its last listener has gone, and is started again by the next one.
//!
//! Each server process has its own feeds and reads the same database, so several
//! processes behind one PostgreSQL still show the same figures.

use std::collections::HashMap;
use std::future::Future;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use hallvote_tally::Lang;
use tokio::sync::watch;

/// How often a feed reads the figures while someone is watching.
pub const TICK: Duration = Duration::from_secs(1);

/// The newest figures of a feed as JSON; `None` until the first reading succeeded.
pub type Latest = Option<Arc<str>>;

/// What a feed is of: a session's figures in one language (the result charts are
/// drawn in the display's language).
pub type FeedKey = (i64, Lang);

/// The running feeds of this process, by session and language.
#[derive(Debug, Default)]
pub struct DisplayFeeds {
    feeds: Mutex<HashMap<FeedKey, Arc<watch::Sender<Latest>>>>,
    computations: AtomicU64,
}

impl DisplayFeeds {
    /// Listens to the feed of `key`, starting it with `compute` if none runs.
    /// `compute` reads the figures once and returns them as JSON, or `None` if the
    /// reading failed (a restart of the database, say): the feed then skips a beat
    /// and its listeners keep the figures they have.
    ///
    /// The receiver's first value counts as unseen, so a new listener is sent the
    /// current figures at once (or as soon as the first reading is done).
    pub fn subscribe<C, F>(self: &Arc<Self>, key: FeedKey, compute: C) -> watch::Receiver<Latest>
    where
        C: Fn() -> F + Send + 'static,
        F: Future<Output = Option<String>> + Send + 'static,
    {
        // Subscribing and stopping a feed both hold this lock, so a listener never
        // joins a feed whose task has just decided to stop.
        let mut feeds = self.feeds.lock().unwrap_or_else(PoisonError::into_inner);
        let mut rx = match feeds.get(&key) {
            Some(tx) => tx.subscribe(),
            None => {
                let (tx, rx) = watch::channel(None);
                let tx = Arc::new(tx);
                feeds.insert(key, Arc::clone(&tx));
                tokio::spawn(Arc::clone(self).run(key, tx, compute));
                rx
            }
        };
        rx.mark_changed();
        rx
    }

    /// How many times the figures have been read since this process started, over
    /// all feeds: one per tick per feed with listeners, however many they are.
    pub fn computations(&self) -> u64 {
        self.computations.load(Ordering::Relaxed)
    }

    /// How many feeds run now.
    pub fn running(&self) -> usize {
        self.feeds.lock().unwrap_or_else(PoisonError::into_inner).len()
    }

    async fn run<C, F>(self: Arc<Self>, key: FeedKey, tx: Arc<watch::Sender<Latest>>, compute: C)
    where
        C: Fn() -> F + Send + 'static,
        F: Future<Output = Option<String>> + Send + 'static,
    {
        loop {
            self.computations.fetch_add(1, Ordering::Relaxed);
            if let Some(json) = compute().await {
                tx.send_if_modified(|latest| {
                    if latest.as_deref() == Some(json.as_str()) {
                        false
                    } else {
                        *latest = Some(Arc::from(json));
                        true
                    }
                });
            }
            tokio::select! {
                () = tokio::time::sleep(TICK) => {}
                () = tx.closed() => {}
            }
            let mut feeds = self.feeds.lock().unwrap_or_else(PoisonError::into_inner);
            if tx.receiver_count() == 0 {
                feeds.remove(&key);
                return;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn listeners_share_one_reading_per_tick_and_the_feed_stops_without_them() {
        let feeds = Arc::new(DisplayFeeds::default());
        let value = Arc::new(AtomicU64::new(1));
        let compute = {
            let value = Arc::clone(&value);
            move || {
                let v = value.load(Ordering::Relaxed);
                async move { Some(format!("{{\"n\":{v}}}")) }
            }
        };
        let mut listeners: Vec<_> = (0..50).map(|_| feeds.subscribe((7, Lang::ZhCn), compute.clone())).collect();
        for rx in &mut listeners {
            rx.changed().await.unwrap();
            if rx.borrow_and_update().is_none() {
                rx.changed().await.unwrap();
            }
            assert_eq!(rx.borrow().as_deref(), Some("{\"n\":1}"));
        }
        assert_eq!(feeds.running(), 1);
        let before = feeds.computations();
        tokio::time::sleep(TICK * 5).await;
        let per_tick = feeds.computations() - before;
        assert!((4..=6).contains(&per_tick), "{per_tick} readings in 5 ticks for 50 listeners");
        // A change reaches every listener, as one shared text.
        value.store(2, Ordering::Relaxed);
        for rx in &mut listeners {
            rx.changed().await.unwrap();
        }
        let first = listeners[0].borrow().clone().unwrap();
        assert!(listeners.iter().all(|rx| Arc::ptr_eq(rx.borrow().as_ref().unwrap(), &first)));
        // Another language is another feed.
        let en = feeds.subscribe((7, Lang::En), compute.clone());
        assert_eq!(feeds.running(), 2);
        drop(en);
        drop(listeners);
        tokio::time::sleep(TICK * 2).await;
        assert_eq!(feeds.running(), 0);
        let stopped = feeds.computations();
        tokio::time::sleep(TICK * 5).await;
        assert_eq!(feeds.computations(), stopped, "no reading without listeners");
        // A new listener starts it again.
        let mut rx = feeds.subscribe((7, Lang::ZhCn), compute);
        rx.changed().await.unwrap();
        assert_eq!(feeds.running(), 1);
    }
}
