//! The structural check: a YAML tree walked against the spec's JSON Schema.
//!
//! Owns finding *every* unknown key, wrong type, value outside a closed set and missing key of a
//! file in one pass, each with its location and YAML path (`services.api.ports[1].protocol`),
//! because serde stops at the first. The schema is the one `ecsctl schema` prints (draft-07 from
//! schemars), so editors and ecsctl agree on what is valid. Must not check values beyond their
//! shape (Fargate sizes, name rules): that is the model's job.

use std::sync::OnceLock;

use serde_json::{Map, Value};

use super::node::{Node, child_path};
use super::span::Sp;
use super::suggest::{did_you_mean, join_or, ticked};
use crate::diagnostic::{Diagnostic, Diagnostics};

/// How many valid keys an "unknown key" hint lists when no single one is close.
const KEYS_IN_HINT: usize = 8;

/// The schema of `RawProject`, generated once per process.
pub fn project_schema() -> &'static Value {
    static SCHEMA: OnceLock<Value> = OnceLock::new();
    SCHEMA.get_or_init(super::raw::json_schema)
}

/// Every structural problem of one spec file, in document order. An empty file is a valid,
/// empty spec (an environment that changes nothing).
pub fn check_project(root: &Sp<Node>) -> Diagnostics {
    if root.value == Node::Null {
        return Diagnostics::default();
    }
    check(root, project_schema())
}

/// Every structural problem of `root` against `schema` (its `$ref`s resolve within `schema`).
pub fn check(root: &Sp<Node>, schema: &Value) -> Diagnostics {
    let mut found = Vec::new();
    Checker { root: schema }.check(root, schema, "", true, &mut found);
    let mut diagnostics = Diagnostics::default();
    for d in found {
        diagnostics.push(d);
    }
    diagnostics
}

struct Checker<'s> {
    root: &'s Value,
}

impl<'s> Checker<'s> {
    /// `lax`: whether a plain scalar (`1000`, `1.5`, `true`) may stand for a string. serde-saphyr
    /// reads the text of such a scalar into a `String` field, but not once an untagged enum has
    /// buffered it, so inside untagged choices strings must be written as strings.
    fn check(&self, node: &Sp<Node>, schema: &'s Value, path: &str, lax: bool, out: &mut Vec<Diagnostic>) {
        let schema = match schema {
            Value::Object(schema) => schema,
            Value::Bool(false) => {
                out.push(Diagnostic::error(node.loc, path, format!("nothing is allowed at `{}`", show(path))));
                return;
            }
            _ => return,
        };
        if let Some(target) = schema.get("$ref").and_then(Value::as_str).and_then(|r| self.resolve(r)) {
            let before = out.len();
            self.check(node, target, path, lax, out);
            if out.len() > before {
                return;
            }
        }
        if let Some(branches) = choice(schema) {
            let before = out.len();
            self.check_choice(node, branches, path, lax, out);
            if out.len() > before {
                return;
            }
        }
        if let Some(types) = schema.get("type") {
            let types = type_names(types);
            let lax = lax && types.iter().all(|t| *t == "string" || *t == "null");
            if !types.iter().any(|t| admits(t, &node.value, lax)) {
                out.push(type_error(node, path, &describe_types(&types)));
                return;
            }
        }
        if let Some(values) = schema.get("enum").and_then(Value::as_array)
            && !values.iter().any(|v| matches_value(v, &node.value))
        {
            out.push(value_error(node, path, values, &describe_values(values)));
            return;
        }
        if let Some(value) = schema.get("const")
            && !matches_value(value, &node.value)
        {
            let values = std::slice::from_ref(value);
            out.push(value_error(node, path, values, &describe_values(values)));
            return;
        }
        match &node.value {
            Node::Map(entries) => self.check_map(node, entries, schema, path, lax, out),
            Node::Seq(items) => {
                if let Some(item_schema) = schema.get("items") {
                    for (i, item) in items.iter().enumerate() {
                        self.check(item, item_schema, &format!("{path}[{i}]"), lax, out);
                    }
                }
            }
            Node::Int(i) => check_bounds(node, *i, schema, path, out),
            _ => {}
        }
    }

