//! Helpers shared by the end-to-end test files: the harness that runs service instances over
//! loopback TLS with their issuer, relying parties, apps and emulated chips.
#![allow(dead_code)]

pub mod harness;
