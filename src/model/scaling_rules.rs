//! The scaling a service asks for beyond target tracking on a predefined metric: target
//! tracking on an SQS queue's backlog per task or on any CloudWatch metric, step rules (each
//! with the CloudWatch alarm ecsctl owns) and scheduled actions on the range.
//!
//! Owns their validation, their AWS names (`<service name>-queue`, `-metric`,
//! `-<cpu|memory|metric name>-above|below`, `-<schedule name>`) and the limits the APIs
//! document. Must not decide cooldown defaults (`autoscaling` does) nor talk to AWS.
//!
//! References: Application Auto Scaling user guide, "Create a target tracking scaling policy
//! using metric math" (the SQS backlog per task: `ApproximateNumberOfMessagesVisible` / Sum over
//! `ECS/ContainerInsights` `RunningTaskCount` / Average); "Step scaling policies"; "Scheduled
//! scaling" (cron in six fields, IANA time zones); CloudWatch PutMetricAlarm (periods of 60 s,
//! `EvaluationPeriods × Period` at most one day).

use std::collections::BTreeMap;

use super::autoscaling::AutoscalingInput;
use super::resources::*;
use super::scope::Scope;
use crate::spec::raw::{RawCustomMetric, RawScalingSchedule, RawStep};
use crate::spec::raw_values::StepMetric;
use crate::spec::span::Loc;

/// The statistics a metric alarm and a customized metric specification both take.
const STATISTICS: [&str; 5] = ["Average", "Minimum", "Maximum", "Sum", "SampleCount"];

/// One day of one-minute periods: CloudWatch's limit on `EvaluationPeriods × Period`.
const MAX_MINUTES: u32 = 1440;

/// A step rule's alarm evaluates one-minute periods: its `minutes` are the evaluation periods.
pub const ALARM_PERIOD_SECONDS: i32 = 60;

/// `sqsQueue`: the backlog-per-task metric and the messages per task to keep.
pub fn sqs_backlog(
    cx: &Scope,
    a: &AutoscalingInput,
    path: &dyn Fn(&str) -> String,
) -> Option<(ScalingMetric, f64)> {
    let q = a.raw.sqs_queue.as_ref()?;
    let at = path("sqsQueue");
    let Some(name) = &q.name else {
        let loc = q.messages_per_task.as_ref().map_or(a.key_loc, |m| m.loc);
        cx.error_hint(
            loc,
            format!("{at}.name"),
            "sqsQueue has no `name`",
            "the queue's name, e.g. `{app}-{env}-jobs` (not its URL)",
        );
        return None;
    };
    let queue = cx.name(name, &format!("{at}.name"), None)?;
    if queue.contains('/') || queue.contains(':') {
        cx.error_hint(
            name.loc,
            format!("{at}.name"),
            format!("`{queue}` is not a queue name"),
            "write the queue's name (the last part of its URL), e.g. `orders`",
        );
    }
    let Some(per_task) = &q.messages_per_task else {
        cx.error_hint(
            name.loc,
            format!("{at}.messagesPerTask"),
            "sqsQueue has no `messagesPerTask`",
            "the backlog one task can carry: messages visible per running task",
        );
        return None;
    };
    if per_task.value <= 0.0 {
        cx.error(
            per_task.loc,
            format!("{at}.messagesPerTask"),
            format!("messagesPerTask `{}` must be above 0", per_task.value),
        );
    }
    if !a.insights {
        cx.error_hint(
            name.loc,
            at.clone(),
            "sqsQueue scaling divides by the service's running tasks, a Container Insights metric, and the cluster has Container Insights off",
            "set `cluster: {containerInsights: enabled}`",
        );
    }
    let metric = ScalingMetric::SqsBacklog {
        queue,
        cluster: a.cluster.to_string(),
        service: a.service_name.to_string(),
    };
    Some((metric, per_task.value))
}

