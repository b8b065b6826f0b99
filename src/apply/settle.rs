//! The one retry policy for AWS's "not yet" errors (`aws::settling::Settling`): a role still
//! propagating, a service still draining, Cloud Map instances still registered. The call is sent
//! again with backoff until it succeeds, fails otherwise, or the case's bound passes, and every
//! wait is visible: a progress line names what apply waits for and for how long.
//!
//! Throttling and 5xx are not retried here (the SDK's retry policy does, per call), and neither
//! is a write whose outcome is unknown: every case here is an error AWS answered, so the call
//! changed nothing and sending it again is safe. Must not decide which errors settle (that is
//! `Settling::of`, pure and tested on AWS's messages).

use std::future::Future;
use std::time::{Duration, Instant};

use super::reporter::Reporter;
use crate::aws::AwsError;
use crate::aws::settling::Settling;

/// First retry after 1 s, growing to 10 s: IAM typically propagates within seconds, while a
/// drain takes minutes, and ten seconds between DescribeX-free retries is cheap either way.
const FIRST: Duration = Duration::from_secs(1);
const MAX: Duration = Duration::from_secs(10);

/// Runs `call`, and again while it fails with a settling error within that case's bound.
pub async fn settle<T, F, Fut>(reporter: &dyn Reporter, call: F) -> Result<T, AwsError>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, AwsError>>,
{
    settle_with(reporter, FIRST, MAX, Settling::bound, call).await
}

/// `settle` with its timing passed in (unit tests run it in milliseconds).
async fn settle_with<T, F, Fut>(
    reporter: &dyn Reporter,
    first: Duration,
    max: Duration,
    bound: fn(Settling) -> Duration,
    mut call: F,
) -> Result<T, AwsError>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, AwsError>>,
{
    let started = Instant::now();
    let mut interval = first;
    loop {
        let e = match call().await {
            Ok(v) => return Ok(v),
            Err(e) => e,
        };
        let Some(case) = Settling::of(&e) else {
            return Err(e);
        };
        let waited = started.elapsed();
        let limit = bound(case);
        if waited + interval > limit {
            return Err(gave_up(e, case, waited));
        }
        reporter.note(&format!(
            "waiting for {} ({}s)",
            case.waiting_for(&e),
            waited.as_secs()
        ));
        tokio::time::sleep(interval).await;
        interval = (interval * 3 / 2).min(max);
    }
}

/// The last error, with how long apply waited for it to settle, so the user knows it was not a
/// first-call failure.
fn gave_up(mut e: AwsError, case: Settling, waited: Duration) -> AwsError {
    e.message = format!(
        "{} (still failing after waiting {}s for {})",
        e.message,
        waited.as_secs(),
        case.waiting_for(&e)
    );
    e
}

#[cfg(test)]
mod tests {
    use std::sync::Mutex;

    use super::*;
    use crate::plan::Step;

    #[derive(Default)]
    struct Notes(Mutex<Vec<String>>);

    impl Reporter for Notes {
        fn step_started(&self, _: &Step) {}
        fn step_finished(&self, _: &Step, _: Result<(), &AwsError>, _: Duration) {}
        fn note(&self, message: &str) {
            self.0.lock().unwrap().push(message.to_string());
        }
        fn service_progress(&self, _: &str, _: &str, _: bool) {}
        fn service_event(&self, _: &str, _: &str) {}
    }

    fn draining() -> AwsError {
        AwsError::new(
            "ecs",
            "CreateService",
            Some("ohi-prod-api"),
            Some("InvalidParameterException"),
            "Unable to Start a service that is still Draining.",
        )
    }

    const MS: Duration = Duration::from_millis(1);

    #[tokio::test]
    async fn retries_a_settling_error_until_it_succeeds_and_says_what_it_waits_for() {
        let notes = Notes::default();
        let mut calls = 0;
        let r = settle_with(
            &notes,
            MS,
            2 * MS,
            |_| Duration::from_secs(5),
            || {
                calls += 1;
                let n = calls;
                async move { if n < 3 { Err(draining()) } else { Ok(n) } }
            },
        )
        .await;
        assert_eq!(r, Ok(3));
        let notes = notes.0.into_inner().unwrap();
        assert_eq!(notes.len(), 2);
        assert_eq!(
            notes[0],
            "waiting for the deleted ECS service `ohi-prod-api` to finish draining (0s)"
        );
    }

    #[tokio::test]
    async fn other_errors_fail_at_once() {
        let notes = Notes::default();
        let mut calls = 0;
        let r: Result<(), AwsError> = settle_with(
            &notes,
            MS,
            MS,
            |_| Duration::from_secs(5),
            || {
                calls += 1;
                async {
                    Err(AwsError::new(
                        "ecs",
                        "CreateService",
                        Some("x"),
                        Some("InvalidParameterException"),
                        "Creation of service was not idempotent.",
                    ))
                }
            },
        )
        .await;
        assert!(r.is_err());
        assert_eq!(calls, 1);
        assert!(notes.0.into_inner().unwrap().is_empty());
    }

    #[tokio::test]
    async fn gives_up_at_the_bound_with_the_last_error_and_the_wait() {
        let notes = Notes::default();
        let mut calls = 0;
        let r: Result<(), AwsError> = settle_with(
            &notes,
            5 * MS,
            5 * MS,
            |_| 20 * MS,
            || {
                calls += 1;
                async { Err(draining()) }
            },
        )
        .await;
        let e = r.unwrap_err();
        assert_eq!(e.code.as_deref(), Some("InvalidParameterException"));
        assert!(
            e.message.starts_with(
                "Unable to Start a service that is still Draining. (still failing after waiting"
            ),
            "{}",
            e.message
        );
        assert!((2..=5).contains(&calls), "{calls} calls");
    }
}
