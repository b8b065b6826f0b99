//! Tests of `spec::structure`.

use super::*;
use crate::spec::node::parse;

/// Each problem as `line:col path | message | hint`.
fn problems(yaml: &str) -> Vec<String> {
    let root = parse(yaml).expect("valid YAML");
    check_project(&root)
        .iter()
        .map(|d| {
            let hint = d.hint.as_deref().unwrap_or("-");
            format!(
                "{}:{} {} | {} | {hint}",
                d.loc.line, d.loc.col, d.path, d.message
            )
        })
        .collect()
}

#[test]
fn table_of_project_checks() {
    let cases: &[(&str, &str, &[&str])] = &[
        ("a full valid spec passes", VALID_SPEC, &[]),
        ("an empty file passes", "", &[]),
        ("null blocks pass (Option)", "cluster:\nnetwork: ~\n", &[]),
        (
            "unknown key nested deep",
            "services:\n  api:\n    healthCheck:\n      intervall: 5\n",
            &[
                "4:7 services.api.healthCheck.intervall | unknown key `intervall` in `services.api.healthCheck` | did you mean `interval`?",
            ],
        ),
        (
            "two unknown keys in one file are both reported",
            "servics: {}\nservices:\n  api:\n    imagee: x\n    replicas: 3\n",
            &[
                "1:1 servics | unknown key `servics` at the top level | did you mean `services`?",
                "4:5 services.api.imagee | unknown key `imagee` in `services.api` | did you mean `image`?",
                "5:5 services.api.replicas | unknown key `replicas` in `services.api` | valid keys here include `enabled`, `containerName`, `cpu`, `memory`, `architecture`, `ephemeralStorage`, `volumes`, `sidecars` and {MORE} more (see `ecsctl schema`)",
            ],
        ),
        (
            "snake_case key suggests the camelCase one",
            "network:\n  security_groups: [sg-1]\n",
            &[
                "2:3 network.security_groups | unknown key `security_groups` in `network` | did you mean `securityGroups`?",
            ],
        ),
        (
            "short block lists every valid key",
            "cluster:\n  nombre: x\n",
            &[
                "2:3 cluster.nombre | unknown key `nombre` in `cluster` | valid keys here: `name`, `containerInsights`",
            ],
        ),
        (
            "wrong types",
            "protected: yes please\nservices:\n  api:\n    count: two\n    memory: [1]\n    command: run\n",
            &[
                "1:12 protected | expected `true` or `false`, found a string | -",
                "4:12 services.api.count | expected an integer, found a string | -",
                "5:13 services.api.memory | expected an integer or a string, found a list | write a single value, not a list",
                "6:14 services.api.command | expected a list, found a string | -",
            ],
        ),
        (
            "quoted numbers get a hint",
            "services:\n  api:\n    count: \"3\"\n",
            &[
                "3:12 services.api.count | expected an integer, found a string | remove the quotes: `\"3\"` is a string",
            ],
        ),
        (
            "integers must fit",
            "services:\n  api:\n    count: -1\n    stopTimeout: 1.5\n    ephemeralStorage: 99999999999\n",
            &[
                "3:12 services.api.count | expected a number of 0 or more, found `-1` | -",
                "4:18 services.api.stopTimeout | expected an integer, found a number | write a whole number",
                "5:23 services.api.ephemeralStorage | `99999999999` is above the maximum of 4294967295 | -",
            ],
        ),
        (
            "an empty service is not a mapping",
            "services:\n  api:\n",
            &[
                "2:3 services.api | expected a mapping, found nothing (null) | write `{}` for an empty mapping, or remove the key",
            ],
        ),
        (
            "enum miss with suggestion",
            "services:\n  api:\n    architecture: arm\n    dependsOn: {otel: STARTED}\n",
            &[
                "3:19 services.api.architecture | unknown value `arm` for `services.api.architecture`, expected `x86_64`, `arm64`, `amd64`, `X86_64` or `ARM64` | did you mean `arm64`?",
                "4:23 services.api.dependsOn.otel | unknown value `STARTED` for `services.api.dependsOn.otel`, expected `START`, `COMPLETE`, `SUCCESS` or `HEALTHY` | did you mean `START`?",
            ],
        ),
        (
            "untagged choices accept each of their forms",
            "capacity: spot\ncluster: {containerInsights: true}\nservices:\n\
             \x20 a: {capacity: on-demand, ports: [80], healthCheck: {command: [CMD, x]}, secrets: {S: arn}}\n\
             \x20 b: {capacity: {onDemandWeight: 1, spotWeight: 1}, ports: [{containerPort: 80}]}\n\
             \x20 c: {healthCheck: {command: x}, secrets: {S: {ssm: /p}}, ulimits: {n: {soft: 1, hard: 2}}}\n\
             \x20 d: {cluster: 1}\n",
            &[
                "7:7 services.d.cluster | unknown key `cluster` in `services.d` | valid keys here include `enabled`, `containerName`, `cpu`, `memory`, `architecture`, `ephemeralStorage`, `volumes`, `sidecars` and {MORE} more (see `ecsctl schema`)",
            ],
        ),
        (
            "untagged choice of words: did you mean",
            "capacity: spto\n",
            &[
                "1:11 capacity | unknown value `spto` for `capacity`, expected `on-demand`, `spot` or a mapping | did you mean `spot`?",
            ],
        ),
        (
            "untagged choice: a mapping is checked as the mapping form",
            "capacity: {onDemandWeight: 1, spotWeigth: 2}\n",
            &[
                "1:31 capacity.spotWeigth | unknown key `spotWeigth` in `capacity` | did you mean `spotWeight`?",
                "1:11 capacity | missing key `spotWeight` in `capacity` | -",
            ],
        ),
        (
            "untagged choice: no branch of this kind",
            "capacity: 3\nservices:\n  api:\n    ports: [\"8080\"]\n",
            &[
                "1:11 capacity | expected `on-demand`, `spot` or a mapping, found an integer | -",
                "4:13 services.api.ports[0] | expected an integer or a mapping, found a string | remove the quotes: `\"8080\"` is a string",
            ],
        ),
        (
            "untagged choice: both forms of insights",
            "cluster: {containerInsights: enabeld}\n",
            &[
                "1:30 cluster.containerInsights | unknown value `enabeld` for `cluster.containerInsights`, expected `true`, `false`, `enabled`, `disabled` or `enhanced` | did you mean `enabled`?",
            ],
        ),
        (
            "inside an untagged choice a plain number is not a string",
            "services:\n  api:\n    ports: [{containerPort: 80, name: 80}]\n    healthCheck: {command: [CMD, 1]}\n",
            &[
                "3:39 services.api.ports[0].name | expected a string, found an integer | quote it: `\"80\"`",
                "4:34 services.api.healthCheck.command[1] | expected a string, found an integer | quote it: `\"1\"`",
            ],
        ),
        (
            "maps of services: each entry checked against the service schema",
            "services:\n  api: {image: a}\n  web: {imgae: b}\n  db: {image: c, count: x}\n",
            &[
                "3:9 services.web.imgae | unknown key `imgae` in `services.web` | did you mean `image`?",
                "4:25 services.db.count | expected an integer, found a string | -",
            ],
        ),
        (
            "a nested ports path and enum",
            "services:\n  api:\n    ports:\n      - 80\n      - containerPort: 81\n        protocol: tpc\n",
            &[
                "6:19 services.api.ports[1].protocol | unknown value `tpc` for `services.api.ports[1].protocol`, expected `tcp` or `udp` | did you mean `tcp`?",
            ],
        ),
        (
            // `A:` (null) removes an inherited `A` (spec::spmap), so only the list is wrong.
            "env values must be scalars or null",
            "services:\n  api:\n    env:\n      A:\n      B: [1]\n",
            &[
                "5:10 services.api.env.B | expected a string, a number, `true` or `false`, found a list | write a single value, not a list",
            ],
        ),
        (
            "the root must be a mapping",
            "- a\n",
            &["1:1  | expected a mapping, found a list | -"],
        ),
    ];
    // Other people add service keys; the hint counts whatever the schema has.
    let service_keys = project_schema()["definitions"]["RawService"]["properties"]
        .as_object()
        .unwrap()
        .len();
    let more = (service_keys - KEYS_IN_HINT).to_string();
    for (name, yaml, want) in cases {
        let want: Vec<String> = want.iter().map(|w| w.replace("{MORE}", &more)).collect();
        assert_eq!(problems(yaml), want, "case: {name}");
    }
}

