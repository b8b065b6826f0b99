//! The writes only removal needs, beyond the per-service `write_*` files: scaling a service to
//! zero before deleting it, deregistering and deleting task definition revisions, deleting a
//! Cloud Map namespace, stopping a standalone task before its cluster is deleted.
//!
//! Must not decide what to remove (`diff::prune` and `apply::prune` do) nor let SDK types out.

use super::write::send;
use super::{AwsClients, AwsError};

/// UpdateService desiredCount 0, so ECS drains the tasks before DeleteService. A service
/// already gone (or INACTIVE) is not an error.
pub async fn scale_service_to_zero(
    clients: &AwsClients,
    cluster: &str,
    name: &str,
) -> Result<(), AwsError> {
    let req = clients
        .ecs
        .update_service()
        .cluster(cluster)
        .service(name)
        .desired_count(0);
    match send("ecs", "UpdateService", name, req.send()).await {
        Err(e)
            if e.is_code("ServiceNotFoundException") || e.is_code("ServiceNotActiveException") =>
        {
            Ok(())
        }
        other => other.map(|_| ()),
    }
}

/// DeregisterTaskDefinition: the revision becomes INACTIVE (running tasks keep it).
pub async fn deregister_task_definition(clients: &AwsClients, arn: &str) -> Result<(), AwsError> {
    let req = clients
        .ecs
        .deregister_task_definition()
        .task_definition(arn);
    send("ecs", "DeregisterTaskDefinition", arn, req.send()).await?;
    Ok(())
}

/// DeleteTaskDefinitions on INACTIVE revisions, 10 per call (the API's limit). AWS deletes
/// them asynchronously (`DELETE_IN_PROGRESS`); failures for single revisions are reported by
/// AWS in the response and ignored here: the revisions stay INACTIVE, which is harmless.
pub async fn delete_task_definitions(
    clients: &AwsClients,
    arns: &[String],
) -> Result<(), AwsError> {
    for chunk in arns.chunks(10) {
        let req = clients
            .ecs
            .delete_task_definitions()
            .set_task_definitions(Some(chunk.to_vec()));
        send(
            "ecs",
            "DeleteTaskDefinitions",
            &chunk.join(", "),
            req.send(),
        )
        .await?;
    }
    Ok(())
}

/// DeleteNamespace; returns the operation id to wait for (None when already gone).
pub async fn delete_namespace(
    clients: &AwsClients,
    id: &str,
    name: &str,
) -> Result<Option<String>, AwsError> {
    let req = clients.discovery.delete_namespace().id(id);
    match send("servicediscovery", "DeleteNamespace", name, req.send()).await {
        Ok(out) => Ok(out.operation_id().map(str::to_string)),
        Err(e) if e.is_code("NamespaceNotFound") => Ok(None),
        Err(e) => Err(e),
    }
}

/// StopTask with a reason ECS shows on the stopped task. A task already gone is not an error.
pub async fn stop_task(
    clients: &AwsClients,
    cluster: &str,
    arn: &str,
    reason: &str,
) -> Result<(), AwsError> {
    let req = clients
        .ecs
        .stop_task()
        .cluster(cluster)
        .task(arn)
        .reason(reason);
    match send("ecs", "StopTask", arn, req.send()).await {
        // ECS says InvalidParameterException "The referenced task was not found".
        Err(e) if e.message.to_ascii_lowercase().contains("not found") => Ok(()),
        other => other.map(|_| ()),
    }
}
