//! The emulator's deterministic byte stream, kept at its old path: it lives in tapid-card
//! behind the `deterministic-rng` feature (which this crate enables), so that a production
//! build of the reader never has it.

pub use tapid_card::deterministic::SeededRng;
