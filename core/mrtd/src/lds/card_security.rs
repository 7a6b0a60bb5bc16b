//! EF.CardSecurity: a SignedData whose content is the chip's signed SecurityInfos (incl. the
//! chip-authentication public keys PACE-CAM relies on). Verified like EF.SOD.

use crate::oid;
use crate::pa::{certificate::Certificate, error::PaError, signed_data::SignedData};

/// A parsed EF.CardSecurity.
#[derive(Debug, Clone)]
pub struct CardSecurity {
    signed: SignedData,
}

impl CardSecurity {
    /// Parses EF.CardSecurity (a ContentInfo, DER or BER; trailing padding ignored).
    pub fn parse(bytes: &[u8]) -> Result<Self, PaError> {
        let signed = SignedData::parse_file(
            bytes,
            oid::SECURITY_OBJECT,
            "0.4.0.127.0.7.3.2.1 (id-SecurityObject)",
        )?;
        Ok(Self { signed })
    }

    /// The DER `SecurityInfos` the signature covers (for the SecurityInfos parser).
    pub fn security_infos(&self) -> &[u8] {
        &self.signed.content
    }

    /// The signer certificate embedded in the file.
    pub fn signer_certificate(&self) -> Result<&Certificate, PaError> {
        self.signed.signer_certificate()
    }

    /// The underlying SignedData (its signer info holds the signingTime attribute).
    pub fn signed_data(&self) -> &SignedData {
        &self.signed
    }
}
