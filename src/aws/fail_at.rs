//! Test hooks for interrupted applies: make one write call fail, or kill the process right after
//! one succeeds, so tests can prove the next apply converges.
//!
//! - `ECSCTL_FAIL_AT=ecs:CreateService` (comma-separated, optionally `ecs:CreateService@NAME`
//!   to match one resource): the call fails before anything is sent, with the error code
//!   `EcsctlInjectedFailure`.
//! - `ECSCTL_KILL_AFTER=iam:CreateRole` (same syntax): the process aborts (as a SIGKILL would
//!   leave things) right after that call succeeded, before the next call of the same step.
//! - `ECSCTL_PAUSE_AFTER=ecs:UpdateService` (same syntax): the step waits 3 s right after that
//!   call succeeded (asynchronously, as a slow AWS answer would: the runtime keeps handling
//!   signals), so a test can write out of band or send SIGINT at a known point of the run.
//!
//! Compiled only with the `fault-hooks` Cargo feature, which release builds leave off: a stray
//! variable must never abort a production apply. Only write calls consult these (`write::send`),
//! and only when the variables are set; they exist for the emulator tests
//! (tests/emulator/apply.rs) and are documented in docs/apply.md ("Test hooks").
//! Must not be used for anything but tests.

use super::AwsError;

pub const FAIL_ENV: &str = "ECSCTL_FAIL_AT";
pub const KILL_ENV: &str = "ECSCTL_KILL_AFTER";
pub const PAUSE_ENV: &str = "ECSCTL_PAUSE_AFTER";
/// How long `ECSCTL_PAUSE_AFTER` holds the process: long enough for a test to act (write out
/// of band, send a signal) while the run is between two calls.
const PAUSE: std::time::Duration = std::time::Duration::from_secs(3);
pub const INJECTED_CODE: &str = "EcsctlInjectedFailure";

/// Pure: whether a hook value (`svc:Op[@resource][, ...]`) names this call.
fn names_call(spec: &str, service: &str, operation: &str, resource: &str) -> bool {
    spec.split(',').map(str::trim).any(|entry| {
        let (call, target) = match entry.split_once('@') {
            Some((c, t)) => (c, Some(t)),
            None => (entry, None),
        };
        call == format!("{service}:{operation}") && target.is_none_or(|t| t == resource)
    })
}

fn env_names_call(var: &str, service: &str, operation: &str, resource: &str) -> bool {
    std::env::var(var).is_ok_and(|spec| names_call(&spec, service, operation, resource))
}

/// Call before sending a write: the injected error when `ECSCTL_FAIL_AT` names this call.
pub fn before(
    service: &'static str,
    operation: &'static str,
    resource: &str,
) -> Result<(), AwsError> {
    if env_names_call(FAIL_ENV, service, operation, resource) {
        return Err(AwsError::new(
            service,
            operation,
            Some(resource),
            Some(INJECTED_CODE),
            format!("failure injected by {FAIL_ENV} (a test hook)"),
        ));
    }
    Ok(())
}

/// Call after a write succeeded: aborts when `ECSCTL_KILL_AFTER` names this call, pauses when
/// `ECSCTL_PAUSE_AFTER` does.
pub async fn after(service: &'static str, operation: &'static str, resource: &str) {
    if env_names_call(PAUSE_ENV, service, operation, resource) {
        eprintln!(
            "ecsctl: paused {}s after {service}:{operation} on `{resource}` ({PAUSE_ENV}, a test hook)",
            PAUSE.as_secs()
        );
        tokio::time::sleep(PAUSE).await;
    }
    if env_names_call(KILL_ENV, service, operation, resource) {
        eprintln!(
            "ecsctl: killed after {service}:{operation} on `{resource}` ({KILL_ENV}, a test hook)"
        );
        std::process::abort();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // Pure parsing only: setting the variable would race with other test threads reading the
    // environment (std::env::set_var is unsafe in edition 2024).
    #[test]
    fn entries_match_call_and_optional_resource() {
        let spec = "ecs:CreateService@api, iam:CreateRole";
        assert!(names_call(spec, "ecs", "CreateService", "api"));
        assert!(!names_call(spec, "ecs", "CreateService", "web"));
        assert!(names_call(spec, "iam", "CreateRole", "anything"));
        assert!(!names_call(spec, "iam", "PutRolePolicy", "x"));
        assert!(!names_call("", "iam", "CreateRole", "x"));
        assert!(!names_call(
            "ecs:CreateService2",
            "ecs",
            "CreateService",
            "x"
        ));
    }
}
