//! The fingerprint of the live state a plan was computed from.
//!
//! Each change carries the digest of the canonical live view it was diffed against (`absent`
//! when the resource did not exist). The plan's fingerprint is a sha256 over those digests in
//! address order, so apply can re-read live state, diff again and refuse a saved plan when
//! anything it depends on moved. Must not read the clock or AWS: same inputs, same fingerprint.

use sha2::{Digest, Sha256};

use super::change::ResourceChange;

/// The digest of one canonical live view (`serde_json` with sorted object keys).
pub fn digest_view(view: Option<&serde_json::Value>) -> String {
    match view {
        None => "absent".to_string(),
        Some(v) => hex(&Sha256::digest(canonical_json(v).as_bytes())),
    }
}

/// `sha256:<hex>` over `address<TAB>observed<LF>` lines sorted by address.
pub fn fingerprint(changes: &[ResourceChange]) -> String {
    let mut lines: Vec<String> = changes
        .iter()
        .map(|c| format!("{}\t{}\n", c.address, c.observed))
        .collect();
    lines.sort();
    let mut h = Sha256::new();
    for l in &lines {
        h.update(l.as_bytes());
    }
    format!("sha256:{}", hex(&h.finalize()))
}

/// JSON text with object keys sorted at every level, whatever order the map kept them in
/// (serde_json here preserves insertion order).
pub fn canonical_json(v: &serde_json::Value) -> String {
    use serde_json::Value;
    match v {
        Value::Object(m) => {
            let mut keys: Vec<&String> = m.keys().collect();
            keys.sort();
            let body: Vec<String> = keys
                .into_iter()
                .map(|k| format!("{}:{}", Value::String(k.clone()), canonical_json(&m[k])))
                .collect();
            format!("{{{}}}", body.join(","))
        }
        Value::Array(a) => format!(
            "[{}]",
            a.iter().map(canonical_json).collect::<Vec<_>>().join(",")
        ),
        other => other.to_string(),
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::change::{Action, Address, ResourceKind};
    use serde_json::json;

    #[test]
    fn key_order_does_not_change_the_digest() {
        let a = json!({"b": 1, "a": {"y": [1, 2], "x": null}});
        let b = json!({"a": {"x": null, "y": [1, 2]}, "b": 1});
        assert_eq!(digest_view(Some(&a)), digest_view(Some(&b)));
        assert_ne!(digest_view(Some(&a)), digest_view(Some(&json!({"b": 2}))));
        assert_eq!(digest_view(None), "absent");
    }

    #[test]
    fn fingerprint_moves_when_any_observed_state_moves() {
        let mk = |name: &str, observed: &str| ResourceChange {
            address: Address::new(ResourceKind::LogGroup, name),
            action: Action::NoOp,
            fields: vec![],
            reason: None,
            force_new_deployment: false,
            observed: observed.into(),
        };
        let one = fingerprint(&[mk("a", "absent"), mk("b", "abc")]);
        let reordered = fingerprint(&[mk("b", "abc"), mk("a", "absent")]);
        let moved = fingerprint(&[mk("a", "absent"), mk("b", "abd")]);
        assert_eq!(one, reordered);
        assert_ne!(one, moved);
        assert!(one.starts_with("sha256:") && one.len() == 7 + 64);
    }
}
