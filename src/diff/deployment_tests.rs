//! The deployment views: what AWS returns for each strategy compares equal to the spec that
//! produced it, and every real difference shows.

use super::*;
use crate::live::{LiveAdvancedConfiguration, LiveCircuitBreaker, LiveLifecycleHook};
use crate::model::{LifecycleHook, TrafficShift};

const ROLE: &str = "arn:aws:iam::123456789012:role/shop-prod-ecs-infrastructure";
const TG: &str = "arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/web/1a";
const ALT: &str = "arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/web-alt/2b";
const RULE: &str =
    "arn:aws:elasticloadbalancing:eu-west-1:123456789012:listener-rule/app/web/5d/6e/7f";
const HOOK: &str = "arn:aws:lambda:eu-west-1:123456789012:function:smoke";

fn role(name: &str) -> String {
    format!("arn:aws:iam::123456789012:role/{name}")
}

fn spec(strategy: Strategy, hooks: Vec<LifecycleHook>) -> Deployment {
    Deployment {
        maximum_percent: 200,
        minimum_healthy_percent: 100,
        circuit_breaker_enable: true,
        circuit_breaker_rollback: true,
        alarms: vec![],
        infrastructure_role: (!strategy.is_rolling())
            .then(|| "shop-prod-ecs-infrastructure".to_string()),
        strategy,
        hooks,
    }
}

/// As DescribeServices returns it after CreateService sent `spec`'s fields.
fn aws(strategy: Option<&str>) -> LiveDeploymentConfiguration {
    LiveDeploymentConfiguration {
        maximum_percent: Some(200),
        minimum_healthy_percent: Some(100),
        circuit_breaker: Some(LiveCircuitBreaker {
            enable: true,
            rollback: true,
        }),
        strategy: strategy.map(str::to_string),
        ..Default::default()
    }
}

#[test]
fn a_service_made_before_strategies_is_rolling() {
    assert_eq!(
        desired(&spec(Strategy::Rolling, vec![]), &role),
        live(Some(&aws(None)))
    );
    // ECS may keep a bake time it no longer uses; rolling does not compare it.
    let mut kept = aws(Some("ROLLING"));
    kept.bake_time_in_minutes = Some(5);
    assert_eq!(
        desired(&spec(Strategy::Rolling, vec![]), &role),
        live(Some(&kept))
    );
}

#[test]
fn each_strategy_matches_what_aws_returns_for_it() {
    let hook = LifecycleHook {
        function: HOOK.into(),
        stages: vec!["PRE_SCALE_UP".into(), "POST_TEST_TRAFFIC_SHIFT".into()],
    };
    let live_hook = LiveLifecycleHook {
        hook_target_arn: Some(HOOK.into()),
        role_arn: Some(ROLE.into()),
        // ECS's order need not be ours.
        lifecycle_stages: vec!["POST_TEST_TRAFFIC_SHIFT".into(), "PRE_SCALE_UP".into()],
    };
    let mut bg = aws(Some("BLUE_GREEN"));
    bg.bake_time_in_minutes = Some(10);
    bg.lifecycle_hooks = vec![live_hook];
    // A configuration of another strategy that ECS keeps is not compared.
    bg.linear = Some((Some(10.0), Some(6)));
    assert_eq!(
        desired(
            &spec(Strategy::BlueGreen { bake_time: 10 }, vec![hook]),
            &role
        ),
        live(Some(&bg))
    );
    let mut linear = aws(Some("LINEAR"));
    linear.bake_time_in_minutes = Some(0);
    // A float that is 3.3 only to within the 0.1 ECS takes.
    linear.linear = Some((Some(3.3000000000000003), Some(2)));
    let want = Strategy::Linear {
        bake_time: 0,
        step_tenths: 33,
        step_bake_time: 2,
    };
    assert_eq!(desired(&spec(want, vec![]), &role), live(Some(&linear)));
    // A canary configuration returned without its fields is the API reference's defaults.
    let mut canary = aws(Some("CANARY"));
    canary.bake_time_in_minutes = Some(1);
    canary.canary = Some((None, None));
    let want = Strategy::Canary {
        bake_time: 1,
        percent_tenths: 50,
        canary_bake_time: 10,
    };
    assert_eq!(desired(&spec(want, vec![]), &role), live(Some(&canary)));
}

#[test]
fn a_change_of_strategy_or_its_settings_shows() {
    let bg = spec(Strategy::BlueGreen { bake_time: 10 }, vec![]);
    let mut live_bg = aws(Some("BLUE_GREEN"));
    live_bg.bake_time_in_minutes = Some(10);
    assert_ne!(
        desired(&spec(Strategy::Rolling, vec![]), &role),
        live(Some(&live_bg))
    );
    assert_ne!(desired(&bg, &role), live(Some(&aws(Some("ROLLING")))));
    live_bg.bake_time_in_minutes = Some(5);
    assert_ne!(desired(&bg, &role), live(Some(&live_bg)));
    live_bg.bake_time_in_minutes = Some(10);
    live_bg.lifecycle_hooks = vec![LiveLifecycleHook {
        hook_target_arn: Some(HOOK.into()),
        role_arn: Some(ROLE.into()),
        lifecycle_stages: vec!["PRE_SCALE_UP".into()],
    }];
    assert_ne!(
        desired(&bg, &role),
        live(Some(&live_bg)),
        "a hook left behind shows"
    );
}

fn spec_lb() -> LoadBalancer {
    LoadBalancer {
        target_group_arn: TG.into(),
        container_name: "web".into(),
        container_port: 80,
        traffic: Some(TrafficShift {
            alternate_target_group_arn: ALT.into(),
            production_listener_rule: RULE.into(),
            test_listener_rule: None,
        }),
    }
}

fn live_lb(tg: &str, alt: &str) -> LiveLoadBalancer {
    LiveLoadBalancer {
        target_group_arn: Some(tg.into()),
        load_balancer_name: None,
        container_name: Some("web".into()),
        container_port: Some(80),
        advanced: Some(LiveAdvancedConfiguration {
            alternate_target_group_arn: Some(alt.into()),
            production_listener_rule: Some(RULE.into()),
            test_listener_rule: None,
            role_arn: Some(ROLE.into()),
        }),
    }
}

/// ECS may alternate the pair between deployments; either order is the spec's, and apply
/// sends the live order back.
#[test]
fn the_blue_green_pair_in_either_order_is_the_spec() {
    let want = desired_load_balancers(&[spec_lb()], Some(ROLE.into()));
    assert_eq!(want, live_load_balancers(&[live_lb(TG, ALT)], &[spec_lb()]));
    assert_eq!(want, live_load_balancers(&[live_lb(ALT, TG)], &[spec_lb()]));
    assert!(alternated(&live_lb(ALT, TG), &spec_lb()));
    assert!(!alternated(&live_lb(TG, ALT), &spec_lb()));
    // Another group in the pair is a change.
    let other = "arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/other/3c";
    assert_ne!(
        want,
        live_load_balancers(&[live_lb(TG, other)], &[spec_lb()])
    );
    // Going back to rolling drops the advanced configuration: a change.
    let mut rolling = spec_lb();
    rolling.traffic = None;
    assert_ne!(
        desired_load_balancers(&[rolling], None),
        live_load_balancers(&[live_lb(TG, ALT)], &[spec_lb()])
    );
}
