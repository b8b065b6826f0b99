//! `deployment.strategy` and its settings: what each strategy builds, the located errors for
//! what ECS would refuse, the infrastructure role and its least-privilege policy.

use super::testkit::{Want, assert_errors, diagnostics, merged, ok};
use crate::diagnostic::Severity;
use crate::model::{LifecycleHook, RolePurpose, Strategy};

const TG: &str = "arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/web/1a";
const ALT: &str = "arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/web-alt/2b";
const RULE: &str =
    "arn:aws:elasticloadbalancing:eu-west-1:123456789012:listener-rule/app/web/5d/6e/7f";
const TEST_RULE: &str =
    "arn:aws:elasticloadbalancing:eu-west-1:123456789012:listener-rule/app/web/5d/8a/9b";
const HOOK: &str = "arn:aws:lambda:eu-west-1:123456789012:function:smoke";

/// A web service with a blue/green-ready load balancer and `deployment` lines after it.
fn web(deployment: &str) -> String {
    format!(
        "services:\n  web:\n    image: nginx\n    ports: [80]\n    loadBalancers:\n      - targetGroupArn: {TG}\n        alternateTargetGroupArn: {ALT}\n        productionListenerRule: {RULE}\n        testListenerRule: {TEST_RULE}\n    deployment:\n{deployment}"
    )
}

#[test]
fn each_strategy_builds_its_settings_with_the_api_defaults() {
    let cases = [
        ("      strategy: rolling\n", Strategy::Rolling),
        (
            "      strategy: blueGreen\n      bakeTime: 15\n",
            Strategy::BlueGreen { bake_time: 15 },
        ),
        (
            "      strategy: linear\n",
            Strategy::Linear {
                bake_time: 0,
                step_tenths: 100,
                step_bake_time: 6,
            },
        ),
        (
            "      strategy: linear\n      linear: {stepPercent: 12.5, stepBakeTime: 2}\n",
            Strategy::Linear {
                bake_time: 0,
                step_tenths: 125,
                step_bake_time: 2,
            },
        ),
        (
            "      strategy: canary\n      bakeTime: 5\n",
            Strategy::Canary {
                bake_time: 5,
                percent_tenths: 50,
                canary_bake_time: 10,
            },
        ),
        (
            "      strategy: canary\n      canary: {percent: 0.1, bakeTime: 0}\n",
            Strategy::Canary {
                bake_time: 0,
                percent_tenths: 1,
                canary_bake_time: 0,
            },
        ),
    ];
    for (yaml, want) in cases {
        let (d, _) = ok(&web(yaml));
        let s = &d.services[0];
        assert_eq!(s.deployment.strategy, want, "{yaml}");
        let traffic = s.load_balancers[0].traffic.as_ref();
        if want.is_rolling() {
            assert_eq!(
                traffic, None,
                "rolling sends no advancedConfiguration: {yaml}"
            );
            assert_eq!(s.deployment.infrastructure_role, None, "{yaml}");
        } else {
            let t = traffic.expect("traffic settings kept");
            assert_eq!(
                (
                    t.alternate_target_group_arn.as_str(),
                    t.production_listener_rule.as_str(),
                    t.test_listener_rule.as_deref()
                ),
                (ALT, RULE, Some(TEST_RULE)),
                "{yaml}"
            );
            assert_eq!(
                s.deployment.infrastructure_role.as_deref(),
                Some("shop-prod-ecs-infrastructure"),
                "{yaml}"
            );
        }
    }
}

#[test]
fn hooks_take_stages_as_a_set_in_ecs_order_and_need_the_role() {
    let (d, _) = ok(&web(&format!(
        "      strategy: blueGreen\n      hooks:\n        - lambda: {HOOK}\n          stages: [postTestTrafficShift, preScaleUp]\n"
    )));
    assert_eq!(
        d.services[0].deployment.hooks,
        [LifecycleHook {
            function: HOOK.into(),
            stages: vec!["PRE_SCALE_UP".into(), "POST_TEST_TRAFFIC_SHIFT".into()],
        }]
    );
}

