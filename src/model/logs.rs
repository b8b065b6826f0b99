//! CloudWatch Logs: each task's log group and its containers' awslogs configuration.
//!
//! Owns the default group `/ecs/{app}-{env}/{service}`, the stream prefix `ecs`, and the
//! retention values CloudWatch accepts
//! (https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_PutRetentionPolicy.html).
//! Must not decide which tasks get a group.

use super::arn;
use super::firelens::{Firelens, firelens};
use super::names::NameKind;
use super::resources::{LogConfiguration, LogGroup, Tags};
use super::scope::{Scope, for_check};
use super::validate::{check_name, written_at};
use crate::spec::raw::{RawLogs, RawProject};
use crate::spec::raw_values::LogDriverKind;
use crate::spec::span::{Loc, Sp};

pub const RETENTION_DAYS: [u32; 22] = [
    1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922,
    3288, 3653,
];

pub const DEFAULT_GROUP: &str = "/ecs/{app}-{env}/{service}";

pub struct TaskLogs {
    pub group: LogGroup,
    /// What the task's containers log with: awslogs, or (with FireLens) the router's route.
    pub config: LogConfiguration,
    /// The FireLens log router, with `driver: firelens`.
    pub firelens: Option<Firelens>,
    /// Where the group's name was decided (its template, or the task's key).
    pub name_loc: Loc,
}

pub fn task_logs(
    cx: &Scope,
    raw: &RawProject,
    logs: Option<&RawLogs>,
    key: &str,
    at: &str,
    key_loc: Loc,
    tags: &Tags,
) -> TaskLogs {
    let layers = [
        raw.logs.as_ref(),
        raw.defaults.as_ref().and_then(|d| d.logs.as_ref()),
    ];
    let path = |f: &str, loc: Option<Loc>| {
        let written = |l: Option<&RawLogs>| l.and_then(|l| field_loc(l, f));
        let own = format!("{at}.logs.{f}");
        loc.map_or(own, |loc| {
            written_at(
                loc,
                written(layers[0]),
                written(layers[1]),
                &format!("logs.{f}"),
                at,
            )
        })
    };
    let template = logs.and_then(|l| l.group.clone());
    let name_loc = template.as_ref().map_or(key_loc, |t| t.loc);
    let name = match &template {
        Some(t) => cx.name(t, &path("group", Some(t.loc)), Some(key)),
        None => cx.default_name(DEFAULT_GROUP, key_loc, &path("group", None), Some(key)),
    };
    if let Some(name) = &name {
        let loc = template.as_ref().map(|t| t.loc);
        check_name(cx, NameKind::LogGroup, name, name_loc, &path("group", loc));
    }
    let name = name.unwrap_or_default();
    let retention_days = logs
        .and_then(|l| l.retention_days.as_ref())
        .map(|r| retention(cx, r, &path("retentionDays", Some(r.loc))));
    let kms_key_id = logs
        .and_then(|l| l.kms_key_id.as_ref())
        .and_then(|k| kms_key(cx, k, &path("kmsKeyId", Some(k.loc))));
    let stream_prefix = match logs.and_then(|l| l.stream_prefix.as_ref()) {
        Some(p) => cx
            .text(p, &path("streamPrefix", Some(p.loc)))
            .unwrap_or_default(),
        None => "ecs".to_string(),
    };
    let mut config = LogConfiguration {
        group: name.clone(),
        region: cx.region.clone(),
        stream_prefix,
        firelens: None,
    };
    let driver = logs.and_then(|l| l.driver.as_ref());
    let firelens = match driver {
        Some(d) if d.value == LogDriverKind::Firelens => {
            let raw_firelens = logs.and_then(|l| l.firelens.as_ref());
            let f = firelens(cx, raw_firelens, (at, key), d.loc, &config);
            config.firelens = Some(f.route.clone());
            Some(f)
        }
        _ => {
            if let Some(l) = logs.and_then(|l| l.firelens.as_ref()) {
                // As a strategy's settings under another strategy: `ecsctl.yaml` can describe
                // the router once and an environment can stay on awslogs.
                let loc = field_loc_firelens(l).unwrap_or(key_loc);
                cx.warn(
                    loc,
                    path("firelens", Some(loc)),
                    "`firelens` is ignored: the logs driver is `awslogs`",
                );
            }
            None
        }
    };
    TaskLogs {
        group: LogGroup {
            name,
            retention_days,
            kms_key_id,
            tags: tags.clone(),
            retain: logs.and_then(|l| l.retain.as_ref()).is_none_or(|r| r.value),
        },
        config,
        firelens,
        name_loc,
    }
}

