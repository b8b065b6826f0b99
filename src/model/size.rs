//! A task's Fargate size and platform version, from the spec's `cpu`, `memory` and
//! `platformVersion`.
//!
//! Owns the defaults (256 CPU units as Copilot does; memory the least the CPU allows; CPU the
//! least that fits a given memory) and the diagnostics of `fargate`'s table. Must not change
//! the table itself (src/model/fargate.rs).

use super::fargate::{FargateSize, SizeError, VALID_CPUS, parse_cpu, parse_memory};
use super::scope::Scope;
use super::task_spec::TaskSpec;
use crate::spec::raw_values::Size;
use crate::spec::span::{Loc, Sp};

const CPU_HINT: &str = "write CPU units (`256`, `512`, `1024`, `2048`, `4096`, `8192`, `16384`) or vCPUs (`\"0.5 vCPU\"`)";
const MEMORY_HINT: &str = "write MiB (`2048`) or GB (`\"2 GB\"`)";

pub fn task_size(cx: &Scope, spec: &TaskSpec, at: &str, key: Loc) -> Option<FargateSize> {
    let cpu = parsed(
        cx,
        spec.cpu.as_ref(),
        &format!("{at}.cpu"),
        "cpu",
        parse_cpu,
        CPU_HINT,
    )?;
    let memory = parsed(
        cx,
        spec.memory.as_ref(),
        &format!("{at}.memory"),
        "memory",
        parse_memory,
        MEMORY_HINT,
    )?;
    let (cpu_value, mem_value) = match (cpu, memory) {
        (Some(c), Some(m)) => (c, m),
        (Some(c), None) => (c, min_memory(c)),
        (None, Some(m)) => (smallest_cpu_for(m).unwrap_or(256), m),
        (None, None) => (256, 512),
    };
    match FargateSize::new(cpu_value, mem_value) {
        Ok(size) => Some(size),
        Err(SizeError::Cpu { cpu }) => {
            let loc = spec.cpu.as_ref().map_or(key, |s| s.loc);
            cx.error_hint(
                loc,
                format!("{at}.cpu"),
                format!("cpu `{cpu}` is not a Fargate size"),
                CPU_HINT,
            );
            None
        }
        Err(SizeError::Memory {
            cpu,
            memory,
            allowed,
        }) => {
            let loc = spec
                .memory
                .as_ref()
                .or(spec.cpu.as_ref())
                .map_or(key, |s| s.loc);
            let message = format!("memory `{memory}` does not fit cpu `{cpu}`");
            cx.error_hint(
                loc,
                format!("{at}.memory"),
                message,
                format!("{cpu} CPU allows {allowed}"),
            );
            None
        }
    }
}

/// Some(None) when unset, Some(Some(n)) when parsed, None (after an error) when unparseable.
fn parsed(
    cx: &Scope,
    value: Option<&Sp<Size>>,
    path: &str,
    what: &str,
    parse: fn(&str) -> Option<u32>,
    hint: &str,
) -> Option<Option<u32>> {
    let Some(v) = value else { return Some(None) };
    // Sizes written as strings may read the environment too (`cpu: ${API_CPU:-512}`).
    let text = cx.text(&Sp::new(v.value.0.clone(), v.loc), path)?;
    match parse(&text) {
        Some(n) => Some(Some(n)),
        None => {
            cx.error_hint(v.loc, path, format!("{what} `{text}` is not a size"), hint);
            None
        }
    }
}

fn min_memory(cpu: u32) -> u32 {
    (512..=122_880)
        .step_by(512)
        .find(|m| FargateSize::new(cpu, *m).is_ok())
        .unwrap_or(512)
}

fn smallest_cpu_for(memory: u32) -> Option<u32> {
    VALID_CPUS
        .into_iter()
        .find(|c| FargateSize::new(*c, memory).is_ok())
}

/// `LATEST` or `1.4.0`; 8 and 16 vCPU tasks need platform 1.4.0 or later.
pub fn platform_version(
    cx: &Scope,
    spec: &TaskSpec,
    at: &str,
    size: Option<FargateSize>,
) -> String {
    let path = format!("{at}.platformVersion");
    let Some(written) = &spec.platform_version else {
        return "LATEST".to_string();
    };
    let Some(text) = cx.text(written, &path) else {
        return "LATEST".to_string();
    };
    if text == "LATEST" {
        return text;
    }
    let Some(version) = parse_version(&text) else {
        cx.error_hint(
            written.loc,
            path,
            format!("platform version `{text}` is not valid"),
            "use `LATEST` or a version such as `1.4.0`",
        );
        return text;
    };
    if size.is_some_and(|s| s.cpu() >= 8192) && version < (1, 4, 0) {
        let message = format!(
            "platform version `{text}` does not support {} vCPU",
            size.map_or(0.0, |s| s.vcpu())
        );
        cx.error_hint(
            written.loc,
            path,
            message,
            "8 and 16 vCPU tasks need `LATEST` or `1.4.0` and later",
        );
    }
    text
}

fn parse_version(text: &str) -> Option<(u32, u32, u32)> {
    let mut parts = text.split('.').map(|p| p.parse::<u32>().ok());
    let v = (parts.next()??, parts.next()??, parts.next()??);
    parts.next().is_none().then_some(v)
}