#[test]
fn refs_into_defs_and_type_lists() {
    let schema = serde_json::json!({
        "type": "object",
        "properties": {
            "a": { "$ref": "#/$defs/Mode" },
            "b": { "type": ["number", "null"] },
            "c": { "const": 7 },
            "d": false,
            "e": { "type": "array", "items": { "type": "boolean" } }
        },
        "$defs": { "Mode": { "type": "string", "enum": ["fast", "slow"] } }
    });
    let root = parse("a: fats\nb: 2\nc: 8\nd: 1\ne: [true, 0]\n").unwrap();
    let got: Vec<String> = check(&root, &schema)
        .iter()
        .map(|d| format!("{} | {}", d.path, d.message))
        .collect();
    assert_eq!(
        got,
        [
            "a | unknown value `fats` for `a`, expected `fast` or `slow`",
            "c | unknown value `8` for `c`, expected `7`",
            "d | nothing is allowed at `d`",
            "e[1] | expected `true` or `false`, found an integer",
        ]
    );
    let root = parse("b: 2.5\n").unwrap();
    assert!(check(&root, &schema).is_empty());
}

#[test]
fn keys_that_need_quoting_show_quoted_in_paths() {
    let root = parse("tags:\n  \"a.b\": [1]\n").unwrap();
    let got: Vec<String> = check_project(&root)
        .iter()
        .map(|d| d.path.clone())
        .collect();
    assert_eq!(got, ["tags.\"a.b\""]);
}