    fn check_map(
        &self,
        node: &Sp<Node>,
        entries: &[(Sp<String>, Sp<Node>)],
        schema: &'s Map<String, Value>,
        path: &str,
        lax: bool,
        out: &mut Vec<Diagnostic>,
    ) {
        let properties = schema.get("properties").and_then(Value::as_object);
        for (key, value) in entries {
            let child = child_path(path, &key.value);
            // `api:` with nothing after it has no token of its own; point at its key.
            let implicit;
            let value = if value.value == Node::Null {
                implicit = Sp::new(Node::Null, key.loc);
                &implicit
            } else {
                value
            };
            if let Some(property) = properties.and_then(|p| p.get(&key.value)) {
                self.check(value, property, &child, lax, out);
                continue;
            }
            match schema.get("additionalProperties") {
                Some(Value::Bool(false)) => out.push(unknown_key(key, path, &child, properties)),
                Some(additional @ Value::Object(_)) => self.check(value, additional, &child, lax, out),
                _ => {}
            }
        }
        let required = schema.get("required").and_then(Value::as_array).into_iter().flatten();
        for name in required.filter_map(Value::as_str) {
            if !entries.iter().any(|(k, _)| k.value == name) {
                out.push(Diagnostic::error(node.loc, path, format!("missing key `{name}` in `{}`", show(path))));
            }
        }
    }

    /// `anyOf`/`oneOf`. schemars writes `Option<T>` as `anyOf: [T, null]`, which serde reads
    /// directly; every other choice is an untagged enum, which matches if any branch does.
    fn check_choice(&self, node: &Sp<Node>, branches: &'s [Value], path: &str, lax: bool, out: &mut Vec<Diagnostic>) {
        let (nulls, others): (Vec<&Value>, Vec<&Value>) = branches.iter().partition(|b| self.is_null_schema(b));
        if !nulls.is_empty() && matches!(node.value, Node::Null) {
            return;
        }
        if let ([only], false) = (others.as_slice(), nulls.is_empty()) {
            self.check(node, only, path, lax, out);
            return;
        }
        let mut attempts = Vec::new();
        for branch in &others {
            let mut found = Vec::new();
            self.check(node, branch, path, false, &mut found);
            if found.is_empty() {
                return;
            }
            attempts.push((*branch, found));
        }
        let fitting: Vec<&(&Value, Vec<Diagnostic>)> =
            attempts.iter().filter(|(branch, _)| self.fits_kind(branch, &node.value)).collect();
        let values: Option<Vec<Vec<Value>>> = fitting.iter().map(|(branch, _)| self.enum_values(branch)).collect();
        let values = values.map(|v| v.concat());
        match (fitting.as_slice(), values) {
            ([], _) => {
                let expected = join_or(&self.describe_all(branches));
                out.push(type_error(node, path, &expected));
            }
            (_, Some(values)) if node.value.scalar_text().is_some() => {
                let expected = join_or(&self.describe_all(branches));
                out.push(value_error(node, path, &values, &expected));
            }
            (fitting, _) => {
                let best = fitting.iter().min_by_key(|(_, found)| found.len()).expect("not empty");
                out.extend(best.1.iter().cloned());
            }
        }
    }

