//! What an environment costs: Fargate compute per month, from the spec and a price table.
//!
//! Owns the price table (`prices`), exact money (`money`), the arithmetic of one task
//! (`usage`) and the estimate of an environment (`estimate`). Pure: no AWS, no clock; the
//! caller passes the prices. Must not render (`render::cost`).

pub mod cache;
pub mod change;
pub mod estimate;
pub mod money;
pub mod price_list;
pub mod prices;
pub mod usage;
