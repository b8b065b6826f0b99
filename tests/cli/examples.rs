//! The shipped projects (the repository root, OHI, and examples/*) validate, and render the
//! values of the design documents they reproduce (/work/shared/seeds): the examples are the
//! product's documentation, so a model change that breaks one or changes a seed's value fails
//! here.

use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::support::ecsctl;

fn project(relative: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(relative)
}

/// `render -e ENV --output json` of a project, parsed; the run must succeed with one JSON
/// document on stdout.
fn render(relative: &str, env: &str, vars: &[(&str, &str)]) -> Value {
    let mut command = ecsctl()
        .args(["-C"])
        .args([project(relative)])
        .args(["render", "-e", env, "--output", "json"]);
    for (k, v) in vars {
        command = command.env(k, v);
    }
    let run = command.run();
    assert_eq!(
        run.code,
        Some(0),
        "render of {relative} -e {env} failed:\n{}",
        run.stderr
    );
    serde_json::from_str(&run.stdout)
        .unwrap_or_else(|e| panic!("stdout is not one JSON document ({e}):\n{}", run.stdout))
}

/// `validate --all` succeeds with no warning: one `ok` line per environment, in name order.
#[track_caller]
fn validate_all_passes(relative: &str, services: usize, envs: &[&str]) {
    let run = ecsctl()
        .args(["-C"])
        .args([project(relative)])
        .args(["validate", "--all"])
        .run();
    let want: String = envs
        .iter()
        .map(|env| format!("ok: {env} ({services} services, 0 warnings)\n"))
        .collect();
    run.assert(0, "", &want);
}

/// The element of `doc.resources.<list>` whose `field` equals `value`.
#[track_caller]
fn find<'a>(doc: &'a Value, list: &str, field: &str, value: &str) -> &'a Value {
    let items = doc["resources"][list]
        .as_array()
        .unwrap_or_else(|| panic!("resources.{list} is not a list"));
    items
        .iter()
        .find(|i| i[field] == value)
        .unwrap_or_else(|| panic!("no resources.{list}[] with {field} = {value}"))
}

fn policy<'a>(target: &'a Value, metric: &str) -> &'a Value {
    let policies = target["policies"].as_array().expect("policies is a list");
    policies
        .iter()
        .find(|p| p["metric"] == metric)
        .unwrap_or_else(|| panic!("no {metric} policy in {target}"))
}

#[test]
fn validate_all_passes_for_the_root_project() {
    validate_all_passes(".", 11, &["dev", "prod", "staging"]);
}

#[test]
fn validate_all_passes_for_omc() {
    validate_all_passes("examples/omc", 5, &["prod", "staging"]);
}

#[test]
fn validate_all_passes_for_cryptotracker() {
    validate_all_passes("examples/cryptotracker", 3, &["dev", "prod", "staging"]);
}

#[test]
fn validate_all_passes_for_durableai() {
    validate_all_passes("examples/durableai", 2, &["dev", "prod"]);
}

#[test]
fn validate_all_passes_for_aldeia() {
    validate_all_passes("examples/aldeia", 3, &["prod", "staging"]);
}

