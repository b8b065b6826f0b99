//! FireLens log routing (`logs.driver: firelens`): the log router container a task gets, and
//! what its other containers send their output with.
//!
//! Owns the router's defaults (AWS for Fluent Bit's `stable` image, 50 MiB reserved, ECS
//! metadata on, its own output into the task's log group under the prefix `firelens`) and the
//! default output (Fluent Bit's `cloudwatch_logs` into that log group), as the developer guide
//! describes them: <https://docs.aws.amazon.com/AmazonECS/latest/developerguide/using_firelens.html>.
//! On Fargate a configuration file can only come from the image: "Tasks hosted on AWS Fargate
//! only support the file configuration file type" (FirelensConfiguration API reference).
//! Must not build roles (iam.rs grants what `Firelens` says the task needs).

use std::collections::BTreeMap;

use super::resources::{
    ContainerDefinition, FirelensConfiguration, FirelensRoute, LogConfiguration,
};
use super::scope::Scope;
use super::secrets::{self, SecretRef};
use crate::spec::raw::RawFirelens;
use crate::spec::raw_values::FirelensType;
use crate::spec::span::Loc;

/// The router container's name, as AWS's examples name it.
pub const ROUTER: &str = "log_router";
/// AWS for Fluent Bit, from ECR Public (no ECR permission needed to pull it).
pub const FLUENT_BIT_IMAGE: &str = "public.ecr.aws/aws-observability/aws-for-fluent-bit:stable";
/// The stream prefix of the router's own output in the task's log group.
pub const ROUTER_STREAM_PREFIX: &str = "firelens";
/// MiB: the memory reservation AWS recommends for the Fluent Bit router.
pub const ROUTER_MEMORY: u32 = 50;

/// A task's FireLens router and the route its containers use.
pub struct Firelens {
    pub router: ContainerDefinition,
    pub route: FirelensRoute,
    /// The secrets of `secretOptions`, which the execution role must read.
    pub secrets: Vec<SecretRef>,
    /// The route is the default one: the task role must write to the task's log group.
    pub default_output: bool,
    /// Where `driver: firelens` is written.
    pub loc: Loc,
}

