//! Helpers shared by the service's test files.
#![allow(dead_code)]

pub mod backend;
pub mod harness;