/// Seed 001, prod column: API 1024/2048, 3 tasks, 2-10 at CPU 70 % and memory 80 %, logs in
/// `/ecs/ohi-prod/api` for 30 days, `api.ohi-prod.local`.
#[test]
fn root_prod_renders_the_ohi_seed_values() {
    let doc = render(".", "prod", &[]);
    assert_eq!(doc["app"], "ohi");
    assert_eq!(doc["region"], "eu-west-1");
    assert_eq!(doc["account"], Value::Null);
    assert_eq!(doc["resources"]["protected"], true);
    assert_eq!(doc["resources"]["cluster"]["name"], "ohi-prod");
    assert_eq!(doc["resources"]["cluster"]["containerInsights"], "enabled");

    let task = find(&doc, "taskDefinitions", "family", "ohi-prod-api");
    assert_eq!(task["cpu"], 1024);
    assert_eq!(task["memory"], 2048);
    assert_eq!(
        task["containers"][0]["image"],
        "{account_id}.dkr.ecr.eu-west-1.amazonaws.com/ohi-api:prod"
    );
    assert_eq!(
        task["containers"][0]["portMappings"][0]["containerPort"],
        8080
    );
    assert_eq!(
        task["containers"][0]["logConfiguration"]["group"],
        "/ecs/ohi-prod/api"
    );

    let api = find(&doc, "services", "key", "api");
    assert_eq!(api["name"], "ohi-prod-api");
    assert_eq!(api["desiredCount"], 3);
    assert_eq!(api["autoscaling"]["min"], 2);
    assert_eq!(api["autoscaling"]["max"], 10);
    assert_eq!(api["capacity"][0]["capacityProvider"], "FARGATE");
    assert_eq!(api["healthCheckGracePeriod"], 60);
    assert_eq!(api["deployment"]["maximumPercent"], 200);
    assert_eq!(api["deployment"]["minimumHealthyPercent"], 100);

    let scaling = find(&doc, "scalingTargets", "service", "api");
    assert_eq!(scaling["resourceId"], "service/ohi-prod/ohi-prod-api");
    assert_eq!(
        (scaling["min"].as_u64(), scaling["max"].as_u64()),
        (Some(2), Some(10))
    );
    let cpu = policy(scaling, "ECSServiceAverageCPUUtilization");
    assert_eq!(cpu["targetValue"].as_f64(), Some(70.0));
    assert_eq!(cpu["scaleOutCooldown"], 60);
    assert_eq!(cpu["scaleInCooldown"], 300);
    let memory = policy(scaling, "ECSServiceAverageMemoryUtilization");
    assert_eq!(memory["targetValue"].as_f64(), Some(80.0));

    let logs = find(&doc, "logGroups", "name", "/ecs/ohi-prod/api");
    assert_eq!(logs["retentionDays"], 30);

    assert_eq!(doc["resources"]["namespace"]["name"], "ohi-prod.local");
    let discovery = find(&doc, "discoveryServices", "service", "api");
    assert_eq!(discovery["name"], "api");
    assert_eq!(discovery["namespace"], "ohi-prod.local");
    assert_eq!(discovery["routing"], "MULTIVALUE");
}

/// All 11 services of seed 001's table, with the prod sizes and counts of the table.
#[test]
fn root_prod_has_all_eleven_services_sized_as_the_seed_table() {
    let doc = render(".", "prod", &[]);
    let table: [(&str, u64, u64, u64); 11] = [
        ("api", 1024, 2048, 3),
        ("graphql", 1024, 2048, 3),
        ("sse", 512, 1024, 2),
        ("provider-api", 1024, 2048, 2),
        ("reindexer", 512, 1024, 1),
        ("blnk-api", 512, 1024, 2),
        ("blnk-worker", 256, 512, 1),
        ("clickhouse", 2048, 4096, 1),
        ("otel", 512, 1024, 2),
        ("signoz-query", 1024, 2048, 1),
        ("signoz-frontend", 256, 512, 1),
    ];
    let services = doc["resources"]["services"]
        .as_array()
        .expect("services is a list");
    assert_eq!(services.len(), table.len());
    for (key, cpu, memory, count) in table {
        let task = find(
            &doc,
            "taskDefinitions",
            "family",
            &format!("ohi-prod-{key}"),
        );
        assert_eq!(
            (task["cpu"].as_u64(), task["memory"].as_u64()),
            (Some(cpu), Some(memory)),
            "{key}"
        );
        assert_eq!(
            find(&doc, "services", "key", key)["desiredCount"].as_u64(),
            Some(count),
            "{key}"
        );
    }
    // Background jobs run a fixed task and register nothing in Cloud Map.
    for job in ["reindexer", "blnk-worker"] {
        assert_eq!(
            find(&doc, "services", "key", job)["autoscaling"],
            Value::Null,
            "{job}"
        );
        let registered = doc["resources"]["discoveryServices"]
            .as_array()
            .unwrap()
            .iter()
            .any(|d| d["service"] == job);
        assert!(!registered, "{job} registers in Cloud Map");
    }
    let blnk = find(&doc, "discoveryServices", "service", "blnk-api");
    assert_eq!(blnk["namespace"], "ohi-prod.local");
}

