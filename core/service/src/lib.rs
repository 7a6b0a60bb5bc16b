//! tapid's reference identity service: the relying-party API (modelled on BankID's RP API
//! v6.0) over mutual TLS, the issuer API, the app API the identity app talks to, and the
//! passport step-up the service verifies itself. State lives in SQLite (one file, the embedded
//! default) or PostgreSQL (several stateless instances); every state change is durable before
//! it is acknowledged.
//!
//! Time ([`clock::Clock`]) and randomness ([`entropy::Entropy`]) are injected, so every flow
//! runs deterministically under test.
#![forbid(unsafe_code)]

pub mod api;
pub mod clock;
pub mod config;
pub mod demo;
pub mod entropy;
pub mod jws;
pub mod keys;
pub mod local;
pub mod order;
pub mod pki;
pub mod relay;
pub mod seal;
pub mod server;
pub mod stepup;
pub mod store;
pub mod tls;
pub mod tls_dir;