    /// The schema a `$ref` names: `#/definitions/X` (draft-07) or `#/$defs/X` (2019-09 on).
    fn resolve(&self, reference: &str) -> Option<&'s Value> {
        let pointer = reference.strip_prefix('#')?;
        self.root.pointer(pointer)
    }

    fn follow(&self, schema: &'s Value) -> &'s Value {
        let mut schema = schema;
        for _ in 0..32 {
            match schema.get("$ref").and_then(Value::as_str).and_then(|r| self.resolve(r)) {
                Some(target) => schema = target,
                None => break,
            }
        }
        schema
    }

    fn is_null_schema(&self, schema: &Value) -> bool {
        let schema = self.follow(schema);
        schema.get("type").is_some_and(|t| type_names(t) == ["null"])
    }

    /// Whether `node` has a kind this schema could take, ignoring its details: this picks the
    /// branch of an untagged choice the user meant (a mapping meant the mapping form).
    fn fits_kind(&self, schema: &Value, node: &Node) -> bool {
        let schema = self.follow(schema);
        if let Some(branches) = choice_of(schema) {
            return branches.iter().any(|b| self.fits_kind(b, node));
        }
        if let Some(types) = schema.get("type") {
            return type_names(types).iter().any(|t| admits(t, node, false));
        }
        if let Some(values) = schema.get("enum").and_then(Value::as_array) {
            return values.iter().any(|v| same_kind(v, node));
        }
        if let Some(value) = schema.get("const") {
            return same_kind(value, node);
        }
        true
    }

    /// The closed set of values a schema allows, if it is one (`enum`, `const`, or a choice of
    /// those, which is how schemars writes a documented unit enum).
    fn enum_values(&self, schema: &Value) -> Option<Vec<Value>> {
        let schema = self.follow(schema);
        if let Some(values) = schema.get("enum").and_then(Value::as_array) {
            return Some(values.clone());
        }
        if let Some(value) = schema.get("const") {
            return Some(vec![value.clone()]);
        }
        let branches = choice_of(schema)?;
        let all: Option<Vec<Vec<Value>>> = branches.iter().map(|b| self.enum_values(b)).collect();
        all.map(|v| v.concat())
    }

    /// What a schema expects, in words: "a mapping", "`spot`", "an integer".
    fn describe(&self, schema: &Value) -> Vec<String> {
        let schema = self.follow(schema);
        if let Some(values) = self.enum_values(schema) {
            return values.iter().map(|v| format!("`{}`", value_text(v))).collect();
        }
        if let Some(branches) = choice_of(schema) {
            return self.describe_all(branches);
        }
        match schema.get("type") {
            Some(types) => type_names(types).iter().flat_map(|t| type_words(t)).collect(),
            None => vec!["any value".to_string()],
        }
    }

    fn describe_all(&self, branches: &[Value]) -> Vec<String> {
        let mut words: Vec<String> = Vec::new();
        for branch in branches.iter().filter(|b| !self.is_null_schema(b)) {
            for word in self.describe(branch) {
                if !words.contains(&word) {
                    words.push(word);
                }
            }
        }
        words
    }
}

fn choice(schema: &Map<String, Value>) -> Option<&Vec<Value>> {
    schema.get("anyOf").or_else(|| schema.get("oneOf")).and_then(Value::as_array)
}

fn choice_of(schema: &Value) -> Option<&Vec<Value>> {
    schema.as_object().and_then(choice)
}

fn type_names(types: &Value) -> Vec<&str> {
    match types {
        Value::String(t) => vec![t.as_str()],
        Value::Array(ts) => ts.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    }
}

/// Whether a JSON Schema `type` takes this YAML value. YAML integers are numbers too; with
/// `lax`, plain scalars are strings (see `Checker::check`).
fn admits(ty: &str, node: &Node, lax: bool) -> bool {
    match (ty, node) {
        ("null", Node::Null) | ("boolean", Node::Bool(_)) | ("integer", Node::Int(_)) => true,
        ("number", Node::Int(_) | Node::Float(_)) => true,
        ("string", Node::Str(_)) => true,
        ("string", Node::Int(_) | Node::Float(_) | Node::Bool(_)) => lax,
        ("object", Node::Map(_)) | ("array", Node::Seq(_)) => true,
        _ => false,
    }
}

/// A type as the words of an "expected ..." list; `null` says nothing worth listing.
fn type_words(ty: &str) -> Vec<String> {
    let words: &[&str] = match ty {
        "null" => &[],
        "boolean" => &["`true`", "`false`"],
        "integer" => &["an integer"],
        "number" => &["a number"],
        "string" => &["a string"],
        "object" => &["a mapping"],
        "array" => &["a list"],
        _ => &["a value"],
    };
    words.iter().map(|w| w.to_string()).collect()
}

fn describe_types(types: &[&str]) -> String {
    let words: Vec<String> = types.iter().flat_map(|t| type_words(t)).collect();
    if words.is_empty() { "nothing".to_string() } else { join_or(&words) }
}

fn same_kind(value: &Value, node: &Node) -> bool {
    matches!(
        (value, node),
        (Value::String(_), Node::Str(_))
            | (Value::Bool(_), Node::Bool(_))
            | (Value::Number(_), Node::Int(_) | Node::Float(_))
            | (Value::Null, Node::Null)
    )
}

