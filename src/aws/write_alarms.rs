//! CloudWatch writes: the alarm of a step scaling rule (PutMetricAlarm, an upsert that replaces
//! the whole alarm) and its deletion.
//!
//! Deleting a step scaling policy removes the alarm's action but not the alarm ("Deleting a step
//! scaling policy deletes the underlying alarm action, but it does not delete the CloudWatch
//! alarm associated with the scaling policy", Application Auto Scaling user guide, "Delete a
//! step scaling policy"), so ecsctl deletes it. Must not decide what to change, nor let SDK
//! types out of this file.

use aws_sdk_cloudwatch::types::{ComparisonOperator, Dimension, Statistic, Tag};

use super::write::send;
use super::{AwsClients, AwsError};
use crate::model::scaling_rules::ALARM_PERIOD_SECONDS;
use crate::model::{CustomMetric, StepRule};

const SERVICE: &str = "cloudwatch";

/// PutMetricAlarm: `metric` past the threshold for `minutes` one-minute periods runs the policy.
/// The tags are sent every time; CloudWatch applies them only when it creates the alarm
/// (PutMetricAlarm API reference, `Tags`: on an update "any tags you specify in this parameter
/// are ignored").
pub async fn put_alarm(
    clients: &AwsClients,
    name: &str,
    metric: &CustomMetric,
    rule: &StepRule,
    policy_arn: &str,
) -> Result<(), AwsError> {
    let dimensions = metric
        .dimensions
        .iter()
        .map(|(k, v)| Dimension::builder().name(k).value(v).build())
        .collect::<Vec<_>>();
    let tags = rule
        .tags
        .iter()
        .map(|(k, v)| Tag::builder().key(k).value(v).build())
        .collect::<Vec<_>>();
    let req = clients
        .cloudwatch
        .put_metric_alarm()
        .alarm_name(name)
        .alarm_description(format!(
            "ecsctl step scaling rule: runs the scaling policy {name}"
        ))
        .namespace(&metric.namespace)
        .metric_name(&metric.name)
        .set_dimensions(Some(dimensions))
        .statistic(Statistic::from(metric.statistic.as_str()))
        .set_unit(metric.unit.as_deref().map(Into::into))
        .period(ALARM_PERIOD_SECONDS)
        .evaluation_periods(rule.minutes as i32)
        .datapoints_to_alarm(rule.minutes as i32)
        .threshold(rule.threshold)
        .comparison_operator(match rule.above {
            true => ComparisonOperator::GreaterThanThreshold,
            false => ComparisonOperator::LessThanThreshold,
        })
        .actions_enabled(true)
        .alarm_actions(policy_arn)
        .set_tags((!tags.is_empty()).then_some(tags));
    send(SERVICE, "PutMetricAlarm", name, req.send()).await?;
    Ok(())
}

/// DeleteAlarms for one name; deleting an alarm that does not exist succeeds in CloudWatch.
pub async fn delete_alarm(clients: &AwsClients, name: &str) -> Result<(), AwsError> {
    let req = clients.cloudwatch.delete_alarms().alarm_names(name);
    match send(SERVICE, "DeleteAlarms", name, req.send()).await {
        Err(e) if e.is_code("ResourceNotFound") => Ok(()),
        other => other.map(|_| ()),
    }
}
