//! Deployment alarms (issue 14, `deployment.alarms`): ECS watches the named CloudWatch alarms
//! during a rolling deployment; one in ALARM fails it, ECS rolls back to the last completed
//! deployment, and apply exits 1 naming the alarm. The setting plans, applies, converges and is
//! removed like any other field.

use serde_json::json;

use crate::apply::Project;
use crate::support;

const FIXTURE: &str = "tests/fixtures/apply-basic";
const ALARM: &str = "ap-test-web-5xx";

fn web(p: &Project) -> serde_json::Value {
    let s = p.call(
        "ecs",
        "DescribeServices",
        json!({"cluster": "ap-test", "services": ["ap-test-web"]}),
    );
    s["services"][0].clone()
}

fn image(p: &Project, svc: &serde_json::Value) -> String {
    let td = p.call(
        "ecs",
        "DescribeTaskDefinition",
        json!({"taskDefinition": svc["taskDefinition"]}),
    );
    td["taskDefinition"]["containerDefinitions"][0]["image"]
        .as_str()
        .unwrap()
        .to_string()
}

#[test]
fn an_alarm_in_alarm_fails_the_deployment_rolls_it_back_and_apply_names_it() {
    let p = Project::in_account(FIXTURE, support::account());
    p.call(
        "cloudwatch",
        "PutMetricAlarm",
        json!({"AlarmName": ALARM, "MetricName": "HTTPCode_Target_5XX_Count", "Namespace": "AWS/ApplicationELB",
               "Statistic": "Sum", "Period": 60, "EvaluationPeriods": 1, "Threshold": 5.0,
               "ComparisonOperator": "GreaterThanThreshold"}),
    );
    p.set_env_overrides(&format!(
        "services:\n  web:\n    deployment:\n      alarms: [{ALARM}]\n"
    ));
    p.apply_ok(&[], &[]);
    assert_eq!(
        web(&p)["deploymentConfiguration"]["alarms"],
        json!({"alarmNames": [ALARM], "enable": true, "rollback": true})
    );
    p.assert_converged(&[]);

    // The alarm fires; the next image's deployment fails and ECS goes back to 1.27.
    p.call(
        "cloudwatch",
        "SetAlarmState",
        json!({"AlarmName": ALARM, "StateValue": "ALARM", "StateReason": "5xx above 5"}),
    );
    let r = p.run(&["apply", "-e", "test", "--yes"], &[("WEB_TAG", "1.28")]);
    assert_eq!(r.code, Some(1), "{}", r.all());
    // Apply names the alarm, from the deployment's reason or ECS's event about it.
    assert!(
        r.stderr
            .contains(&format!("alarm(s) {ALARM} in ALARM state"))
            || r.stderr.contains(&format!("alarm(s) {ALARM} detected")),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("ap-test-web"), "{}", r.stderr);
    // The rollback is a new deployment of 1.27's inputs (poll with a deadline, no sleep).
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    while image(&p, &web(&p)) != "nginx:1.27" {
        assert!(
            std::time::Instant::now() < deadline,
            "the service did not roll back to nginx:1.27"
        );
        std::thread::sleep(std::time::Duration::from_millis(200));
    }

    // Removing the alarms turns them off and converges.
    p.call(
        "cloudwatch",
        "SetAlarmState",
        json!({"AlarmName": ALARM, "StateValue": "OK", "StateReason": "ok"}),
    );
    p.set_env_overrides("");
    let plan = p.run(&["plan", "-e", "test"], &[]);
    assert!(
        plan.stdout.contains("deploymentConfiguration.alarms"),
        "{}",
        plan.all()
    );
    p.apply_ok(&[], &[]);
    assert_eq!(
        web(&p)["deploymentConfiguration"]["alarms"]["enable"],
        json!(false)
    );
    p.assert_converged(&[]);
}