/// The environment's one infrastructure role: trusted by ECS, ELB writes only on the
/// service's two target groups, its rules and their listeners, Lambda only on its hooks.
#[test]
fn the_infrastructure_role_reaches_only_what_the_services_name() {
    let (d, _) = ok(&web(&format!(
        "      strategy: canary\n      hooks:\n        - lambda: {HOOK}\n          stages: [postProductionTrafficShift]\n"
    )));
    let role = d
        .roles
        .iter()
        .find(|r| r.purpose == RolePurpose::Infrastructure)
        .expect("an infrastructure role");
    assert_eq!(role.name, "shop-prod-ecs-infrastructure");
    assert_eq!(role.trusted_service, "ecs.amazonaws.com");
    let policy = serde_json::to_value(role.inline_policy.as_ref().unwrap()).unwrap();
    let statements = policy["Statement"].as_array().unwrap();
    let find = |sid: &str| {
        statements
            .iter()
            .find(|s| s["Sid"] == sid)
            .unwrap_or_else(|| panic!("no statement {sid}: {policy}"))
    };
    assert_eq!(
        find("TargetGroups")["Resource"],
        serde_json::json!([ALT, TG])
    );
    assert_eq!(
        find("ListenerRules")["Resource"],
        serde_json::json!([RULE, TEST_RULE])
    );
    assert_eq!(
        find("Listeners")["Resource"],
        serde_json::json!([
            "arn:aws:elasticloadbalancing:eu-west-1:123456789012:listener/app/web/5d/6e",
            "arn:aws:elasticloadbalancing:eu-west-1:123456789012:listener/app/web/5d/8a"
        ])
    );
    assert_eq!(find("Hooks")["Resource"], serde_json::json!([HOOK]));
    assert_eq!(find("ElbRead")["Resource"], serde_json::json!(["*"]));
}

#[test]
fn rolling_needs_no_infrastructure_role() {
    let (d, _) = ok(&web("      strategy: rolling\n"));
    assert!(
        !d.roles
            .iter()
            .any(|r| r.purpose == RolePurpose::Infrastructure)
    );
}

/// `ecsctl.yaml` describes blue/green once; an environment choosing rolling keeps its load
/// balancers without the blue/green settings and says nothing, and one leaving a strategy's
/// own block behind is told it is ignored.
#[test]
fn an_environment_can_choose_rolling_over_a_blue_green_base() {
    let base = format!(
        "{}{}",
        super::testkit::BASE,
        web(&format!(
            "      strategy: blueGreen\n      bakeTime: 10\n      hooks:\n        - lambda: {HOOK}\n          stages: [preScaleUp]\n"
        ))
    );
    let raw = merged(
        &base,
        "services:\n  web:\n    deployment:\n      strategy: rolling\n",
    );
    let (d, diags) = super::testkit::build_raw(&raw).expect("builds");
    let s = &d.services[0];
    assert_eq!(s.deployment.strategy, Strategy::Rolling);
    assert!(s.deployment.hooks.is_empty());
    assert_eq!(s.load_balancers[0].traffic, None);
    let warnings: Vec<String> = diags
        .into_iter()
        .filter(|d| d.severity == Severity::Warning)
        .map(|d| d.path)
        .collect();
    assert_eq!(
        warnings,
        [
            "services.web.deployment.bakeTime",
            "services.web.deployment.hooks"
        ]
    );
}

