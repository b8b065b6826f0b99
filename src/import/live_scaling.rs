//! A live service's Application Auto Scaling (target, target tracking policies, scheduled
//! actions) as its `autoscaling` block.
//!
//! Owns which live scaling settings the spec can say, and the notes for the rest (step
//! policies, custom metrics, policy names ecsctl would not give). Must not read AWS.

use super::doc::{Map, Node};
use crate::live::{Live, LiveService};

/// ecsctl's cooldowns when the spec sets none (docs/spec.md, `autoscaling`).
const SCALE_IN_COOLDOWN: i32 = 300;
const SCALE_OUT_COOLDOWN: i32 = 60;

pub fn autoscaling(live: &Live, s: &LiveService, notes: &mut Vec<String>) -> Option<Map> {
    let target = live.service_scaling_target(s)?;
    let mut a = Map::new();
    a.insert("min", target.min).insert("max", target.max);
    let mut cooldowns = None;
    let mut names = Map::new();
    for p in &target.policies {
        let (key, suffix) = match (p.policy_type.as_str(), p.predefined_metric.as_deref()) {
            ("TargetTrackingScaling", Some("ECSServiceAverageCPUUtilization")) => ("cpu", "cpu"),
            ("TargetTrackingScaling", Some("ECSServiceAverageMemoryUtilization")) => {
                ("memory", "memory")
            }
            ("TargetTrackingScaling", Some("ALBRequestCountPerTarget")) => {
                ("requestsPerTarget", "requests")
            }
            (kind, metric) => {
                notes.push(format!(
                    "scaling policy `{}` ({kind}{}) is not imported: write it as `autoscaling.steps` or `customMetric`",
                    p.name,
                    metric.map(|m| format!(", {m}")).unwrap_or_default()
                ));
                continue;
            }
        };
        let Some(target_value) = p.target_value else {
            continue;
        };
        a.insert(key, number(target_value));
        // A name ecsctl would not give is kept (`policyNames`), so adopting it changes nothing.
        if p.name != format!("{}-{suffix}", s.name) {
            names.insert(key, p.name.as_str());
        }
        if p.disable_scale_in == Some(true) {
            notes.push(format!(
                "scaling policy `{}` never scales in; ecsctl's policies do",
                p.name
            ));
        }
        let these = (
            p.scale_in_cooldown.unwrap_or(SCALE_IN_COOLDOWN),
            p.scale_out_cooldown.unwrap_or(SCALE_OUT_COOLDOWN),
        );
        match cooldowns {
            None => cooldowns = Some(these),
            Some(c) if c != these => notes.push(format!(
                "scaling policy `{}` has its own cooldowns; ecsctl gives every policy of a service the same",
                p.name
            )),
            Some(_) => {}
        }
    }
    if let Some((scale_in, scale_out)) = cooldowns {
        if scale_in != SCALE_IN_COOLDOWN {
            a.insert("scaleInCooldown", scale_in);
        }
        if scale_out != SCALE_OUT_COOLDOWN {
            a.insert("scaleOutCooldown", scale_out);
        }
    }
    if !names.is_empty() {
        a.insert("policyNames", names);
    }
    let schedule = schedules(target, &s.name, notes);
    if !schedule.is_empty() {
        a.insert("schedule", Node::List(schedule));
    }
    Some(a)
}

fn schedules(
    target: &crate::live::LiveScalingTarget,
    service: &str,
    notes: &mut Vec<String>,
) -> Vec<Node> {
    let prefix = format!("{service}-");
    target
        .schedules
        .iter()
        .filter_map(|sa| {
            let Some(cron) = sa.schedule.strip_prefix("cron(").and_then(|c| c.strip_suffix(')')) else {
                notes.push(format!(
                    "scheduled action `{}` (`{}`) is not imported: ecsctl's schedules are cron expressions",
                    sa.name, sa.schedule
                ));
                return None;
            };
            let Some(name) = sa.name.strip_prefix(&prefix) else {
                notes.push(format!(
                    "scheduled action `{}` is named `{prefix}NAME` by ecsctl: apply adds it under that name; then delete `{}`",
                    sa.name, sa.name
                ));
                return None;
            };
            let mut m = Map::new();
            m.insert("name", name).insert("cron", cron);
            if let Some(tz) = sa.timezone.as_deref().filter(|z| *z != "UTC" && *z != "Etc/UTC") {
                m.insert("timezone", tz);
            }
            m.insert_some("min", sa.min).insert_some("max", sa.max);
            Some(Node::Map(m))
        })
        .collect()
}

/// 70.0 as 70, 62.5 as 62.5.
fn number(v: f64) -> Node {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        Node::Int(v as i64)
    } else {
        Node::Num(v)
    }
}
