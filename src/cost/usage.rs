//! The price of one Fargate task for a while: vCPU, memory and ephemeral storage above the
//! 20 GiB every task gets.
//!
//! Owns the arithmetic the Fargate pricing page describes ("vCPU, memory, and storage
//! resources … from the time you start to download your container image until the Task
//! terminates, rounded up to the nearest second", with a one-minute minimum). Must not know
//! counts, capacity or schedules (`estimate`).

use super::money::Usd;
use super::prices::RegionPrices;

/// Every task has 20 GiB of ephemeral storage without charge.
pub const FREE_STORAGE_GIB: u32 = 20;

/// What one task reserves.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TaskShape {
    /// CPU units (1024 = 1 vCPU).
    pub cpu: u32,
    /// MiB (1024 = 1 GB, as Fargate bills it).
    pub memory: u32,
    pub arm: bool,
    /// Ephemeral storage configured, GiB (20 when not set).
    pub storage_gib: u32,
}

/// A cost split as AWS's examples split it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Breakdown {
    pub vcpu: Usd,
    pub memory: Usd,
    pub storage: Usd,
}

impl Breakdown {
    pub const ZERO: Breakdown = Breakdown {
        vcpu: Usd::ZERO,
        memory: Usd::ZERO,
        storage: Usd::ZERO,
    };

    pub fn total(&self) -> Usd {
        self.vcpu.plus(self.memory).plus(self.storage)
    }

    /// Times `n / d` (a count of tasks, a share of them).
    pub fn times(&self, n: i128, d: i128) -> Breakdown {
        Breakdown {
            vcpu: self.vcpu.times(n, d),
            memory: self.memory.times(n, d),
            storage: self.storage.times(n, d),
        }
    }

    pub fn plus(&self, o: &Breakdown) -> Breakdown {
        Breakdown {
            vcpu: self.vcpu.plus(o.vcpu),
            memory: self.memory.plus(o.memory),
            storage: self.storage.plus(o.storage),
        }
    }
}

/// One task running for `seconds` (billed from a one-minute minimum), on-demand.
pub fn task_cost(p: &RegionPrices, t: &TaskShape, seconds: u64) -> Breakdown {
    let seconds = i128::from(seconds.max(60));
    let (vcpu, gb) = if t.arm {
        (p.arm_vcpu_hour, p.arm_gb_hour)
    } else {
        (p.x86_vcpu_hour, p.x86_gb_hour)
    };
    let extra = i128::from(t.storage_gib.saturating_sub(FREE_STORAGE_GIB));
    Breakdown {
        vcpu: vcpu.times(i128::from(t.cpu) * seconds, 1024 * 3600),
        memory: gb.times(i128::from(t.memory) * seconds, 1024 * 3600),
        storage: p.storage_gb_hour.times(extra * seconds, 3600),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cost::prices::embedded;

    fn cents(b: &Breakdown) -> [i128; 4] {
        [
            b.vcpu.cents(),
            b.memory.cents(),
            b.storage.cents(),
            b.total().cents(),
        ]
    }

    /// The worked examples of https://aws.amazon.com/fargate/pricing/ ("Pricing examples"),
    /// all in US East (N. Virginia), each component to the cent as AWS states it.
    #[test]
    fn the_fargate_pricing_pages_examples_to_the_cent() {
        let p = embedded("us-east-1").unwrap();
        let month = 600 * 30;
        // Example 1: 5 ECS tasks, 600 s a day for 30 days, 1 vCPU, 2 GB, 30 GB ephemeral
        // storage, Linux/x86: $1.01 + $0.22 + $0.03 = $1.26.
        let x86 = TaskShape {
            cpu: 1024,
            memory: 2048,
            arm: false,
            storage_gib: 30,
        };
        assert_eq!(
            cents(&task_cost(&p, &x86, month).times(5, 1)),
            [101, 22, 3, 126]
        );
        // Example 2: the same on Linux/ARM (Graviton2): $0.81 + $0.18 + $0.03 = $1.02.
        let arm = TaskShape { arm: true, ..x86 };
        assert_eq!(
            cents(&task_cost(&p, &arm, month).times(5, 1)),
            [81, 18, 3, 102]
        );
        // Example 3: 10 EKS pods (Fargate prices them as ECS tasks), 3600 s a day for 30 days,
        // 0.25 vCPU and 1 GB: $3.04 + $1.33 = $4.37.
        let pod = TaskShape {
            cpu: 256,
            memory: 1024,
            arm: false,
            storage_gib: 20,
        };
        assert_eq!(
            cents(&task_cost(&p, &pod, 3600 * 30).times(10, 1)),
            [304, 133, 0, 437]
        );
    }

    #[test]
    fn a_run_shorter_than_a_minute_is_billed_a_minute() {
        let p = embedded("us-east-1").unwrap();
        let t = TaskShape {
            cpu: 1024,
            memory: 2048,
            arm: false,
            storage_gib: 20,
        };
        assert_eq!(task_cost(&p, &t, 5), task_cost(&p, &t, 60));
    }
}
