//! Fargate task sizes: the CPU/memory table, and parsing of "0.5 vCPU" / "1 GB" forms.
//!
//! Owns the only constructor of `FargateSize`, so an invalid pair cannot exist past the model.
//! Must not know where the values came from (the caller attaches locations to errors).
//! Table: https://docs.aws.amazon.com/AmazonECS/latest/developerguide/fargate-tasks-services.html#fargate-tasks-size

use serde::{Deserialize, Serialize};

/// A valid Fargate task size. CPU in units (1024 = 1 vCPU), memory in MiB.
/// Read back (from a saved plan) through `new`, so an edited pair is refused there too.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "SizePair")]
pub struct FargateSize {
    cpu: u32,
    memory: u32,
}

#[derive(Deserialize)]
struct SizePair {
    cpu: u32,
    memory: u32,
}

impl TryFrom<SizePair> for FargateSize {
    type Error = String;
    fn try_from(p: SizePair) -> Result<Self, String> {
        FargateSize::new(p.cpu, p.memory).map_err(|_| {
            format!(
                "{} CPU units with {} MiB is not a Fargate size",
                p.cpu, p.memory
            )
        })
    }
}

/// Why a size was refused; the wording lives in the model's diagnostics.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SizeError {
    /// The CPU value is not one Fargate offers.
    Cpu { cpu: u32 },
    /// The memory does not fit the CPU; `allowed` describes what does.
    Memory {
        cpu: u32,
        memory: u32,
        allowed: String,
    },
}

/// CPU units Fargate offers, with the memory each allows: (min, max, step) in MiB.
const TABLE: &[(u32, u32, u32, u32)] = &[
    (256, 512, 2048, 0), // 512, 1024, 2048: special-cased below
    (512, 1024, 4096, 1024),
    (1024, 2048, 8192, 1024),
    (2048, 4096, 16384, 1024),
    (4096, 8192, 30720, 1024),
    (8192, 16384, 61440, 4096),
    (16384, 32768, 122880, 8192),
];

pub const VALID_CPUS: [u32; 7] = [256, 512, 1024, 2048, 4096, 8192, 16384];

impl FargateSize {
    pub fn new(cpu: u32, memory: u32) -> Result<Self, SizeError> {
        let Some(&(_, min, max, step)) = TABLE.iter().find(|row| row.0 == cpu) else {
            return Err(SizeError::Cpu { cpu });
        };
        let ok = if cpu == 256 {
            matches!(memory, 512 | 1024 | 2048)
        } else {
            (min..=max).contains(&memory) && (memory - min).is_multiple_of(step)
        };
        if ok {
            Ok(FargateSize { cpu, memory })
        } else {
            Err(SizeError::Memory {
                cpu,
                memory,
                allowed: allowed_memory(cpu),
            })
        }
    }

    pub fn cpu(&self) -> u32 {
        self.cpu
    }

    pub fn memory(&self) -> u32 {
        self.memory
    }

    /// vCPUs as a decimal (0.25 for 256 units).
    pub fn vcpu(&self) -> f64 {
        f64::from(self.cpu) / 1024.0
    }
}

/// Human wording of the memory a CPU value allows, e.g. "512, 1024 or 2048 MiB".
pub fn allowed_memory(cpu: u32) -> String {
    match TABLE.iter().find(|row| row.0 == cpu) {
        Some((256, ..)) => "512, 1024 or 2048 MiB".to_string(),
        Some(&(_, min, max, step)) => format!("{min} to {max} MiB in steps of {step}"),
        None => String::new(),
    }
}

/// Parses task CPU as written in the spec: `256`, `"256"`, `"0.25 vCPU"`, `"1vcpu"`, `"2 vCPU"`.
pub fn parse_cpu(text: &str) -> Option<u32> {
    let t = text.trim();
    if let Ok(units) = t.parse::<u32>() {
        return Some(units);
    }
    let lower = t.to_ascii_lowercase();
    let number = lower.strip_suffix("vcpu")?.trim();
    let vcpu: f64 = number.parse().ok()?;
    to_whole(vcpu * 1024.0)
}

/// Parses task memory as written in the spec: `512` (MiB), `"512"`, `"0.5 GB"`, `"2GB"`,
/// `"1 GiB"`, `"512 MiB"`, `"512 MB"`. As in ECS, "GB" here means GiB (1024 MiB).
pub fn parse_memory(text: &str) -> Option<u32> {
    let t = text.trim();
    if let Ok(mib) = t.parse::<u32>() {
        return Some(mib);
    }
    let lower = t.to_ascii_lowercase();
    for (suffix, factor) in [("gib", 1024.0), ("gb", 1024.0), ("mib", 1.0), ("mb", 1.0)] {
        if let Some(number) = lower.strip_suffix(suffix) {
            let value: f64 = number.trim().parse().ok()?;
            return to_whole(value * factor);
        }
    }
    None
}

fn to_whole(value: f64) -> Option<u32> {
    let rounded = value.round();
    if (value - rounded).abs() > 1e-6 || rounded < 0.0 || rounded > f64::from(u32::MAX) {
        return None;
    }
    Some(rounded as u32)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn valid_and_invalid_pairs() {
        let cases: &[(u32, u32, bool)] = &[
            (256, 512, true),
            (256, 1024, true),
            (256, 2048, true),
            (256, 3072, false),
            (256, 4096, false),
            (512, 1024, true),
            (512, 4096, true),
            (512, 512, false),
            (512, 1536, false),
            (1024, 2048, true),
            (1024, 8192, true),
            (1024, 9216, false),
            (2048, 16384, true),
            (4096, 30720, true),
            (4096, 31744, false),
            (8192, 16384, true),
            (8192, 20480, true),
            (8192, 17408, false),
            (16384, 32768, true),
            (16384, 122880, true),
            (16384, 40960, true),
            (16384, 36864, false),
            (300, 512, false),
            (32768, 65536, false),
        ];
        for &(cpu, memory, ok) in cases {
            assert_eq!(FargateSize::new(cpu, memory).is_ok(), ok, "{cpu}/{memory}");
        }
    }

    #[test]
    fn errors_say_what_fits() {
        assert_eq!(
            FargateSize::new(256, 4096),
            Err(SizeError::Memory {
                cpu: 256,
                memory: 4096,
                allowed: "512, 1024 or 2048 MiB".into()
            })
        );
        assert_eq!(FargateSize::new(100, 512), Err(SizeError::Cpu { cpu: 100 }));
        assert_eq!(allowed_memory(1024), "2048 to 8192 MiB in steps of 1024");
    }

    #[test]
    fn unit_forms() {
        let cpus = [
            ("256", Some(256)),
            ("0.25 vCPU", Some(256)),
            ("0.5vcpu", Some(512)),
            ("16 vCPU", Some(16384)),
            ("1.1 vCPU", None),
            ("abc", None),
        ];
        for (text, want) in cpus {
            assert_eq!(parse_cpu(text), want, "{text}");
        }
        let mems = [
            ("512", Some(512)),
            ("0.5 GB", Some(512)),
            ("1 GB", Some(1024)),
            ("2GB", Some(2048)),
            ("3 GiB", Some(3072)),
            ("512 MiB", Some(512)),
            ("1.3 GB", None),
            ("x", None),
        ];
        for (text, want) in mems {
            assert_eq!(parse_memory(text), want, "{text}");
        }
    }
}
