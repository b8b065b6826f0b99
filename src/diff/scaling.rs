//! Application Auto Scaling: the scalable target on a service's desired count, its target
//! tracking and step scaling policies (a step policy's view holds its CloudWatch alarm), and its
//! scheduled actions.
//!
//! Must not compare the PolicyARN (moto changes it on every put) or the target's RoleARN
//! (service-linked; client error correction reads moto's missing one as `""`). A target whose
//! live range is one a scheduled action of the spec sets is converged: the schedule moved it.

use serde_json::{Value, json};

use super::Ctx;
use super::compare::{View, compare};
use super::normalize::{put, put_always};
use crate::live::{
    LiveAlarm, LiveCustomizedMetric, LiveMetric, LiveScalingPolicy, LiveScalingSchedule,
    LiveScalingTarget,
};
use crate::model::scaling_rules::{ALARM_PERIOD_SECONDS, aggregation, alarm_metric, sqs_queries};
use crate::model::{
    CustomMetric, PolicyRule, ScalingMetric, ScalingPolicy, ScalingSchedule, ScalingTarget,
    StepRule,
};
use crate::plan::{Address, ResourceChange, ResourceKind};

/// The target's change, then one per policy, then one per scheduled action.
pub fn diff(ctx: &Ctx, t: &ScalingTarget) -> Vec<ResourceChange> {
    let live = ctx.live.scaling_target(&t.resource_id);
    // The live range is a scheduled action's: ecsctl leaves it until the next action, so both
    // sides show that action instead of numbers.
    let scheduled = live.and_then(|l| scheduled_range(l, t));
    let mut want = View::new();
    put(&mut want, "resourceId", json!(t.resource_id));
    put_range(&mut want, (t.min.into(), t.max.into()), scheduled);
    let live_view = live.map(|l| {
        let mut v = View::new();
        put(&mut v, "resourceId", json!(l.resource_id));
        put_range(&mut v, (l.min.into(), l.max.into()), scheduled);
        v
    });
    let mut out = vec![compare(
        Address::new(ResourceKind::ScalingTarget, &t.service),
        &want,
        live_view.as_ref(),
    )];
    for p in &t.policies {
        let lp = live
            .and_then(|l| l.policies.iter().find(|lp| lp.name == p.name))
            .map(|lp| policy_view(lp, ctx.live.alarm(&lp.name), &t.resource_id));
        out.push(compare(
            Address::new(ResourceKind::ScalingPolicy, &p.name),
            &desired_policy(p, &t.resource_id),
            lp.as_ref(),
        ));
    }
    for s in &t.schedules {
        let ls = live
            .and_then(|l| l.schedules.iter().find(|ls| ls.name == s.name))
            .map(schedule_view);
        out.push(compare(
            Address::new(ResourceKind::ScalingSchedule, &s.name),
            &desired_schedule(s),
            ls.as_ref(),
        ));
    }
    out
}

/// The spec's scheduled action whose range the live target holds, when the spec's own range
/// differs from it.
fn scheduled_range<'a>(l: &LiveScalingTarget, t: &'a ScalingTarget) -> Option<&'a ScalingSchedule> {
    let live = (i64::from(l.min), i64::from(l.max));
    if live == (i64::from(t.min), i64::from(t.max)) {
        return None;
    }
    t.schedules
        .iter()
        .find(|s| (i64::from(s.min), i64::from(s.max)) == live)
}

/// `minCapacity` / `maxCapacity`: the numbers, or the scheduled action that set the live ones.
fn put_range(v: &mut View, (min, max): (i64, i64), scheduled: Option<&ScalingSchedule>) {
    match scheduled {
        Some(s) => {
            let note = json!(format!("set by scheduled action `{}`", s.name));
            v.insert("minCapacity".into(), note.clone());
            v.insert("maxCapacity".into(), note);
        }
        None => {
            put_always(v, "minCapacity", json!(min));
            put_always(v, "maxCapacity", json!(max));
        }
    }
}

