//! IAM policy documents as ecsctl builds and compares them.
//!
//! Owns the document type and its canonical form: statements keep their order, but actions and
//! resources are sorted and de-duplicated so two documents that grant the same thing compare
//! equal however they were written. Must not call IAM or parse AWS responses (the aws layer
//! percent-decodes and parses live documents into this type).

use serde::{Deserialize, Serialize};

pub const POLICY_VERSION: &str = "2012-10-17";

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct PolicyDocument {
    pub version: String,
    pub statement: Vec<Statement>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Statement {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sid: Option<String>,
    pub effect: String,
    pub action: Vec<String>,
    pub resource: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub condition: Option<serde_json::Value>,
}

impl PolicyDocument {
    pub fn new(statement: Vec<Statement>) -> Self {
        PolicyDocument {
            version: POLICY_VERSION.to_string(),
            statement,
        }
        .canonical()
    }

    /// Sorted, de-duplicated actions and resources in every statement.
    pub fn canonical(mut self) -> Self {
        for s in &mut self.statement {
            s.action.sort();
            s.action.dedup();
            s.resource.sort();
            s.resource.dedup();
        }
        self
    }

    /// The JSON text sent to IAM.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).expect("policy documents always serialise")
    }
}

impl Statement {
    pub fn allow(actions: &[&str], resources: Vec<String>) -> Self {
        Statement {
            sid: None,
            effect: "Allow".to_string(),
            action: actions.iter().map(|a| a.to_string()).collect(),
            resource: resources,
            condition: None,
        }
    }
}

/// The trust policy letting one AWS service principal assume a role.
pub fn trust_policy(service_principal: &str) -> serde_json::Value {
    serde_json::json!({
        "Version": POLICY_VERSION,
        "Statement": [{
            "Effect": "Allow",
            "Principal": { "Service": service_principal },
            "Action": "sts:AssumeRole"
        }]
    })
}
