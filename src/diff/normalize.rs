//! Normalisation: one documented rule per way AWS (or moto) can say the same thing differently.
//!
//! Every rule is applied to BOTH sides (the desired view and the live view) before comparing,
//! so a default is absorbed whether the spec wrote it or AWS filled it in. The acid test: a live
//! state shaped like AWS's answer after creating exactly the desired state diffs to nothing.
//! Must not decide what a change costs (`rules`) or look at anything but the values given.
//!
//! Rules on values that the diff never compares are listed too, so nobody adds a comparison
//! without its rule: the log group ARN (with or without `:*`), a namespace's HostedZoneId
//! (`Z…` in AWS, `/hostedzone/Z…` in moto), the VPC of a namespace (not readable from Cloud
//! Map), an Auto Scaling PolicyARN (moto changes it on every put) and ScalableTarget.RoleARN
//! (the SDK's client error correction turns moto's missing one into `""`).

use std::collections::BTreeMap;

use crate::model::partition::Partition;
use percent_encoding::percent_decode_str;
use serde_json::{Map, Value, json};

/// Values the Rust SDK's client error correction invents for an omitted member (`false`, `0`,
/// `""`) mean "not set", exactly like AWS omitting them (fidelity report §8). So do the empty
/// lists and maps AWS and moto fill in (`mountPoints`, `volumesFrom`, `environment`,
/// `systemControls`, `portMappings`): an unset value is dropped from a view, never compared.
pub fn is_unset(v: &Value) -> bool {
    match v {
        Value::Null => true,
        Value::Bool(b) => !b,
        Value::Number(n) => n.as_f64() == Some(0.0),
        Value::String(s) => s.is_empty(),
        Value::Array(a) => a.is_empty(),
        Value::Object(m) => m.is_empty(),
    }
}

/// Inserts `v` under `key` unless it is unset (see `is_unset`).
pub fn put(view: &mut Map<String, Value>, key: &str, v: Value) {
    if !is_unset(&v) {
        view.insert(key.to_string(), v);
    }
}

/// Inserts `v` even when it is `false`/`0`/`""`: for fields where that value is meaningful and
/// the side producing it really observed it.
pub fn put_always(view: &mut Map<String, Value>, key: &str, v: Value) {
    if !v.is_null() {
        view.insert(key.to_string(), v);
    }
}

/// `essential` defaults to true (ECS and moto fill it in): only an explicit `false` is kept.
pub fn essential(v: Option<bool>) -> Value {
    if v == Some(false) {
        json!(false)
    } else {
        Value::Null
    }
}

/// Under awsvpc, ECS fills `hostPort` with the container port and `protocol` with `tcp`
/// (moto fills neither): a host port equal to the container port (or 0) and `tcp` are dropped.
pub fn port_mapping(
    container_port: Option<i64>,
    host_port: Option<i64>,
    protocol: Option<&str>,
    name: Option<&str>,
    app_protocol: Option<&str>,
) -> Value {
    let mut m = Map::new();
    put(&mut m, "containerPort", json!(container_port));
    if host_port.is_some_and(|h| h != 0 && Some(h) != container_port) {
        m.insert("hostPort".into(), json!(host_port));
    }
    if let Some(p) = protocol.filter(|p| !p.eq_ignore_ascii_case("tcp") && !p.is_empty()) {
        m.insert("protocol".into(), json!(p.to_ascii_lowercase()));
    }
    put(&mut m, "name", json!(name));
    put(
        &mut m,
        "appProtocol",
        json!(app_protocol.map(str::to_ascii_lowercase)),
    );
    Value::Object(m)
}

/// Environment variables, secrets, tags and Docker labels are compared as name → value maps:
/// real ECS reorders env vars and secrets (terraform-provider-aws #3035), tag APIs reorder tags.
pub fn pairs_to_map<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> Value {
    let map: BTreeMap<&str, &str> = pairs.into_iter().collect();
    json!(map)
}

