//! What real AWS does asynchronously, reproduced by the emulator's realistic mode on a private
//! server with windows long enough to be met (docs/emulator.md "Realistic mode"), and shown to
//! converge: the ECS service-linked role on a new account, a Cloud Map service replaced or
//! removed while tasks are registered in it, destroy with running standalone tasks (ours and
//! someone else's), a schedule group still DELETING after a destroy, and RegisterTaskDefinition
//! whose response is lost. Effects are checked through boto3, never through ecsctl's own reads.

use std::process::Stdio;
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::apply::Project;
use crate::support::{Emulator, Network, Run, TestAccount, http};

const FIXTURE: &str = "tests/fixtures/real-aws";
const ENV: &str = "test";
const CLUSTER: &str = "ra-test";
const GROUP: &str = "ra-test";

/// A private server: Cloud Map deregistration, draining, rollouts and schedule-group deletion
/// slow enough that the next call meets them, and standalone tasks that run until stopped.
fn slow() -> &'static Emulator {
    static SERVER: OnceLock<Emulator> = OnceLock::new();
    SERVER.get_or_init(|| {
        Emulator::start(
            "real-aws",
            &[
                ("ECSCTL_EMULATOR_ROLLOUT_MS", "2000"),
                ("ECSCTL_EMULATOR_DRAIN_MS", "2000"),
                ("ECSCTL_EMULATOR_DEREGISTER_MS", "1500"),
                ("ECSCTL_EMULATOR_GROUP_DELETE_MS", "6000"),
                ("ECSCTL_EMULATOR_TASK_RUN_MS", "600000"),
            ],
            1,
        )
    })
}

fn project() -> Project {
    Project::in_account(FIXTURE, slow().account())
}

/// Replaces the environment file with `yaml` (an overlay on the manifest).
fn overlay(p: &Project, yaml: &str) {
    std::fs::write(p.dir.path().join("environments/test.yaml"), yaml).unwrap();
}

fn ok(p: &Project, args: &[&str]) -> Run {
    let r = p.run(args, &[]);
    assert_eq!(r.code, Some(0), "{args:?} failed:\n{}", r.all());
    r
}

fn apply(p: &Project) -> Run {
    ok(p, &["apply", "-e", ENV, "--yes", "--stats"])
}

fn assert_converged(p: &Project) {
    let r = p.run(&["plan", "-e", ENV, "--detailed-exitcode"], &[]);
    assert_eq!(r.code, Some(0), "plan is not empty:\n{}", r.all());
    assert!(r.stdout.starts_with("No changes."), "{}", r.stdout);
}

