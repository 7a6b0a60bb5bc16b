//! EF.CardAccess (in the master file, 9303-10 §3.11.3): the DER SecurityInfos a terminal reads
//! before access control, readable without it — above all the PACEInfos that say which PACE
//! variants the chip offers. The file is unsigned: DG14 and EF.CardSecurity repeat its
//! PACEInfos under signature, and the reader's downgrade check compares them.

use crate::security_infos::{SecurityInfoError, SecurityInfos};

/// Parsed EF.CardAccess.
#[derive(Debug, Clone, Default)]
pub struct CardAccess {
    /// The SecurityInfos, in file order.
    pub security_infos: SecurityInfos,
}

impl CardAccess {
    /// Parses the file: one DER `SET OF SecurityInfo`.
    pub fn parse(bytes: &[u8]) -> Result<Self, SecurityInfoError> {
        Ok(Self {
            security_infos: SecurityInfos::parse(bytes)?,
        })
    }
}
