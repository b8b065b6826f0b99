//! Deployment strategies (issue 14): a service moves from rolling to blue/green, applies through
//! the stages (the wait reports them), re-plans "No changes." although ECS traded the target
//! group pair, deploys a new image, rolls back on a failing lifecycle hook (apply exits 1 naming
//! it), goes to canary, and back to rolling, which removes the infrastructure role.
//!
//! The emulator runs the strategies as docs/emulator.md "Deployment strategies" says: a hook
//! is represented by its outcome (a function named `*-fails` answers FAILED; moto cannot run
//! Lambda functions).

use serde_json::{Value, json};

use crate::apply::Project;
use crate::support;

const FIXTURE: &str = "tests/fixtures/apply-basic";

/// Two target groups behind the account's load balancer and a production and a test rule
/// forwarding 100/0 to them, as a team would have them before choosing blue/green.
struct Pair {
    blue: String,
    green: String,
    prod: String,
    test: String,
}

fn pair(p: &Project) -> Pair {
    let spec = json!({"VpcId": p.net.vpc_id, "SubnetIds": p.net.subnet_ids,
                      "Names": ["ap-web-blue", "ap-web-green"]});
    let groups = p.acct.oob(&["target-groups", &spec.to_string()]).unwrap();
    let s = |v: &Value| v.as_str().unwrap().to_string();
    let (blue, green) = (s(&groups["ap-web-blue"]), s(&groups["ap-web-green"]));
    let rules = json!([{"TargetGroupArn": blue, "AlternateTargetGroupArn": green,
                        "Production": "prod", "Test": "test"}]);
    let real = p.acct.oob(&["listener-rules", &rules.to_string()]).unwrap();
    Pair {
        blue,
        green,
        prod: s(&real["prod"]),
        test: s(&real["test"]),
    }
}

fn overrides(pair: &Pair, deployment: &str) -> String {
    format!(
        "services:\n  web:\n    loadBalancers:\n      - targetGroupArn: \"{}\"\n        alternateTargetGroupArn: \"{}\"\n        productionListenerRule: \"{}\"\n        testListenerRule: \"{}\"\n    deployment:\n{deployment}",
        pair.blue, pair.green, pair.prod, pair.test
    )
}

fn web(p: &Project) -> Value {
    let s = p.call(
        "ecs",
        "DescribeServices",
        json!({"cluster": "ap-test", "services": ["ap-test-web"]}),
    );
    s["services"][0].clone()
}

fn weights(p: &Project, rule: &str) -> Value {
    let r = p.call("elbv2", "DescribeRules", json!({"RuleArns": [rule]}));
    let groups = &r["Rules"][0]["Actions"][0]["ForwardConfig"]["TargetGroups"];
    let mut out = serde_json::Map::new();
    for g in groups.as_array().unwrap() {
        out.insert(
            g["TargetGroupArn"].as_str().unwrap().to_string(),
            g["Weight"].clone(),
        );
    }
    Value::Object(out)
}

fn infrastructure_role(p: &Project) -> Option<Value> {
    p.acct
        .call(
            "iam",
            "GetRole",
            json!({"RoleName": "ap-test-ecs-infrastructure"}),
        )
        .ok()
}

