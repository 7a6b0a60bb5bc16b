//! The named curves of ICAO 9303 / BSI TR-03110 with their full domain parameters.
//!
//! Parameters are the published values (SEC 2 / FIPS 186 for NIST, RFC 5639 for brainpool);
//! the tests check G on the curve and n·G = O for every one of them.

use super::CryptoError;
use crate::oid::{self, AsOid, Oid};

/// A named elliptic curve usable for PACE, Chip Authentication and signatures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum NamedCurve {
    /// NIST P-192 (secp192r1), PACE standardized domain parameter ID 8.
    P192,
    /// NIST P-224 (secp224r1), PACE standardized domain parameter ID 10.
    P224,
    /// NIST P-256 (secp256r1), PACE standardized domain parameter ID 12.
    P256,
    /// NIST P-384 (secp384r1), PACE standardized domain parameter ID 15.
    P384,
    /// NIST P-521 (secp521r1), PACE standardized domain parameter ID 18.
    P521,
    /// brainpoolP192r1, PACE standardized domain parameter ID 9.
    BrainpoolP192r1,
    /// brainpoolP224r1, PACE standardized domain parameter ID 11.
    BrainpoolP224r1,
    /// brainpoolP256r1, PACE standardized domain parameter ID 13.
    BrainpoolP256r1,
    /// brainpoolP320r1, PACE standardized domain parameter ID 14.
    BrainpoolP320r1,
    /// brainpoolP384r1, PACE standardized domain parameter ID 16.
    BrainpoolP384r1,
    /// brainpoolP512r1, PACE standardized domain parameter ID 17.
    BrainpoolP512r1,
}

/// The domain parameters of a curve as big-endian hex (p, a, b, G, n, h).
///
/// Field values (p, a, b, Gx, Gy) are written with the fixed field width.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CurveConsts {
    /// Field prime p.
    pub p: &'static str,
    /// Coefficient a.
    pub a: &'static str,
    /// Coefficient b.
    pub b: &'static str,
    /// Base point x.
    pub gx: &'static str,
    /// Base point y.
    pub gy: &'static str,
    /// Order n of the base point.
    pub n: &'static str,
    /// Cofactor h.
    pub h: u32,
}

impl NamedCurve {
    /// All named curves, in PACE parameter-ID order.
    pub const ALL: [NamedCurve; 11] = [
        NamedCurve::P192,
        NamedCurve::BrainpoolP192r1,
        NamedCurve::P224,
        NamedCurve::BrainpoolP224r1,
        NamedCurve::P256,
        NamedCurve::BrainpoolP256r1,
        NamedCurve::BrainpoolP320r1,
        NamedCurve::P384,
        NamedCurve::BrainpoolP384r1,
        NamedCurve::BrainpoolP512r1,
        NamedCurve::P521,
    ];

    /// The curve's OID (SEC 2 / RFC 5639) from the [`crate::oid`] table: dotted and typed.
    fn oids(self) -> (&'static str, Oid) {
        match self {
            NamedCurve::P192 => (oid::dotted::SECP192R1, oid::SECP192R1),
            NamedCurve::P224 => (oid::dotted::SECP224R1, oid::SECP224R1),
            NamedCurve::P256 => (oid::dotted::SECP256R1, oid::SECP256R1),
            NamedCurve::P384 => (oid::dotted::SECP384R1, oid::SECP384R1),
            NamedCurve::P521 => (oid::dotted::SECP521R1, oid::SECP521R1),
            NamedCurve::BrainpoolP192r1 => (oid::dotted::BRAINPOOL_P192R1, oid::BRAINPOOL_P192R1),
            NamedCurve::BrainpoolP224r1 => (oid::dotted::BRAINPOOL_P224R1, oid::BRAINPOOL_P224R1),
            NamedCurve::BrainpoolP256r1 => (oid::dotted::BRAINPOOL_P256R1, oid::BRAINPOOL_P256R1),
            NamedCurve::BrainpoolP320r1 => (oid::dotted::BRAINPOOL_P320R1, oid::BRAINPOOL_P320R1),
            NamedCurve::BrainpoolP384r1 => (oid::dotted::BRAINPOOL_P384R1, oid::BRAINPOOL_P384R1),
            NamedCurve::BrainpoolP512r1 => (oid::dotted::BRAINPOOL_P512R1, oid::BRAINPOOL_P512R1),
        }
    }

