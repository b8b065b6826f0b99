//! The container settings that are Fargate's to allow or refuse: `startTimeout`,
//! `linuxParameters`, `systemControls`, `repositoryCredentials` for a private registry, and
//! `environmentFiles` in S3.
//!
//! Owns their validation against what Fargate accepts (ECS API reference, ContainerDefinition
//! and LinuxParameters: "Tasks launched on AWS Fargate only support adding the `SYS_PTRACE`
//! kernel capability"; `tmpfs`, `sharedMemorySize` and `devices` are "not supported for tasks
//! that run on AWS Fargate"; `startTimeout` "For tasks using the Fargate launch type ... 2 to 120
//! seconds"). Must not decide role grants (`iam` does, from `ContainerNeeds`).

use std::collections::BTreeMap;

use super::resources::LinuxParameters;
use super::scope::{Scope, for_check};
use crate::spec::raw::{RawLinuxParameters, SpList};
use crate::spec::raw_values::Scalar;
use crate::spec::span::Sp;
use crate::spec::spmap::SpMap;

/// `startTimeout`: 2 to 120 seconds on Fargate.
pub fn start_timeout(cx: &Scope, t: Option<&Sp<u32>>, path: &str) -> Option<u32> {
    let t = t?;
    if !(2..=120).contains(&t.value) {
        cx.error_hint(
            t.loc,
            path,
            format!("start timeout `{}` is outside 2 to 120 seconds", t.value),
            "Fargate allows 2 to 120 seconds",
        );
    }
    Some(t.value)
}

pub fn linux_parameters(
    cx: &Scope,
    raw: &RawLinuxParameters,
    path: &str,
) -> Option<LinuxParameters> {
    let unsupported = [
        ("tmpfs", raw.tmpfs.as_ref().map(|v| v.loc)),
        (
            "sharedMemorySize",
            raw.shared_memory_size.as_ref().map(|v| v.loc),
        ),
        ("devices", raw.devices.as_ref().map(|v| v.loc)),
    ];
    for (key, loc) in unsupported {
        if let Some(loc) = loc {
            cx.error_hint(
                loc,
                format!("{path}.{key}"),
                format!("Fargate does not support `linuxParameters.{key}`"),
                "for scratch space use `ephemeralStorage` or a volume mounted with `mounts`",
            );
        }
    }
    let caps = raw.capabilities.as_ref();
    let add = capabilities(
        cx,
        caps.and_then(|c| c.add.as_ref()),
        &format!("{path}.capabilities.add"),
    );
    for (cap, loc) in &add {
        if cap != "SYS_PTRACE" {
            cx.error_hint(
                *loc,
                format!("{path}.capabilities.add"),
                format!("Fargate cannot add the capability `{cap}`"),
                "Fargate adds only `SYS_PTRACE`; drop capabilities instead, or run on EC2",
            );
        }
    }
    let drop = capabilities(
        cx,
        caps.and_then(|c| c.drop.as_ref()),
        &format!("{path}.capabilities.drop"),
    );
    let names = |l: Vec<(String, crate::spec::span::Loc)>| {
        let mut v: Vec<String> = l.into_iter().map(|(n, _)| n).collect();
        v.sort();
        v.dedup();
        v
    };
    let (add, drop) = (names(add), names(drop));
    let init = raw.init_process_enabled.as_ref().map(|v| v.value);
    (init.is_some() || !add.is_empty() || !drop.is_empty()).then_some(LinuxParameters {
        init_process_enabled: init,
        add,
        drop,
    })
}

/// Upper case, as ECS takes them; `CAP_` is not part of the name.
fn capabilities(
    cx: &Scope,
    list: Option<&SpList<String>>,
    path: &str,
) -> Vec<(String, crate::spec::span::Loc)> {
    let mut out = Vec::new();
    for (i, c) in list.iter().flat_map(|l| l.value.iter()).enumerate() {
        let name = c.value.trim().to_ascii_uppercase();
        let ok = !name.is_empty()
            && !name.starts_with("CAP_")
            && name.chars().all(|ch| ch.is_ascii_uppercase() || ch == '_');
        if !ok {
            cx.error_hint(
                c.loc,
                format!("{path}[{i}]"),
                format!("`{}` is not a Linux capability name", c.value),
                "write it as ECS takes it, without `CAP_`: e.g. `NET_RAW`, `SYS_PTRACE` or `ALL`",
            );
            continue;
        }
        out.push((name, c.loc));
    }
    out
}

/// `systemControls`: kernel parameter names (dotted, e.g. `net.core.somaxconn`) to values.
pub fn system_controls(
    cx: &Scope,
    map: &SpMap<Sp<Scalar>>,
    path: &str,
) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for (k, v) in map.iter() {
        let name = k.value.as_str();
        let ok = name.contains('.')
            && name.split('.').all(|p| {
                !p.is_empty()
                    && p.chars()
                        .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
            });
        if !ok {
            cx.error_hint(
                k.loc,
                format!("{path}.{name}"),
                format!("`{name}` is not a kernel parameter name"),
                "a dotted sysctl name, e.g. `net.core.somaxconn` or `net.ipv4.tcp_keepalive_time`",
            );
            continue;
        }
        out.insert(name.to_string(), v.value.0.clone());
    }
    out
}

/// `repositoryCredentials`: a Secrets Manager secret ARN (ECS takes only an ARN here).
pub fn repository_credentials(cx: &Scope, raw: &Sp<String>, path: &str) -> Option<String> {
    let arn = cx.name(raw, path, None)?;
    if !super::arn::is_secret(&for_check(&arn)) {
        cx.error_hint(
            raw.loc,
            path,
            format!("`{arn}` is not a Secrets Manager secret ARN"),
            "the ARN of a secret holding `username` and `password`: `arn:aws:secretsmanager:REGION:ACCOUNT:secret:NAME`",
        );
        return None;
    }
    Some(arn)
}

/// `environmentFiles`: `s3://bucket/key` or `arn:PARTITION:s3:::bucket/key`, as object ARNs (the
/// form ECS takes: EnvironmentFile `value`, "the Amazon Resource Name (ARN) of the Amazon S3
/// object"). A `.env` file: "the file must use the .env file extension" (ECS developer guide,
/// "Pass an individual environment variable file").
pub fn environment_files(cx: &Scope, list: &SpList<String>, path: &str) -> Vec<String> {
    let mut out = Vec::new();
    for (i, f) in list.value.iter().enumerate() {
        let at = format!("{path}[{i}]");
        let Some(text) = cx.name(f, &at, None) else {
            continue;
        };
        let object = match text.strip_prefix("s3://") {
            Some(rest) => Some(rest.to_string()),
            None => text
                .split_once(":s3:::")
                .filter(|(head, _)| head.starts_with("arn:"))
                .map(|(_, rest)| rest.to_string()),
        };
        let Some(object) = object.filter(|o| {
            o.split_once('/')
                .is_some_and(|(bucket, key)| !bucket.is_empty() && !key.is_empty())
        }) else {
            cx.error_hint(
                f.loc,
                at,
                format!("`{text}` is not an S3 object"),
                "`s3://BUCKET/path/app.env` or `arn:aws:s3:::BUCKET/path/app.env`",
            );
            continue;
        };
        if !object.ends_with(".env") {
            cx.error_hint(
                f.loc,
                at,
                format!("`{text}` does not end in `.env`"),
                "ECS reads only files with the .env extension",
            );
            continue;
        }
        out.push(cx.partition.arn("s3", "", "", &object));
    }
    out
}
