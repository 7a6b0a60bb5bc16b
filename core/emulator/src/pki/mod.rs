//! Test PKI for the emulator: CSCA and Document Signer keys, EF.SOD and EF.CardSecurity signing.
