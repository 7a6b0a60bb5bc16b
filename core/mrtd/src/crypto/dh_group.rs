//! The standardized Diffie–Hellman groups of PACE (IDs 0–2 = RFC 5114 §2.1–2.3).

use super::CryptoError;

/// A standardized MODP group with a prime-order subgroup.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum StandardDhGroup {
    /// RFC 5114 §2.1: 1024-bit MODP group with a 160-bit prime-order subgroup; PACE standardized domain parameter ID 0.
    Rfc5114Modp1024Q160,
    /// RFC 5114 §2.2: 2048-bit MODP group with a 224-bit prime-order subgroup; PACE standardized domain parameter ID 1.
    Rfc5114Modp2048Q224,
    /// RFC 5114 §2.3: 2048-bit MODP group with a 256-bit prime-order subgroup; PACE standardized domain parameter ID 2.
    Rfc5114Modp2048Q256,
}

/// The hex of (p, g, q), split in lines so that the constants stay readable.
struct DhConsts {
    p: &'static [&'static str],
    g: &'static [&'static str],
    q: &'static str,
}

impl StandardDhGroup {
    /// All three groups, in parameter-ID order.
    pub const ALL: [StandardDhGroup; 3] = [
        StandardDhGroup::Rfc5114Modp1024Q160,
        StandardDhGroup::Rfc5114Modp2048Q224,
        StandardDhGroup::Rfc5114Modp2048Q256,
    ];

    /// The PACE standardized domain parameter ID (0, 1 or 2).
    pub fn standardized_id(self) -> u8 {
        match self {
            StandardDhGroup::Rfc5114Modp1024Q160 => 0,
            StandardDhGroup::Rfc5114Modp2048Q224 => 1,
            StandardDhGroup::Rfc5114Modp2048Q256 => 2,
        }
    }

    /// Looks a group up by its standardized domain parameter ID.
    pub fn from_standardized_id(id: u64) -> Result<Self, CryptoError> {
        Self::ALL
            .into_iter()
            .find(|g| u64::from(g.standardized_id()) == id)
            .ok_or(CryptoError::UnknownParameterId(id))
    }

