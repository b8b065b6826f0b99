//! Elastic Load Balancing v2 reads for `ecsctl status`: the health of a target group's
//! targets (DescribeTargetHealth), in ecsctl's own [`TargetState`].
//!
//! Owns the call and the conversion. Must not write, and must not judge health (the views
//! show ELB's states as they are).

use super::{AwsClients, AwsError};

/// One registered target (an ECS task's IP for `ip` target groups) and its health.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TargetState {
    pub id: String,
    pub port: Option<i32>,
    /// `initial`, `healthy`, `unhealthy`, `unused`, `draining`, `unavailable`, ...
    pub state: String,
    /// ELB's reason code (`Target.Timeout`); none when healthy.
    pub reason: Option<String>,
    pub description: Option<String>,
}

/// DescribeTargetHealth of every target in the group (the operation has no paging). A group
/// that no longer exists (`TargetGroupNotFound`) is `Ok(None)`: status shows it as missing.
pub async fn target_health(
    clients: &AwsClients,
    target_group_arn: &str,
) -> Result<Option<Vec<TargetState>>, AwsError> {
    let res = clients
        .elbv2
        .describe_target_health()
        .target_group_arn(target_group_arn)
        .send()
        .await;
    let out = match res {
        Ok(out) => out,
        Err(e) => {
            let err = AwsError::from_sdk(
                "elasticloadbalancing",
                "DescribeTargetHealth",
                Some(target_group_arn),
                e,
            );
            return if err.is_code("TargetGroupNotFound") {
                Ok(None)
            } else {
                Err(err)
            };
        }
    };
    Ok(Some(
        out.target_health_descriptions()
            .iter()
            .map(|d| {
                let health = d.target_health();
                TargetState {
                    id: d
                        .target()
                        .and_then(|t| t.id())
                        .unwrap_or_default()
                        .to_string(),
                    port: d.target().and_then(|t| t.port()),
                    state: health
                        .and_then(|h| h.state())
                        .map(|s| s.as_str().to_string())
                        .unwrap_or_default(),
                    reason: health
                        .and_then(|h| h.reason())
                        .map(|r| r.as_str().to_string()),
                    description: health.and_then(|h| h.description()).map(str::to_string),
                }
            })
            .collect(),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::aws::replay::{clients_raw, run};

    /// The DescribeTargetHealth example of the ELBv2 API reference (botocore's
    /// elbv2/2015-12-01/examples-1.json, "elbv2-describe-target-health-1"), as the query
    /// protocol sends it: one target unused (not in any listener's action), one healthy.
    const EXAMPLE: &str = r#"<DescribeTargetHealthResponse xmlns="http://elasticloadbalancing.amazonaws.com/doc/2015-12-01/">
  <DescribeTargetHealthResult>
    <TargetHealthDescriptions>
      <member>
        <Target><Id>i-0f76fade</Id><Port>80</Port></Target>
        <TargetHealth>
          <Description>Given target group is not configured to receive traffic from ELB</Description>
          <Reason>Target.NotInUse</Reason>
          <State>unused</State>
        </TargetHealth>
      </member>
      <member>
        <HealthCheckPort>80</HealthCheckPort>
        <Target><Id>i-0f76fade</Id><Port>80</Port></Target>
        <TargetHealth><State>healthy</State></TargetHealth>
      </member>
    </TargetHealthDescriptions>
  </DescribeTargetHealthResult>
  <ResponseMetadata><RequestId>c534f810-f389-11e5-9192-3fff33344cfa</RequestId></ResponseMetadata>
</DescribeTargetHealthResponse>"#;

    #[test]
    fn target_health_reads_states_reasons_and_ports_as_aws_sends_them() {
        let (clients, _) = clients_raw(&[EXAMPLE]);
        let arn = "arn:aws:elasticloadbalancing:us-west-2:123456789012:targetgroup/my-targets/73e2d6bc24d8a067";
        let got = run(target_health(&clients, arn)).unwrap().unwrap();
        assert_eq!(
            got,
            vec![
                TargetState {
                    id: "i-0f76fade".into(),
                    port: Some(80),
                    state: "unused".into(),
                    reason: Some("Target.NotInUse".into()),
                    description: Some(
                        "Given target group is not configured to receive traffic from ELB".into()
                    ),
                },
                TargetState {
                    id: "i-0f76fade".into(),
                    port: Some(80),
                    state: "healthy".into(),
                    reason: None,
                    description: None,
                },
            ]
        );
        assert_eq!(
            clients
                .calls()
                .get("elasticloadbalancing:DescribeTargetHealth"),
            Some(&1)
        );
    }
}