#[test]
fn blue_green_applies_through_its_stages_converges_rolls_back_on_a_hook_and_goes_back_to_rolling() {
    let p = Project::in_account(FIXTURE, support::account());
    p.apply_ok(&[], &[]);
    let pair = pair(&p);

    // Rolling -> blue/green: the plan shows the strategy and the advanced configuration; apply
    // creates the infrastructure role, hands it to ECS, and the wait reports the stages (a
    // 30-minute bake lasts 3 s at the emulator's bake_minute of 100 ms).
    p.set_env_overrides(&overrides(
        &pair,
        "      strategy: blueGreen\n      bakeTime: 30\n",
    ));
    let plan = p.run(&["plan", "-e", "test"], &[]);
    for field in [
        "deploymentConfiguration.strategy",
        "deploymentConfiguration.bakeTimeInMinutes",
        "loadBalancers",
        "ap-test-ecs-infrastructure",
    ] {
        assert!(plan.stdout.contains(field), "{field}:\n{}", plan.all());
    }
    let r = p.apply_ok(&[], &[("WEB_TAG", "1.28")]);
    assert!(r.stderr.contains("baking"), "{}", r.all());
    let role = infrastructure_role(&p).expect("the infrastructure role exists");
    let trust = role["Role"]["AssumeRolePolicyDocument"].to_string();
    assert!(trust.contains("ecs.amazonaws.com"), "{trust}");
    let s = web(&p);
    assert_eq!(s["deploymentConfiguration"]["strategy"], "BLUE_GREEN");
    assert_eq!(s["deploymentConfiguration"]["bakeTimeInMinutes"], 30);
    let adv = &s["loadBalancers"][0]["advancedConfiguration"];
    assert!(
        adv["roleArn"]
            .as_str()
            .unwrap()
            .ends_with(":role/ap-test-ecs-infrastructure"),
        "{adv}"
    );
    // Production moved to the alternate group; ECS shows the pair traded, and the plan says
    // nothing about it.
    assert_eq!(weights(&p, &pair.prod)[&pair.green], 100);
    assert_eq!(s["loadBalancers"][0]["targetGroupArn"], json!(pair.green));
    p.assert_converged(&[("WEB_TAG", "1.28")]);

    // A new image deploys back to the first group; still converged.
    p.set_env_overrides(&overrides(
        &pair,
        "      strategy: blueGreen\n      bakeTime: 1\n",
    ));
    p.apply_ok(&[], &[("WEB_TAG", "1.29")]);
    assert_eq!(weights(&p, &pair.prod)[&pair.blue], 100);
    p.assert_converged(&[("WEB_TAG", "1.29")]);

    // A hook that answers FAILED after test traffic: ECS rolls back and apply names it.
    let hook = format!(
        "arn:aws:lambda:eu-west-1:{}:function:ap-smoke-fails",
        p.acct.id
    );
    p.set_env_overrides(&overrides(
        &pair,
        &format!(
            "      strategy: blueGreen\n      bakeTime: 1\n      hooks:\n        - lambda: {hook}\n          stages: [postTestTrafficShift]\n"
        ),
    ));
    let r = p.run(&["apply", "-e", "test", "--yes"], &[("WEB_TAG", "1.30")]);
    assert_eq!(r.code, Some(1), "{}", r.all());
    assert!(
        r.stderr.contains("ECS rolled the deployment back")
            && r.stderr
                .contains(&format!("lifecycle hook {hook} returned FAILED")),
        "{}",
        r.stderr
    );
    assert_eq!(
        weights(&p, &pair.prod)[&pair.blue],
        100,
        "production stayed"
    );
    let policy = p.call(
        "iam",
        "GetRolePolicy",
        json!({"RoleName": "ap-test-ecs-infrastructure", "PolicyName": "ecsctl"}),
    );
    assert!(
        policy["PolicyDocument"].to_string().contains(&hook),
        "the role may invoke exactly the hook: {policy}"
    );

    // Canary, then back to rolling: the hooks and advanced configuration go, and so does the
    // role no service needs any more.
    p.set_env_overrides(&overrides(
        &pair,
        "      strategy: canary\n      canary: {percent: 10, bakeTime: 1}\n",
    ));
    p.apply_ok(&[], &[("WEB_TAG", "1.29")]);
    let s = web(&p);
    assert_eq!(s["deploymentConfiguration"]["strategy"], "CANARY");
    assert_eq!(
        s["deploymentConfiguration"]["canaryConfiguration"],
        json!({"canaryPercent": 10.0, "canaryBakeTimeInMinutes": 1})
    );
    p.assert_converged(&[("WEB_TAG", "1.29")]);
    p.set_env_overrides(&overrides(&pair, "      strategy: rolling\n"));
    let plan = p.run(&["plan", "-e", "test"], &[("WEB_TAG", "1.29")]);
    assert!(
        plan.stdout.contains("deploymentConfiguration.strategy"),
        "{}",
        plan.all()
    );
    p.apply_ok(&[], &[("WEB_TAG", "1.29")]);
    let s = web(&p);
    assert_eq!(s["deploymentConfiguration"]["strategy"], "ROLLING");
    assert_eq!(s["loadBalancers"][0].get("advancedConfiguration"), None);
    assert!(infrastructure_role(&p).is_none(), "the role is pruned");
    p.assert_converged(&[("WEB_TAG", "1.29")]);
}

