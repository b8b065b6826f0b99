//! Which AWS errors mean "not yet" rather than "no": AWS is eventually consistent and some of
//! its deletes are asynchronous, so a call right after another one can fail for a while and then
//! succeed with nothing changed. Each case is documented AWS behaviour, with its source below.
//!
//! Owns the classification (`Settling::of`), each case's bound and its wording. Pure: no calls,
//! no clock, no retrying (apply's `settle` does that). Throttling and 5xx are not here: the SDK's
//! retry policy handles those per call (`config.rs`).

use std::time::Duration;

use super::AwsError;

/// Something AWS is still settling, that makes a call fail until it has.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Settling {
    /// A role created or changed moments ago is not yet usable by ECS or Scheduler: IAM is
    /// eventually consistent ("changes ... take time to become visible", IAM user guide,
    /// troubleshoot_general#troubleshoot_general_eventual-consistency). ECS answers
    /// RegisterTaskDefinition with `ClientException: ECS was unable to assume the role ...`
    /// (terraform-provider-aws internal/service/ecs/task_definition.go retries it), or an
    /// AccessDenied on `iam:PassRole` (terraform-aws-modules/terraform-aws-ecs #414); Scheduler
    /// answers CreateSchedule with a ValidationException about its execution role
    /// (terraform-provider-aws internal/service/scheduler/schedule.go retries it).
    RolePropagation,
    /// ECS's service-linked role was just created: CreateCluster with capacity providers fails
    /// "Unable to assume the service linked role" until it has propagated
    /// (cloudformation-coverage-roadmap #818; aws-solutions guidance waits ~10 s).
    ServiceLinkedRole,
    /// Application Auto Scaling validates the ECS service and does not see a just-created one:
    /// `ValidationException: ECS service doesn't exist` (terraform-provider-aws #11693).
    ScalableTargetService,
    /// Cloud Map refuses to delete a service that still has instances; ECS deregisters a task's
    /// instance only after the task stopped: `ResourceInUse` (terraform-provider-aws #4853).
    RegisteredInstances,
    /// A deleted ECS service's name cannot be reused while it drains:
    /// `InvalidParameterException: Unable to Start a service that is still Draining.`
    /// (spinnaker #5476, remind101/empire #341).
    ServiceDraining,
    /// DeleteCluster while tasks are stopping (`ClusterContainsTasksException`) or services are
    /// draining (`ClusterContainsServicesException`): ECS DeleteCluster API, Errors.
    ClusterNotEmpty,
}

impl Settling {
    /// The case `e` is, if it is one: the operation and AWS's code and message together, so an
    /// unrelated error with a similar message is never waited on.
    pub fn of(e: &AwsError) -> Option<Settling> {
        let code = e.code.as_deref().unwrap_or("");
        let msg = e.message.to_ascii_lowercase();
        match (e.service, e.operation) {
            ("ecs", "RegisterTaskDefinition" | "CreateService" | "UpdateService" | "RunTask")
                if role_not_usable(code, &msg) =>
            {
                Some(Settling::RolePropagation)
            }
            ("ecs", "CreateCluster" | "PutClusterCapacityProviders")
                if msg.contains("service linked role") =>
            {
                Some(Settling::ServiceLinkedRole)
            }
            ("ecs", "CreateService")
                if code == "InvalidParameterException" && msg.contains("still draining") =>
            {
                Some(Settling::ServiceDraining)
            }
            ("ecs", "DeleteCluster")
                if matches!(
                    code,
                    "ClusterContainsTasksException" | "ClusterContainsServicesException"
                ) =>
            {
                Some(Settling::ClusterNotEmpty)
            }
            ("scheduler", "CreateSchedule" | "UpdateSchedule")
                if code == "ValidationException"
                    && msg.contains("role")
                    && (msg.contains("assume") || msg.contains("execution role")) =>
            {
                Some(Settling::RolePropagation)
            }
            ("application-autoscaling", "RegisterScalableTarget")
                if code == "ValidationException" && msg.contains("service doesn't exist") =>
            {
                Some(Settling::ScalableTargetService)
            }
            ("servicediscovery", "DeleteService") if code == "ResourceInUse" => {
                Some(Settling::RegisteredInstances)
            }
            _ => None,
        }
    }

    /// How long apply keeps trying before it reports the error. IAM: terraform-provider-aws's
    /// propagation timeout is 2 minutes. Draining and deregistration follow the tasks' stop
    /// (the load balancer's deregistration delay defaults to 300 s), so they get longer.
    pub fn bound(self) -> Duration {
        match self {
            Settling::RolePropagation
            | Settling::ServiceLinkedRole
            | Settling::ScalableTargetService => Duration::from_secs(120),
            Settling::RegisteredInstances | Settling::ServiceDraining => Duration::from_secs(600),
            Settling::ClusterNotEmpty => Duration::from_secs(600),
        }
    }