/// Seed 001, dev: every service 256/512 (ClickHouse 512/1024), 1 task, Fargate Spot, 7 days.
#[test]
fn root_dev_runs_everything_small_on_fargate_spot() {
    let doc = render(".", "dev", &[]);
    assert_eq!(doc["resources"]["protected"], false);
    assert_eq!(
        doc["resources"]["cluster"]["defaultStrategy"][0]["capacityProvider"],
        "FARGATE_SPOT"
    );
    for service in doc["resources"]["services"]
        .as_array()
        .expect("services is a list")
    {
        let key = service["key"].as_str().expect("key is a string");
        assert_eq!(
            service["capacity"].as_array().map(Vec::len),
            Some(1),
            "{key}"
        );
        assert_eq!(
            service["capacity"][0]["capacityProvider"], "FARGATE_SPOT",
            "{key}"
        );
        assert_eq!(service["desiredCount"], 1, "{key}");
        let task = find(&doc, "taskDefinitions", "family", &format!("ohi-dev-{key}"));
        let want = if key == "clickhouse" {
            (512, 1024)
        } else {
            (256, 512)
        };
        assert_eq!(
            (task["cpu"].as_u64(), task["memory"].as_u64()),
            (Some(want.0), Some(want.1)),
            "{key}"
        );
        assert_eq!(
            task["containers"][0]["image"],
            format!("{{account_id}}.dkr.ecr.eu-west-1.amazonaws.com/ohi-{key}:dev")
        );
    }
    for group in doc["resources"]["logGroups"]
        .as_array()
        .expect("logGroups is a list")
    {
        assert_eq!(group["retentionDays"], 7, "{}", group["name"]);
    }
    let api = find(&doc, "scalingTargets", "service", "api");
    assert_eq!(
        (api["min"].as_u64(), api["max"].as_u64()),
        (Some(1), Some(3))
    );
    assert_eq!(
        find(&doc, "discoveryServices", "service", "api")["namespace"],
        "ohi-dev.local"
    );
}

/// Seed 001, staging: API 512/1024 with 2 tasks scaling 1-5, on-demand, 7 days.
#[test]
fn root_staging_is_medium_sized_on_demand() {
    let doc = render(".", "staging", &[]);
    let task = find(&doc, "taskDefinitions", "family", "ohi-staging-api");
    assert_eq!(
        (task["cpu"].as_u64(), task["memory"].as_u64()),
        (Some(512), Some(1024))
    );
    let api = find(&doc, "services", "key", "api");
    assert_eq!(api["desiredCount"], 2);
    assert_eq!(api["capacity"][0]["capacityProvider"], "FARGATE");
    let scaling = find(&doc, "scalingTargets", "service", "api");
    assert_eq!(
        (scaling["min"].as_u64(), scaling["max"].as_u64()),
        (Some(1), Some(5))
    );
    let clickhouse = find(&doc, "taskDefinitions", "family", "ohi-staging-clickhouse");
    assert_eq!(
        (clickhouse["cpu"].as_u64(), clickhouse["memory"].as_u64()),
        (Some(1024), Some(2048))
    );
    assert_eq!(
        find(&doc, "logGroups", "name", "/ecs/ohi-staging/api")["retentionDays"],
        7
    );
}

/// CI pins image tags with `${IMAGE_TAG:-latest}`; unset, the default applies.
#[test]
fn image_tag_comes_from_the_process_environment() {
    let pinned = render("examples/durableai", "prod", &[("IMAGE_TAG", "9f2c1e7")]);
    let task = find(
        &pinned,
        "taskDefinitions",
        "family",
        "durableai-prod-backend",
    );
    assert_eq!(
        task["containers"][0]["image"],
        "{account_id}.dkr.ecr.us-east-1.amazonaws.com/durableai-backend:9f2c1e7"
    );
    let unpinned = render("examples/durableai", "prod", &[]);
    let task = find(
        &unpinned,
        "taskDefinitions",
        "family",
        "durableai-prod-backend",
    );
    assert_eq!(
        task["containers"][0]["image"],
        "{account_id}.dkr.ecr.us-east-1.amazonaws.com/durableai-backend:latest"
    );
}