/// `awslogs`: the task's log group and prefix, as the containers would log without FireLens;
/// `key`: the task's key, which `{service}` in an option stands for.
pub fn firelens(
    cx: &Scope,
    raw: Option<&RawFirelens>,
    (at, key): (&str, &str),
    loc: Loc,
    awslogs: &LogConfiguration,
) -> Firelens {
    let path = |f: &str| format!("{at}.logs.firelens.{f}");
    let empty = RawFirelens::default();
    let raw = raw.unwrap_or(&empty);
    let kind = raw
        .r#type
        .as_ref()
        .map_or(FirelensType::Fluentbit, |t| t.value);
    let image = match (&raw.image, kind) {
        (Some(i), _) => {
            let text = cx.text(i, &path("image")).unwrap_or_default();
            let checked = super::scope::for_check(&text);
            if let Some(why) = super::image::problem(&checked) {
                cx.error(
                    i.loc,
                    path("image"),
                    format!("image `{text}` is not valid: {why}"),
                );
            }
            text
        }
        (None, FirelensType::Fluentbit) => FLUENT_BIT_IMAGE.to_string(),
        (None, FirelensType::Fluentd) => {
            let at_type = raw.r#type.as_ref().map_or(loc, |t| t.loc);
            cx.error_hint(
                at_type,
                path("image"),
                "a Fluentd log router has no default image",
                "set `image` to your Fluentd image (with its FireLens configuration)",
            );
            String::new()
        }
    };
    let mut options = BTreeMap::new();
    let metadata = raw.ecs_metadata.as_ref().is_none_or(|m| m.value);
    options.insert("enable-ecs-log-metadata".to_string(), metadata.to_string());
    if let Some(file) = &raw.config_file {
        let text = cx.text(file, &path("configFile")).unwrap_or_default();
        if !text.starts_with('/') {
            cx.error_hint(
                file.loc,
                path("configFile"),
                format!("config file `{text}` is not a path inside the router's image"),
                "on Fargate FireLens reads its configuration file only from the image: write \
                 its absolute path, e.g. `/fluent-bit/etc/extra.conf`, and build it into the image",
            );
        }
        options.insert("config-file-type".to_string(), "file".to_string());
        options.insert("config-file-value".to_string(), text);
    }
    let memory_reservation = raw.memory_reservation.as_ref().map_or(ROUTER_MEMORY, |m| {
        super::validate::in_range(
            cx,
            m,
            6..=122_880,
            "log router memory reservation (MiB)",
            &path("memoryReservation"),
        )
    });
    let mut secrets_read = Vec::new();
    let secret_options: BTreeMap<String, String> = raw
        .secret_options
        .iter()
        .flat_map(|m| m.iter())
        .filter_map(|(name, s)| {
            let r = secrets::resolve(cx, s, &format!("{}.{}", path("secretOptions"), name.value))?;
            let value = r.value_from.clone();
            secrets_read.push(r);
            Some((name.value.clone(), value))
        })
        .collect();
    let written: BTreeMap<String, String> = raw
        .options
        .iter()
        .flat_map(|m| m.iter())
        .map(|(k, v)| {
            // As env values: `{service}`, `{env}`… expand, other braces stay as written.
            let text = cx.value(
                &crate::spec::span::Sp::new(v.value.0.clone(), v.loc),
                &format!("{}.{}", path("options"), k.value),
                Some(key),
            );
            (k.value.clone(), text.unwrap_or_default())
        })
        .collect();
    let default_output = written.is_empty();
    let route_options = if default_output {
        if !secret_options.is_empty() || kind == FirelensType::Fluentd {
            let loc = raw
                .secret_options
                .as_ref()
                .and_then(first_key)
                .or(raw.r#type.as_ref().map(|t| t.loc))
                .unwrap_or(loc);
            cx.error_hint(
                loc,
                path("options"),
                "the log router's output has no `options`",
                "name the output plugin and its settings under `options` (`Name: datadog`, …); \
                 only Fluent Bit has a default (CloudWatch Logs)",
            );
        }
        cloudwatch_output(awslogs)
    } else {
        if !written.contains_key("Name") && !written.contains_key("@type") {
            let loc = raw.options.as_ref().and_then(first_key).unwrap_or(loc);
            cx.error_hint(
                loc,
                path("options"),
                "the log router's output `options` name no output plugin",
                "Fluent Bit's plugin is `Name` (`Name: cloudwatch_logs`), Fluentd's `@type`",
            );
        }
        written
    };
    let router = ContainerDefinition {
        name: ROUTER.to_string(),
        image,
        essential: true,
        command: None,
        entry_point: None,
        working_directory: None,
        user: None,
        port_mappings: Vec::new(),
        environment: BTreeMap::new(),
        sensitive: Default::default(),
        secrets: BTreeMap::new(),
        health_check: None,
        stop_timeout: None,
        ulimits: Vec::new(),
        docker_labels: BTreeMap::new(),
        depends_on: Vec::new(),
        mount_points: Vec::new(),
        readonly_root_filesystem: None,
        cpu: None,
        memory: None,
        memory_reservation: Some(memory_reservation),
        log_configuration: awslogs.awslogs_under(ROUTER_STREAM_PREFIX),
        start_timeout: None,
        linux_parameters: None,
        system_controls: BTreeMap::new(),
        repository_credentials: None,
        environment_files: Vec::new(),
        firelens_configuration: Some(FirelensConfiguration {
            kind: kind.as_str().to_string(),
            options,
        }),
    };
    Firelens {
        router,
        route: FirelensRoute {
            options: route_options,
            secret_options,
        },
        secrets: secrets_read,
        default_output,
        loc,
    }
}

/// Fluent Bit's `cloudwatch_logs` output into the task's log group, each container's stream
/// under the task's prefix (<https://docs.fluentbit.io/manual/pipeline/outputs/cloudwatch>).
fn cloudwatch_output(l: &LogConfiguration) -> BTreeMap<String, String> {
    [
        ("Name", "cloudwatch_logs"),
        ("region", l.region.as_str()),
        ("log_group_name", l.group.as_str()),
        ("log_stream_prefix", &format!("{}/", l.stream_prefix)),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect()
}

/// Where a map is written: its first key.
pub fn first_key<V>(m: &crate::spec::spmap::SpMap<V>) -> Option<Loc> {
    m.iter().next().map(|(k, _)| k.loc)
}
