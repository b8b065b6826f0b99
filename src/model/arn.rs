//! Shape checks for ARNs, resource IDs, regions and accounts written in the spec.
//!
//! Owns the patterns (`subnet-…`, `arn:aws:secretsmanager:…`), so a typo fails at validate
//! time, not halfway through an apply. Must not resolve or fetch anything; each check returns
//! None when the value is fine, or the expected shape in words for the message.

/// The parts of `arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Arn<'a> {
    pub service: &'a str,
    pub region: &'a str,
    pub account: &'a str,
    pub resource: &'a str,
}

pub fn parse(text: &str) -> Option<Arn<'_>> {
    let mut parts = text.splitn(6, ':');
    let (arn, partition) = (parts.next()?, parts.next()?);
    let (service, region, account, resource) =
        (parts.next()?, parts.next()?, parts.next()?, parts.next()?);
    let partition_ok = matches!(partition, "aws" | "aws-cn" | "aws-us-gov");
    (arn == "arn" && partition_ok && !service.is_empty() && !resource.is_empty()).then_some(Arn {
        service,
        region,
        account,
        resource,
    })
}

pub fn is_account(s: &str) -> bool {
    s.len() == 12 && s.bytes().all(|b| b.is_ascii_digit())
}

/// `us-east-1`, `eu-central-2`, `us-gov-west-1`, `ap-southeast-4`.
pub fn is_region(s: &str) -> bool {
    let parts: Vec<&str> = s.split('-').collect();
    let lower = |p: &str| !p.is_empty() && p.bytes().all(|b| b.is_ascii_lowercase());
    parts.len() >= 3
        && parts[0].len() == 2
        && lower(parts[0])
        && parts[1..parts.len() - 1].iter().all(|p| lower(p))
        && parts[parts.len() - 1].bytes().all(|b| b.is_ascii_digit())
        && !parts[parts.len() - 1].is_empty()
}

/// `subnet-0a1b2c`, `sg-…`, `vpc-…`, `fs-…`, `fsap-…`: the prefix then lowercase hex.
pub fn is_id(prefix: &str, s: &str) -> bool {
    s.strip_prefix(prefix)
        .and_then(|rest| rest.strip_prefix('-'))
        .is_some_and(|hex| {
            !hex.is_empty()
                && hex
                    .bytes()
                    .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
        })
}

fn regional<'a>(text: &'a str, service: &str) -> Option<Arn<'a>> {
    parse(text).filter(|a| a.service == service && is_region(a.region) && is_account(a.account))
}

/// `arn:aws:elasticloadbalancing:R:A:targetgroup/NAME/ID`.
pub fn is_target_group(text: &str) -> bool {
    regional(text, "elasticloadbalancing").is_some_and(|a| two_parts(a.resource, "targetgroup/"))
}

/// A listener rule of an Application Load Balancer
/// (`listener-rule/app/LB/ID/LISTENER/RULE`) or a listener of a Network Load Balancer
/// (`listener/net/LB/ID/LISTENER`): what a blue/green load balancer's production and test
/// traffic go through (AdvancedConfiguration in the ECS API reference).
pub fn is_traffic_rule(text: &str) -> bool {
    let Some(arn) = regional(text, "elasticloadbalancing") else {
        return false;
    };
    let parts = |prefix: &str| {
        arn.resource
            .strip_prefix(prefix)
            .map(|r| r.split('/').filter(|p| !p.is_empty()).count())
    };
    parts("listener-rule/app/") == Some(4)
        || parts("listener/net/") == Some(3)
        || parts("listener/app/") == Some(3)
}

/// The listener a rule ARN belongs to (`listener-rule/app/LB/ID/L/R` → `listener/app/LB/ID/L`);
/// a listener ARN is its own.
pub fn listener_of(text: &str) -> String {
    match text.split_once(":listener-rule/") {
        Some((head, rest)) => {
            let listener = rest.rsplit_once('/').map_or(rest, |(l, _)| l);
            format!("{head}:listener/{listener}")
        }
        None => text.to_string(),
    }
}

/// `arn:aws:lambda:R:A:function:NAME` (a version or alias after one more `:` is allowed).
pub fn is_lambda_function(text: &str) -> bool {
    regional(text, "lambda").is_some_and(|a| {
        a.resource
            .strip_prefix("function:")
            .is_some_and(|rest| !rest.is_empty() && rest.split(':').count() <= 2)
    })
}

