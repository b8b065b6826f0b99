//! EBS volumes configured at deployment: what a service builds (the task definition's volume
//! configured at launch, the service's settings with ECS's defaults, the infrastructure role's
//! scoped volume statements), the environment overriding a size, and the located errors for
//! what ECS or EventBridge Scheduler would refuse.

use super::testkit::{Want, assert_errors, build_raw, merged, ok, want as w};
use crate::model::policy::Statement;
use crate::model::{Role, RolePurpose};

const KEY: &str = "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";

/// ClickHouse with an EBS volume whose `ebs:` block is `ebs`.
fn db(ebs: &str) -> String {
    format!(
        "services:\n  db:\n    image: clickhouse\n    volumes:\n      data:\n        ebs:\n{ebs}    mounts:\n      - volume: data\n        path: /var/lib/clickhouse\n"
    )
}

fn infrastructure(roles: &[Role]) -> &Role {
    roles
        .iter()
        .find(|r| r.purpose == RolePurpose::Infrastructure)
        .expect("an infrastructure role")
}

fn statement<'a>(role: &'a Role, sid: &str) -> Option<&'a Statement> {
    role.inline_policy
        .as_ref()?
        .statement
        .iter()
        .find(|s| s.sid.as_deref() == Some(sid))
}

#[test]
fn a_service_volume_is_configured_at_launch_with_ecs_defaults() {
    let (d, _) = ok(&db("          size: 100\n"));
    let td = &d.task_definitions[0];
    assert_eq!(td.volumes.len(), 1);
    assert!(td.volumes[0].configured_at_launch && td.volumes[0].efs.is_none());
    let v = d.services[0].ebs_volume.as_ref().expect("an EBS volume");
    assert_eq!(v.role, "shop-prod-ecs-infrastructure");
    assert_eq!(
        (
            v.ebs.name.as_str(),
            v.ebs.size_gib,
            v.ebs.volume_type.as_str(),
            v.ebs.iops,
            v.ebs.throughput,
            v.ebs.filesystem.as_str(),
            v.ebs.encrypted
        ),
        ("data", Some(100), "gp3", None, None, "xfs", true)
    );
    assert_eq!(d.services[0].infrastructure_role(), Some(v.role.as_str()));
    assert_eq!(
        d.services[0].deployment.infrastructure_role, None,
        "rolling: the role is the volume's only"
    );
}

#[test]
fn the_infrastructure_role_manages_only_ecs_volumes_of_the_cluster_tasks() {
    let (d, _) = ok(&db(&format!(
        "          size: 500\n          volumeType: io2\n          iops: 20000\n          kmsKeyId: {KEY}\n          snapshotId: snap-0a1b2c3d4e5f67890\n"
    )));
    let role = infrastructure(&d.roles);
    assert_eq!(role.name, "shop-prod-ecs-infrastructure");
    assert_eq!(role.trusted_service, "ecs.amazonaws.com");
    let create = statement(role, "CreateEBSManagedVolume").expect("CreateVolume");
    assert_eq!(create.action, ["ec2:CreateVolume"]);
    assert_eq!(
        create.resource,
        ["arn:aws:ec2:eu-west-1:123456789012:volume/*"]
    );
    let cond = create.condition.as_ref().expect("a condition");
    assert_eq!(
        cond["ArnLike"]["aws:RequestTag/AmazonECSCreated"],
        serde_json::json!(["arn:aws:ecs:eu-west-1:123456789012:task/shop-prod/*"])
    );
    assert_eq!(
        cond["StringEquals"]["aws:RequestTag/AmazonECSManaged"],
        "true"
    );
    let tag = statement(role, "TagOnCreateVolume").expect("CreateTags");
    let tag_cond = tag.condition.as_ref().expect("a condition");
    assert_eq!(tag_cond["StringEquals"]["ec2:CreateAction"], "CreateVolume");
    let delete = statement(role, "DeleteEBSManagedVolume").expect("DeleteVolume");
    assert_eq!(
        delete.condition.as_ref().expect("a condition")["ArnLike"]["aws:ResourceTag/AmazonECSCreated"],
        serde_json::json!(["arn:aws:ecs:eu-west-1:123456789012:task/shop-prod/*"])
    );
    let snapshot = statement(role, "CreateEBSManagedVolumeFromSnapshot").expect("the snapshot");
    assert_eq!(
        snapshot.resource,
        ["arn:aws:ec2:eu-west-1::snapshot/snap-0a1b2c3d4e5f67890"]
    );
    assert_eq!(
        statement(role, "EncryptEBSVolumes")
            .expect("the key")
            .resource,
        [KEY]
    );
    let grant = statement(role, "GrantEBSVolumeKeys").expect("CreateGrant");
    assert_eq!(grant.action, ["kms:CreateGrant"]);
    assert_eq!(
        grant.condition.as_ref().expect("a condition")["Bool"]["kms:GrantIsForAWSResource"],
        "true"
    );
    assert!(
        statement(role, "TargetGroups").is_none() && statement(role, "ElbRead").is_none(),
        "no load balancer grants for a volume"
    );
    // No key, no snapshot: neither statement.
    let (d, _) = ok(&db("          size: 100\n"));
    let role = infrastructure(&d.roles);
    assert!(statement(role, "EncryptEBSVolumes").is_none());
    assert!(statement(role, "CreateEBSManagedVolumeFromSnapshot").is_none());
}

