//! Hints and collection: rules that say what would fit, and a spec with many problems reports
//! all of them in one build, sorted by location.

use super::testkit::diagnostics;
use crate::diagnostic::Severity;

fn hint_of(extra: &str, path: &str) -> Option<String> {
    diagnostics(extra)
        .into_iter()
        .find(|d| d.path == path)
        .and_then(|d| d.hint)
}

#[test]
fn hints_say_what_fits() {
    let cases = [
        (
            "services:\n  api:\n    image: nginx\n    cpu: 256\n    memory: 4096\n",
            "services.api.memory",
            "256 CPU allows 512, 1024 or 2048 MiB",
        ),
        (
            "services:\n  api:\n    image: nginx\n    cpu: 1024\n    memory: 1024\n",
            "services.api.memory",
            "1024 CPU allows 2048 to 8192 MiB in steps of 1024",
        ),
        (
            "services:\n  api:\n    image: nginx\n    logs:\n      retentionDays: 10\n",
            "services.api.logs.retentionDays",
            "the nearest is `7`; omit `retentionDays` to keep logs forever",
        ),
        (
            "services:\n  api:\n    image: nginx\n    logs:\n      retentionDays: 4\n",
            "services.api.logs.retentionDays",
            "the nearest is `5`; omit `retentionDays` to keep logs forever",
        ),
        (
            "scheduledTasks:\n  t:\n    image: x\n    schedule: rate(1 day)\n    timezone: Europe/Berln\n",
            "scheduledTasks.t.timezone",
            "did you mean `Europe/Berlin`?",
        ),
        (
            "services:\n  api:\n    image: \"x:${NOPE}\"\n",
            "services.api.image",
            "set `NOPE`, or give a default: `${NOPE:-value}`",
        ),
        (
            "names:\n  service: \"{app}-{env}\"\nservices:\n  a:\n    image: x\n  b:\n    image: x\n",
            "names.service",
            "names must differ per service: include `{service}` in `names.service`",
        ),
    ];
    for (extra, path, want) in cases {
        assert_eq!(hint_of(extra, path).as_deref(), Some(want), "{extra}");
    }
}

#[test]
fn all_problems_at_once_in_file_order() {
    let extra = "services:\n  api:\n    image: nginx\n    cpu: 300\n    ports: [0]\n  web:\n    count: 1\nscheduledTasks:\n  t:\n    image: x\n    schedule: rate(2 hour)\n";
    let got: Vec<(String, u32)> = diagnostics(extra)
        .into_iter()
        .filter(|d| d.severity == Severity::Error)
        .map(|d| (d.path, d.loc.line - 6))
        .collect();
    let want = [
        ("services.api.cpu", 4),
        ("services.api.ports[0]", 5),
        ("services.web.image", 6),
        ("scheduledTasks.t.schedule", 11),
    ];
    assert_eq!(got, want.map(|(p, l)| (p.to_string(), l)).to_vec());
}

#[test]
fn disabled_namespace_turns_service_discovery_off() {
    let extra = "discovery:\n  enabled: false\n  namespace: shop.local\n  vpc: vpc-0a1b\nservices:\n  api:\n    image: nginx\n    discovery:\n      name: api\n";
    assert!(diagnostics(extra).is_empty());
}

#[test]
fn schedule_checked_even_when_its_service_is_undefined() {
    let extra = "scheduledTasks:\n  t:\n    service: nope\n    schedule: rate(2 hour)\n";
    let got: Vec<(String, String)> = diagnostics(extra)
        .into_iter()
        .map(|d| (d.path, d.message))
        .collect();
    let want = [
        (
            "scheduledTasks.t.service",
            "scheduled task names undefined service `nope`",
        ),
        (
            "scheduledTasks.t.schedule",
            "rate `rate(2 hour)` must use the plural unit",
        ),
    ];
    assert_eq!(
        got,
        want.map(|(p, m)| (p.to_string(), m.to_string())).to_vec()
    );
}

#[test]
fn inherited_values_are_reported_where_written() {
    let cases = [
        (
            "logs:\n  retentionDays: 10\nservices:\n  a:\n    image: x\n  b:\n    image: x\n",
            "logs.retentionDays",
            2,
        ),
        (
            "defaults:\n  capacity: {onDemandWeight: 0, spotWeight: 0}\nservices:\n  a:\n    image: x\n",
            "defaults.capacity",
            2,
        ),
        (
            "services:\n  a:\n    image: x\n    capacity: {onDemandWeight: 0, spotWeight: 0}\n",
            "services.a.capacity",
            4,
        ),
        (
            "defaults:\n  logs:\n    kmsKeyId: nope\nservices:\n  a:\n    image: x\n",
            "defaults.logs.kmsKeyId",
            3,
        ),
    ];
    for (extra, path, line) in cases {
        let errors: Vec<(String, u32)> = diagnostics(extra)
            .into_iter()
            .filter(|d| d.severity == Severity::Error)
            .map(|d| (d.path, d.loc.line - 6))
            .collect();
        assert_eq!(errors, vec![(path.to_string(), line)], "{extra}");
    }
    let full = "app: shop\nregion: eu-west-1\nnetwork:\n  subnets: [subnet-XYZ]\n  securityGroups: [sg-0a1b]\nservices:\n  a:\n    image: x\n  b:\n    image: x\n";
    let got: Vec<(String, u32)> = match super::testkit::build_raw(&super::testkit::parse(full, 0)) {
        Ok((_, d)) | Err(d) => d.into_iter().map(|d| (d.path, d.loc.line)).collect(),
    };
    assert_eq!(got, vec![("network.subnets[0]".to_string(), 4)]);
}

#[test]
fn discovery_names_collide() {
    let extra = "discovery:\n  namespace: shop.local\n  vpc: vpc-0a1b\nservices:\n  a:\n    image: x\n    discovery:\n      name: web\n  b:\n    image: x\n    discovery:\n      name: web\n";
    let errors: Vec<(String, String, u32)> = diagnostics(extra)
        .into_iter()
        .map(|d| (d.path, d.message, d.loc.line - 6))
        .collect();
    let want = (
        "discovery.name".to_string(),
        "discovery service name `web` is used by both `a` and `b`".to_string(),
        12,
    );
    assert_eq!(errors, vec![want]);
}