/// A metric's identity and statistic; `target` is the caller's.
pub fn custom_metric(cx: &Scope, m: &RawCustomMetric, at: &str) -> Option<CustomMetric> {
    let loc = [&m.namespace, &m.name, &m.statistic, &m.unit]
        .into_iter()
        .flatten()
        .map(|v| v.loc)
        .next()
        .or(m.target.as_ref().map(|t| t.loc))
        .or(m
            .dimensions
            .as_ref()
            .and_then(|d| d.iter().next().map(|(k, _)| k.loc)))?;
    let required = |v: &Option<crate::spec::span::Sp<String>>, key: &str, what: &str| {
        let Some(v) = v else {
            cx.error_hint(
                loc,
                format!("{at}.{key}"),
                format!("customMetric has no `{key}`"),
                what.to_string(),
            );
            return None;
        };
        cx.name(v, &format!("{at}.{key}"), None)
    };
    let namespace = required(
        &m.namespace,
        "namespace",
        "the metric's namespace, e.g. `AWS/SQS` or your application's",
    )?;
    let name = required(
        &m.name,
        "name",
        "the metric's name, as `aws cloudwatch list-metrics` shows it",
    )?;
    let statistic = match &m.statistic {
        None => "Average".to_string(),
        Some(s) if STATISTICS.contains(&s.value.as_str()) => s.value.clone(),
        Some(s) => {
            cx.error_hint(
                s.loc,
                format!("{at}.statistic"),
                format!("statistic `{}` is not one CloudWatch takes here", s.value),
                format!("one of {}", STATISTICS.join(", ")),
            );
            return None;
        }
    };
    let mut dimensions = BTreeMap::new();
    for (k, v) in m.dimensions.iter().flat_map(|d| d.iter()) {
        let value = cx.name(v, &format!("{at}.dimensions.{}", k.value), None)?;
        dimensions.insert(k.value.clone(), value);
    }
    let unit = m
        .unit
        .as_ref()
        .and_then(|u| cx.text(u, &format!("{at}.unit")));
    Some(CustomMetric {
        namespace,
        name,
        dimensions,
        statistic,
        unit,
    })
}

/// `steps`: one step scaling policy and alarm per rule.
pub fn steps(
    cx: &Scope,
    a: &AutoscalingInput,
    path: &dyn Fn(&str) -> String,
) -> Vec<ScalingPolicy> {
    let mut out: Vec<ScalingPolicy> = Vec::new();
    let Some(list) = &a.raw.steps else {
        return out;
    };
    for (i, raw) in list.value.iter().enumerate() {
        let at = format!("{}[{i}]", path("steps"));
        let Some(policy) = step(cx, a, raw, &at, list.loc) else {
            continue;
        };
        if out.iter().any(|p| p.name == policy.name) {
            cx.error_hint(
                list.loc,
                at,
                format!("two step rules would both be named `{}`", policy.name),
                "one rule per metric and direction: `above` and `below` make two",
            );
            continue;
        }
        out.push(policy);
    }
    out
}

fn step(
    cx: &Scope,
    a: &AutoscalingInput,
    raw: &RawStep,
    at: &str,
    list_loc: Loc,
) -> Option<ScalingPolicy> {
    let (metric, word) = match (&raw.metric, &raw.custom_metric) {
        (Some(m), None) => match m.value {
            StepMetric::Cpu => (ScalingMetric::Cpu, "cpu".to_string()),
            StepMetric::Memory => (ScalingMetric::Memory, "memory".to_string()),
        },
        (None, Some(c)) => {
            if let Some(t) = &c.target {
                cx.error_hint(
                    t.loc,
                    format!("{at}.customMetric.target"),
                    "a step rule has no `target`",
                    "a step rule acts past `above` or `below`; `target` is for `autoscaling.customMetric`",
                );
            }
            let m = custom_metric(cx, c, &format!("{at}.customMetric"))?;
            let word = slug(&m.name);
            (ScalingMetric::Custom(m), word)
        }
        (Some(m), Some(_)) => {
            cx.error(
                m.loc,
                format!("{at}.metric"),
                "a step rule watches one metric: `metric` or `customMetric`, not both",
            );
            return None;
        }
        (None, None) => {
            cx.error_hint(
                list_loc,
                format!("{at}.metric"),
                "a step rule has no `metric`",
                "`metric: cpu`, `metric: memory`, or a `customMetric`",
            );
            return None;
        }
    };
    let (above, threshold) = match (&raw.above, &raw.below) {
        (Some(t), None) => (true, t.value),
        (None, Some(t)) => (false, t.value),
        (Some(t), Some(_)) => {
            cx.error_hint(
                t.loc,
                format!("{at}.above"),
                "a step rule has both `above` and `below`",
                "write two rules, one each way",
            );
            return None;
        }
        (None, None) => {
            cx.error_hint(
                list_loc,
                format!("{at}.above"),
                "a step rule has no threshold",
                "`above: 60` acts while the metric is above 60; `below: 20` while it is below",
            );
            return None;
        }
    };
    let minutes = raw.minutes.as_ref().map_or(1, |m| m.value);
    if let Some(m) = raw
        .minutes
        .as_ref()
        .filter(|m| m.value == 0 || m.value > MAX_MINUTES)
    {
        cx.error(
            m.loc,
            format!("{at}.minutes"),
            format!(
                "minutes `{}` must be 1 to {MAX_MINUTES} (CloudWatch evaluates at most one day)",
                m.value
            ),
        );
    }
    let change = match &raw.change {
        Some(c) if c.value != 0 => c.value,
        Some(c) => {
            cx.error(
                c.loc,
                format!("{at}.change"),
                "change `0` does nothing: add (positive) or remove (negative) tasks",
            );
            return None;
        }
        None => {
            cx.error_hint(
                list_loc,
                format!("{at}.change"),
                "a step rule has no `change`",
                "`change: 1` adds a task each time; `change: -1` removes one",
            );
            return None;
        }
    };
    let cooldown = raw.cooldown.as_ref().map_or_else(
        || match change > 0 {
            true => a.raw.scale_out_cooldown.as_ref().map_or(60, |c| c.value),
            false => a.raw.scale_in_cooldown.as_ref().map_or(300, |c| c.value),
        },
        |c| c.value,
    );
    let direction = if above { "above" } else { "below" };
    Some(ScalingPolicy {
        name: format!("{}-{word}-{direction}", a.service_name),
        metric,
        rule: PolicyRule::Step(StepRule {
            above,
            threshold,
            minutes,
            change,
            cooldown,
            tags: a.tags.clone(),
        }),
    })
}

