//! Passive authentication: EF.SOD, CSCA trust stores, master lists, certificate validation.
