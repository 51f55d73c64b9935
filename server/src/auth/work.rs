//! Where password hashes are computed: a few threads of their own, below the ballot
//! verifiers' priority (docs/SECURITY.md, "Login abuse").
//!
//! Argon2id takes 19 MiB and tens of milliseconds of a core for each password. Logins
//! are few in a hall, but anyone on its LAN can send many: computed on tokio's blocking
//! threads at normal priority, 150 wrong logins took nearly all the CPU the ballot
//! verifiers needed, and casts slowed from 100 a second to 9 (docs/PERFORMANCE.md,
//! "Under a hostile LAN"). Here they are computed by fewer threads than the machine has
//! cores, each at a lower priority (a higher nice value) than the verifiers'
//! (`casting::VERIFIER_NICENESS`): a cast's verification gets the CPU first, a login
//! still gets every cycle the hall's casts leave, and the memory taken is bounded by
//! the number of threads, whatever the number of logins waiting.

use std::sync::{Arc, Mutex, OnceLock, mpsc};

/// How much lower the password threads' priority is than the rest of the server's (nice);
/// higher than the ballot verifiers' so that casts come first.
pub const PASSWORD_NICENESS: i32 = 15;

/// Password hashes computed at once on a machine with `cores` cores: fewer than its
/// cores, so that a flood of logins always leaves a core to the rest, and at least one.
#[must_use]
pub fn threads_for(cores: usize) -> usize {
    (cores / 2).clamp(1, 4)
}

type Job = Box<dyn FnOnce() + Send>;

static QUEUE: OnceLock<Mutex<mpsc::Sender<Job>>> = OnceLock::new();

fn queue() -> &'static Mutex<mpsc::Sender<Job>> {
    QUEUE.get_or_init(|| {
        let (tx, rx) = mpsc::channel::<Job>();
        let rx = Arc::new(Mutex::new(rx));
        let cores = std::thread::available_parallelism().map_or(2, std::num::NonZero::get);
        for n in 0..threads_for(cores) {
            let rx = Arc::clone(&rx);
            // The threads live as long as the process: the sender is never dropped.
            let _ = std::thread::Builder::new().name(format!("password-{n}")).spawn(move || work_loop(&rx));
        }
        Mutex::new(tx)
    })
}

fn work_loop(rx: &Mutex<mpsc::Receiver<Job>>) {
    // Best effort: without it, password work merely competes evenly (Linux sets a
    // nice value per thread).
    let _ = rustix::process::nice(PASSWORD_NICENESS);
    loop {
        let job = {
            let Ok(rx) = rx.lock() else { return };
            let Ok(job) = rx.recv() else { return };
            job
        };
        // A panic in one hash must not take the thread with it (the caller sees the
        // answer's sender dropped and reports an internal error).
        let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(job));
    }
}

/// Runs `f` (a password hash or check) on the password threads, in the order asked.
/// `None` if the work could not be done (the threads could not be started, or `f`
/// panicked).
pub async fn run<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> Option<T> {
    let (answer, wait) = tokio::sync::oneshot::channel();
    let job: Job = Box::new(move || {
        // A requester that has gone away no longer needs the answer.
        let _ = answer.send(f());
    });
    queue().lock().ok()?.send(job).ok()?;
    wait.await.ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fewer_password_threads_than_cores_and_at_least_one() {
        assert_eq!(threads_for(1), 1);
        assert_eq!(threads_for(2), 1);
        assert_eq!(threads_for(4), 2);
        assert_eq!(threads_for(64), 4);
    }

    // Password work runs below the ballot verifiers (checked when the tests build).
    const _: () = assert!(PASSWORD_NICENESS > crate::casting::VERIFIER_NICENESS);

    #[tokio::test]
    async fn password_work_answers_in_order_and_survives_a_panic() {
        assert_eq!(run(|| 2 + 2).await, Some(4));
        let panicked = run(|| -> u8 { panic!("a failing hash") }).await;
        assert_eq!(panicked, None);
        // On a machine with one password thread, this needs that thread to live on.
        assert_eq!(run(|| "after").await, Some("after"));
    }
}