/// Runs ecsctl, killing it after `limit`: a command that waits out a bound of minutes on
/// something it should have dealt with fails the test instead of hanging it.
fn run_within(p: &Project, args: &[&str], limit: Duration) -> Run {
    let mut c = p.acct.ecsctl();
    c.arg("-C")
        .arg(p.dir.path())
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .env("SUBNET_A", &p.net.subnet_ids[0])
        .env("SUBNET_B", &p.net.subnet_ids[1])
        .env("SG", &p.net.security_group_id)
        .env("VPC", &p.net.vpc_id)
        .env("NO_COLOR", "1");
    let mut child = c.spawn().expect("spawn ecsctl");
    let started = Instant::now();
    loop {
        if child.try_wait().expect("wait ecsctl").is_some() {
            return Run::from(child.wait_with_output().expect("ecsctl output"));
        }
        if started.elapsed() > limit {
            let _ = child.kill();
            let out = child.wait_with_output().expect("ecsctl output");
            panic!(
                "{args:?} did not finish within {}s:\n{}",
                limit.as_secs(),
                Run::from(out).all()
            );
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

fn cloud_map_services(p: &Project) -> Vec<Value> {
    let ns = p.call("servicediscovery", "ListNamespaces", json!({}));
    let Some(id) = ns["Namespaces"]
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["Name"] == "ra-test.local")
        .map(|n| n["Id"].as_str().unwrap().to_string())
    else {
        return Vec::new();
    };
    let filter = json!([{"Name": "NAMESPACE_ID", "Values": [id], "Condition": "EQ"}]);
    p.call(
        "servicediscovery",
        "ListServices",
        json!({"Filters": filter}),
    )["Services"]
        .as_array()
        .unwrap()
        .clone()
}

fn web(p: &Project) -> Value {
    p.call(
        "ecs",
        "DescribeServices",
        json!({"cluster": CLUSTER, "services": ["ra-test-web"]}),
    )["services"][0]
        .clone()
}

// ---- A: the ECS service-linked role --------------------------------------------------------

/// Issue item 2 / review #6: a new account has no AWSServiceRoleForECS, and CreateCluster with
/// capacity providers fails until it exists and has propagated.
#[test]
fn first_apply_in_a_new_account_creates_the_ecs_service_linked_role() {
    let p = project();
    let missing = p.acct.call(
        "iam",
        "GetRole",
        json!({"RoleName": "AWSServiceRoleForECS"}),
    );
    assert_eq!(missing.unwrap_err().code, "NoSuchEntity");
    let r = apply(&p);
    assert!(
        r.stderr.contains("iam:CreateServiceLinkedRole=1"),
        "no CreateServiceLinkedRole:\n{}",
        r.stderr
    );
    let role = p.call(
        "iam",
        "GetRole",
        json!({"RoleName": "AWSServiceRoleForECS"}),
    );
    assert_eq!(
        role["Role"]["Path"], "/aws-service-role/ecs.amazonaws.com/",
        "{role}"
    );
    assert_converged(&p);
    // A converged apply creates no cluster, so it makes no IAM call for the role.
    let again = apply(&p);
    assert_eq!(
        again.mutating_calls(),
        Vec::<String>::new(),
        "{}",
        again.stderr
    );
}

// ---- B, C: Cloud Map services with registered tasks ----------------------------------------

/// Review #1/#1b: a routing change replaces the Cloud Map service. Its running tasks are
/// registered in it, so it cannot be deleted until the ECS service has left it and rolled out;
/// afterwards the ECS service must point at the new service's ARN.
#[test]
fn replacing_a_discovery_service_in_use_repoints_the_ecs_service() {
    let p = project();
    apply(&p);
    let old = cloud_map_services(&p);
    assert_eq!(old.len(), 1, "{old:?}");
    let old_arn = old[0]["Arn"].as_str().unwrap().to_string();

    overlay(
        &p,
        "services:\n  web:\n    discovery:\n      routing: WEIGHTED\n",
    );
    let plan = ok(&p, &["plan", "-e", ENV]);
    assert!(
        plan.stdout.contains("-/+ discovery_service.web"),
        "{}",
        plan.stdout
    );
    assert!(plan.stdout.contains("~ service.web"), "{}", plan.stdout);
    let r = run_within(&p, &["apply", "-e", ENV, "--yes"], Duration::from_secs(120));
    assert_eq!(r.code, Some(0), "{}", r.all());
    assert!(
        r.stderr
            .contains("waiting for `ra-test-web` to stop using Cloud Map service `web`"),
        "{}",
        r.stderr
    );

    let now = cloud_map_services(&p);
    assert_eq!(now.len(), 1, "{now:?}");
    let new_arn = now[0]["Arn"].as_str().unwrap();
    assert_ne!(new_arn, old_arn);
    let registries = &web(&p)["serviceRegistries"];
    assert_eq!(registries[0]["registryArn"], new_arn, "{registries}");
    // The tasks of the rollout onto the new registry are registered in it.
    let instances = p.call(
        "servicediscovery",
        "ListInstances",
        json!({"ServiceId": now[0]["Id"]}),
    );
    assert_eq!(
        instances["Instances"].as_array().unwrap().len(),
        1,
        "{instances}"
    );
    assert_converged(&p);
}

/// Review #2: removing `discovery` from a running service takes it out of the registry (a new
/// deployment) and deletes the Cloud Map service, which holds the old tasks' instances until
/// they stopped: the delete must come after that rollout.
#[test]
fn removing_discovery_from_a_running_service_deletes_the_registry_after_its_rollout() {
    let p = project();
    apply(&p);
    assert_eq!(cloud_map_services(&p).len(), 1);

    overlay(
        &p,
        "services:\n  web:\n    discovery:\n      enabled: false\n",
    );
    let r = run_within(&p, &["apply", "-e", ENV, "--yes"], Duration::from_secs(120));
    assert_eq!(r.code, Some(0), "{}", r.all());
    // The order: the service's rollout without the registry is waited for before the Cloud Map
    // delete is first sent (only the deregistration lag after it may still be settled).
    let waited = r
        .stderr
        .find("waiting for `ra-test-web` to stop using Cloud Map service `web`");
    let stable = r
        .stderr
        .find("service ra-test-web: running 1/1, COMPLETED (stable)");
    assert!(
        waited.is_some() && waited < stable,
        "the delete did not wait for the rollout:\n{}",
        r.stderr
    );
    assert_eq!(cloud_map_services(&p), Vec::<Value>::new());
    assert_eq!(web(&p)["serviceRegistries"], json!([]));
    assert_converged(&p);
}

// ---- D: a replaced ECS service -------------------------------------------------------------

/// Collects the progress notes apply writes.
#[derive(Default)]
struct Notes(std::sync::Mutex<Vec<String>>);

impl ecsctl::apply::Reporter for Notes {
    fn step_started(&self, _: &ecsctl::plan::Step) {}
    fn step_finished(
        &self,
        _: &ecsctl::plan::Step,
        _: Result<(), &ecsctl::aws::AwsError>,
        _: Duration,
    ) {
    }
    fn note(&self, message: &str) {
        self.0.lock().unwrap().push(message.to_string());
    }
    fn service_progress(&self, _: &str, _: &str, _: bool) {}
    fn service_event(&self, _: &str, _: &str) {}
}

/// Review #12: a service Replace is DeleteService then CreateService of the same name, and ECS
/// refuses the name while the old service drains. The plan only produces a service Replace for
/// a `cluster` change, which the CLI cannot reach (live reads services in the desired cluster,
/// so a moved service reads as absent), so this drives apply's executor through the library with
/// a Replace step for a live service: the old one must be drained (INACTIVE) before the create,
/// which then never meets "still Draining".
#[test]
fn a_replaced_service_is_drained_before_it_is_created_again() {
    use ecsctl::plan::{Action, Address, ResourceKind, Step};
    let p = project();
    apply(&p);
    let before = web(&p);
    assert_eq!(before["status"], "ACTIVE");
    // The ids literally in the files: the library reads no test-specific variables.
    for f in ["ecsctl.yaml", "environments/test.yaml"] {
        let path = p.dir.path().join(f);
        let text = std::fs::read_to_string(&path)
            .unwrap()
            .replace("${SUBNET_A}", &p.net.subnet_ids[0])
            .replace("${SUBNET_B}", &p.net.subnet_ids[1])
            .replace("${SG}", &p.net.security_group_id)
            .replace("${VPC}", &p.net.vpc_id);
        std::fs::write(path, text).unwrap();
    }
    let desired = match ecsctl::cli::project::load_and_build(p.dir.path(), ENV, Some(&p.acct.id)) {
        ecsctl::cli::project::Built::Ok { desired, .. } => *desired,
        ecsctl::cli::project::Built::Invalid { diagnostics, .. } => {
            panic!("spec: {diagnostics:?}")
        }
    };
    let notes = Notes::default();
    let outcome = tokio::runtime::Runtime::new().unwrap().block_on(async {
        let clients = ecsctl::aws::AwsClients::load(&ecsctl::aws::AwsSettings {
            region: Some(crate::support::REGION.into()),
            endpoint_url: Some(slow().endpoint.clone()),
            credentials: Some(ecsctl::aws::StaticCredentials {
                access_key_id: p.acct.access_key_id.clone(),
                secret_access_key: p.acct.secret_access_key.clone(),
                session_token: Some(p.acct.session_token.clone()),
            }),
            ..Default::default()
        })
        .await
        .expect("the test's AWS settings are valid");
        let index = ecsctl::live::tag_index::TagIndex::of(&desired.app, &desired.env);
        let holds = |account: &str, td: &ecsctl::live::LiveTaskDefinition| {
            ecsctl::diff::holds_desired(&desired, account, td)
        };
        let live = ecsctl::live::fetch(&clients, &desired, &holds, &index)
            .await
            .expect("live");
        let changes = ecsctl::diff::diff(&desired, &live);
        let ctx = ecsctl::apply::ApplyCtx {
            clients: &clients,
            desired: &desired,
            live: &live,
            changes: &changes,
            account_id: &p.acct.id,
            region: crate::support::REGION,
            resolved: Default::default(),
            reporter: &notes,
        };
        let replace = Step {
            address: Address::new(ResourceKind::Service, "web"),
            action: Action::Replace,
            fields: vec!["cluster".into()],
            force_new_deployment: false,
        };
        ecsctl::apply::execute(&ctx, &[replace], &Default::default()).await
    });
    let notes = notes.0.into_inner().unwrap();
    assert!(outcome.is_success(), "{}\n{notes:?}", outcome.report());
    assert!(
        !notes.iter().any(|n| n.contains("to finish draining")),
        "CreateService met the draining service: {notes:?}"
    );
    let after = web(&p);
    assert_eq!(after["status"], "ACTIVE", "{after}");
    assert_ne!(
        after["createdAt"], before["createdAt"],
        "not re-created: {after}"
    );
}

// ---- E: destroy with running tasks -----------------------------------------------------------

/// The RUNNING tasks of the cluster that `filter` (a ListTasks filter) selects.
fn running_tasks(p: &Project, filter: Value) -> Vec<String> {
    let mut params = json!({"cluster": CLUSTER, "desiredStatus": "RUNNING"});
    params
        .as_object_mut()
        .unwrap()
        .extend(filter.as_object().unwrap().clone());
    p.call("ecs", "ListTasks", params)["taskArns"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a.as_str().unwrap().to_string())
        .collect()
}

/// Review #15: a run of the environment's job (`ecsctl run`, tagged like the scheduler's runs)
/// still running when destroy deletes the cluster: ECS refuses (ClusterContainsTasksException).
#[test]
fn destroy_stops_the_environments_running_tasks_before_deleting_the_cluster() {
    let p = project();
    apply(&p);
    ok(&p, &["run", "-e", ENV, "job"]);
    let tasks = running_tasks(&p, json!({"family": "ra-test-job"}));
    assert_eq!(tasks.len(), 1, "{tasks:?}");

    let r = run_within(
        &p,
        &["destroy", "-e", ENV, "--yes"],
        Duration::from_secs(120),
    );
    assert_eq!(r.code, Some(0), "{}", r.all());
    let t = p.call(
        "ecs",
        "DescribeTasks",
        json!({"cluster": CLUSTER, "tasks": tasks}),
    );
    assert_eq!(t["tasks"][0]["stoppedReason"], "ecsctl destroy", "{t}");
    let c = p.call("ecs", "DescribeClusters", json!({"clusters": [CLUSTER]}));
    let status = c["clusters"][0]["status"].as_str().unwrap_or("MISSING");
    assert_ne!(status, "ACTIVE", "{c}");
}

/// A task someone else started in the cluster (no ownership tags) is never stopped: destroy
/// fails, naming it, and the task keeps running.
#[test]
fn destroy_never_stops_a_foreign_task_and_names_it() {
    let p = project();
    apply(&p);
    let td = web(&p)["taskDefinition"].as_str().unwrap().to_string();
    let awsvpc = json!({"awsvpcConfiguration": {"subnets": [p.net.subnet_ids[0]],
        "securityGroups": [p.net.security_group_id]}});
    let started = p.call(
        "ecs",
        "RunTask",
        json!({"cluster": CLUSTER, "taskDefinition": td, "launchType": "FARGATE",
               "networkConfiguration": awsvpc, "startedBy": "someone"}),
    );
    let arn = started["tasks"][0]["taskArn"].as_str().unwrap().to_string();
    let id = arn.rsplit('/').next().unwrap().to_string();

    let r = run_within(
        &p,
        &["destroy", "-e", ENV, "--yes"],
        Duration::from_secs(120),
    );
    assert_eq!(r.code, Some(1), "{}", r.all());
    assert!(r.stderr.contains(&format!("`{id}`")), "{}", r.stderr);
    assert!(
        r.stderr
            .contains("without this environment's ownership tags"),
        "{}",
        r.stderr
    );
    assert_eq!(
        running_tasks(&p, json!({"startedBy": "someone"})),
        vec![arn]
    );
}

// ---- F: a schedule group still DELETING ------------------------------------------------------

/// Review #11: DeleteScheduleGroup is asynchronous. An apply right after a destroy meets the
/// group DELETING: CreateScheduleGroup conflicts, and a schedule cannot go into it.
#[test]
fn apply_right_after_destroy_waits_for_the_deleting_schedule_group() {
    let p = project();
    apply(&p);
    ok(&p, &["destroy", "-e", ENV, "--yes"]);
    let g = p.call("scheduler", "GetScheduleGroup", json!({"Name": GROUP}));
    assert_eq!(g["State"], "DELETING", "{g}");

    let r = run_within(&p, &["apply", "-e", ENV, "--yes"], Duration::from_secs(120));
    assert_eq!(r.code, Some(0), "{}", r.all());
    assert!(
        r.stderr
            .contains("waiting for schedule group `ra-test` to finish deleting"),
        "{}",
        r.stderr
    );
    let g = p.call("scheduler", "GetScheduleGroup", json!({"Name": GROUP}));
    assert_eq!(g["State"], "ACTIVE", "{g}");
    let s = p.call(
        "scheduler",
        "GetSchedule",
        json!({"GroupName": GROUP, "Name": "ra-test-job"}),
    );
    assert_eq!(s["State"], "ENABLED", "{s}");
    assert_converged(&p);
}

// ---- G: RegisterTaskDefinition's lost responses ----------------------------------------------

/// A private server that loses the response of 40 % of successful writes (seeded).
fn lossy() -> &'static Emulator {
    static SERVER: OnceLock<Emulator> = OnceLock::new();
    SERVER.get_or_init(|| {
        Emulator::start(
            "lost-responses",
            &[
                ("ECSCTL_EMULATOR_DROP_RATE", "0.4"),
                ("ECSCTL_EMULATOR_FAULT_SEED", "7"),
            ],
            1,
        )
    })
}

/// One EC2 create whose response may be lost: sent again only when `find` does not see it.
fn create_or_find(
    acct: &TestAccount,
    create: (&str, Value),
    id_of: fn(&Value) -> Option<String>,
    find: (&str, Value),
    found_id: fn(&Value) -> Option<String>,
) -> String {
    for _ in 0..5 {
        match acct.call("ec2", create.0, create.1.clone()) {
            Ok(v) => return id_of(&v).expect("an id in the create response"),
            Err(_) => {
                let v = acct.call("ec2", find.0, find.1.clone()).expect("describe");
                if let Some(id) = found_id(&v) {
                    return id;
                }
            }
        }
    }
    panic!("{} kept failing", create.0)
}

/// `TestAccount::network`, made where write responses get lost.
fn network_despite_lost_responses(acct: &TestAccount) -> Network {
    let tag = json!([{"ResourceType": "vpc", "Tags": [{"Key": "Name", "Value": "ra-lossy"}]}]);
    let vpc = create_or_find(
        acct,
        (
            "CreateVpc",
            json!({"CidrBlock": "10.0.0.0/16", "TagSpecifications": tag}),
        ),
        |v| v["Vpc"]["VpcId"].as_str().map(str::to_string),
        (
            "DescribeVpcs",
            json!({"Filters": [{"Name": "tag:Name", "Values": ["ra-lossy"]}]}),
        ),
        |v| v["Vpcs"][0]["VpcId"].as_str().map(str::to_string),
    );
    let mut subnets = Vec::new();
    for (i, az) in [(1, "a"), (2, "b")] {
        let cidr = format!("10.0.{i}.0/24");
        subnets.push(create_or_find(
            acct,
            (
                "CreateSubnet",
                json!({"VpcId": vpc, "CidrBlock": cidr, "AvailabilityZone": format!("eu-west-1{az}")}),
            ),
            |v| v["Subnet"]["SubnetId"].as_str().map(str::to_string),
            (
                "DescribeSubnets",
                json!({"Filters": [{"Name": "vpc-id", "Values": [vpc]},
                                   {"Name": "cidr-block", "Values": [cidr]}]}),
            ),
            |v| v["Subnets"][0]["SubnetId"].as_str().map(str::to_string),
        ));
    }
    let sg = create_or_find(
        acct,
        (
            "CreateSecurityGroup",
            json!({"GroupName": "ecsctl-test", "Description": "ecsctl test", "VpcId": vpc}),
        ),
        |v| v["GroupId"].as_str().map(str::to_string),
        (
            "DescribeSecurityGroups",
            json!({"Filters": [{"Name": "vpc-id", "Values": [vpc]},
                               {"Name": "group-name", "Values": ["ecsctl-test"]}]}),
        ),
        |v| {
            v["SecurityGroups"][0]["GroupId"]
                .as_str()
                .map(str::to_string)
        },
    );
    Network {
        vpc_id: vpc,
        subnet_ids: subnets,
        security_group_id: sg,
    }
}

fn dropped_registrations(server: &Emulator) -> u64 {
    let r = http::request(&server.endpoint, "GET", "/ecsctl-emulator/faults", &[], "")
        .expect("GET /ecsctl-emulator/faults");
    let v: Value = serde_json::from_str(&r.body).expect("faults JSON");
    v["by_operation"]["ecs:RegisterTaskDefinition"]["dropped"]
        .as_u64()
        .unwrap_or(0)
}

/// A RegisterTaskDefinition whose response is lost did register: sending it again (the SDK's
/// retry) leaves a duplicate revision. apply must register each family exactly once. Fresh
/// accounts until one apply met a lost registration (the seeded sequence depends on request
/// order, which apply's concurrency varies).
#[test]
fn lost_register_task_definition_responses_leave_no_duplicate_revision() {
    let server = lossy();
    for _ in 0..6 {
        let before = dropped_registrations(server);
        let acct = server.account();
        let net = network_despite_lost_responses(&acct);
        let dir = tempfile::tempdir().unwrap();
        let src = crate::support::repo_root().join(FIXTURE);
        std::fs::copy(src.join("ecsctl.yaml"), dir.path().join("ecsctl.yaml")).unwrap();
        std::fs::create_dir(dir.path().join("environments")).unwrap();
        std::fs::copy(
            src.join("environments/test.yaml"),
            dir.path().join("environments/test.yaml"),
        )
        .unwrap();
        // Other lost creates (a role, a log group) can fail a run; a rerun resumes it. What
        // must never happen is a second revision of the same content.
        let mut r = None;
        for _ in 0..6 {
            let out = acct
                .ecsctl()
                .arg("-C")
                .arg(dir.path())
                .args(["apply", "-e", ENV, "--yes"])
                .stdin(Stdio::null())
                .env("SUBNET_A", &net.subnet_ids[0])
                .env("SUBNET_B", &net.subnet_ids[1])
                .env("SG", &net.security_group_id)
                .env("VPC", &net.vpc_id)
                .env("NO_COLOR", "1")
                .output()
                .expect("run ecsctl");
            let run = Run::from(out);
            let done = run.code == Some(0);
            r = Some(run);
            if done {
                break;
            }
        }
        let r = r.unwrap();
        assert_eq!(r.code, Some(0), "{}", r.all());
        for family in ["ra-test-web", "ra-test-job"] {
            let revisions = acct
                .call(
                    "ecs",
                    "ListTaskDefinitions",
                    json!({"familyPrefix": family, "status": "ACTIVE"}),
                )
                .expect("ListTaskDefinitions");
            assert_eq!(
                revisions["taskDefinitionArns"].as_array().unwrap().len(),
                1,
                "{family}: {revisions}\n{}",
                r.stderr
            );
        }
        if dropped_registrations(server) > before {
            return;
        }
    }
    panic!("no RegisterTaskDefinition response was lost in 6 applies: the test proved nothing");
}