fn desired_policy(p: &ScalingPolicy, resource_id: &str) -> View {
    let mut v = View::new();
    match &p.rule {
        PolicyRule::TargetTracking {
            target_value,
            scale_in_cooldown,
            scale_out_cooldown,
        } => {
            put(&mut v, "policyType", json!("TargetTrackingScaling"));
            let (metric, label) = match &p.metric {
                ScalingMetric::Cpu => (Some("ECSServiceAverageCPUUtilization"), None),
                ScalingMetric::Memory => (Some("ECSServiceAverageMemoryUtilization"), None),
                ScalingMetric::AlbRequests { resource_label } => (
                    Some("ALBRequestCountPerTarget"),
                    Some(resource_label.as_str()),
                ),
                ScalingMetric::SqsBacklog { .. } | ScalingMetric::Custom(_) => (None, None),
            };
            put(&mut v, "predefinedMetric", json!(metric));
            put(&mut v, "resourceLabel", json!(label));
            put(&mut v, "customizedMetric", desired_customized(&p.metric));
            put(&mut v, "targetValue", json!(target_value));
            put(&mut v, "scaleInCooldown", json!(scale_in_cooldown));
            put(&mut v, "scaleOutCooldown", json!(scale_out_cooldown));
        }
        PolicyRule::Step(rule) => {
            put(&mut v, "policyType", json!("StepScaling"));
            put(&mut v, "adjustmentType", json!("ChangeInCapacity"));
            put(&mut v, "stepAdjustments", json!([step_adjustment(rule)]));
            put_always(&mut v, "cooldown", json!(rule.cooldown));
            put(
                &mut v,
                "metricAggregationType",
                json!(aggregation(&p.metric)),
            );
            put(
                &mut v,
                "alarm",
                alarm_metric(&p.metric, resource_id)
                    .map_or(Value::Null, |m| desired_alarm(&m, rule)),
            );
        }
    }
    v
}

fn desired_customized(m: &ScalingMetric) -> Value {
    match m {
        ScalingMetric::Custom(c) => {
            let mut v = metric_json(&c.namespace, &c.name, c.dimensions.iter());
            v["statistic"] = json!(c.statistic);
            if let Some(unit) = &c.unit {
                v["unit"] = json!(unit);
            }
            v
        }
        ScalingMetric::SqsBacklog {
            queue,
            cluster,
            service,
        } => {
            // By id, as the live view lists them: AWS keeps the order written, and the order
            // carries no meaning (the expression names its inputs).
            let mut queries = sqs_queries(queue, cluster, service);
            queries.sort_by_key(|q| q.id);
            let metrics: Vec<Value> = queries
                .iter()
                .map(|q| {
                    let mut v = json!({"id": q.id, "returnData": q.return_data});
                    if let Some(e) = q.expression {
                        v["expression"] = json!(e);
                    }
                    if let Some(m) = &q.metric {
                        v["metric"] = metric_json(&m.namespace, &m.name, m.dimensions.iter());
                        v["stat"] = json!(m.statistic);
                    }
                    v
                })
                .collect();
            json!({ "metrics": metrics })
        }
        _ => Value::Null,
    }
}

/// A metric's identity with its dimensions as a map (AWS keeps the order written; a map keeps
/// the comparison from depending on it).
fn metric_json<'a>(
    namespace: &str,
    name: &str,
    dimensions: impl Iterator<Item = (&'a String, &'a String)>,
) -> Value {
    let dimensions: std::collections::BTreeMap<&String, &String> = dimensions.collect();
    json!({
        "namespace": namespace,
        "metricName": name,
        "dimensions": dimensions,
    })
}

fn step_adjustment(rule: &StepRule) -> Value {
    match rule.above {
        true => json!({"metricIntervalLowerBound": 0.0, "scalingAdjustment": rule.change}),
        false => json!({"metricIntervalUpperBound": 0.0, "scalingAdjustment": rule.change}),
    }
}

