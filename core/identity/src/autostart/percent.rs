//! Percent-encoding of query values (RFC 3986: everything but unreserved characters is encoded).

use crate::error::{Error, Result};

/// Encodes `s` for use as a query parameter value.
pub fn encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len() * 3);
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Decodes a query value; `+` stays `+`, malformed escapes and invalid UTF-8 are errors.
pub fn decode(s: &str) -> Result<String> {
    let mut out = Vec::with_capacity(s.len());
    let mut bytes = s.bytes();
    while let Some(b) = bytes.next() {
        if b == b'%' {
            let hi = bytes.next().and_then(hex_val);
            let lo = bytes.next().and_then(hex_val);
            match (hi, lo) {
                (Some(h), Some(l)) => out.push(h << 4 | l),
                _ => return Err(Error::LaunchUrlSyntax("bad percent escape")),
            }
        } else {
            out.push(b);
        }
    }
    String::from_utf8(out).map_err(|_| Error::LaunchUrlSyntax("value is not UTF-8"))
}

fn hex_val(b: u8) -> Option<u8> {
    char::from(b)
        .to_digit(16)
        .and_then(|d| u8::try_from(d).ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip() {
        let url = "https://rp.example/return?a=1&b=2#x";
        assert_eq!(
            encode(url),
            "https%3A%2F%2Frp.example%2Freturn%3Fa%3D1%26b%3D2%23x"
        );
        assert_eq!(decode(&encode(url)).unwrap(), url);
        assert_eq!(
            decode("%e5").unwrap_err(),
            Error::LaunchUrlSyntax("value is not UTF-8")
        );
        assert!(decode("%2").is_err());
        assert!(decode("%zz").is_err());
        assert_eq!(decode("%C3%A5").unwrap(), "å");
    }
}