/// Where a `firelens` block was written: its first field.
fn field_loc_firelens(f: &crate::spec::raw::RawFirelens) -> Option<Loc> {
    [
        f.r#type.as_ref().map(|v| v.loc),
        f.image.as_ref().map(|v| v.loc),
        f.config_file.as_ref().map(|v| v.loc),
        f.ecs_metadata.as_ref().map(|v| v.loc),
        f.options.as_ref().and_then(super::firelens::first_key),
        f.secret_options
            .as_ref()
            .and_then(super::firelens::first_key),
        f.memory_reservation.as_ref().map(|v| v.loc),
    ]
    .into_iter()
    .flatten()
    .min_by_key(|l| (l.file, l.line, l.col))
}

/// Where a `logs` field was written in one layer.
fn field_loc(l: &RawLogs, field: &str) -> Option<Loc> {
    match field {
        "group" => l.group.as_ref().map(|v| v.loc),
        "retentionDays" => l.retention_days.as_ref().map(|v| v.loc),
        "kmsKeyId" => l.kms_key_id.as_ref().map(|v| v.loc),
        "streamPrefix" => l.stream_prefix.as_ref().map(|v| v.loc),
        "retain" => l.retain.as_ref().map(|v| v.loc),
        "driver" => l.driver.as_ref().map(|v| v.loc),
        "firelens" => l.firelens.as_ref().and_then(field_loc_firelens),
        _ => None,
    }
}

/// On a tie the hint suggests the longer retention: keeping logs is the safer mistake.
fn retention(cx: &Scope, days: &Sp<u32>, path: &str) -> u32 {
    if !RETENTION_DAYS.contains(&days.value) {
        let nearest = RETENTION_DAYS
            .iter()
            .min_by_key(|d| (d.abs_diff(days.value), std::cmp::Reverse(**d)))
            .copied()
            .unwrap_or(1);
        let message = format!(
            "log retention `{}` days is not a value CloudWatch accepts",
            days.value
        );
        cx.error_hint(
            days.loc,
            path,
            message,
            format!("the nearest is `{nearest}`; omit `retentionDays` to keep logs forever"),
        );
    }
    days.value
}

/// CreateLogGroup and AssociateKmsKey take "the Amazon Resource Name (ARN) of the KMS key"
/// and nothing else: no key ID, no alias name, no alias ARN
/// (<https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_CreateLogGroup.html>,
/// <https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_AssociateKmsKey.html>).
fn kms_key(cx: &Scope, key: &Sp<String>, path: &str) -> Option<String> {
    let text = cx.name(key, path, None)?;
    let checked = for_check(&text);
    if arn::is_kms_key_arn(&checked) {
        return Some(text);
    }
    let message = if arn::is_kms_alias(&checked) {
        format!("kms key `{text}` is an alias; CloudWatch Logs takes only the key's ARN")
    } else {
        format!("kms key `{text}` is not a KMS key ARN")
    };
    cx.error_hint(
        key.loc,
        path,
        message,
        format!(
            "CloudWatch Logs needs the key's full ARN: `arn:{}:kms:REGION:ACCOUNT:key/ID` (`aws kms describe-key --key-id ALIAS` prints it)",
            cx.partition
        ),
    );
    Some(text)
}