fn desired_alarm(m: &CustomMetric, rule: &StepRule) -> Value {
    let mut v = metric_json(&m.namespace, &m.name, m.dimensions.iter());
    v["statistic"] = json!(m.statistic);
    if let Some(unit) = &m.unit {
        v["unit"] = json!(unit);
    }
    v["period"] = json!(ALARM_PERIOD_SECONDS);
    v["evaluationPeriods"] = json!(rule.minutes);
    v["datapointsToAlarm"] = json!(rule.minutes);
    v["threshold"] = json!(rule.threshold);
    v["comparisonOperator"] = json!(match rule.above {
        true => "GreaterThanThreshold",
        false => "LessThanThreshold",
    });
    v["actionsEnabled"] = json!(true);
    v["alarmActions"] = json!(["this policy"]);
    v
}

fn policy_view(p: &LiveScalingPolicy, alarm: Option<&LiveAlarm>, resource_id: &str) -> View {
    let mut v = View::new();
    put(&mut v, "policyType", json!(p.policy_type));
    put(&mut v, "predefinedMetric", json!(p.predefined_metric));
    put(&mut v, "resourceLabel", json!(p.resource_label));
    put(
        &mut v,
        "customizedMetric",
        p.customized.as_ref().map_or(Value::Null, live_customized),
    );
    put(&mut v, "targetValue", json!(p.target_value));
    put(&mut v, "scaleInCooldown", json!(p.scale_in_cooldown));
    put(&mut v, "scaleOutCooldown", json!(p.scale_out_cooldown));
    put(&mut v, "disableScaleIn", json!(p.disable_scale_in));
    if let Some(step) = &p.step {
        put(&mut v, "adjustmentType", json!(step.adjustment_type));
        let adjustments: Vec<Value> = step
            .adjustments
            .iter()
            .map(|(lower, upper, change)| {
                let mut a = json!({"scalingAdjustment": change});
                if let Some(l) = lower {
                    a["metricIntervalLowerBound"] = json!(l);
                }
                if let Some(u) = upper {
                    a["metricIntervalUpperBound"] = json!(u);
                }
                a
            })
            .collect();
        put(&mut v, "stepAdjustments", json!(adjustments));
        put_always(&mut v, "cooldown", json!(step.cooldown));
        put(&mut v, "metricAggregationType", json!(step.aggregation));
        let ours = |a: &&LiveAlarm| p.alarm_names.is_empty() || p.alarm_names.contains(&a.name);
        put(
            &mut v,
            "alarm",
            alarm
                .filter(ours)
                .map_or(Value::Null, |a| live_alarm(a, &p.name, resource_id)),
        );
    }
    v
}

fn live_metric(m: &LiveMetric) -> Value {
    let dims: Vec<(&String, &String)> = m.dimensions.iter().map(|(k, v)| (k, v)).collect();
    metric_json(
        m.namespace.as_deref().unwrap_or_default(),
        m.name.as_deref().unwrap_or_default(),
        dims.into_iter(),
    )
}

fn live_customized(c: &LiveCustomizedMetric) -> Value {
    if let Some(m) = &c.metric {
        let mut v = live_metric(m);
        v["statistic"] = json!(c.statistic);
        if let Some(unit) = &c.unit {
            v["unit"] = json!(unit);
        }
        return v;
    }
    let mut queries: Vec<_> = c.queries.iter().collect();
    queries.sort_by(|a, b| a.id.cmp(&b.id));
    let metrics: Vec<Value> = queries
        .into_iter()
        .map(|q| {
            // ReturnData defaults to true when omitted (TargetTrackingMetricDataQuery).
            let mut v = json!({"id": q.id, "returnData": q.return_data.unwrap_or(true)});
            if let Some(e) = &q.expression {
                v["expression"] = json!(e);
            }
            if let Some(m) = &q.metric {
                v["metric"] = live_metric(m);
                v["stat"] = json!(q.stat);
            }
            v
        })
        .collect();
    json!({ "metrics": metrics })
}

