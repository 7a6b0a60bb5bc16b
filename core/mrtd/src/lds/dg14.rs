//! DG14: the chip's SecurityInfos for chip authentication (9303-10 §4.7.14), `6E {
//! SecurityInfos }` — the Chip Authentication keys and protocols, the ActiveAuthenticationInfo
//! that names DG15's ECDSA hash, and (LDS 1.8 and later) the PACEInfos repeated under
//! signature. DG14 is signed through EF.SOD: what it lists counts only once passive
//! authentication proved its hash.

use tapid_card::tlv::{Tag, Tlv};

use crate::security_infos::{SecurityInfoError, SecurityInfos};

/// Parsed DG14.
#[derive(Debug, Clone, Default)]
pub struct Dg14 {
    /// The SecurityInfos inside the `6E` tag, in file order.
    pub security_infos: SecurityInfos,
}

impl Dg14 {
    /// Parses the file (`6E L SecurityInfos`, trailing padding ignored).
    pub fn parse(bytes: &[u8]) -> Result<Self, SecurityInfoError> {
        let (outer, _padding) = Tlv::parse(bytes)
            .map_err(|_| SecurityInfoError::Structure("malformed DG14 tag or length"))?;
        if outer.tag != Tag(0x6E) {
            return Err(SecurityInfoError::Structure(
                "DG14 does not start with tag 6E",
            ));
        }
        Ok(Self {
            security_infos: SecurityInfos::parse(outer.value)?,
        })
    }
}
