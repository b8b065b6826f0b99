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
    fn check(
        &self,
        node: &Sp<Node>,
        schema: &'s Value,
        path: &str,
        lax: bool,
        out: &mut Vec<Diagnostic>,
    ) {
        let schema = match schema {
            Value::Object(schema) => schema,
            Value::Bool(false) => {
                out.push(Diagnostic::error(
                    node.loc,
                    path,
                    format!("nothing is allowed at `{}`", show(path)),
                ));
                return;
            }
            _ => return,
        };
        if let Some(target) = schema
            .get("$ref")
            .and_then(Value::as_str)
            .and_then(|r| self.resolve(r))
        {
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
            if matches_pattern(schema, &key.value) {
                continue;
            }
            match schema.get("additionalProperties") {
                Some(Value::Bool(false)) => out.push(unknown_key(key, path, &child, properties)),
                Some(additional @ Value::Object(_)) => {
                    self.check(value, additional, &child, lax, out)
                }
                _ => {}
            }
        }
        let required = schema
            .get("required")
            .and_then(Value::as_array)
            .into_iter()
            .flatten();
        for name in required.filter_map(Value::as_str) {
            if !entries.iter().any(|(k, _)| k.value == name) {
                out.push(Diagnostic::error(
                    node.loc,
                    path,
                    format!("missing key `{name}` in `{}`", show(path)),
                ));
            }
        }
    }

    /// `anyOf`/`oneOf`. schemars writes `Option<T>` as `anyOf: [T, null]`, which serde reads
    /// directly; every other choice is an untagged enum, which matches if any branch does.
    fn check_choice(
        &self,
        node: &Sp<Node>,
        branches: &'s [Value],
        path: &str,
        lax: bool,
        out: &mut Vec<Diagnostic>,
    ) {
        let (nulls, others): (Vec<&Value>, Vec<&Value>) =
            branches.iter().partition(|b| self.is_null_schema(b));
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
        let fitting: Vec<&(&Value, Vec<Diagnostic>)> = attempts
            .iter()
            .filter(|(branch, _)| self.fits_kind(branch, &node.value))
            .collect();
        let values: Option<Vec<Vec<Value>>> = fitting
            .iter()
            .map(|(branch, _)| self.enum_values(branch))
            .collect();
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
                let best = fitting
                    .iter()
                    .min_by_key(|(_, found)| found.len())
                    .expect("not empty");
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
            match schema
                .get("$ref")
                .and_then(Value::as_str)
                .and_then(|r| self.resolve(r))
            {
                Some(target) => schema = target,
                None => break,
            }
        }
        schema
    }

    fn is_null_schema(&self, schema: &Value) -> bool {
        let schema = self.follow(schema);
        schema
            .get("type")
            .is_some_and(|t| type_names(t) == ["null"])
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
            return values
                .iter()
                .map(|v| format!("`{}`", value_text(v)))
                .collect();
        }
        if let Some(branches) = choice_of(schema) {
            return self.describe_all(branches);
        }
        match schema.get("type") {
            Some(types) => type_names(types)
                .iter()
                .flat_map(|t| type_words(t))
                .collect(),
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
    schema
        .get("anyOf")
        .or_else(|| schema.get("oneOf"))
        .and_then(Value::as_array)
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
    if words.is_empty() {
        "nothing".to_string()
    } else {
        join_or(&words)
    }
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
    join_or(
        &values
            .iter()
            .map(|v| format!("`{}`", value_text(v)))
            .collect::<Vec<_>>(),
    )
}

fn type_error(node: &Sp<Node>, path: &str, expected: &str) -> Diagnostic {
    let found = node.value.kind();
    let d = Diagnostic::error(
        node.loc,
        path,
        format!("expected {expected}, found {found}"),
    );
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
        Node::Int(_) | Node::Float(_) | Node::Bool(_) if expected.contains("a string") => d
            .with_hint(format!(
                "quote it: `\"{}\"`",
                node.value.scalar_text().unwrap_or_default()
            )),
        Node::Seq(_) if expected.contains("a string") => {
            d.with_hint("write a single value, not a list")
        }
        _ => d,
    }
}