fn matches_value(value: &Value, node: &Node) -> bool {
    match (value, node) {
        (Value::String(s), Node::Str(n)) => s == n,
        (Value::Bool(b), Node::Bool(n)) => b == n,
        (Value::Number(v), Node::Int(n)) => v.as_i64() == Some(*n),
        (Value::Number(v), Node::Float(n)) => v.as_f64() == Some(*n),
        (Value::Null, Node::Null) => true,
        _ => false,
    }
}

fn value_text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn describe_values(values: &[Value]) -> String {
    join_or(&values.iter().map(|v| format!("`{}`", value_text(v))).collect::<Vec<_>>())
}

fn type_error(node: &Sp<Node>, path: &str, expected: &str) -> Diagnostic {
    let found = node.value.kind();
    let d = Diagnostic::error(node.loc, path, format!("expected {expected}, found {found}"));
    match &node.value {
        Node::Str(s) if expected.contains("an integer") && s.trim().parse::<i64>().is_ok() => {
            d.with_hint(format!("remove the quotes: `\"{s}\"` is a string"))
        }
        Node::Str(s) if expected.contains("a number") && s.trim().parse::<f64>().is_ok() => {
            d.with_hint(format!("remove the quotes: `\"{s}\"` is a string"))
        }
        Node::Str(s) if expected.contains("`true`") && (s == "true" || s == "false") => {
            d.with_hint(format!("remove the quotes: `\"{s}\"` is a string"))
        }
        Node::Float(_) if expected.contains("an integer") => d.with_hint("write a whole number"),
        Node::Null if expected.contains("a mapping") => {
            d.with_hint("write `{}` for an empty mapping, or remove the key")
        }
        Node::Null => d.with_hint("give it a value, or remove the key"),
        Node::Int(_) | Node::Float(_) | Node::Bool(_) if expected.contains("a string") => {
            d.with_hint(format!("quote it: `\"{}\"`", node.value.scalar_text().unwrap_or_default()))
        }
        Node::Seq(_) if expected.contains("a string") => d.with_hint("write a single value, not a list"),
        _ => d,
    }
}

fn value_error(node: &Sp<Node>, path: &str, allowed: &[Value], expected: &str) -> Diagnostic {
    let text = node.value.scalar_text().unwrap_or_default();
    let message = format!("unknown value `{text}` for `{}`, expected {expected}", show(path));
    let words: Vec<String> = allowed.iter().map(value_text).collect();
    let d = Diagnostic::error(node.loc, path, message);
    match did_you_mean(&text, words.iter().map(String::as_str)) {
        Some(close) => d.with_hint(format!("did you mean `{close}`?")),
        None => d,
    }
}

fn unknown_key(key: &Sp<String>, parent: &str, path: &str, properties: Option<&Map<String, Value>>) -> Diagnostic {
    let place = if parent.is_empty() { "at the top level".to_string() } else { format!("in `{parent}`") };
    let d = Diagnostic::error(key.loc, path, format!("unknown key `{}` {place}", key.value));
    let valid: Vec<&str> = properties.map(|p| p.keys().map(String::as_str).collect()).unwrap_or_default();
    if let Some(close) = did_you_mean(&key.value, valid.iter().copied()) {
        return d.with_hint(format!("did you mean `{close}`?"));
    }
    match valid.len() {
        0 => d.with_hint("this mapping takes no keys"),
        n if n <= KEYS_IN_HINT => d.with_hint(format!("valid keys here: {}", ticked(valid).join(", "))),
        n => d.with_hint(format!(
            "valid keys here include {} and {} more (see `ecsctl schema`)",
            ticked(valid[..KEYS_IN_HINT].iter().copied()).join(", "),
            n - KEYS_IN_HINT
        )),
    }
}