    /// The curve's OID as dotted text.
    pub fn oid(self) -> &'static str {
        self.oids().0
    }

    /// The curve's OID, typed.
    pub fn object_id(self) -> Oid {
        self.oids().1
    }

    /// The PACE standardized domain parameter ID (9303-11 §9.5.1).
    pub fn standardized_id(self) -> u8 {
        match self {
            NamedCurve::P192 => 8,
            NamedCurve::P224 => 10,
            NamedCurve::P256 => 12,
            NamedCurve::P384 => 15,
            NamedCurve::P521 => 18,
            NamedCurve::BrainpoolP192r1 => 9,
            NamedCurve::BrainpoolP224r1 => 11,
            NamedCurve::BrainpoolP256r1 => 13,
            NamedCurve::BrainpoolP320r1 => 14,
            NamedCurve::BrainpoolP384r1 => 16,
            NamedCurve::BrainpoolP512r1 => 17,
        }
    }

    /// A human-readable name for reports.
    pub fn name(self) -> &'static str {
        match self {
            NamedCurve::P192 => "NIST P-192 (secp192r1)",
            NamedCurve::P224 => "NIST P-224 (secp224r1)",
            NamedCurve::P256 => "NIST P-256 (secp256r1)",
            NamedCurve::P384 => "NIST P-384 (secp384r1)",
            NamedCurve::P521 => "NIST P-521 (secp521r1)",
            NamedCurve::BrainpoolP192r1 => "brainpoolP192r1",
            NamedCurve::BrainpoolP224r1 => "brainpoolP224r1",
            NamedCurve::BrainpoolP256r1 => "brainpoolP256r1",
            NamedCurve::BrainpoolP320r1 => "brainpoolP320r1",
            NamedCurve::BrainpoolP384r1 => "brainpoolP384r1",
            NamedCurve::BrainpoolP512r1 => "brainpoolP512r1",
        }
    }

    /// Looks a curve up by its OID (typed, or dotted text).
    pub fn from_oid(oid: impl AsOid) -> Result<Self, CryptoError> {
        let typed = oid.as_oid();
        Self::ALL
            .into_iter()
            .find(|c| Some(c.object_id()) == typed)
            .ok_or_else(|| CryptoError::UnknownParameters(oid.dotted()))
    }

    /// Looks a curve up by its PACE standardized domain parameter ID (8–18).
    pub fn from_standardized_id(id: u64) -> Result<Self, CryptoError> {
        Self::ALL
            .into_iter()
            .find(|c| u64::from(c.standardized_id()) == id)
            .ok_or(CryptoError::UnknownParameterId(id))
    }

    /// The full domain parameters.
    pub fn consts(self) -> CurveConsts {
        match self {
            NamedCurve::P192 => CurveConsts {
                p: "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEFFFFFFFFFFFFFFFF",
                a: "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEFFFFFFFFFFFFFFFC",
                b: "64210519E59C80E70FA7E9AB72243049FEB8DEECC146B9B1",
                gx: "188DA80EB03090F67CBF20EB43A18800F4FF0AFD82FF1012",
                gy: "07192B95FFC8DA78631011ED6B24CDD573F977A11E794811",
                n: "FFFFFFFFFFFFFFFFFFFFFFFF99DEF836146BC9B1B4D22831",
                h: 1,
            },
            NamedCurve::P224 => CurveConsts {
                p: "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF000000000000000000000001",
                a: "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEFFFFFFFFFFFFFFFFFFFFFFFE",
                b: "B4050A850C04B3ABF54132565044B0B7D7BFD8BA270B39432355FFB4",
                gx: "B70E0CBD6BB4BF7F321390B94A03C1D356C21122343280D6115C1D21",
                gy: "BD376388B5F723FB4C22DFE6CD4375A05A07476444D5819985007E34",
                n: "FFFFFFFFFFFFFFFFFFFFFFFFFFFF16A2E0B8F03E13DD29455C5C2A3D",
                h: 1,
            },
            NamedCurve::P256 => CurveConsts {
                p: "FFFFFFFF00000001000000000000000000000000FFFFFFFFFFFFFFFFFFFFFFFF",
                a: "FFFFFFFF00000001000000000000000000000000FFFFFFFFFFFFFFFFFFFFFFFC",
                b: "5AC635D8AA3A93E7B3EBBD55769886BC651D06B0CC53B0F63BCE3C3E27D2604B",
                gx: "6B17D1F2E12C4247F8BCE6E563A440F277037D812DEB33A0F4A13945D898C296",
                gy: "4FE342E2FE1A7F9B8EE7EB4A7C0F9E162BCE33576B315ECECBB6406837BF51F5",
                n: "FFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551",
                h: 1,
            },
            NamedCurve::P384 => CurveConsts {
                p: "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEFFFFFFFF0000000000000000FFFFFFFF",
                a: "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEFFFFFFFF0000000000000000FFFFFFFC",
                b: "B3312FA7E23EE7E4988E056BE3F82D19181D9C6EFE8141120314088F5013875AC656398D8A2ED19D2A85C8EDD3EC2AEF",
                gx: "AA87CA22BE8B05378EB1C71EF320AD746E1D3B628BA79B9859F741E082542A385502F25DBF55296C3A545E3872760AB7",
                gy: "3617DE4A96262C6F5D9E98BF9292DC29F8F41DBD289A147CE9DA3113B5F0B8C00A60B1CE1D7E819D7A431D7C90EA0E5F",
                n: "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFC7634D81F4372DDF581A0DB248B0A77AECEC196ACCC52973",
                h: 1,
            },
            NamedCurve::P521 => CurveConsts {
                p: "01FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF",
                a: "01FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFC",
                b: "0051953EB9618E1C9A1F929A21A0B68540EEA2DA725B99B315F3B8B489918EF109E156193951EC7E937B1652C0BD3BB1BF073573DF883D2C34F1EF451FD46B503F00",
                gx: "00C6858E06B70404E9CD9E3ECB662395B4429C648139053FB521F828AF606B4D3DBAA14B5E77EFE75928FE1DC127A2FFA8DE3348B3C1856A429BF97E7E31C2E5BD66",
                gy: "011839296A789A3BC0045C8A5FB42C7D1BD998F54449579B446817AFBD17273E662C97EE72995EF42640C550B9013FAD0761353C7086A272C24088BE94769FD16650",
                n: "01FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFA51868783BF2F966B7FCC0148F709A5D03BB5C9B8899C47AEBB6FB71E91386409",
                h: 1,
            },
            NamedCurve::BrainpoolP192r1 => CurveConsts {
                p: "C302F41D932A36CDA7A3463093D18DB78FCE476DE1A86297",
                a: "6A91174076B1E0E19C39C031FE8685C1CAE040E5C69A28EF",
                b: "469A28EF7C28CCA3DC721D044F4496BCCA7EF4146FBF25C9",
                gx: "C0A0647EAAB6A48753B033C56CB0F0900A2F5C4853375FD6",
                gy: "14B690866ABD5BB88B5F4828C1490002E6773FA2FA299B8F",
                n: "C302F41D932A36CDA7A3462F9E9E916B5BE8F1029AC4ACC1",
                h: 1,
            },
            NamedCurve::BrainpoolP224r1 => CurveConsts {
                p: "D7C134AA264366862A18302575D1D787B09F075797DA89F57EC8C0FF",
                a: "68A5E62CA9CE6C1C299803A6C1530B514E182AD8B0042A59CAD29F43",
                b: "2580F63CCFE44138870713B1A92369E33E2135D266DBB372386C400B",
                gx: "0D9029AD2C7E5CF4340823B2A87DC68C9E4CE3174C1E6EFDEE12C07D",
                gy: "58AA56F772C0726F24C6B89E4ECDAC24354B9E99CAA3F6D3761402CD",
                n: "D7C134AA264366862A18302575D0FB98D116BC4B6DDEBCA3A5A7939F",
                h: 1,
            },
            NamedCurve::BrainpoolP256r1 => CurveConsts {
                p: "A9FB57DBA1EEA9BC3E660A909D838D726E3BF623D52620282013481D1F6E5377",
                a: "7D5A0975FC2C3057EEF67530417AFFE7FB8055C126DC5C6CE94A4B44F330B5D9",
                b: "26DC5C6CE94A4B44F330B5D9BBD77CBF958416295CF7E1CE6BCCDC18FF8C07B6",
                gx: "8BD2AEB9CB7E57CB2C4B482FFC81B7AFB9DE27E1E3BD23C23A4453BD9ACE3262",
                gy: "547EF835C3DAC4FD97F8461A14611DC9C27745132DED8E545C1D54C72F046997",
                n: "A9FB57DBA1EEA9BC3E660A909D838D718C397AA3B561A6F7901E0E82974856A7",
                h: 1,
            },
            NamedCurve::BrainpoolP320r1 => CurveConsts {
                p: "D35E472036BC4FB7E13C785ED201E065F98FCFA6F6F40DEF4F92B9EC7893EC28FCD412B1F1B32E27",
                a: "3EE30B568FBAB0F883CCEBD46D3F3BB8A2A73513F5EB79DA66190EB085FFA9F492F375A97D860EB4",
                b: "520883949DFDBC42D3AD198640688A6FE13F41349554B49ACC31DCCD884539816F5EB4AC8FB1F1A6",
                gx: "43BD7E9AFB53D8B85289BCC48EE5BFE6F20137D10A087EB6E7871E2A10A599C710AF8D0D39E20611",
                gy: "14FDD05545EC1CC8AB4093247F77275E0743FFED117182EAA9C77877AAAC6AC7D35245D1692E8EE1",
                n: "D35E472036BC4FB7E13C785ED201E065F98FCFA5B68F12A32D482EC7EE8658E98691555B44C59311",
                h: 1,
            },
            NamedCurve::BrainpoolP384r1 => CurveConsts {
                p: "8CB91E82A3386D280F5D6F7E50E641DF152F7109ED5456B412B1DA197FB71123ACD3A729901D1A71874700133107EC53",
                a: "7BC382C63D8C150C3C72080ACE05AFA0C2BEA28E4FB22787139165EFBA91F90F8AA5814A503AD4EB04A8C7DD22CE2826",
                b: "04A8C7DD22CE28268B39B55416F0447C2FB77DE107DCD2A62E880EA53EEB62D57CB4390295DBC9943AB78696FA504C11",
                gx: "1D1C64F068CF45FFA2A63A81B7C13F6B8847A3E77EF14FE3DB7FCAFE0CBD10E8E826E03436D646AAEF87B2E247D4AF1E",
                gy: "8ABE1D7520F9C2A45CB1EB8E95CFD55262B70B29FEEC5864E19C054FF99129280E4646217791811142820341263C5315",
                n: "8CB91E82A3386D280F5D6F7E50E641DF152F7109ED5456B31F166E6CAC0425A7CF3AB6AF6B7FC3103B883202E9046565",
                h: 1,
            },
            NamedCurve::BrainpoolP512r1 => CurveConsts {
                p: "AADD9DB8DBE9C48B3FD4E6AE33C9FC07CB308DB3B3C9D20ED6639CCA703308717D4D9B009BC66842AECDA12AE6A380E62881FF2F2D82C68528AA6056583A48F3",
                a: "7830A3318B603B89E2327145AC234CC594CBDD8D3DF91610A83441CAEA9863BC2DED5D5AA8253AA10A2EF1C98B9AC8B57F1117A72BF2C7B9E7C1AC4D77FC94CA",
                b: "3DF91610A83441CAEA9863BC2DED5D5AA8253AA10A2EF1C98B9AC8B57F1117A72BF2C7B9E7C1AC4D77FC94CADC083E67984050B75EBAE5DD2809BD638016F723",
                gx: "81AEE4BDD82ED9645A21322E9C4C6A9385ED9F70B5D916C1B43B62EEF4D0098EFF3B1F78E2D0D48D50D1687B93B97D5F7C6D5047406A5E688B352209BCB9F822",
                gy: "7DDE385D566332ECC0EABFA9CF7822FDF209F70024A57B1AA000C55B881F8111B2DCDE494A5F485E5BCA4BD88A2763AED1CA2B2FA8F0540678CD1E0F3AD80892",
                n: "AADD9DB8DBE9C48B3FD4E6AE33C9FC07CB308DB3B3C9D20ED6639CCA70330870553E5C414CA92619418661197FAC10471DB1D381085DDADDB58796829CA90069",
                h: 1,
            },
        }
    }
}