#[test]
fn an_environment_overrides_the_size_and_type() {
    let base = super::testkit::with_base(&db("          size: 20\n"));
    let env = "services:\n  db:\n    volumes:\n      data:\n        ebs:\n          size: 500\n          throughput: 250\n";
    let (d, _) = build_raw(&merged(&base, env)).unwrap_or_else(|e| panic!("{e:?}"));
    let v = &d.services[0].ebs_volume.as_ref().unwrap().ebs;
    assert_eq!((v.size_gib, v.throughput), (Some(500), Some(250)));
}

#[test]
fn located_errors() {
    let cases: Vec<(&str, String, Want)> = vec![
        (
            "no size, no snapshot",
            db("          volumeType: gp3\n"),
            w("services.db.volumes.data.ebs.size", "EBS volume `data` has no `size`", 5),
        ),
        (
            "st1 too small",
            db("          size: 100\n          volumeType: st1\n"),
            w(
                "services.db.volumes.data.ebs.size",
                "st1 volume size (GiB) `100` is out of range 125-16384",
                7,
            ),
        ),
        (
            "io1 without iops",
            db("          size: 100\n          volumeType: io1\n"),
            w("services.db.volumes.data.ebs.iops", "io1 volumes need `iops`", 8),
        ),
        (
            "gp2 with iops",
            db("          size: 100\n          volumeType: gp2\n          iops: 3000\n"),
            w(
                "services.db.volumes.data.ebs.iops",
                "gp2 volumes take no provisioned IOPS",
                9,
            ),
        ),
        (
            "gp3 iops too low",
            db("          size: 100\n          iops: 100\n"),
            w(
                "services.db.volumes.data.ebs.iops",
                "gp3 IOPS `100` is out of range 3000-16000",
                8,
            ),
        ),
        (
            "throughput on io2",
            db("          size: 100\n          volumeType: io2\n          iops: 1000\n          throughput: 200\n"),
            w(
                "services.db.volumes.data.ebs.throughput",
                "io2 volumes take no provisioned throughput",
                10,
            ),
        ),
        (
            "gp3 throughput too high",
            db("          size: 100\n          throughput: 2000\n"),
            w(
                "services.db.volumes.data.ebs.throughput",
                "gp3 throughput (MiB/s) `2000` is out of range 125-1000",
                8,
            ),
        ),
        (
            "a key alias",
            db("          size: 100\n          kmsKeyId: alias/ebs\n"),
            w(
                "services.db.volumes.data.ebs.kmsKeyId",
                "`alias/ebs` is not a KMS key ARN",
                8,
            ),
        ),
        (
            "a key without encryption",
            db(&format!("          size: 100\n          encrypted: false\n          kmsKeyId: {KEY}\n")),
            w(
                "services.db.volumes.data.ebs.kmsKeyId",
                "a KMS key encrypts, but `encrypted` is false",
                9,
            ),
        ),
        (
            "snapshot id",
            db("          snapshotId: vol-1\n"),
            w(
                "services.db.volumes.data.ebs.snapshotId",
                "`vol-1` is not a snap ID",
                7,
            ),
        ),
        (
            "efs and ebs",
            "services:\n  db:\n    image: clickhouse\n    volumes:\n      data:\n        efs: {fileSystemId: fs-0a1b}\n        ebs: {size: 10}\n".into(),
            w(
                "services.db.volumes.data",
                "volume `data` is both EFS and EBS",
                5,
            ),
        ),
        (
            "two ebs volumes",
            "services:\n  db:\n    image: clickhouse\n    volumes:\n      data:\n        ebs: {size: 10}\n      logs:\n        ebs: {size: 10}\n".into(),
            w(
                "services.db.volumes.logs",
                "volume `logs` is a second EBS volume (`data` is one already)",
                7,
            ),
        ),
        (
            "a scheduled task's own ebs volume",
            "scheduledTasks:\n  backup:\n    image: clickhouse\n    schedule: rate(1 day)\n    volumes:\n      data:\n        ebs: {size: 10}\n".into(),
            w(
                "scheduledTasks.backup.volumes.data",
                "scheduled task `backup` would run with EBS volume `data`, which only a service configures",
                6,
            ),
        ),
        (
            "a scheduled task reusing a service with one",
            format!(
                "{}scheduledTasks:\n  backup:\n    service: db\n    schedule: rate(1 day)\n",
                db("          size: 10\n")
            ),
            w(
                "scheduledTasks.backup.volumes.data",
                "scheduled task `backup` would run with EBS volume `data`, which only a service configures",
                12,
            ),
        ),
    ];
    assert_errors(&cases);
}

#[test]
fn a_scheduled_task_may_replace_the_volume_with_scratch_space() {
    let (d, _) = ok(&format!(
        "{}scheduledTasks:\n  backup:\n    service: db\n    schedule: rate(1 day)\n    volumes:\n      data: {{}}\n",
        db("          size: 10\n")
    ));
    let job = &d.scheduled_tasks[0];
    let td = d
        .task_definitions
        .iter()
        .find(|t| t.family == job.family)
        .expect("the job's own task definition");
    assert!(!td.volumes[0].configured_at_launch, "{td:?}");
}