/// Seed 001's one execution role: shared by every service, it reads exactly the two datastore
/// secrets (by name with AWS's suffix) and writes every service's log group.
#[test]
fn root_execution_role_grants_only_the_referenced_secrets() {
    let doc = render(".", "prod", &[]);
    let exec: Vec<&str> = doc["resources"]["roles"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["purpose"] == "execution")
        .map(|r| r["name"].as_str().unwrap())
        .collect();
    assert_eq!(exec, ["ohi-prod-exec"]);
    let role = find(&doc, "roles", "name", "ohi-prod-exec");
    let statements = role["inlinePolicy"]["Statement"]
        .as_array()
        .expect("statements");
    let secrets = statements
        .iter()
        .find(|s| s["Sid"] == "Secrets")
        .expect("a Secrets statement");
    assert_eq!(
        secrets["Resource"],
        serde_json::json!([
            "arn:aws:secretsmanager:eu-west-1:{account_id}:secret:ohi/prod/database-??????",
            "arn:aws:secretsmanager:eu-west-1:{account_id}:secret:ohi/prod/redis-??????"
        ])
    );
    let logs = statements
        .iter()
        .find(|s| s["Sid"] == "Logs")
        .expect("a Logs statement");
    assert_eq!(logs["Resource"].as_array().unwrap().len(), 11, "{logs}");
}