/// A metric name as part of an AWS name: lowercase letters, digits and dashes.
fn slug(name: &str) -> String {
    let mut out = String::new();
    for c in name.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('-') {
            out.push('-');
        }
    }
    out.trim_matches('-').to_string()
}

/// `schedule`: scheduled actions setting the target's range.
pub fn schedules(
    cx: &Scope,
    a: &AutoscalingInput,
    path: &dyn Fn(&str) -> String,
) -> Vec<ScalingSchedule> {
    let mut out: Vec<ScalingSchedule> = Vec::new();
    let Some(list) = &a.raw.schedule else {
        return out;
    };
    for (i, raw) in list.value.iter().enumerate() {
        let at = format!("{}[{i}]", path("schedule"));
        let Some(s) = schedule(cx, a, raw, i, &at, list.loc) else {
            continue;
        };
        if out.iter().any(|o| o.name == s.name) {
            cx.error_hint(
                raw.name.as_ref().map_or(list.loc, |n| n.loc),
                format!("{at}.name"),
                format!("two scheduled actions are named `{}`", s.name),
                "give each a different `name`",
            );
            continue;
        }
        out.push(s);
    }
    out
}

fn schedule(
    cx: &Scope,
    a: &AutoscalingInput,
    raw: &RawScalingSchedule,
    i: usize,
    at: &str,
    list_loc: Loc,
) -> Option<ScalingSchedule> {
    let short = match &raw.name {
        Some(n) => {
            let ok = !n.value.is_empty()
                && n.value
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
            if !ok {
                cx.error_hint(
                    n.loc,
                    format!("{at}.name"),
                    format!(
                        "schedule name `{}` must be letters, digits, `-` or `_`",
                        n.value
                    ),
                    "e.g. `night` or `morning`",
                );
                return None;
            }
            n.value.clone()
        }
        None => format!("schedule-{}", i + 1),
    };
    let Some(cron) = &raw.cron else {
        cx.error_hint(
            raw.name.as_ref().map_or(list_loc, |n| n.loc),
            format!("{at}.cron"),
            "scheduled action has no `cron`",
            "six fields: minutes hours day-of-month month day-of-week year, e.g. `0 20 ? * MON-FRI *`",
        );
        return None;
    };
    let body = cron.value.trim();
    let body = body
        .strip_prefix("cron(")
        .and_then(|b| b.strip_suffix(')'))
        .unwrap_or(body);
    let expression = format!("cron({body})");
    if let Err((message, hint)) = super::schedule::check(&expression) {
        let hint = hint.unwrap_or_else(|| "e.g. `0 20 ? * MON-FRI *`".to_string());
        cx.error_hint(cron.loc, format!("{at}.cron"), message, hint);
        return None;
    }
    let timezone = super::scheduled::timezone(cx, raw.timezone.as_ref(), &format!("{at}.timezone"));
    let bound = |v: &Option<crate::spec::span::Sp<u32>>, key: &str| {
        if v.is_none() {
            cx.error_hint(
                cron.loc,
                format!("{at}.{key}"),
                format!("scheduled action has no `{key}`"),
                "set both `min` and `max`: the range from this time on (`0` and `0` stop the service)",
            );
        }
        v.as_ref().map(|v| v.value)
    };
    let (min, max) = (bound(&raw.min, "min"), bound(&raw.max, "max"));
    let (min, max) = (min?, max?);
    if min > max {
        let loc = raw.min.as_ref().map_or(cron.loc, |m| m.loc);
        cx.error(
            loc,
            format!("{at}.min"),
            format!("scheduled min `{min}` is above max `{max}`"),
        );
    }
    Some(ScalingSchedule {
        name: format!("{}-{short}", a.service_name),
        expression,
        timezone,
        min,
        max,
    })
}

