//! A small DER writer for the test PKI: certificates, CRLs and SignedData are assembled from
//! these primitives so that every byte the emulator signs is under our control.

use tapid_mrtd::oid;

/// Encodes one TLV with a single-byte tag.
pub(crate) fn tlv(tag: u8, content: &[u8]) -> Vec<u8> {
    let mut out = vec![tag];
    let len = content.len();
    if len < 0x80 {
        out.push(len as u8);
    } else {
        let bytes = len.to_be_bytes();
        let skip = bytes.iter().take_while(|b| **b == 0).count();
        let significant = bytes.get(skip..).unwrap_or_default();
        out.push(0x80 | significant.len() as u8);
        out.extend_from_slice(significant);
    }
    out.extend_from_slice(content);
    out
}

/// SEQUENCE of already encoded elements.
pub(crate) fn seq(parts: &[&[u8]]) -> Vec<u8> {
    tlv(0x30, &parts.concat())
}

/// SET of already encoded elements, sorted as DER requires for SET OF.
pub(crate) fn set_of(parts: &[&[u8]]) -> Vec<u8> {
    let mut sorted: Vec<&[u8]> = parts.to_vec();
    sorted.sort();
    tlv(0x31, &sorted.concat())
}

/// OBJECT IDENTIFIER.
pub(crate) fn oid(o: &oid::Oid) -> Vec<u8> {
    tlv(0x06, o.as_bytes())
}

/// INTEGER from unsigned big-endian bytes (minimal, with a sign octet when needed).
pub(crate) fn uint(bytes: &[u8]) -> Vec<u8> {
    let skip = bytes.iter().take_while(|b| **b == 0).count();
    let mut v: Vec<u8> = bytes.get(skip..).unwrap_or_default().to_vec();
    if v.first().is_none_or(|b| b & 0x80 != 0) {
        v.insert(0, 0);
    }
    tlv(0x02, &v)
}

/// INTEGER from a small number.
pub(crate) fn small(n: u64) -> Vec<u8> {
    uint(&n.to_be_bytes())
}

/// OCTET STRING.
pub(crate) fn octets(b: &[u8]) -> Vec<u8> {
    tlv(0x04, b)
}

/// BIT STRING with no unused bits.
pub(crate) fn bits(b: &[u8]) -> Vec<u8> {
    let mut c = vec![0u8];
    c.extend_from_slice(b);
    tlv(0x03, &c)
}

/// NULL.
pub(crate) fn null() -> Vec<u8> {
    vec![0x05, 0x00]
}

/// Constructed context-specific tag `[n]` around `content`.
pub(crate) fn ctx(n: u8, content: &[u8]) -> Vec<u8> {
    tlv(0xA0 | n, content)
}

/// UTCTime (years 1950–2049) or GeneralizedTime for a Unix time.
pub(crate) fn time(unix: i64) -> Vec<u8> {
    let days = unix.div_euclid(86_400);
    let secs = unix.rem_euclid(86_400);
    let (y, m, d) = civil_from_days(days);
    let (hh, mm, ss) = (secs / 3600, secs % 3600 / 60, secs % 60);
    if (1950..2050).contains(&y) {
        tlv(
            0x17,
            format!("{:02}{m:02}{d:02}{hh:02}{mm:02}{ss:02}Z", y % 100).as_bytes(),
        )
    } else {
        tlv(
            0x18,
            format!("{y:04}{m:02}{d:02}{hh:02}{mm:02}{ss:02}Z").as_bytes(),
        )
    }
}

/// Days since 1970-01-01 → (year, month, day) in the proleptic Gregorian calendar.
fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

/// A Name `C=country, O=org, CN=cn` (PrintableString values).
pub(crate) fn name(country: &str, org: &str, cn: &str) -> Vec<u8> {
    let rdn = |o: &oid::Oid, v: &str| set_of(&[&seq(&[&oid(o), &tlv(0x13, v.as_bytes())])]);
    seq(&[
        &rdn(&oid::COUNTRY_NAME, country),
        &rdn(&oid::ORGANIZATION_NAME, org),
        &rdn(&oid::COMMON_NAME, cn),
    ])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodings() {
        assert_eq!(uint(&[0x80]), vec![0x02, 0x02, 0x00, 0x80]);
        assert_eq!(uint(&[0, 0, 5]), vec![0x02, 0x01, 0x05]);
        assert_eq!(small(0), vec![0x02, 0x01, 0x00]);
        assert_eq!(tlv(0x04, &[0u8; 200])[..3], [0x04, 0x81, 200]);
        assert_eq!(time(0), tlv(0x17, b"700101000000Z"));
        assert_eq!(time(1_704_067_200), tlv(0x17, b"240101000000Z"));
        assert_eq!(time(2_556_144_000), tlv(0x18, b"20510101000000Z"));
    }
}