/// The alarm as the spec would write it; its actions are "this policy" when they name exactly
/// this policy (by resource and name: moto mints a new policy ARN on every put).
fn live_alarm(a: &LiveAlarm, policy: &str, resource_id: &str) -> Value {
    let mut v = live_metric(&a.metric);
    v["statistic"] = json!(a.statistic);
    if let Some(unit) = &a.unit {
        v["unit"] = json!(unit);
    }
    v["period"] = json!(a.period);
    v["evaluationPeriods"] = json!(a.evaluation_periods);
    v["datapointsToAlarm"] = json!(a.datapoints_to_alarm.or(a.evaluation_periods));
    v["threshold"] = json!(a.threshold);
    v["comparisonOperator"] = json!(a.comparison);
    v["actionsEnabled"] = json!(a.actions_enabled.unwrap_or(true));
    let suffix = format!(":resource/ecs/{resource_id}:policyName/{policy}");
    let actions: Vec<Value> = a
        .alarm_actions
        .iter()
        .map(|arn| match arn.ends_with(&suffix) {
            true => json!("this policy"),
            false => json!(arn),
        })
        .collect();
    v["alarmActions"] = json!(actions);
    v
}

fn desired_schedule(s: &ScalingSchedule) -> View {
    let mut v = View::new();
    put(&mut v, "schedule", json!(s.expression));
    put(&mut v, "timezone", json!(s.timezone));
    put_always(&mut v, "minCapacity", json!(s.min));
    put_always(&mut v, "maxCapacity", json!(s.max));
    v
}

fn schedule_view(s: &LiveScalingSchedule) -> View {
    let mut v = View::new();
    put(&mut v, "schedule", json!(s.schedule));
    // No Timezone is UTC (PutScheduledAction API reference).
    put(
        &mut v,
        "timezone",
        json!(s.timezone.as_deref().unwrap_or("UTC")),
    );
    put_always(&mut v, "minCapacity", json!(s.min));
    put_always(&mut v, "maxCapacity", json!(s.max));
    v
}

#[cfg(test)]
mod tests {
    use crate::diff::diff;
    use crate::diff::fixtures::{converged, desired, find};
    use crate::plan::Action;

    #[test]
    fn scaling_decisions() {
        type Mutate = fn(&mut crate::live::Live);
        let cases: Vec<(&str, Mutate, &str, Action)> = vec![
            (
                "converged target",
                |_| {},
                "scaling_target.api",
                Action::NoOp,
            ),
            (
                "converged policy",
                |_| {},
                "scaling_policy.ohi-prod-api-cpu",
                Action::NoOp,
            ),
            (
                "role arn corrected to empty",
                |l| l.scaling_targets[0].role_arn = Some(String::new()),
                "scaling_target.api",
                Action::NoOp,
            ),
            (
                "policy arn moved",
                |l| l.scaling_targets[0].policies[0].arn = "arn:new".into(),
                "scaling_policy.ohi-prod-api-cpu",
                Action::NoOp,
            ),
            (
                "max drift",
                |l| l.scaling_targets[0].max = 9,
                "scaling_target.api",
                Action::Update,
            ),
            (
                "target value drift",
                |l| l.scaling_targets[0].policies[0].target_value = Some(50.0),
                "scaling_policy.ohi-prod-api-cpu",
                Action::Update,
            ),
            (
                "policy deleted",
                |l| l.scaling_targets[0].policies.clear(),
                "scaling_policy.ohi-prod-api-cpu",
                Action::Create,
            ),
            (
                "target absent",
                |l| l.scaling_targets.clear(),
                "scaling_target.api",
                Action::Create,
            ),
            (
                "target absent: policy too",
                |l| l.scaling_targets.clear(),
                "scaling_policy.ohi-prod-api-cpu",
                Action::Create,
            ),
        ];
        for (name, mutate, addr, action) in cases {
            let mut l = converged();
            mutate(&mut l);
            assert_eq!(find(&diff(&desired(), &l), addr).action, action, "{name}");
        }
    }
}

#[cfg(test)]
#[path = "scaling_tests.rs"]
mod scaling_tests;
