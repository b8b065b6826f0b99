//! The AWS partition (`aws`, `aws-cn`, `aws-us-gov`) an environment lives in.
//!
//! Owns the partition's name and DNS suffix, and how to tell the partition from a region or
//! from an ARN the caller already holds (STS GetCallerIdentity). Must not fetch anything: the
//! CLI passes the caller's ARN in, offline commands pass the spec's region.
//! Why it matters: ARNs, managed-policy ARNs and ECR hosts differ per partition, and an ARN
//! built as `arn:aws:` in `cn-north-1` or `us-gov-west-1` names nothing
//! (<https://docs.aws.amazon.com/IAM/latest/UserGuide/reference-arns.html>).

use std::fmt;

use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Partition {
    #[serde(rename = "aws")]
    #[default]
    Aws,
    #[serde(rename = "aws-cn")]
    AwsCn,
    #[serde(rename = "aws-us-gov")]
    AwsUsGov,
}

impl Partition {
    /// The partition of a region: `cn-*` is China, `us-gov-*` is GovCloud (US), any other
    /// commercial. Only these three are generally available to ECS Fargate customers.
    pub fn of_region(region: &str) -> Partition {
        if region.starts_with("cn-") {
            Partition::AwsCn
        } else if region.starts_with("us-gov-") {
            Partition::AwsUsGov
        } else {
            Partition::Aws
        }
    }

    /// The partition named by an ARN's second field, e.g. the caller's
    /// `arn:aws-cn:sts::123456789012:assumed-role/ci/x`.
    pub fn of_arn(arn: &str) -> Option<Partition> {
        let mut parts = arn.split(':');
        if parts.next()? != "arn" {
            return None;
        }
        Partition::parse(parts.next()?)
    }

    pub fn parse(name: &str) -> Option<Partition> {
        match name {
            "aws" => Some(Partition::Aws),
            "aws-cn" => Some(Partition::AwsCn),
            "aws-us-gov" => Some(Partition::AwsUsGov),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Partition::Aws => "aws",
            Partition::AwsCn => "aws-cn",
            Partition::AwsUsGov => "aws-us-gov",
        }
    }

    /// The DNS suffix of the partition's endpoints, e.g. of an ECR registry host
    /// `ACCOUNT.dkr.ecr.REGION.SUFFIX`.
    pub fn dns_suffix(self) -> &'static str {
        match self {
            Partition::AwsCn => "amazonaws.com.cn",
            Partition::Aws | Partition::AwsUsGov => "amazonaws.com",
        }
    }
}

impl Partition {
    /// The IAM service principal of `service` (`ecs-tasks`, `scheduler`, `ecs`) in this
    /// partition. It is `SERVICE.amazonaws.com` in all three partitions for the services
    /// ecsctl trusts: only a few older services (EC2, S3) use `amazonaws.com.cn` in China, and
    /// ECS's task principal in China is `ecs-tasks.amazonaws.com`
    /// (<https://registry.terraform.io/providers/hashicorp/aws/latest/docs/data-sources/service_principal>,
    /// <https://github.com/hashicorp/terraform-provider-aws/pull/47141>,
    /// <https://github.com/terraform-aws-modules/terraform-aws-ecs/issues/124>). So the DNS
    /// suffix must not be used here, however tempting.
    pub fn service_principal(self, service: &str) -> String {
        format!("{service}.amazonaws.com")
    }

    /// `arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE`
    /// (<https://docs.aws.amazon.com/IAM/latest/UserGuide/reference-arns.html>).
    pub fn arn(self, service: &str, region: &str, account: &str, resource: &str) -> String {
        format!("arn:{self}:{service}:{region}:{account}:{resource}")
    }

    /// The host of the ECR registry of `account` in `region`
    /// (<https://docs.aws.amazon.com/AmazonECR/latest/userguide/Registries.html>; China uses
    /// `amazonaws.com.cn`: <https://docs.amazonaws.cn/en_us/aws/latest/userguide/ecr.html>).
    pub fn ecr_host(self, account: &str, region: &str) -> String {
        format!("{account}.dkr.ecr.{region}.{}", self.dns_suffix())
    }
}

impl fmt::Display for Partition {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::Partition::{self, *};

    #[test]
    fn partition_of_region_and_arn() {
        for (region, want) in [
            ("eu-west-1", Aws),
            ("us-east-1", Aws),
            ("cn-north-1", AwsCn),
            ("cn-northwest-1", AwsCn),
            ("us-gov-west-1", AwsUsGov),
            ("us-gov-east-1", AwsUsGov),
        ] {
            assert_eq!(Partition::of_region(region), want, "{region}");
        }
        for (arn, want) in [
            ("arn:aws:sts::123456789012:assumed-role/ci/x", Some(Aws)),
            ("arn:aws-cn:iam::123456789012:user/bob", Some(AwsCn)),
            (
                "arn:aws-us-gov:sts::123456789012:assumed-role/ci/x",
                Some(AwsUsGov),
            ),
            ("arn:aws-iso:sts::123456789012:assumed-role/ci/x", None),
            ("not-an-arn", None),
        ] {
            assert_eq!(Partition::of_arn(arn), want, "{arn}");
        }
        assert_eq!(AwsCn.dns_suffix(), "amazonaws.com.cn");
        assert_eq!(AwsUsGov.to_string(), "aws-us-gov");
    }

    #[test]
    fn arns_hosts_and_principals_per_partition() {
        for (p, region, role, host) in [
            (
                Aws,
                "eu-west-1",
                "arn:aws:iam::1:role/x",
                "1.dkr.ecr.eu-west-1.amazonaws.com",
            ),
            (
                AwsCn,
                "cn-north-1",
                "arn:aws-cn:iam::1:role/x",
                "1.dkr.ecr.cn-north-1.amazonaws.com.cn",
            ),
            (
                AwsUsGov,
                "us-gov-west-1",
                "arn:aws-us-gov:iam::1:role/x",
                "1.dkr.ecr.us-gov-west-1.amazonaws.com",
            ),
        ] {
            assert_eq!(Partition::of_region(region), p, "{region}");
            assert_eq!(p.arn("iam", "", "1", "role/x"), role);
            assert_eq!(p.ecr_host("1", region), host);
            assert_eq!(p.service_principal("ecs-tasks"), "ecs-tasks.amazonaws.com");
            assert_eq!(p.service_principal("scheduler"), "scheduler.amazonaws.com");
        }
    }
}
