//! Framing shared by the store file and the attempt-counter file: a magic line with the format
//! version, the SHA-256 of the body in lowercase hex, then the body. A flipped bit, a cut-off
//! write or a foreign file is detected before the body is parsed.

use sha2::{Digest, Sha256};

use crate::error::Corruption;

/// Wraps `body` with the magic line and checksum.
pub fn frame(magic: &str, version: u32, body: &[u8]) -> Vec<u8> {
    let checksum = hex::encode(Sha256::digest(body));
    let mut out = format!("{magic} v{version}\n{checksum}\n").into_bytes();
    out.extend_from_slice(body);
    out
}

/// Checks magic, version and checksum and returns the body.
///
/// # Errors
/// The [`Corruption`] found.
pub fn unframe<'a>(magic: &str, version: u32, file: &'a [u8]) -> Result<&'a [u8], Corruption> {
    let mut parts = file.splitn(3, |&b| b == b'\n');
    let (Some(header), Some(checksum), Some(body)) = (parts.next(), parts.next(), parts.next())
    else {
        return Err(if file.starts_with(magic.as_bytes()) {
            Corruption::Truncated
        } else {
            Corruption::BadMagic
        });
    };
    let header = header
        .strip_prefix(magic.as_bytes())
        .ok_or(Corruption::BadMagic)?;
    let file_version = header.strip_prefix(b" v").ok_or(Corruption::BadMagic)?;
    if file_version != version.to_string().as_bytes() {
        return Err(Corruption::UnsupportedVersion);
    }
    if checksum != hex::encode(Sha256::digest(body)).as_bytes() {
        return Err(Corruption::ChecksumMismatch);
    }
    Ok(body)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_damage_detection() {
        let file = frame("magic", 1, b"{\"a\":1}\nmore");
        assert_eq!(unframe("magic", 1, &file).unwrap(), b"{\"a\":1}\nmore");
        assert_eq!(unframe("other", 1, &file), Err(Corruption::BadMagic));
        assert_eq!(
            unframe("magic", 2, &file),
            Err(Corruption::UnsupportedVersion)
        );
        assert_eq!(
            unframe("magic", 1, &file[..file.len() - 1]),
            Err(Corruption::ChecksumMismatch)
        );
        assert_eq!(unframe("magic", 1, &file[..9]), Err(Corruption::Truncated));
        assert_eq!(unframe("magic", 1, b""), Err(Corruption::BadMagic));
        let mut upper = file.clone();
        upper[12] = upper[12].to_ascii_uppercase();
        if upper != file {
            assert_eq!(
                unframe("magic", 1, &upper),
                Err(Corruption::ChecksumMismatch)
            );
        }
    }
}