/// One entry of a metric math specification, as PutScalingPolicy takes it.
#[derive(Clone, Debug, PartialEq)]
pub struct MetricQuery {
    pub id: &'static str,
    pub expression: Option<&'static str>,
    pub metric: Option<CustomMetric>,
    pub return_data: bool,
}

/// The SQS backlog per task as AWS documents it: `m1` the queue's visible messages (Sum),
/// `m2` the service's running tasks (Container Insights, Average), `e1 = m1 / m2` returned.
pub fn sqs_queries(queue: &str, cluster: &str, service: &str) -> Vec<MetricQuery> {
    let metric =
        |namespace: &str, name: &str, dims: &[(&str, &str)], statistic: &str| CustomMetric {
            namespace: namespace.to_string(),
            name: name.to_string(),
            dimensions: dims
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            statistic: statistic.to_string(),
            unit: None,
        };
    vec![
        MetricQuery {
            id: "m1",
            expression: None,
            metric: Some(metric(
                "AWS/SQS",
                "ApproximateNumberOfMessagesVisible",
                &[("QueueName", queue)],
                "Sum",
            )),
            return_data: false,
        },
        MetricQuery {
            id: "m2",
            expression: None,
            metric: Some(metric(
                "ECS/ContainerInsights",
                "RunningTaskCount",
                &[("ClusterName", cluster), ("ServiceName", service)],
                "Average",
            )),
            return_data: false,
        },
        MetricQuery {
            id: "e1",
            expression: Some("m1 / m2"),
            metric: None,
            return_data: true,
        },
    ]
}

/// How a step policy aggregates its alarm's metric: Average, except where the custom metric's
/// own statistic is Minimum or Maximum (StepScalingPolicyConfiguration `MetricAggregationType`
/// takes those three).
pub fn aggregation(m: &ScalingMetric) -> &'static str {
    match m {
        ScalingMetric::Custom(c) if c.statistic == "Minimum" => "Minimum",
        ScalingMetric::Custom(c) if c.statistic == "Maximum" => "Maximum",
        _ => "Average",
    }
}

/// The metric a step rule's alarm watches: the service's own AWS/ECS utilisation, or the
/// rule's custom metric. None for metrics a step rule cannot take.
pub fn alarm_metric(metric: &ScalingMetric, resource_id: &str) -> Option<CustomMetric> {
    let ecs = |name: &str| {
        let mut parts = resource_id.splitn(3, '/').skip(1);
        let (cluster, service) = (parts.next()?, parts.next()?);
        Some(CustomMetric {
            namespace: "AWS/ECS".to_string(),
            name: name.to_string(),
            dimensions: [("ClusterName", cluster), ("ServiceName", service)]
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            statistic: "Average".to_string(),
            unit: None,
        })
    };
    match metric {
        ScalingMetric::Cpu => ecs("CPUUtilization"),
        ScalingMetric::Memory => ecs("MemoryUtilization"),
        ScalingMetric::Custom(m) => Some(m.clone()),
        ScalingMetric::AlbRequests { .. } | ScalingMetric::SqsBacklog { .. } => None,
    }
}

#[cfg(test)]
mod tests {
    use super::slug;

    #[test]
    fn metric_names_become_name_parts() {
        assert_eq!(
            slug("ApproximateAgeOfOldestMessage"),
            "approximateageofoldestmessage"
        );
        assert_eq!(slug("Jobs In Flight/sec"), "jobs-in-flight-sec");
    }
}
