//! Shared cryptography for the terminal and the chip side: curves, DH groups, domain parameters.
