//! Table tests of the validation rules on services and their tasks: each case is spec YAML
//! (after `testkit::BASE`) and the one error it must produce, with path and line.

use super::testkit::{assert_errors, want as w};

#[test]
fn sizes() {
    assert_errors(&[
        (
            "memory does not fit cpu",
            "services:\n  api:\n    image: nginx\n    cpu: 256\n    memory: 4096\n",
            w(
                "services.api.memory",
                "memory `4096` does not fit cpu `256`",
                5,
            ),
        ),
        (
            "unparseable cpu",
            "services:\n  api:\n    image: nginx\n    cpu: lots\n",
            w("services.api.cpu", "cpu `lots` is not a size", 4),
        ),
        (
            "unparseable memory",
            "services:\n  api:\n    image: nginx\n    memory: 2 TB\n",
            w("services.api.memory", "memory `2 TB` is not a size", 4),
        ),
        (
            "cpu not offered",
            "services:\n  api:\n    image: nginx\n    cpu: 300\n",
            w("services.api.cpu", "cpu `300` is not a Fargate size", 4),
        ),
        (
            "vcpu form that does not fit",
            "services:\n  api:\n    image: nginx\n    cpu: 0.25 vCPU\n    memory: 3 GB\n",
            w(
                "services.api.memory",
                "memory `3072` does not fit cpu `256`",
                5,
            ),
        ),
        (
            "8 vCPU on an old platform",
            "services:\n  api:\n    image: nginx\n    cpu: 8192\n    memory: 16384\n    platformVersion: 1.3.0\n",
            w(
                "services.api.platformVersion",
                "platform version `1.3.0` does not support 8 vCPU",
                6,
            ),
        ),
        (
            "platform version shape",
            "services:\n  api:\n    image: nginx\n    platformVersion: latest\n",
            w(
                "services.api.platformVersion",
                "platform version `latest` is not valid",
                4,
            ),
        ),
        (
            "ephemeral storage too small",
            "services:\n  api:\n    image: nginx\n    ephemeralStorage: 20\n",
            w(
                "services.api.ephemeralStorage",
                "ephemeral storage `20` is out of range 21-200",
                4,
            ),
        ),
        (
            "ephemeral storage too big",
            "services:\n  api:\n    image: nginx\n    ephemeralStorage: 201\n",
            w(
                "services.api.ephemeralStorage",
                "ephemeral storage `201` is out of range 21-200",
                4,
            ),
        ),
    ]);
}

#[test]
fn containers() {
    assert_errors(&[
        (
            "service without image",
            "services:\n  api:\n    count: 2\n",
            w("services.api.image", "container `api` has no `image`", 2),
        ),
        (
            "sidecar without image",
            "services:\n  api:\n    image: nginx\n    sidecars:\n      otel:\n        essential: false\n",
            w(
                "services.api.sidecars.otel.image",
                "container `otel` has no `image`",
                5,
            ),
        ),
        (
            "sensitive names a variable env does not set",
            "services:\n  api:\n    image: nginx\n    env:\n      DB_URL: x\n    sensitive: [DB_URL, DB_PASS]\n",
            w(
                "services.api.sensitive[1]",
                "`sensitive` names `DB_PASS`, which is not in `env`",
                6,
            ),
        ),
        (
            "port range",
            "services:\n  api:\n    image: nginx\n    ports: [70000]\n",
            w(
                "services.api.ports[0]",
                "port `70000` is out of range 1-65535",
                4,
            ),
        ),
        (
            "port zero",
            "services:\n  api:\n    image: nginx\n    ports:\n      - containerPort: 0\n",
            w(
                "services.api.ports[0]",
                "port `0` is out of range 1-65535",
                5,
            ),
        ),
        (
            "duplicate port in a task",
            "services:\n  api:\n    image: nginx\n    ports: [8080]\n    sidecars:\n      proxy:\n        image: envoy\n        ports: [8080]\n",
            w(
                "services.api.sidecars.proxy.ports[0]",
                "port `8080` is already used by container `api` in this task",
                8,
            ),
        ),
        (
            "stop timeout",
            "services:\n  api:\n    image: nginx\n    stopTimeout: 121\n",
            w(
                "services.api.stopTimeout",
                "stop timeout `121` is over 120 seconds",
                4,
            ),
        ),
        (
            "unknown ulimit",
            "services:\n  api:\n    image: nginx\n    ulimits:\n      files: 1024\n",
            w("services.api.ulimits.files", "unknown ulimit `files`", 5),
        ),
        (
            "container name used twice",
            "services:\n  api:\n    image: nginx\n    sidecars:\n      api:\n        image: envoy\n",
            w(
                "services.api.sidecars.api",
                "container name `api` is used twice in this task",
                5,
            ),
        ),
        (
            "dependsOn undefined",
            "services:\n  api:\n    image: nginx\n    dependsOn:\n      otel: START\n",
            w(
                "services.api.dependsOn.otel",
                "`dependsOn` names undefined container `otel`",
                5,
            ),
        ),
        (
            "dependsOn itself",
            "services:\n  api:\n    image: nginx\n    dependsOn:\n      api: START\n",
            w(
                "services.api.dependsOn.api",
                "container `api` cannot depend on itself",
                5,
            ),
        ),
        (
            "mount of undefined volume",
            "services:\n  api:\n    image: nginx\n    mounts:\n      - volume: data\n        path: /data\n",
            w(
                "services.api.mounts[0].volume",
                "mount names undefined volume `data`",
                5,
            ),
        ),
        (
            "mount without path",
            "services:\n  api:\n    image: nginx\n    volumes:\n      data: {}\n    mounts:\n      - volume: data\n",
            w("services.api.mounts[0].path", "mount has no `path`", 7),
        ),
    ]);
}