#[test]
fn what_ecs_would_refuse_is_a_located_error() {
    let lb = |extra: &str| {
        format!(
            "services:\n  web:\n    image: nginx\n    ports: [80]\n    loadBalancers:\n      - targetGroupArn: {TG}\n{extra}    deployment:\n      strategy: blueGreen\n"
        )
    };
    let cases = [
        (
            "no alternate target group",
            lb(""),
            Want {
                path: "services.web.loadBalancers[0].alternateTargetGroupArn",
                message: "strategy `blueGreen` needs `alternateTargetGroupArn` and `productionListenerRule` on each load balancer",
                line: 6,
            },
        ),
        (
            "alternate without the rule",
            lb(&format!("        alternateTargetGroupArn: {ALT}\n")),
            Want {
                path: "services.web.loadBalancers[0].productionListenerRule",
                message: "load balancer has no `productionListenerRule` (the listener rule ECS moves production traffic with), which the other blue/green settings need",
                line: 7,
            },
        ),
        (
            "alternate is the same group",
            lb(&format!(
                "        alternateTargetGroupArn: {TG}\n        productionListenerRule: {RULE}\n"
            )),
            Want {
                path: "services.web.loadBalancers[0].alternateTargetGroupArn",
                message: "the alternate target group must differ from `targetGroupArn`: ECS starts the new revision in it while the current one serves",
                line: 7,
            },
        ),
        (
            "a rule that is a target group",
            lb(&format!(
                "        alternateTargetGroupArn: {ALT}\n        productionListenerRule: {TG}\n"
            )),
            Want {
                path: "services.web.loadBalancers[0].productionListenerRule",
                message: Box::leak(
                    format!("`{TG}` is not a listener rule or listener ARN").into_boxed_str(),
                ),
                line: 8,
            },
        ),
    ];
    let cases: Vec<(&str, &str, Want)> = cases
        .into_iter()
        .map(|(n, y, w)| (n, &*Box::leak(y.into_boxed_str()), w))
        .collect();
    assert_errors(&cases);
    let more = [
        (
            "a linear step below 3 percent",
            web("      strategy: linear\n      linear: {stepPercent: 2.5}\n"),
            Want {
                path: "services.web.deployment.linear.stepPercent",
                message: "`2.5` is out of range 3-100",
                line: 12,
            },
        ),
        (
            "a canary share finer than 0.1",
            web("      strategy: canary\n      canary: {percent: 0.05}\n"),
            Want {
                path: "services.web.deployment.canary.percent",
                message: "`0.05` must be a multiple of 0.1",
                line: 12,
            },
        ),
        (
            "a bake time over a day",
            web("      strategy: blueGreen\n      bakeTime: 1441\n"),
            Want {
                path: "services.web.deployment.bakeTime",
                message: "minutes `1441` is out of range 0-1440",
                line: 12,
            },
        ),
        (
            "a hook that is not a function",
            web(&format!(
                "      strategy: blueGreen\n      hooks:\n        - lambda: {TG}\n          stages: [preScaleUp]\n"
            )),
            Want {
                path: "services.web.deployment.hooks[0].lambda",
                message: Box::leak(format!("`{TG}` is not a Lambda function ARN").into_boxed_str()),
                line: 13,
            },
        ),
        (
            "a hook without stages",
            web(&format!(
                "      strategy: blueGreen\n      hooks:\n        - lambda: {HOOK}\n"
            )),
            Want {
                path: "services.web.deployment.hooks[0].stages",
                message: "hook has no `stages`",
                line: 13,
            },
        ),
        (
            "linear without a load balancer",
            "services:\n  worker:\n    image: nginx\n    deployment:\n      strategy: linear\n"
                .to_string(),
            Want {
                path: "services.worker.deployment.strategy",
                message: "strategy `linear` shifts load balancer traffic in steps, and the service has no load balancer",
                line: 5,
            },
        ),
    ];
    let more: Vec<(&str, &str, Want)> = more
        .into_iter()
        .map(|(n, y, w)| (n, &*Box::leak(y.into_boxed_str()), w))
        .collect();
    assert_errors(&more);
}

/// Blue/green without a load balancer is allowed: ECS runs both revisions and bakes, without
/// managed traffic shifting (developer guide, "Required resources for Amazon ECS blue/green
/// deployments"); with no hooks either, it needs no role.
#[test]
fn blue_green_without_a_load_balancer_needs_no_role() {
    let (d, _) = ok(
        "services:\n  worker:\n    image: nginx\n    deployment:\n      strategy: blueGreen\n      bakeTime: 3\n",
    );
    assert_eq!(
        d.services[0].deployment.strategy,
        Strategy::BlueGreen { bake_time: 3 }
    );
    assert_eq!(d.services[0].deployment.infrastructure_role, None);
    assert!(
        diagnostics(
            "services:\n  worker:\n    image: nginx\n    deployment:\n      strategy: blueGreen\n"
        )
        .is_empty()
    );
}