/// Linear shifts production in steps and converges; a deployment alarm in ALARM at the end of
/// the bake rolls a linear deployment back, and apply exits 1 naming the alarm.
#[test]
fn linear_converges_and_an_alarm_in_the_bake_rolls_it_back() {
    let p = Project::in_account(FIXTURE, support::account());
    let pair = pair(&p);
    let alarm = "ap-test-web-5xx";
    p.call(
        "cloudwatch",
        "PutMetricAlarm",
        json!({"AlarmName": alarm, "MetricName": "HTTPCode_Target_5XX_Count",
               "Namespace": "AWS/ApplicationELB", "Statistic": "Sum", "Period": 60,
               "EvaluationPeriods": 1, "Threshold": 5.0,
               "ComparisonOperator": "GreaterThanThreshold"}),
    );
    p.set_env_overrides(&overrides(
        &pair,
        &format!(
            "      strategy: linear\n      bakeTime: 1\n      linear: {{stepPercent: 50, stepBakeTime: 1}}\n      alarms: [{alarm}]\n"
        ),
    ));
    p.apply_ok(&[], &[]);
    let s = web(&p);
    assert_eq!(
        s["deploymentConfiguration"]["linearConfiguration"],
        json!({"stepPercent": 50.0, "stepBakeTimeInMinutes": 1})
    );
    assert_eq!(weights(&p, &pair.prod)[&pair.green], 100);
    p.assert_converged(&[]);

    p.call(
        "cloudwatch",
        "SetAlarmState",
        json!({"AlarmName": alarm, "StateValue": "ALARM", "StateReason": "5xx above 5"}),
    );
    let r = p.run(&["apply", "-e", "test", "--yes"], &[("WEB_TAG", "1.28")]);
    assert_eq!(r.code, Some(1), "{}", r.all());
    assert!(
        r.stderr.contains("ECS rolled the deployment back") && r.stderr.contains(alarm),
        "{}",
        r.stderr
    );
    // Production went back to the group that served before the deployment.
    assert_eq!(weights(&p, &pair.prod)[&pair.green], 100);
}

/// A production listener rule that does not exist stops apply in the pre-flight, before any
/// write, naming the spec line (ECS would refuse the service only after the steps before it).
#[test]
fn a_missing_listener_rule_stops_apply_before_any_write() {
    let p = Project::in_account(FIXTURE, support::account());
    let mut pair = pair(&p);
    pair.prod = pair
        .prod
        .replace(pair.prod.rsplit('/').next().unwrap(), "0123456789abcdef");
    p.set_env_overrides(&overrides(
        &pair,
        "      strategy: blueGreen\n      bakeTime: 1\n",
    ));
    let r = p.run(&["apply", "-e", "test", "--yes", "--stats"], &[]);
    assert_eq!(r.code, Some(1), "{}", r.all());
    assert!(
        r.stderr.contains(
            "does not exist (ELB DescribeRules / DescribeListeners); used by service `web`"
        ) && r
            .stderr
            .contains("(services.web.loadBalancers[0].productionListenerRule)")
            && r.stderr.contains("nothing was changed"),
        "{}",
        r.stderr
    );
    r.assert_no_writes("an apply the pre-flight stopped");
}