/// Integers must fit the Rust type behind them (`format: uint32`) and any `minimum`/`maximum`;
/// ranges that mean something to AWS are the model's to check.
fn check_bounds(node: &Sp<Node>, value: i64, schema: &Map<String, Value>, path: &str, out: &mut Vec<Diagnostic>) {
    let (format_min, format_max) = match schema.get("format").and_then(Value::as_str) {
        Some("uint8") => (Some(0), Some(u8::MAX as i64)),
        Some("uint16") => (Some(0), Some(u16::MAX as i64)),
        Some("uint32") => (Some(0), Some(u32::MAX as i64)),
        Some("uint64" | "uint") => (Some(0), None),
        Some("int8") => (Some(i8::MIN as i64), Some(i8::MAX as i64)),
        Some("int16") => (Some(i16::MIN as i64), Some(i16::MAX as i64)),
        Some("int32") => (Some(i32::MIN as i64), Some(i32::MAX as i64)),
        _ => (None, None),
    };
    let min = schema.get("minimum").and_then(Value::as_i64).into_iter().chain(format_min).max();
    let max = schema.get("maximum").and_then(Value::as_i64).into_iter().chain(format_max).min();
    if let Some(min) = min.filter(|m| value < *m) {
        let message = if min == 0 {
            format!("expected a number of 0 or more, found `{value}`")
        } else {
            format!("`{value}` is below the minimum of {min}")
        };
        out.push(Diagnostic::error(node.loc, path, message));
    } else if let Some(max) = max.filter(|m| value > *m) {
        out.push(Diagnostic::error(node.loc, path, format!("`{value}` is above the maximum of {max}")));
    }
}

/// A path as words: the root has no path.
fn show(path: &str) -> &str {
    if path.is_empty() { "the top level" } else { path }
}

