//! Ctrl-C and SIGTERM (how CI cancels a job) as a value the mutating commands can watch.
//!
//! Owns listening for the signals once per process and counting them. The first signal asks
//! the run to stop cleanly: the executor starts no new step, the calls in flight finish, the
//! rollout wait is abandoned, the lock is released and the command exits 130 with what was done
//! and what was not. A second signal abandons the calls in flight too (their outcome is then
//! unknown; every create is idempotent or read back on the next run, so a re-run converges).
//! Must not print or decide what to do about a signal: the command and the executor do.

use tokio::sync::watch;

/// The exit status of a run stopped by a signal (128 + SIGINT, as shells report it).
pub const EXIT_STATUS: u8 = 130;

/// How many stop signals the process received; cheap to clone.
#[derive(Clone, Debug)]
pub struct Interrupt {
    signals: watch::Receiver<u32>,
}

impl Interrupt {
    /// Starts listening for SIGINT and SIGTERM; call inside the runtime, once per command.
    /// Until this is called the default handlers apply (a signal kills the process), which is
    /// right for the read-only commands.
    pub fn listen() -> Interrupt {
        let (tx, rx) = watch::channel(0u32);
        tokio::spawn(async move {
            let Ok(mut signals) = Signals::new() else {
                return;
            };
            loop {
                signals.next().await;
                tx.send_modify(|n| *n += 1);
            }
        });
        Interrupt { signals: rx }
    }

    /// An interrupt that never fires (tests, and callers that run without signals).
    pub fn never() -> Interrupt {
        // With the sender gone the count stays 0 and `after` pends forever.
        let (_, rx) = watch::channel(0u32);
        Interrupt { signals: rx }
    }

    /// Whether a stop was asked for.
    pub fn requested(&self) -> bool {
        *self.signals.borrow() >= 1
    }

    /// Resolves once at least `count` signals arrived (1: stop cleanly; 2: abandon).
    pub async fn after(&self, count: u32) {
        let mut rx = self.signals.clone();
        // `wait_for` fails only when the listener is gone, and then no signal will come.
        if rx.wait_for(|n| *n >= count).await.is_err() {
            std::future::pending::<()>().await;
        }
    }
}

/// SIGINT and SIGTERM, registered once so no signal between two waits is lost.
#[cfg(unix)]
struct Signals {
    int: tokio::signal::unix::Signal,
    term: tokio::signal::unix::Signal,
}

#[cfg(unix)]
impl Signals {
    fn new() -> std::io::Result<Signals> {
        use tokio::signal::unix::{SignalKind, signal};
        Ok(Signals {
            int: signal(SignalKind::interrupt())?,
            term: signal(SignalKind::terminate())?,
        })
    }

    async fn next(&mut self) {
        tokio::select! {
            _ = self.int.recv() => {}
            _ = self.term.recv() => {}
        }
    }
}

#[cfg(not(unix))]
struct Signals;

#[cfg(not(unix))]
impl Signals {
    fn new() -> std::io::Result<Signals> {
        Ok(Signals)
    }

    async fn next(&mut self) {
        let _ = tokio::signal::ctrl_c().await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn counts_signals_and_wakes_waiters() {
        let (tx, rx) = watch::channel(0u32);
        let i = Interrupt { signals: rx };
        assert!(!i.requested());
        let waiter = {
            let i = i.clone();
            tokio::spawn(async move { i.after(2).await })
        };
        tx.send_modify(|n| *n += 1);
        assert!(i.requested());
        tokio::task::yield_now().await;
        assert!(!waiter.is_finished());
        tx.send_modify(|n| *n += 1);
        tokio::time::timeout(std::time::Duration::from_secs(5), waiter)
            .await
            .expect("the second signal wakes the waiter")
            .unwrap();
        assert!(!Interrupt::never().requested());
    }
}