#[test]
fn health_checks() {
    let hc = |field: &str, value: &str| {
        format!(
            "services:\n  api:\n    image: nginx\n    healthCheck:\n      command: curl -f localhost\n      {field}: {value}\n"
        )
    };
    let cases = [
        (
            "interval low",
            hc("interval", "2"),
            w(
                "services.api.healthCheck.interval",
                "health check interval `2` is out of range 5-300",
                6,
            ),
        ),
        (
            "timeout high",
            hc("timeout", "61"),
            w(
                "services.api.healthCheck.timeout",
                "health check timeout `61` is out of range 2-60",
                6,
            ),
        ),
        (
            "retries zero",
            hc("retries", "0"),
            w(
                "services.api.healthCheck.retries",
                "health check retries `0` is out of range 1-10",
                6,
            ),
        ),
        (
            "start period high",
            hc("startPeriod", "301"),
            w(
                "services.api.healthCheck.startPeriod",
                "health check startPeriod `301` is out of range 0-300",
                6,
            ),
        ),
    ];
    assert_errors(&cases);
    assert_errors(&[(
        "no command",
        "services:\n  api:\n    image: nginx\n    healthCheck:\n      interval: 10\n",
        w(
            "services.api.healthCheck.command",
            "health check has no `command`",
            2,
        ),
    )]);
}

#[test]
fn volumes() {
    assert_errors(&[
        (
            "efs id",
            "services:\n  api:\n    image: nginx\n    volumes:\n      data:\n        efs:\n          fileSystemId: efs-1\n",
            w(
                "services.api.volumes.data.efs.fileSystemId",
                "`efs-1` is not a fs ID",
                7,
            ),
        ),
        (
            "efs without id",
            "services:\n  api:\n    image: nginx\n    volumes:\n      data:\n        efs: {}\n",
            w(
                "services.api.volumes.data.efs.fileSystemId",
                "EFS volume `data` has no `fileSystemId`",
                5,
            ),
        ),
        (
            "access point id",
            "services:\n  api:\n    image: nginx\n    volumes:\n      data:\n        efs:\n          fileSystemId: fs-0a1b\n          accessPointId: ap-1\n",
            w(
                "services.api.volumes.data.efs.accessPointId",
                "`ap-1` is not a fsap ID",
                8,
            ),
        ),
        (
            "access point without transit encryption",
            "services:\n  api:\n    image: nginx\n    volumes:\n      data:\n        efs:\n          fileSystemId: fs-0a1b\n          accessPointId: fsap-0a1b\n          transitEncryption: false\n",
            w(
                "services.api.volumes.data.efs.transitEncryption",
                "access point `fsap-0a1b` needs transit encryption",
                9,
            ),
        ),
        (
            "iam without transit encryption",
            "services:\n  api:\n    image: nginx\n    volumes:\n      data:\n        efs:\n          fileSystemId: fs-0a1b\n          iam: true\n          transitEncryption: false\n",
            w(
                "services.api.volumes.data.efs.transitEncryption",
                "EFS IAM authorization needs transit encryption",
                9,
            ),
        ),
    ]);
}

