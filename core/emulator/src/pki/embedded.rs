//! The committed fixtures compiled into the binary, so an installed `tapid` works anywhere.

macro_rules! fixture {
    ($rel:literal) => {
        include_bytes!(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../fixtures/pki/",
            $rel
        ))
        .as_slice()
    };
}

/// CSCA certificates: (name, DER).
pub(crate) const CSCAS: [(&str, &[u8]); 4] = [
    ("csca-ut-rsa", fixture!("csca/csca-ut-rsa.cer")),
    ("csca-ut-ec", fixture!("csca/csca-ut-ec.cer")),
    ("csca-de-ec", fixture!("csca/csca-de-ec.cer")),
    ("csca-se-ec", fixture!("csca/csca-se-ec.cer")),
];

/// The CRL of csca-ut-rsa.
pub(crate) const CRL_UT_RSA: &[u8] = fixture!("crl/csca-ut-rsa.crl");

const DSS: [(&str, &[u8], &[u8]); 5] = [
    (
        "ds-ut-rsa",
        fixture!("ds/ds-ut-rsa.cer"),
        fixture!("ds/ds-ut-rsa.pk8"),
    ),
    (
        "ds-ut-ec",
        fixture!("ds/ds-ut-ec.cer"),
        fixture!("ds/ds-ut-ec.pk8"),
    ),
    (
        "ds-de-ec",
        fixture!("ds/ds-de-ec.cer"),
        fixture!("ds/ds-de-ec.pk8"),
    ),
    (
        "ds-ut-revoked",
        fixture!("ds/ds-ut-revoked.cer"),
        fixture!("ds/ds-ut-revoked.pk8"),
    ),
    (
        "ds-se-ec",
        fixture!("ds/ds-se-ec.cer"),
        fixture!("ds/ds-se-ec.pk8"),
    ),
];

/// The embedded certificate and PKCS#8 key of a Document Signer.
pub(crate) fn document_signer(name: &str) -> Option<(&'static [u8], &'static [u8])> {
    DSS.iter()
        .find(|(n, _, _)| *n == name)
        .map(|(_, c, k)| (*c, *k))
}