/// `arn:aws:elasticloadbalancing:R:A:loadbalancer/app/NAME/ID` → `app/NAME/ID`.
pub fn alb_label(text: &str) -> Option<&str> {
    let arn = regional(text, "elasticloadbalancing")?;
    let label = arn.resource.strip_prefix("loadbalancer/")?;
    (label.starts_with("app/") && two_parts(label, "app/")).then_some(label)
}

/// `NAME/ID` after `prefix`, both non-empty.
fn two_parts(resource: &str, prefix: &str) -> bool {
    resource.strip_prefix(prefix).is_some_and(|rest| {
        let parts: Vec<&str> = rest.split('/').collect();
        parts.len() == 2 && parts.iter().all(|p| !p.is_empty())
    })
}

/// `arn:aws:secretsmanager:R:A:secret:NAME[:KEY:STAGE:VERSIONID]`.
pub fn is_secret(text: &str) -> bool {
    let Some(rest) =
        regional(text, "secretsmanager").and_then(|a| a.resource.strip_prefix("secret:"))
    else {
        return false;
    };
    let fields: Vec<&str> = rest.split(':').collect();
    !fields[0].is_empty() && (fields.len() == 1 || fields.len() == 4)
}

/// The secret's own ARN, without a `:KEY:STAGE:VERSIONID` suffix (what IAM grants on).
pub fn secret_base(text: &str) -> &str {
    let Some(at) = text.find(":secret:") else {
        return text;
    };
    let name_start = at + ":secret:".len();
    match text[name_start..].find(':') {
        Some(end) => &text[..name_start + end],
        None => text,
    }
}

/// `arn:aws:ssm:R:A:parameter/NAME`.
pub fn is_parameter(text: &str) -> bool {
    regional(text, "ssm").is_some_and(|a| {
        a.resource
            .strip_prefix("parameter/")
            .is_some_and(|n| !n.is_empty())
    })
}

/// `arn:aws:kms:R:A:key/ID`: a key's own ARN, not an alias's.
pub fn is_kms_key_arn(text: &str) -> bool {
    regional(text, "kms").is_some_and(|a| {
        a.resource
            .strip_prefix("key/")
            .is_some_and(|n| !n.is_empty())
    })
}

/// `alias/NAME` or `arn:aws:kms:R:A:alias/NAME`: a KMS alias, which names a key only where an
/// API says it accepts one.
pub fn is_kms_alias(text: &str) -> bool {
    let resource = match parse(text) {
        Some(a) if a.service == "kms" => a.resource,
        Some(_) => return false,
        None => text,
    };
    resource
        .strip_prefix("alias/")
        .is_some_and(|n| !n.is_empty())
}

/// `arn:aws:iam::A:role/[PATH/]NAME`.
pub fn is_role(text: &str) -> bool {
    parse(text).is_some_and(|a| {
        a.service == "iam"
            && a.region.is_empty()
            && is_account(a.account)
            && a.resource
                .strip_prefix("role/")
                .is_some_and(|n| !n.is_empty())
    })
}