    fn consts(self) -> DhConsts {
        match self {
            StandardDhGroup::Rfc5114Modp1024Q160 => DhConsts {
                p: &[
                    "B10B8F96A080E01DDE92DE5EAE5D54EC52C99FBCFB06A3C69A6A9DCA52D23B61",
                    "6073E28675A23D189838EF1E2EE652C013ECB4AEA906112324975C3CD49B83BF",
                    "ACCBDD7D90C4BD7098488E9C219A73724EFFD6FAE5644738FAA31A4FF55BCCC0",
                    "A151AF5F0DC8B4BD45BF37DF365C1A65E68CFDA76D4DA708DF1FB2BC2E4A4371",
                ],
                g: &[
                    "A4D1CBD5C3FD34126765A442EFB99905F8104DD258AC507FD6406CFF14266D31",
                    "266FEA1E5C41564B777E690F5504F213160217B4B01B886A5E91547F9E2749F4",
                    "D7FBD7D3B9A92EE1909D0D2263F80A76A6A24C087A091F531DBF0A0169B6A28A",
                    "D662A4D18E73AFA32D779D5918D08BC8858F4DCEF97C2A24855E6EEB22B3B2E5",
                ],
                q: "F518AA8781A8DF278ABA4E7D64B7CB9D49462353",
            },
            StandardDhGroup::Rfc5114Modp2048Q224 => DhConsts {
                p: &[
                    "AD107E1E9123A9D0D660FAA79559C51FA20D64E5683B9FD1B54B1597B61D0A75",
                    "E6FA141DF95A56DBAF9A3C407BA1DF15EB3D688A309C180E1DE6B85A1274A0A6",
                    "6D3F8152AD6AC2129037C9EDEFDA4DF8D91E8FEF55B7394B7AD5B7D0B6C12207",
                    "C9F98D11ED34DBF6C6BA0B2C8BBC27BE6A00E0A0B9C49708B3BF8A3170918836",
                    "81286130BC8985DB1602E714415D9330278273C7DE31EFDC7310F7121FD5A074",
                    "15987D9ADC0A486DCDF93ACC44328387315D75E198C641A480CD86A1B9E587E8",
                    "BE60E69CC928B2B9C52172E413042E9B23F10B0E16E79763C9B53DCF4BA80A29",
                    "E3FB73C16B8E75B97EF363E2FFA31F71CF9DE5384E71B81C0AC4DFFE0C10E64F",
                ],
                g: &[
                    "AC4032EF4F2D9AE39DF30B5C8FFDAC506CDEBE7B89998CAF74866A08CFE4FFE3",
                    "A6824A4E10B9A6F0DD921F01A70C4AFAAB739D7700C29F52C57DB17C620A8652",
                    "BE5E9001A8D66AD7C17669101999024AF4D027275AC1348BB8A762D0521BC98A",
                    "E247150422EA1ED409939D54DA7460CDB5F6C6B250717CBEF180EB34118E98D1",
                    "19529A45D6F834566E3025E316A330EFBB77A86F0C1AB15B051AE3D428C8F8AC",
                    "B70A8137150B8EEB10E183EDD19963DDD9E263E4770589EF6AA21E7F5F2FF381",
                    "B539CCE3409D13CD566AFBB48D6C019181E1BCFE94B30269EDFE72FE9B6AA4BD",
                    "7B5A0F1C71CFFF4C19C418E1F6EC017981BC087F2A7065B384B890D3191F2BFA",
                ],
                q: "801C0D34C58D93FE997177101F80535A4738CEBCBF389A99B36371EB",
            },
            StandardDhGroup::Rfc5114Modp2048Q256 => DhConsts {
                p: &[
                    "87A8E61DB4B6663CFFBBD19C651959998CEEF608660DD0F25D2CEED4435E3B00",
                    "E00DF8F1D61957D4FAF7DF4561B2AA3016C3D91134096FAA3BF4296D830E9A7C",
                    "209E0C6497517ABD5A8A9D306BCF67ED91F9E6725B4758C022E0B1EF4275BF7B",
                    "6C5BFC11D45F9088B941F54EB1E59BB8BC39A0BF12307F5C4FDB70C581B23F76",
                    "B63ACAE1CAA6B7902D52526735488A0EF13C6D9A51BFA4AB3AD8347796524D8E",
                    "F6A167B5A41825D967E144E5140564251CCACB83E6B486F6B3CA3F7971506026",
                    "C0B857F689962856DED4010ABD0BE621C3A3960A54E710C375F26375D7014103",
                    "A4B54330C198AF126116D2276E11715F693877FAD7EF09CADB094AE91E1A1597",
                ],
                g: &[
                    "3FB32C9B73134D0B2E77506660EDBD484CA7B18F21EF205407F4793A1A0BA125",
                    "10DBC15077BE463FFF4FED4AAC0BB555BE3A6C1B0C6B47B1BC3773BF7E8C6F62",
                    "901228F8C28CBB18A55AE31341000A650196F931C77A57F2DDF463E5E9EC144B",
                    "777DE62AAAB8A8628AC376D282D6ED3864E67982428EBC831D14348F6F2F9193",
                    "B5045AF2767164E1DFC967C1FB3F2E55A4BD1BFFE83B9C80D052B985D182EA0A",
                    "DB2A3B7313D3FE14C8484B1E052588B9B7D2BBD2DF016199ECD06E1557CD0915",
                    "B3353BBB64E0EC377FD028370DF92B52C7891428CDC67EB6184B523D1DB246C3",
                    "2F63078490F00EF8D647D148D47954515E2327CFEF98C582664B4C0F6CC41659",
                ],
                q: "8CF83642A709A097B447997640129DA299B1A47D1EB3750BA308B0FE64F5FBD3",
            },
        }
    }

    /// The prime modulus p, big-endian, |p| bytes.
    pub fn p(self) -> Vec<u8> {
        decode_lines(self.consts().p)
    }

    /// The generator g, big-endian, |p| bytes.
    pub fn g(self) -> Vec<u8> {
        decode_lines(self.consts().g)
    }

    /// The subgroup order q, big-endian.
    pub fn q(self) -> Vec<u8> {
        decode_lines(&[self.consts().q])
    }
}

/// Joins the hex lines and decodes them; the constants are tested, so a failure is impossible
/// in practice and yields an empty vector that every consumer rejects.
fn decode_lines(lines: &[&str]) -> Vec<u8> {
    hex::decode(lines.concat()).unwrap_or_default()
}