    /// What apply is waiting for, for the progress line ("waiting for {this} (3s)").
    pub fn waiting_for(self, e: &AwsError) -> String {
        let r = e.resource.as_deref().unwrap_or("?");
        match self {
            Settling::RolePropagation => match role_in(&e.message) {
                Some(role) => format!("IAM to propagate role `{role}` (used by `{r}`)"),
                None => format!("IAM to propagate the roles of `{r}`"),
            },
            Settling::ServiceLinkedRole => {
                "IAM to propagate the ECS service-linked role AWSServiceRoleForECS".to_string()
            }
            Settling::ScalableTargetService => {
                format!("Application Auto Scaling to see ECS service `{r}`")
            }
            Settling::RegisteredInstances => {
                format!("ECS to deregister the tasks' instances from Cloud Map service `{r}`")
            }
            Settling::ServiceDraining => {
                format!("the deleted ECS service `{r}` to finish draining")
            }
            Settling::ClusterNotEmpty => format!("the tasks and services of cluster `{r}` to stop"),
        }
    }
}

fn role_not_usable(code: &str, msg: &str) -> bool {
    (code == "ClientException" || code == "InvalidParameterException")
        && (msg.contains("unable to assume the role") || msg.contains("role is not valid"))
        || code.starts_with("AccessDenied") && msg.contains("iam:passrole")
}

/// The role named in an ECS message (`... assume the role 'arn:aws:iam::1:role/x' ...`).
fn role_in(message: &str) -> Option<&str> {
    let start = message.find(":role/")? + ":role/".len();
    let rest = &message[start..];
    let end = rest.find(['\'', '"', ' ', ',']).unwrap_or(rest.len());
    Some(&rest[..end]).filter(|r| !r.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(service: &'static str, op: &'static str, code: &str, msg: &str) -> AwsError {
        AwsError::new(service, op, Some("ohi-prod-api"), Some(code), msg)
    }

    #[test]
    fn ecs_role_propagation_is_settling_and_names_the_role() {
        let e = err(
            "ecs",
            "RegisterTaskDefinition",
            "ClientException",
            "ECS was unable to assume the role 'arn:aws:iam::123456789012:role/ohi-prod-api-exec' \
             that was provided for this task. Please verify that the role being passed has the \
             proper trust relationship and permissions and that your IAM user has permissions \
             to pass this role.",
        );
        assert_eq!(Settling::of(&e), Some(Settling::RolePropagation));
        assert_eq!(
            Settling::RolePropagation.waiting_for(&e),
            "IAM to propagate role `ohi-prod-api-exec` (used by `ohi-prod-api`)"
        );
        let pass = err(
            "ecs",
            "RegisterTaskDefinition",
            "AccessDeniedException",
            "User: arn:aws:sts::1:assumed-role/ci/x is not authorized to perform: iam:PassRole \
             on resource: arn:aws:iam::1:role/ohi-prod-api-exec",
        );
        assert_eq!(Settling::of(&pass), Some(Settling::RolePropagation));
    }

    #[test]
    fn each_case_matches_its_operation_only() {
        let cases = [
            (
                err(
                    "ecs",
                    "CreateCluster",
                    "InvalidParameterException",
                    "Unable to assume the service linked role. Please verify that the ECS \
                     service linked role exists.",
                ),
                Some(Settling::ServiceLinkedRole),
            ),
            (
                err(
                    "ecs",
                    "CreateService",
                    "InvalidParameterException",
                    "Unable to Start a service that is still Draining.",
                ),
                Some(Settling::ServiceDraining),
            ),
            (
                err(
                    "ecs",
                    "DeleteCluster",
                    "ClusterContainsTasksException",
                    "The Cluster cannot be deleted while Tasks are active.",
                ),
                Some(Settling::ClusterNotEmpty),
            ),
            (
                err(
                    "application-autoscaling",
                    "RegisterScalableTarget",
                    "ValidationException",
                    "ECS service doesn't exist: service/ohi-prod/ohi-prod-api",
                ),
                Some(Settling::ScalableTargetService),
            ),
            (
                err(
                    "servicediscovery",
                    "DeleteService",
                    "ResourceInUse",
                    "Service contains registered instances; delete the instances before \
                     deleting the service",
                ),
                Some(Settling::RegisteredInstances),
            ),
            (
                err(
                    "scheduler",
                    "CreateSchedule",
                    "ValidationException",
                    "The execution role you provide must allow AWS EventBridge Scheduler to \
                     assume the role.",
                ),
                Some(Settling::RolePropagation),
            ),
            // The same codes elsewhere, or other messages, are real failures.
            (
                err(
                    "ecs",
                    "UpdateService",
                    "InvalidParameterException",
                    "Unable to Start a service that is still Draining.",
                ),
                None,
            ),
            (
                err(
                    "ecs",
                    "CreateService",
                    "InvalidParameterException",
                    "Creation of service was not idempotent.",
                ),
                None,
            ),
            (
                err(
                    "servicediscovery",
                    "DeleteNamespace",
                    "ResourceInUse",
                    "namespace has services",
                ),
                None,
            ),
            (
                err(
                    "application-autoscaling",
                    "RegisterScalableTarget",
                    "ValidationException",
                    "Maximum capacity cannot be less than minimum capacity",
                ),
                None,
            ),
            (
                err(
                    "ecs",
                    "RegisterTaskDefinition",
                    "ClientException",
                    "Invalid cpu",
                ),
                None,
            ),
        ];
        for (e, want) in cases {
            assert_eq!(Settling::of(&e), want, "{e}");
        }
    }

    #[test]
    fn iam_cases_are_bounded_at_two_minutes_and_drains_longer() {
        assert_eq!(Settling::RolePropagation.bound(), Duration::from_secs(120));
        assert!(Settling::ServiceDraining.bound() > Settling::RolePropagation.bound());
    }
}