#[test]
fn arns_and_ids() {
    assert_errors(&[
        (
            "target group arn",
            "services:\n  api:\n    image: nginx\n    ports: [80]\n    loadBalancers:\n      - targetGroupArn: arn:aws:elasticloadbalancing:eu-west-1:123456789012:loadbalancer/app/x/1\n",
            w(
                "services.api.loadBalancers[0].targetGroupArn",
                "`arn:aws:elasticloadbalancing:eu-west-1:123456789012:loadbalancer/app/x/1` is not a target group ARN",
                6,
            ),
        ),
        (
            "secret arn",
            "services:\n  api:\n    image: nginx\n    secrets:\n      DB: arn:aws:s3:::bucket\n",
            w(
                "services.api.secrets.DB",
                "secret `arn:aws:s3:::bucket` is not a Secrets Manager or SSM parameter ARN",
                5,
            ),
        ),
        (
            "secret ref with both kinds",
            "services:\n  api:\n    image: nginx\n    secrets:\n      DB: {secretsManager: db, ssm: /db}\n",
            w(
                "services.api.secrets.DB",
                "a secret reference needs exactly one of `secretsManager` and `ssm` (`key` and `versionStage` go with `secretsManager`)",
                5,
            ),
        ),
        (
            "secret ref by a bad arn",
            "services:\n  api:\n    image: nginx\n    secrets:\n      DB: {secretsManager: \"arn:aws:ssm:eu-west-1:123456789012:parameter/x\"}\n",
            w(
                "services.api.secrets.DB",
                "`arn:aws:ssm:eu-west-1:123456789012:parameter/x` is not a Secrets Manager secret ARN",
                5,
            ),
        ),
        (
            "kms key",
            "services:\n  api:\n    image: nginx\n    logs:\n      kmsKeyId: abc\n",
            w(
                "services.api.logs.kmsKeyId",
                "kms key `abc` is not a KMS key ARN",
                5,
            ),
        ),
        (
            "task role arn",
            "services:\n  api:\n    image: nginx\n    taskRole:\n      arn: arn:aws:iam::123456789012:user/bob\n",
            w(
                "services.api.taskRole.arn",
                "task role `arn:aws:iam::123456789012:user/bob` is not an IAM role ARN",
                5,
            ),
        ),
        (
            "execution role arn",
            "services:\n  api:\n    image: nginx\n    executionRoleArn: arn:aws:iam::123456789012:user/bob\n",
            w(
                "services.api.executionRoleArn",
                "execution role `arn:aws:iam::123456789012:user/bob` is not an IAM role ARN",
                4,
            ),
        ),
        (
            "managed policy arn",
            "services:\n  api:\n    image: nginx\n    taskRole:\n      managedPolicies: [ReadOnlyAccess]\n",
            w(
                "services.api.taskRole.managedPolicies[0]",
                "managed policy `ReadOnlyAccess` is not a policy ARN",
                5,
            ),
        ),
        (
            "task role arn with statements",
            "services:\n  api:\n    image: nginx\n    taskRole:\n      arn: arn:aws:iam::123456789012:role/x\n      managedPolicies: [arn:aws:iam::aws:policy/ReadOnlyAccess]\n",
            w(
                "services.api.taskRole.arn",
                "`taskRole.arn` names an existing role; `statements` and `managedPolicies` cannot be added to it",
                5,
            ),
        ),
        (
            "subnet id",
            "services:\n  api:\n    image: nginx\n    network:\n      subnets: [subnet-XYZ]\n",
            w(
                "services.api.network.subnets[0]",
                "`subnet-XYZ` is not a subnet ID",
                5,
            ),
        ),
        (
            "security group id",
            "services:\n  api:\n    image: nginx\n    network:\n      securityGroups: [sgr-1]\n",
            w(
                "services.api.network.securityGroups[0]",
                "`sgr-1` is not a sg ID",
                5,
            ),
        ),
        (
            "empty subnets",
            "services:\n  api:\n    image: nginx\n    network:\n      subnets: []\n",
            w(
                "services.api.network.subnets",
                "`subnets` is empty; service needs at least one",
                5,
            ),
        ),
        (
            "reserved tag",
            "tags:\n  ecsctl:app: other\n",
            w("tags.ecsctl:app", "tag key `ecsctl:app` is reserved", 2),
        ),
    ]);
}