/// Seed 003: custom cluster and namespace names; dev on Spot without scaling rules or Insights,
/// off at night; prod scaled 1-4 by the seed's two CPU step rules, with the circuit breaker.
#[test]
fn durableai_dev_and_prod_follow_the_seed() {
    let dev = render("examples/durableai", "dev", &[]);
    assert_eq!(dev["resources"]["cluster"]["name"], "durableai-dev-cluster");
    assert_eq!(dev["resources"]["cluster"]["containerInsights"], "disabled");
    assert_eq!(dev["resources"]["namespace"]["name"], "dev.local");
    for service in ["backend", "frontend"] {
        let discovery = find(&dev, "discoveryServices", "service", service);
        assert_eq!(
            (discovery["name"].as_str(), discovery["namespace"].as_str()),
            (Some(service), Some("dev.local"))
        );
    }
    for service in ["backend", "frontend"] {
        // No scaling rule in dev: a fixed range of 1, and 0 from 20:00 to 07:00 (New York).
        let scaling = find(&dev, "scalingTargets", "service", service);
        assert_eq!(
            (scaling["min"].as_u64(), scaling["max"].as_u64()),
            (Some(1), Some(1))
        );
        assert_eq!(scaling["policies"], serde_json::json!([]));
        let night = &scaling["schedules"][0];
        assert_eq!(
            (
                night["expression"].as_str(),
                night["timezone"].as_str(),
                night["max"].as_u64()
            ),
            (
                Some("cron(0 20 ? * MON-FRI *)"),
                Some("America/New_York"),
                Some(0)
            )
        );
        assert_eq!(scaling["schedules"][1]["max"], 1);
    }
    let backend = find(&dev, "services", "key", "backend");
    assert_eq!(backend["capacity"][0]["capacityProvider"], "FARGATE_SPOT");
    assert_eq!(backend["desiredCount"], 1);
    let task = find(&dev, "taskDefinitions", "family", "durableai-dev-backend");
    assert_eq!(
        (task["cpu"].as_u64(), task["memory"].as_u64()),
        (Some(256), Some(512))
    );
    assert_eq!(
        find(&dev, "logGroups", "name", "/ecs/durableai-dev/backend")["retentionDays"],
        7
    );

    let prod = render("examples/durableai", "prod", &[]);
    assert_eq!(prod["resources"]["cluster"]["containerInsights"], "enabled");
    let backend = find(&prod, "services", "key", "backend");
    assert_eq!(backend["desiredCount"], 2);
    assert_eq!(backend["capacity"][0]["capacityProvider"], "FARGATE");
    assert_eq!(backend["deployment"]["circuitBreakerEnable"], true);
    assert_eq!(backend["deployment"]["circuitBreakerRollback"], true);
    let scaling = find(&prod, "scalingTargets", "service", "backend");
    assert_eq!(
        (scaling["min"].as_u64(), scaling["max"].as_u64()),
        (Some(1), Some(4))
    );
    // "Scale-out: when CPU > 60% for 2 minutes", "Scale-in: when CPU < 60% for 5 minutes".
    let steps: Vec<_> = scaling["policies"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["name"].as_str().unwrap(),
                p["type"].as_str().unwrap(),
                p["above"].as_bool().unwrap(),
                p["threshold"].as_f64().unwrap(),
                p["minutes"].as_u64().unwrap(),
                p["change"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        steps,
        [
            ("durableai-prod-backend-cpu-above", "step", true, 60.0, 2, 1),
            (
                "durableai-prod-backend-cpu-below",
                "step",
                false,
                60.0,
                5,
                -1
            ),
        ]
    );
    let task_role = find(&prod, "roles", "name", "durableai-prod-backend-task");
    let actions = task_role["inlinePolicy"]["Statement"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|s| s["Action"].as_array().unwrap().clone())
        .collect::<Vec<_>>();
    assert!(
        actions.contains(&Value::from("ssm:GetParameters"))
            && actions.contains(&Value::from("kms:Decrypt")),
        "{actions:?}"
    );
}

/// Seed 004: JSON-key secrets, ChromaDB on EFS with transit encryption, prod scaling on CPU 70,
/// memory 80 and 1000 requests per target, and the S3 + SES task role.
#[test]
fn aldeia_prod_follows_the_seed() {
    let doc = render("examples/aldeia", "prod", &[]);
    assert_eq!(doc["resources"]["cluster"]["name"], "aldeia-prod-cluster");
    let backend = find(&doc, "taskDefinitions", "family", "aldeia-prod-backend");
    assert_eq!(
        (backend["cpu"].as_u64(), backend["memory"].as_u64()),
        (Some(1024), Some(2048))
    );
    let container = &backend["containers"][0];
    assert_eq!(
        container["secrets"]["JWT_SECRET"],
        "arn:aws:secretsmanager:us-east-1:123456789012:secret:production/jwt/secrets:JWT_SECRET::"
    );
    assert_eq!(
        container["logConfiguration"]["group"],
        "/ecs/aldeia-prod-backend"
    );
    assert_eq!(
        container["healthCheck"]["command"],
        serde_json::json!([
            "CMD-SHELL",
            "curl -f http://localhost:3001/api/health || exit 1"
        ])
    );

    let scaling = find(&doc, "scalingTargets", "service", "backend");
    assert_eq!(
        (scaling["min"].as_u64(), scaling["max"].as_u64()),
        (Some(2), Some(4))
    );
    assert_eq!(
        policy(scaling, "ECSServiceAverageCPUUtilization")["targetValue"].as_f64(),
        Some(70.0)
    );
    assert_eq!(
        policy(scaling, "ECSServiceAverageMemoryUtilization")["targetValue"].as_f64(),
        Some(80.0)
    );
    let requests = scaling["policies"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["metric"].get("ALBRequestCountPerTarget").is_some())
        .expect("a requests policy");
    assert_eq!(requests["targetValue"].as_f64(), Some(1000.0));

    let chromadb = find(&doc, "taskDefinitions", "family", "aldeia-prod-chromadb");
    assert_eq!(
        (chromadb["cpu"].as_u64(), chromadb["memory"].as_u64()),
        (Some(2048), Some(4096))
    );
    assert_eq!(chromadb["volumes"][0]["name"], "chromadb-data");
    assert_eq!(chromadb["volumes"][0]["efs"]["transitEncryption"], true);
    assert_eq!(
        chromadb["containers"][0]["mountPoints"][0]["containerPath"],
        "/chroma/chroma"
    );
    assert_eq!(find(&doc, "services", "key", "chromadb")["desiredCount"], 2);

    let task_role = find(&doc, "roles", "name", "aldeia-prod-backend-task");
    let resources: Vec<Value> = task_role["inlinePolicy"]["Statement"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|s| s["Resource"].as_array().unwrap().clone())
        .collect();
    assert!(
        resources.contains(&Value::from("arn:aws:s3:::aldeia-prod-backups/*")),
        "{resources:?}"
    );
}

/// Seed 002: the sentiment processor is a 4 vCPU / 8 GB task scaling 1-10 at 80 % CPU.
#[test]
fn cryptotracker_prod_follows_the_seed() {
    let doc = render("examples/cryptotracker", "prod", &[]);
    let sentiment = find(
        &doc,
        "taskDefinitions",
        "family",
        "cryptotracker-prod-sentiment-processor",
    );
    assert_eq!(
        (sentiment["cpu"].as_u64(), sentiment["memory"].as_u64()),
        (Some(4096), Some(8192))
    );
    let scaling = find(&doc, "scalingTargets", "service", "sentiment-processor");
    assert_eq!(
        (scaling["min"].as_u64(), scaling["max"].as_u64()),
        (Some(1), Some(10))
    );
    assert_eq!(
        policy(scaling, "ECSServiceAverageCPUUtilization")["targetValue"].as_f64(),
        Some(80.0)
    );
    // The worker the seed's SQS feeds also tracks its queue's backlog per task.
    let queue = find(&doc, "scalingTargets", "service", "sentiment-processor")["policies"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "cryptotracker-prod-sentiment-processor-queue")
        .expect("the queue policy")
        .clone();
    assert_eq!(queue["targetValue"].as_f64(), Some(100.0));
    assert_eq!(
        queue["metric"]["SQSBacklogPerTask"]["queue"],
        "cryptotracker-prod-sentiment-requests"
    );
    let api = find(&doc, "scalingTargets", "service", "api-service");
    assert_eq!(
        (api["min"].as_u64(), api["max"].as_u64()),
        (Some(2), Some(20))
    );
    let websocket = find(&doc, "scalingTargets", "service", "websocket-service");
    assert_eq!(
        (websocket["min"].as_u64(), websocket["max"].as_u64()),
        (Some(2), Some(15))
    );
    assert_eq!(
        find(&doc, "services", "key", "api-service")["desiredCount"],
        3
    );
}

/// Seed 000: the three collectors run on a schedule, the agentic system mounts EFS.
#[test]
fn omc_staging_has_scheduled_collectors_and_efs_artifacts() {
    let doc = render("examples/omc", "staging", &[]);
    let mut scheduled: Vec<&str> = doc["resources"]["scheduledTasks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["key"].as_str().unwrap())
        .collect();
    scheduled.sort();
    assert_eq!(
        scheduled,
        [
            "coinspot-announcements",
            "defillama-collector",
            "sec-api-collector"
        ]
    );
    let mut services: Vec<&str> = doc["resources"]["services"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["key"].as_str().unwrap())
        .collect();
    services.sort();
    assert_eq!(
        services,
        [
            "agentic-system",
            "backend",
            "cryptopanic-collector",
            "frontend",
            "reddit-collector"
        ]
    );
    let agents = find(
        &doc,
        "taskDefinitions",
        "family",
        "omc-staging-agentic-system",
    );
    assert_eq!(
        agents["volumes"][0]["efs"]["fileSystemId"],
        "fs-0a1b2c3d4e5f60101"
    );
    assert_eq!(
        agents["containers"][0]["mountPoints"][0]["containerPath"],
        "/app/artifacts"
    );
}

/// YAML and JSON render the same document for every project and environment: render writes
/// both from one typed value, and this pins that no serde shape (flattened sizes, enum variants
/// such as ALB-request scaling metrics) comes out differently in the YAML writer.
#[test]
fn yaml_and_json_renders_are_the_same_data_for_every_example() {
    let projects = [
        ".",
        "examples/omc",
        "examples/cryptotracker",
        "examples/durableai",
        "examples/aldeia",
    ];
    for relative in projects {
        let mut envs: Vec<String> = std::fs::read_dir(project(relative).join("environments"))
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter_map(|p| Some(p.file_stem()?.to_str()?.to_string()))
            .collect();
        envs.sort();
        assert!(envs.len() >= 2, "{relative}: {envs:?}");
        for env in &envs {
            let json = render(relative, env, &[]);
            let run = ecsctl()
                .args(["-C"])
                .args([project(relative)])
                .args(["render", "-e", env])
                .run();
            assert_eq!(run.code, Some(0), "{relative} -e {env}: {}", run.stderr);
            let yaml: Value = serde_saphyr::from_str(&run.stdout)
                .unwrap_or_else(|e| panic!("{relative} -e {env}: YAML does not parse: {e}"));
            assert_eq!(yaml, json, "{relative} -e {env}: YAML and JSON differ");
        }
    }
}