fn value_error(node: &Sp<Node>, path: &str, allowed: &[Value], expected: &str) -> Diagnostic {
    let text = node.value.scalar_text().unwrap_or_default();
    let message = format!(
        "unknown value `{text}` for `{}`, expected {expected}",
        show(path)
    );
    let words: Vec<String> = allowed.iter().map(value_text).collect();
    let d = Diagnostic::error(node.loc, path, message);
    match did_you_mean(&text, words.iter().map(String::as_str)) {
        Some(close) => d.with_hint(format!("did you mean `{close}`?")),
        None => d,
    }
}

fn unknown_key(
    key: &Sp<String>,
    parent: &str,
    path: &str,
    properties: Option<&Map<String, Value>>,
) -> Diagnostic {
    let place = if parent.is_empty() {
        "at the top level".to_string()
    } else {
        format!("in `{parent}`")
    };
    let d = Diagnostic::error(
        key.loc,
        path,
        format!("unknown key `{}` {place}", key.value),
    );
    let valid: Vec<&str> = properties
        .map(|p| p.keys().map(String::as_str).collect())
        .unwrap_or_default();
    if let Some(close) = did_you_mean(&key.value, valid.iter().copied()) {
        return d.with_hint(format!("did you mean `{close}`?"));
    }
    match valid.len() {
        0 => d.with_hint("this mapping takes no keys"),
        n if n <= KEYS_IN_HINT => {
            d.with_hint(format!("valid keys here: {}", ticked(valid).join(", ")))
        }
        n => d.with_hint(format!(
            "valid keys here include {} and {} more (see `ecsctl schema`)",
            ticked(valid[..KEYS_IN_HINT].iter().copied()).join(", "),
            n - KEYS_IN_HINT
        )),
    }
}

/// Whether a key matches one of the schema's `patternProperties`. Only the prefix patterns
/// ecsctl's own schema uses (`^x-`) are understood; their values may be anything.
fn matches_pattern(schema: &Map<String, Value>, key: &str) -> bool {
    schema
        .get("patternProperties")
        .and_then(Value::as_object)
        .is_some_and(|patterns| {
            patterns.keys().any(|p| {
                p.strip_prefix('^')
                    .filter(|prefix| !prefix.contains(['.', '*', '+', '?', '[', '(', '\\', '$']))
                    .is_some_and(|prefix| key.starts_with(prefix))
            })
        })
}

/// Integers must fit the Rust type behind them (`format: uint32`) and any `minimum`/`maximum`;
/// ranges that mean something to AWS are the model's to check.
fn check_bounds(
    node: &Sp<Node>,
    value: i64,
    schema: &Map<String, Value>,
    path: &str,
    out: &mut Vec<Diagnostic>,
) {
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
    let min = schema
        .get("minimum")
        .and_then(Value::as_i64)
        .into_iter()
        .chain(format_min)
        .max();
    let max = schema
        .get("maximum")
        .and_then(Value::as_i64)
        .into_iter()
        .chain(format_max)
        .min();
    if let Some(min) = min.filter(|m| value < *m) {
        let message = if min == 0 {
            format!("expected a number of 0 or more, found `{value}`")
        } else {
            format!("`{value}` is below the minimum of {min}")
        };
        out.push(Diagnostic::error(node.loc, path, message));
    } else if let Some(max) = max.filter(|m| value > *m) {
        out.push(Diagnostic::error(
            node.loc,
            path,
            format!("`{value}` is above the maximum of {max}"),
        ));
    }
}

/// A path as words: the root has no path.
fn show(path: &str) -> &str {
    if path.is_empty() {
        "the top level"
    } else {
        path
    }
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
#[path = "structure_tests.rs"]
mod tests;