/// Sets of strings (subnets, security groups, managed policy ARNs, capacity providers,
/// requiresCompatibilities) are compared sorted and de-duplicated.
pub fn string_set<'a>(items: impl IntoIterator<Item = &'a str>) -> Value {
    let mut v: Vec<&str> = items.into_iter().collect();
    v.sort_unstable();
    v.dedup();
    json!(v)
}

/// Lists whose order carries no meaning are sorted by their canonical JSON text.
pub fn sorted_list(mut items: Vec<Value>) -> Value {
    items.sort_by_key(|v| v.to_string());
    Value::Array(items)
}

/// An EFS volume's `rootDirectory` defaults to `/` (moto and ECS fill it in).
pub fn efs_root_directory(v: Option<&str>) -> Value {
    match v {
        None | Some("/") | Some("") => Value::Null,
        Some(d) => json!(d),
    }
}

/// `ENABLED`/`DISABLED` flags (EFS transit encryption and IAM) default to DISABLED: only
/// ENABLED is kept.
pub fn enabled_flag(v: Option<&str>) -> Value {
    match v {
        Some(s) if s.eq_ignore_ascii_case("ENABLED") => json!("ENABLED"),
        _ => Value::Null,
    }
}

/// Container health check defaults filled by ECS: interval 30, timeout 5, retries 3,
/// startPeriod 0 (https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_HealthCheck.html).
pub fn health_check(
    command: &[String],
    interval: Option<i64>,
    timeout: Option<i64>,
    retries: Option<i64>,
    start: Option<i64>,
) -> Value {
    let mut m = Map::new();
    m.insert("command".into(), json!(command));
    let mut opt = |k: &str, v: Option<i64>, default: i64| {
        if let Some(v) = v.filter(|v| *v != default) {
            m.insert(k.into(), json!(v));
        }
    };
    opt("interval", interval, 30);
    opt("timeout", timeout, 5);
    opt("retries", retries, 3);
    opt("startPeriod", start, 0);
    Value::Object(m)
}

/// Fargate's included ephemeral storage is 20 GiB; ECS omits `ephemeralStorage` then.
pub fn ephemeral_storage(gib: Option<i64>) -> Value {
    match gib {
        None | Some(0) | Some(20) => Value::Null,
        Some(g) => json!({ "sizeInGiB": g }),
    }
}

/// A task definition without `runtimePlatform` runs on X86_64 / LINUX.
pub fn runtime_platform(arch: Option<&str>, os: Option<&str>) -> Value {
    json!({
        "cpuArchitecture": arch.filter(|a| !a.is_empty()).unwrap_or("X86_64").to_ascii_uppercase(),
        "operatingSystemFamily": os.filter(|o| !o.is_empty()).unwrap_or("LINUX").to_ascii_uppercase(),
    })
}

/// A role is referred to by name in the spec and by ARN in AWS: a bare name means
/// `arn:<partition>:iam::<caller account>:role/<name>`; ARNs are kept verbatim.
pub fn role_arn(name_or_arn: &str, partition: Partition, account_id: &str) -> String {
    if name_or_arn.starts_with("arn:") {
        name_or_arn.to_string()
    } else {
        partition.arn("iam", "", account_id, &format!("role/{name_or_arn}"))
    }
}

/// A task definition is `family:revision` however it is written: AWS returns the full ARN
/// (`arn:aws:ecs:…:task-definition/web:3`), moto whatever UpdateService was sent (`web:3`).
pub fn task_definition_ref(text: &str) -> &str {
    text.rsplit_once("task-definition/")
        .map_or(text, |(_, tail)| tail)
}

/// The last segment of an ARN's resource part (`…:cluster/ohi-prod` → `ohi-prod`); names pass
/// through unchanged.
pub fn arn_name(text: &str) -> &str {
    if text.starts_with("arn:") {
        text.rsplit(['/', ':']).next().unwrap_or(text)
    } else {
        text
    }
}

/// `assignPublicIp` defaults to DISABLED (AWS omits it when it was not sent, moto too).
pub fn assign_public_ip(v: Option<&str>) -> Value {
    json!(if v.is_some_and(|s| s.eq_ignore_ascii_case("ENABLED")) {
        "ENABLED"
    } else {
        "DISABLED"
    })
}