/// A spec using every form the schema allows, for tests that it passes the check *and*
/// deserialises.
#[cfg(test)]
pub(crate) const VALID_SPEC: &str = "app: shop\nregion: eu-west-1\naccount: 123456789012\nprotected: true\n\
                 tags: {team: web, cost: 42}\n\
                 cluster: {containerInsights: enhanced}\n\
                 capacity: spot\n\
                 network: {subnets: [subnet-1], assignPublicIp: false}\n\
                 logs: {retentionDays: 30}\n\
                 defaults:\n  cpu: 256\n  memory: 0.5 GB\n\
                 services:\n  api:\n    image: repo/api:${TAG}\n    user: 1000\n    platformVersion: 1.4\n\
                 \x20   ports: [8080, {containerPort: 9090, protocol: udp, name: metrics}]\n\
                 \x20   env: {PORT: 8080, DEBUG: yes, ON: true, ZIP: 01234, NAME: x}\n\
                 \x20   secrets: {DB: arn:aws:secretsmanager:x, KEY: {ssm: /app/key}}\n\
                 \x20   healthCheck: {command: curl -f localhost}\n\
                 \x20   ulimits: {nofile: 1024, nproc: {soft: 1, hard: 2}}\n\
                 \x20   dependsOn: {otel: START}\n\
                 \x20   autoscaling: {min: 1, max: 4, cpu: 60, memory: 70.5}\n\
                 \x20   capacity: {base: 1, onDemandWeight: 1, spotWeight: 3}\n\
                 \x20   taskRole: {statements: [{effect: Allow, actions: [s3:GetObject], condition: {StringEquals: {a: b}}}]}\n\
                 \x20 worker:\n    image: repo/worker\n    healthCheck: {command: [CMD-SHELL, exit 0]}\n    volumes: {scratch: {}}\n\
                 scheduledTasks:\n  nightly: {schedule: rate(1 day), service: api}\n";

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::node::parse;

    /// Each problem as `line:col path | message | hint`.
    fn problems(yaml: &str) -> Vec<String> {
        let root = parse(yaml).expect("valid YAML");
        check_project(&root)
            .iter()
            .map(|d| {
                let hint = d.hint.as_deref().unwrap_or("-");
                format!("{}:{} {} | {} | {hint}", d.loc.line, d.loc.col, d.path, d.message)
            })
            .collect()
    }

    #[test]
    fn table_of_project_checks() {
        let cases: &[(&str, &str, &[&str])] = &[
            ("a full valid spec passes", VALID_SPEC, &[]),
            ("an empty file passes", "", &[]),
            ("null blocks pass (Option)", "cluster:\nnetwork: ~\n", &[]),
            (
                "unknown key nested deep",
                "services:\n  api:\n    healthCheck:\n      intervall: 5\n",
                &[
                    "4:7 services.api.healthCheck.intervall | unknown key `intervall` in `services.api.healthCheck` | did you mean `interval`?",
                ],
            ),
            (
                "two unknown keys in one file are both reported",
                "servics: {}\nservices:\n  api:\n    imagee: x\n    replicas: 3\n",
                &[
                    "1:1 servics | unknown key `servics` at the top level | did you mean `services`?",
                    "4:5 services.api.imagee | unknown key `imagee` in `services.api` | did you mean `image`?",
                    "5:5 services.api.replicas | unknown key `replicas` in `services.api` | valid keys here include `enabled`, `containerName`, `cpu`, `memory`, `architecture`, `ephemeralStorage`, `volumes`, `sidecars` and {MORE} more (see `ecsctl schema`)",
                ],
            ),
            (
                "snake_case key suggests the camelCase one",
                "network:\n  security_groups: [sg-1]\n",
                &[
                    "2:3 network.security_groups | unknown key `security_groups` in `network` | did you mean `securityGroups`?",
                ],
            ),
            (
                "short block lists every valid key",
                "cluster:\n  nombre: x\n",
                &[
                    "2:3 cluster.nombre | unknown key `nombre` in `cluster` | valid keys here: `name`, `containerInsights`",
                ],
            ),
            (
                "wrong types",
                "protected: yes please\nservices:\n  api:\n    count: two\n    memory: [1]\n    command: run\n",
                &[
                    "1:12 protected | expected `true` or `false`, found a string | -",
                    "4:12 services.api.count | expected an integer, found a string | -",
                    "5:13 services.api.memory | expected an integer or a string, found a list | write a single value, not a list",
                    "6:14 services.api.command | expected a list, found a string | -",
                ],
            ),
            (
                "quoted numbers get a hint",
                "services:\n  api:\n    count: \"3\"\n",
                &[
                    "3:12 services.api.count | expected an integer, found a string | remove the quotes: `\"3\"` is a string",
                ],
            ),
            (
                "integers must fit",
                "services:\n  api:\n    count: -1\n    stopTimeout: 1.5\n    ephemeralStorage: 99999999999\n",
                &[
                    "3:12 services.api.count | expected a number of 0 or more, found `-1` | -",
                    "4:18 services.api.stopTimeout | expected an integer, found a number | write a whole number",
                    "5:23 services.api.ephemeralStorage | `99999999999` is above the maximum of 4294967295 | -",
                ],
            ),
            (
                "an empty service is not a mapping",
                "services:\n  api:\n",
                &[
                    "2:3 services.api | expected a mapping, found nothing (null) | write `{}` for an empty mapping, or remove the key",
                ],
            ),
            (
                "enum miss with suggestion",
                "services:\n  api:\n    architecture: arm\n    dependsOn: {otel: STARTED}\n",
                &[
                    "3:19 services.api.architecture | unknown value `arm` for `services.api.architecture`, expected `x86_64`, `arm64`, `amd64`, `X86_64` or `ARM64` | did you mean `arm64`?",
                    "4:23 services.api.dependsOn.otel | unknown value `STARTED` for `services.api.dependsOn.otel`, expected `START`, `COMPLETE`, `SUCCESS` or `HEALTHY` | did you mean `START`?",
                ],
            ),
            (
                "untagged choices accept each of their forms",
                "capacity: spot\ncluster: {containerInsights: true}\nservices:\n\
                 \x20 a: {capacity: on-demand, ports: [80], healthCheck: {command: [CMD, x]}, secrets: {S: arn}}\n\
                 \x20 b: {capacity: {onDemandWeight: 1, spotWeight: 1}, ports: [{containerPort: 80}]}\n\
                 \x20 c: {healthCheck: {command: x}, secrets: {S: {ssm: /p}}, ulimits: {n: {soft: 1, hard: 2}}}\n\
                 \x20 d: {cluster: 1}\n",
                &[
                    "7:7 services.d.cluster | unknown key `cluster` in `services.d` | valid keys here include `enabled`, `containerName`, `cpu`, `memory`, `architecture`, `ephemeralStorage`, `volumes`, `sidecars` and {MORE} more (see `ecsctl schema`)",
                ],
            ),
            (
                "untagged choice of words: did you mean",
                "capacity: spto\n",
                &[
                    "1:11 capacity | unknown value `spto` for `capacity`, expected `on-demand`, `spot` or a mapping | did you mean `spot`?",
                ],
            ),
            (
                "untagged choice: a mapping is checked as the mapping form",
                "capacity: {onDemandWeight: 1, spotWeigth: 2}\n",
                &[
                    "1:31 capacity.spotWeigth | unknown key `spotWeigth` in `capacity` | did you mean `spotWeight`?",
                    "1:11 capacity | missing key `spotWeight` in `capacity` | -",
                ],
            ),
            (
                "untagged choice: no branch of this kind",
                "capacity: 3\nservices:\n  api:\n    ports: [\"8080\"]\n",
                &[
                    "1:11 capacity | expected `on-demand`, `spot` or a mapping, found an integer | -",
                    "4:13 services.api.ports[0] | expected an integer or a mapping, found a string | remove the quotes: `\"8080\"` is a string",
                ],
            ),
            (
                "untagged choice: both forms of insights",
                "cluster: {containerInsights: enabeld}\n",
                &[
                    "1:30 cluster.containerInsights | unknown value `enabeld` for `cluster.containerInsights`, expected `true`, `false`, `enabled`, `disabled` or `enhanced` | did you mean `enabled`?",
                ],
            ),
            (
                "inside an untagged choice a plain number is not a string",
                "services:\n  api:\n    ports: [{containerPort: 80, name: 80}]\n    healthCheck: {command: [CMD, 1]}\n",
                &[
                    "3:39 services.api.ports[0].name | expected a string, found an integer | quote it: `\"80\"`",
                    "4:34 services.api.healthCheck.command[1] | expected a string, found an integer | quote it: `\"1\"`",
                ],
            ),
            (
                "maps of services: each entry checked against the service schema",
                "services:\n  api: {image: a}\n  web: {imgae: b}\n  db: {image: c, count: x}\n",
                &[
                    "3:9 services.web.imgae | unknown key `imgae` in `services.web` | did you mean `image`?",
                    "4:25 services.db.count | expected an integer, found a string | -",
                ],
            ),
            (
                "a nested ports path and enum",
                "services:\n  api:\n    ports:\n      - 80\n      - containerPort: 81\n        protocol: tpc\n",
                &[
                    "6:19 services.api.ports[1].protocol | unknown value `tpc` for `services.api.ports[1].protocol`, expected `tcp` or `udp` | did you mean `tcp`?",
                ],
            ),
            (
                "env values must be scalars",
                "services:\n  api:\n    env:\n      A:\n      B: [1]\n",
                &[
                    "4:7 services.api.env.A | expected a string, a number, `true` or `false`, found nothing (null) | give it a value, or remove the key",
                    "5:10 services.api.env.B | expected a string, a number, `true` or `false`, found a list | write a single value, not a list",
                ],
            ),
            ("the root must be a mapping", "- a\n", &["1:1  | expected a mapping, found a list | -"]),
        ];
        // Other people add service keys; the hint counts whatever the schema has.
        let service_keys = project_schema()["definitions"]["RawService"]["properties"].as_object().unwrap().len();
        let more = (service_keys - KEYS_IN_HINT).to_string();
        for (name, yaml, want) in cases {
            let want: Vec<String> = want.iter().map(|w| w.replace("{MORE}", &more)).collect();
            assert_eq!(problems(yaml), want, "case: {name}");
        }
    }

    #[test]
    fn refs_into_defs_and_type_lists() {
        let schema = serde_json::json!({
            "type": "object",
            "properties": {
                "a": { "$ref": "#/$defs/Mode" },
                "b": { "type": ["number", "null"] },
                "c": { "const": 7 },
                "d": false,
                "e": { "type": "array", "items": { "type": "boolean" } }
            },
            "$defs": { "Mode": { "type": "string", "enum": ["fast", "slow"] } }
        });
        let root = parse("a: fats\nb: 2\nc: 8\nd: 1\ne: [true, 0]\n").unwrap();
        let got: Vec<String> = check(&root, &schema).iter().map(|d| format!("{} | {}", d.path, d.message)).collect();
        assert_eq!(
            got,
            [
                "a | unknown value `fats` for `a`, expected `fast` or `slow`",
                "c | unknown value `8` for `c`, expected `7`",
                "d | nothing is allowed at `d`",
                "e[1] | expected `true` or `false`, found an integer",
            ]
        );
        let root = parse("b: 2.5\n").unwrap();
        assert!(check(&root, &schema).is_empty());
    }

    #[test]
    fn keys_that_need_quoting_show_quoted_in_paths() {
        let root = parse("tags:\n  \"a.b\": [1]\n").unwrap();
        let got: Vec<String> = check_project(&root).iter().map(|d| d.path.clone()).collect();
        assert_eq!(got, ["tags.\"a.b\""]);
    }
}
