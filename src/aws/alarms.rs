//! CloudWatch metric alarms: the alarms of step scaling rules, read by name.
//!
//! Owns DescribeAlarms and its conversion. Must not write, nor read alarms ecsctl did not ask
//! for by name (an account may hold thousands).

use aws_sdk_cloudwatch::types::{AlarmType, MetricAlarm};

use super::{AwsClients, AwsError};
use crate::live::{LiveAlarm, LiveMetric};

/// DescribeAlarms takes at most 100 names a call (API reference, `AlarmNames`).
const NAMES_PER_CALL: usize = 100;

/// The metric alarms of these names that exist, paginated, 100 names a call.
pub async fn read_alarms(
    clients: &AwsClients,
    names: &[String],
) -> Result<Vec<LiveAlarm>, AwsError> {
    let mut out = Vec::new();
    for chunk in names.chunks(NAMES_PER_CALL) {
        let mut pages = clients
            .cloudwatch
            .describe_alarms()
            .set_alarm_names(Some(chunk.to_vec()))
            .alarm_types(AlarmType::MetricAlarm)
            // 100, the most per page (API reference, `MaxRecords`); the default is 50.
            .max_records(100)
            .into_paginator()
            .send();
        while let Some(page) = pages.next().await {
            let page = page.map_err(|e| {
                AwsError::from_sdk(
                    "cloudwatch",
                    "DescribeAlarms",
                    chunk.first().map(String::as_str),
                    e,
                )
            })?;
            out.extend(page.metric_alarms().iter().map(from_sdk));
        }
    }
    Ok(out)
}

pub(crate) fn from_sdk(a: &MetricAlarm) -> LiveAlarm {
    LiveAlarm {
        name: a.alarm_name().unwrap_or_default().to_string(),
        metric: LiveMetric {
            namespace: a.namespace().map(str::to_string),
            name: a.metric_name().map(str::to_string),
            dimensions: a
                .dimensions()
                .iter()
                .map(|d| {
                    (
                        d.name().unwrap_or_default().to_string(),
                        d.value().unwrap_or_default().to_string(),
                    )
                })
                .collect(),
        },
        statistic: a.statistic().map(|s| s.as_str().to_string()),
        unit: a.unit().map(|u| u.as_str().to_string()),
        period: a.period(),
        evaluation_periods: a.evaluation_periods(),
        datapoints_to_alarm: a.datapoints_to_alarm(),
        threshold: a.threshold(),
        comparison: a.comparison_operator().map(|c| c.as_str().to_string()),
        actions_enabled: a.actions_enabled(),
        alarm_actions: a.alarm_actions().to_vec(),
    }
}