/// `arn:aws:iam::aws:policy/…` (AWS managed) or `arn:aws:iam::A:policy/…`.
pub fn is_managed_policy(text: &str) -> bool {
    parse(text).is_some_and(|a| {
        a.service == "iam"
            && a.region.is_empty()
            && (a.account == "aws" || is_account(a.account))
            && a.resource
                .strip_prefix("policy/")
                .is_some_and(|n| !n.is_empty())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_rule_belongs_to_its_listener() {
        assert_eq!(
            listener_of("arn:aws:elasticloadbalancing:eu-west-1:1:listener-rule/app/web/5/f/9"),
            "arn:aws:elasticloadbalancing:eu-west-1:1:listener/app/web/5/f"
        );
        let net = "arn:aws:elasticloadbalancing:eu-west-1:1:listener/net/api/5/f";
        assert_eq!(listener_of(net), net);
    }

    #[test]
    fn table_of_shapes() {
        type Check = fn(&str) -> bool;
        let cases: &[(Check, &str, bool)] = &[
            (
                is_traffic_rule,
                "arn:aws:elasticloadbalancing:eu-west-1:123456789012:listener-rule/app/web/50dc6c495c0c9188/f2f7dc8efc522ab2/9683b2d02a6cabee",
                true,
            ),
            (
                is_traffic_rule,
                "arn:aws:elasticloadbalancing:eu-west-1:123456789012:listener/net/api/50dc6c495c0c9188/f2f7dc8efc522ab2",
                true,
            ),
            (
                is_traffic_rule,
                "arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/api/0123abcd",
                false,
            ),
            (
                is_traffic_rule,
                "arn:aws:elasticloadbalancing:eu-west-1:123456789012:listener-rule/app/web/50dc6c495c0c9188/f2f7dc8efc522ab2",
                false,
            ),
            (
                is_lambda_function,
                "arn:aws:lambda:eu-west-1:123456789012:function:smoke-test",
                true,
            ),
            (
                is_lambda_function,
                "arn:aws:lambda:eu-west-1:123456789012:function:smoke-test:live",
                true,
            ),
            (
                is_lambda_function,
                "arn:aws:lambda:eu-west-1:123456789012:layer:smoke",
                false,
            ),
            (
                is_target_group,
                "arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/api/0123abcd",
                true,
            ),
            (
                is_target_group,
                "arn:aws:elasticloadbalancing:eu-west-1:123456789012:loadbalancer/app/x/1",
                false,
            ),
            (
                is_target_group,
                "arn:aws:elasticloadbalancing:eu-west-1:12345:targetgroup/api/1",
                false,
            ),
            (
                is_secret,
                "arn:aws:secretsmanager:eu-west-1:123456789012:secret:db-AbCdEf",
                true,
            ),
            (
                is_secret,
                "arn:aws:secretsmanager:eu-west-1:123456789012:secret:db-AbCdEf:password::",
                true,
            ),
            (
                is_secret,
                "arn:aws:secretsmanager:eu-west-1:123456789012:secret:db:password",
                false,
            ),
            (
                is_secret,
                "arn:aws:secretsmanager:eu-west-1:123456789012:db",
                false,
            ),
            (
                is_parameter,
                "arn:aws:ssm:eu-west-1:123456789012:parameter/app/db",
                true,
            ),
            (
                is_parameter,
                "arn:aws:ssm:eu-west-1:123456789012:param/app",
                false,
            ),
            (
                is_kms_key_arn,
                "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab",
                true,
            ),
            (
                is_kms_key_arn,
                "arn:aws-cn:kms:cn-north-1:123456789012:key/1234abcd-12ab",
                true,
            ),
            (is_kms_alias, "alias/logs", true),
            (
                is_kms_alias,
                "arn:aws:kms:eu-west-1:123456789012:alias/logs",
                true,
            ),
            (
                is_kms_alias,
                "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab",
                false,
            ),
            (
                is_kms_key_arn,
                "arn:aws:kms:eu-west-1:123456789012:alias/logs",
                false,
            ),
            (is_kms_key_arn, "1234abcd-12ab", false),
            (is_role, "arn:aws:iam::123456789012:role/app/worker", true),
            (is_role, "arn:aws:iam::123456789012:user/bob", false),
            (
                is_managed_policy,
                "arn:aws:iam::aws:policy/ReadOnlyAccess",
                true,
            ),
            (
                is_managed_policy,
                "arn:aws:iam::123456789012:policy/mine",
                true,
            ),
            (is_managed_policy, "ReadOnlyAccess", false),
            (is_region, "eu-west-1", true),
            (is_region, "us-gov-west-1", true),
            (is_region, "europe", false),
            (is_region, "EU-WEST-1", false),
            (is_account, "123456789012", true),
            (is_account, "12345678901", false),
        ];
        for (check, text, ok) in cases {
            assert_eq!(check(text), *ok, "{text}");
        }
    }

    #[test]
    fn ids_and_labels() {
        assert!(is_id("subnet", "subnet-0a1b2c3d"));
        assert!(!is_id("subnet", "subnet-XYZ"));
        assert!(!is_id("sg", "subnet-0a1b"));
        assert!(is_id("fsap", "fsap-0123abcd"));
        let lb = "arn:aws:elasticloadbalancing:eu-west-1:123456789012:loadbalancer/app/web/50dc6c495c0c9188";
        assert_eq!(alb_label(lb), Some("app/web/50dc6c495c0c9188"));
        assert_eq!(alb_label(&lb.replace("/app/", "/net/")), None);
        let key = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:db-AbCdEf:password::";
        assert_eq!(
            secret_base(key),
            "arn:aws:secretsmanager:eu-west-1:123456789012:secret:db-AbCdEf"
        );
    }
}