/// `platformVersion` defaults to LATEST.
pub fn platform_version(v: Option<&str>) -> Value {
    json!(v.filter(|s| !s.is_empty()).unwrap_or("LATEST"))
}

/// AWS's deploymentConfiguration defaults for a REPLICA service: maximumPercent 200,
/// minimumHealthyPercent 100, circuit breaker disabled without rollback. AWS always returns
/// one; moto drops it on create, so a missing one (or missing part) means these defaults.
pub fn deployment_configuration(
    max: Option<i64>,
    min: Option<i64>,
    breaker: Option<(bool, bool)>,
    alarms: Option<(&[String], bool, bool)>,
) -> Value {
    let (enable, rollback) = breaker.unwrap_or((false, false));
    json!({
        "maximumPercent": max.unwrap_or(200),
        "minimumHealthyPercent": min.unwrap_or(100),
        "deploymentCircuitBreaker": { "enable": enable, "rollback": rollback },
        "alarms": deployment_alarms(alarms),
    })
}

/// Deployment alarms as compared: the names (a set, sorted) with rollback, when enabled;
/// absent, disabled or without names is no alarms (`[]`). ECS returns `alarms` only once it
/// was set (DescribeServices, DeploymentConfiguration).
pub fn deployment_alarms(alarms: Option<(&[String], bool, bool)>) -> Value {
    match alarms {
        Some((names, true, rollback)) if !names.is_empty() => {
            let mut names = names.to_vec();
            names.sort();
            json!({"alarmNames": names, "rollback": rollback})
        }
        _ => json!([]),
    }
}

/// Cloud Map routing policy defaults to MULTIVALUE.
pub fn routing_policy(v: Option<&str>) -> Value {
    json!(
        v.filter(|s| !s.is_empty())
            .unwrap_or("MULTIVALUE")
            .to_ascii_uppercase()
    )
}

/// Container Insights is `disabled` unless the cluster setting says otherwise (moto always
/// returns the setting, AWS only when it was set).
pub fn container_insights(v: Option<&str>) -> Value {
    json!(
        v.filter(|s| !s.is_empty())
            .unwrap_or("disabled")
            .to_ascii_lowercase()
    )
}

/// The log group ARN with or without the trailing `:*` names the same group
/// (`describe_log_groups` returns both forms); compared without it.
pub fn log_group_arn(arn: &str) -> &str {
    arn.strip_suffix(":*").unwrap_or(arn)
}

/// A Cloud Map HostedZoneId is `Z…` in AWS and `/hostedzone/Z…` in moto.
pub fn hosted_zone_id(id: &str) -> &str {
    id.strip_prefix("/hostedzone/").unwrap_or(id)
}

/// IAM policy documents are compared as JSON, not text: a percent-encoded string (what
/// GetRole/GetRolePolicy return) is decoded and parsed; `Statement`, `Action`, `NotAction`,
/// `Resource`, `NotResource`, principal lists and condition values become sorted,
/// de-duplicated lists (`"Action": "x"` ≡ `["x"]`); an empty `Sid` is dropped. Statement order
/// is kept: IAM keeps it too.
pub fn iam_document(doc: &Value) -> Value {
    let parsed;
    let doc = match doc {
        Value::String(s) => {
            let decoded = percent_decode_str(s).decode_utf8_lossy();
            parsed = serde_json::from_str(&decoded).unwrap_or_else(|_| Value::String(s.clone()));
            &parsed
        }
        other => other,
    };
    let Value::Object(m) = doc else {
        return doc.clone();
    };
    let mut out = Map::new();
    for (k, v) in m {
        if k == "Statement" {
            let statements = match v {
                Value::Array(a) => a.iter().map(statement).collect(),
                single => vec![statement(single)],
            };
            out.insert(k.clone(), Value::Array(statements));
        } else {
            out.insert(k.clone(), v.clone());
        }
    }
    Value::Object(sort_keys(out))
}

