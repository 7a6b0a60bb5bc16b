//! The order's life, as pure functions over its record: starting it, its expiry and collect
//! answers, and its completion.

pub mod completion;
pub mod lifecycle;
pub mod start;
