//! Elastic Load Balancing v2 reads for the pre-flight: the target groups a spec names, with
//! what ECS needs of them (target type `ip` for awsvpc tasks, the VPC, a load balancer).
//!
//! Also the listener rules (or Network Load Balancer listeners) a blue/green load balancer
//! names: DescribeRules / DescribeListeners by ARN, which likewise fail the whole call
//! (`RuleNotFound`, `ListenerNotFound`) for one unknown ARN.
//! Owns the calls and the conversion. DescribeTargetGroups by ARN fails the whole call with
//! `TargetGroupNotFound` ("One or more target groups not found") when any ARN is unknown and
//! does not say which, so on that answer each ARN is asked alone (only on the failing path)
//! (https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_DescribeTargetGroups.html).
//! Must not judge (crate::preflight does) and must not write.

use std::collections::BTreeMap;

use super::lookup::Lookup;
use super::{AwsClients, AwsError};

/// What the pre-flight needs of one target group.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TargetGroupFacts {
    /// `ip`, `instance`, `lambda` or `alb`.
    pub target_type: String,
    pub vpc: Option<String>,
    /// How many load balancers forward to it (ECS refuses a group with none).
    pub load_balancers: usize,
}

/// Each ARN in `arns` with what DescribeTargetGroups says of it.
pub async fn target_groups(
    clients: &AwsClients,
    arns: &[String],
) -> Result<BTreeMap<String, Lookup<TargetGroupFacts>>, AwsError> {
    in_batches(arns, "TargetGroupNotFound", |chunk| {
        describe(clients, chunk)
    })
    .await
}

/// Each ARN's lookup, 20 a call (DescribeTargetGroups' TargetGroupArns limit; the same for the
/// rules and listeners). ELB refuses a whole call for one unknown ARN (`missing`) without
/// saying which, so that call is asked again one ARN at a time; AccessDenied leaves the call's
/// ARNs unchecked.
async fn in_batches<'a, T, F, Fut>(
    arns: &'a [String],
    missing: &str,
    read: F,
) -> Result<BTreeMap<String, Lookup<T>>, AwsError>
where
    T: Clone,
    F: Fn(&'a [String]) -> Fut,
    Fut: std::future::Future<Output = Result<Vec<(String, Lookup<T>)>, AwsError>>,
{
    let mut out = BTreeMap::new();
    for chunk in arns.chunks(20) {
        match read(chunk).await {
            Ok(found) => out.extend(found),
            Err(e) if e.is_code(missing) && chunk.len() > 1 => {
                for arn in chunk {
                    match read(std::slice::from_ref(arn)).await {
                        Ok(found) => out.extend(found),
                        Err(e) => {
                            out.insert(arn.clone(), Lookup::from_error(e, &[missing])?);
                        }
                    }
                }
            }
            Err(e) => {
                let why = Lookup::<T>::from_error(e, &[missing])?;
                out.extend(chunk.iter().map(|a| (a.clone(), why.clone())));
            }
        }
    }
    Ok(out)
}

async fn describe(
    clients: &AwsClients,
    arns: &[String],
) -> Result<Vec<(String, Lookup<TargetGroupFacts>)>, AwsError> {
    let res = clients
        .elbv2
        .describe_target_groups()
        .set_target_group_arns(Some(arns.to_vec()))
        .send()
        .await
        .map_err(|e| {
            let one = (arns.len() == 1).then(|| arns[0].as_str());
            AwsError::from_sdk("elasticloadbalancing", "DescribeTargetGroups", one, e)
        })?;
    Ok(res
        .target_groups()
        .iter()
        .filter_map(|g| {
            let facts = TargetGroupFacts {
                target_type: g
                    .target_type()
                    .map(|t| t.as_str().to_string())
                    .unwrap_or_default(),
                vpc: g.vpc_id().map(str::to_string),
                load_balancers: g.load_balancer_arns().len(),
            };
            Some((g.target_group_arn()?.to_string(), Lookup::Found(facts)))
        })
        .collect())
}

/// Each rule (or listener) ARN in `arns`: found, missing, or not readable.
pub async fn listener_rules(
    clients: &AwsClients,
    arns: &[String],
) -> Result<BTreeMap<String, Lookup<()>>, AwsError> {
    let (rules, listeners): (Vec<String>, Vec<String>) = arns
        .iter()
        .cloned()
        .partition(|a| a.contains(":listener-rule/"));
    let mut out = BTreeMap::new();
    for (kind, list) in [(Kind::Rule, &rules), (Kind::Listener, &listeners)] {
        let found = in_batches(list, kind.missing(), |chunk| async move {
            exist(clients, kind, chunk).await?;
            Ok(chunk
                .iter()
                .map(|a| (a.clone(), Lookup::Found(())))
                .collect())
        })
        .await?;
        out.extend(found);
    }
    Ok(out)
}

#[derive(Clone, Copy)]
enum Kind {
    Rule,
    Listener,
}

impl Kind {
    fn missing(self) -> &'static str {
        match self {
            Kind::Rule => "RuleNotFound",
            Kind::Listener => "ListenerNotFound",
        }
    }
}

async fn exist(clients: &AwsClients, kind: Kind, arns: &[String]) -> Result<(), AwsError> {
    let one = (arns.len() == 1).then(|| arns[0].as_str());
    match kind {
        Kind::Rule => clients
            .elbv2
            .describe_rules()
            .set_rule_arns(Some(arns.to_vec()))
            .send()
            .await
            .map(|_| ())
            .map_err(|e| AwsError::from_sdk("elasticloadbalancing", "DescribeRules", one, e)),
        Kind::Listener => clients
            .elbv2
            .describe_listeners()
            .set_listener_arns(Some(arns.to_vec()))
            .send()
            .await
            .map(|_| ())
            .map_err(|e| AwsError::from_sdk("elasticloadbalancing", "DescribeListeners", one, e)),
    }
}
