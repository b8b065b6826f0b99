//! Test hooks for interrupted applies: make one write call fail, or kill the process right after
//! one succeeds, so tests can prove the next apply converges.
//!
//! - `ECSCTL_FAIL_AT=ecs:CreateService` (comma-separated, optionally `ecs:CreateService@NAME`
//!   to match one resource): the call fails before anything is sent, with the error code
//!   `EcsctlInjectedFailure`.
//! - `ECSCTL_KILL_AFTER=iam:CreateRole` (same syntax): the process aborts (as a SIGKILL would
//!   leave things) right after that call succeeded, before the next call of the same step.
//!
//! Only write calls consult these, and only when the variables are set; they exist for the
//! emulator tests (tests/emulator/apply.rs) and are documented in docs/emulator.md.
//! Must not be used for anything but tests.

use super::AwsError;

pub const FAIL_ENV: &str = "ECSCTL_FAIL_AT";
pub const KILL_ENV: &str = "ECSCTL_KILL_AFTER";
pub const INJECTED_CODE: &str = "EcsctlInjectedFailure";

fn matches(var: &str, service: &str, operation: &str, resource: &str) -> bool {
    let Ok(spec) = std::env::var(var) else {
        return false;
    };
    spec.split(',').map(str::trim).any(|entry| {
        let (call, target) = match entry.split_once('@') {
            Some((c, t)) => (c, Some(t)),
            None => (entry, None),
        };
        call == format!("{service}:{operation}") && target.is_none_or(|t| t == resource)
    })
}

/// Call before sending a write: the injected error when `ECSCTL_FAIL_AT` names this call.
pub fn before(
    service: &'static str,
    operation: &'static str,
    resource: &str,
) -> Result<(), AwsError> {
    if matches(FAIL_ENV, service, operation, resource) {
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

/// Call after a write succeeded: aborts when `ECSCTL_KILL_AFTER` names this call.
pub fn after(service: &'static str, operation: &'static str, resource: &str) {
    if matches(KILL_ENV, service, operation, resource) {
        eprintln!(
            "ecsctl: killed after {service}:{operation} on `{resource}` ({KILL_ENV}, a test hook)"
        );
        std::process::abort();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_match_call_and_optional_resource() {
        // Reads the variable through a private name so parallel tests do not interfere.
        let var = "ECSCTL_FAIL_AT_UNIT_TEST";
        unsafe { std::env::set_var(var, "ecs:CreateService@api, iam:CreateRole") };
        assert!(matches(var, "ecs", "CreateService", "api"));
        assert!(!matches(var, "ecs", "CreateService", "web"));
        assert!(matches(var, "iam", "CreateRole", "anything"));
        assert!(!matches(var, "iam", "PutRolePolicy", "x"));
        assert!(!matches(
            "ECSCTL_FAIL_AT_UNSET_VAR",
            "iam",
            "CreateRole",
            "x"
        ));
    }
}