fn statement(s: &Value) -> Value {
    let Value::Object(m) = s else {
        return s.clone();
    };
    let mut out = Map::new();
    for (k, v) in m {
        let v = match k.as_str() {
            "Sid" if is_unset(v) => continue,
            "Action" | "NotAction" | "Resource" | "NotResource" => as_set(v),
            "Principal" | "NotPrincipal" => map_values(v, as_set),
            "Condition" => map_values(v, |ops| map_values(ops, as_set)),
            _ => v.clone(),
        };
        out.insert(k.clone(), v);
    }
    Value::Object(sort_keys(out))
}

fn as_set(v: &Value) -> Value {
    let mut items: Vec<Value> = match v {
        Value::Array(a) => a.clone(),
        other => vec![other.clone()],
    };
    items.sort_by_key(|i| i.to_string());
    items.dedup();
    Value::Array(items)
}

fn map_values(v: &Value, f: impl Fn(&Value) -> Value) -> Value {
    match v {
        Value::Object(m) => Value::Object(sort_keys(
            m.iter().map(|(k, v)| (k.clone(), f(v))).collect(),
        )),
        // `"Principal": "*"` stays a string: it is not a map of lists.
        other => other.clone(),
    }
}

fn sort_keys(m: Map<String, Value>) -> Map<String, Value> {
    let mut entries: Vec<(String, Value)> = m.into_iter().collect();
    entries.sort_by(|a, b| a.0.cmp(&b.0));
    entries.into_iter().collect()
}

/// A live resource's tags as ecsctl compares them: without AWS's own (`aws:` keys, such as
/// CloudFormation's `aws:cloudformation:stack-name`), which no user can set or remove ("The
/// aws: prefix is reserved for AWS use",
/// <https://docs.aws.amazon.com/tag-editor/latest/userguide/best-practices-and-strats.html>):
/// planning their removal would be a change that never converges.
pub fn user_tags(tags: &crate::live::LiveTags) -> Value {
    let kept: serde_json::Map<String, Value> = tags
        .iter()
        .filter(|(k, _)| !k.starts_with("aws:"))
        .map(|(k, v)| (k.clone(), Value::String(v.clone())))
        .collect();
    Value::Object(kept)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iam_documents_compare_as_sets_whatever_the_spelling() {
        let aws = "%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%7B%22Effect%22%3A%22Allow%22%2C%22Action%22%3A%22sts%3AAssumeRole%22%2C%22Principal%22%3A%7B%22Service%22%3A%22ecs-tasks.amazonaws.com%22%7D%7D%7D";
        let ours = json!({"Version": "2012-10-17", "Statement": [{
            "Effect": "Allow", "Principal": {"Service": ["ecs-tasks.amazonaws.com"]}, "Action": ["sts:AssumeRole"], "Sid": ""
        }]});
        assert_eq!(iam_document(&json!(aws)), iam_document(&ours));
        let reordered = json!({"Statement": [{"Action": ["b", "a", "a"], "Resource": "r", "Effect": "Allow"}], "Version": "2012-10-17"});
        let canonical = json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": ["a", "b"], "Resource": ["r"]}]});
        assert_eq!(iam_document(&reordered), iam_document(&canonical));
        let different = json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": ["a"], "Resource": ["r"]}]});
        assert_ne!(iam_document(&different), iam_document(&canonical));
    }

    #[test]
    fn defaults_absorbed_in_both_directions() {
        // (rule, what AWS/moto returns, what the spec says)
        let cases: Vec<(&str, Value, Value)> = vec![
            ("essential", essential(Some(true)), essential(None)),
            (
                "hostPort+tcp",
                port_mapping(Some(80), Some(80), Some("tcp"), None, None),
                port_mapping(Some(80), None, None, None, None),
            ),
            (
                "efs root",
                efs_root_directory(Some("/")),
                efs_root_directory(None),
            ),
            (
                "transit",
                enabled_flag(Some("DISABLED")),
                enabled_flag(None),
            ),
            (
                "health",
                health_check(&["CMD".into()], Some(30), Some(5), Some(3), Some(0)),
                health_check(&["CMD".into()], None, None, None, None),
            ),
            (
                "storage",
                ephemeral_storage(Some(20)),
                ephemeral_storage(None),
            ),
            (
                "platform",
                runtime_platform(None, None),
                runtime_platform(Some("X86_64"), Some("LINUX")),
            ),
            (
                "publicIp",
                assign_public_ip(None),
                assign_public_ip(Some("DISABLED")),
            ),
            (
                "platformVersion",
                platform_version(None),
                platform_version(Some("LATEST")),
            ),
            (
                "deployment",
                deployment_configuration(None, None, None, None),
                deployment_configuration(Some(200), Some(100), Some((false, false)), None),
            ),
            (
                // ECS returns `alarms` disabled with no names once they were turned off.
                "alarms off",
                deployment_alarms(None),
                deployment_alarms(Some((&[], false, false))),
            ),
            (
                "alarms as a set",
                deployment_alarms(Some((&["b".to_string(), "a".to_string()], true, true))),
                deployment_alarms(Some((&["a".to_string(), "b".to_string()], true, true))),
            ),
            (
                "routing",
                routing_policy(None),
                routing_policy(Some("MULTIVALUE")),
            ),
            (
                "insights",
                container_insights(None),
                container_insights(Some("disabled")),
            ),
            (
                "env order",
                pairs_to_map([("B", "2"), ("A", "1")]),
                pairs_to_map([("A", "1"), ("B", "2")]),
            ),
            (
                "set order",
                string_set(["sg-2", "sg-1"]),
                string_set(["sg-1", "sg-2", "sg-1"]),
            ),
        ];
        for (rule, aws, spec) in cases {
            assert_eq!(aws, spec, "rule {rule}");
        }
    }

    #[test]
    fn real_differences_survive_normalisation() {
        assert_ne!(essential(Some(false)), essential(None));
        assert_ne!(
            port_mapping(Some(80), Some(8080), None, None, None),
            port_mapping(Some(80), None, None, None, None)
        );
        assert_ne!(
            port_mapping(Some(53), None, Some("udp"), None, None),
            port_mapping(Some(53), None, None, None, None)
        );
        assert_ne!(assign_public_ip(Some("ENABLED")), assign_public_ip(None));
        assert_ne!(
            health_check(&["CMD".into()], Some(10), None, None, None),
            health_check(&["CMD".into()], None, None, None, None)
        );
    }

    #[test]
    fn names_and_arns() {
        assert_eq!(
            task_definition_ref("arn:aws:ecs:eu-west-1:1:task-definition/web:3"),
            "web:3"
        );
        assert_eq!(task_definition_ref("web:3"), "web:3");
        assert_eq!(
            task_definition_ref(
                "arn:aws:ecs:us-east-1:123456789012:task-definition/shop-prod-web:7"
            ),
            "shop-prod-web:7"
        );
        assert_eq!(
            role_arn("x-exec", Partition::Aws, "123"),
            "arn:aws:iam::123:role/x-exec"
        );
        assert_eq!(
            role_arn("x-exec", Partition::AwsCn, "123"),
            "arn:aws-cn:iam::123:role/x-exec"
        );
        assert_eq!(
            role_arn("arn:aws:iam::9:role/p/x", Partition::AwsUsGov, "123"),
            "arn:aws:iam::9:role/p/x"
        );
        assert_eq!(
            arn_name("arn:aws:ecs:eu-west-1:1:cluster/ohi-prod"),
            "ohi-prod"
        );
        assert_eq!(
            log_group_arn("arn:aws:logs:r:1:log-group:/ecs/x:*"),
            log_group_arn("arn:aws:logs:r:1:log-group:/ecs/x")
        );
        assert_eq!(hosted_zone_id("/hostedzone/Z123"), hosted_zone_id("Z123"));
    }

    #[test]
    fn client_error_corrected_values_are_unset() {
        for v in [
            json!(false),
            json!(0),
            json!(""),
            json!([]),
            json!({}),
            Value::Null,
        ] {
            assert!(is_unset(&v), "{v}");
        }
        for v in [json!(true), json!(1), json!("x"), json!([0])] {
            assert!(!is_unset(&v), "{v}");
        }
    }
}
