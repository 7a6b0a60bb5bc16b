//! The ICAO 9303-3 §4.9 check digit: weights 7, 3, 1; `0`–`9` = value, `A`–`Z` = 10–35,
//! `<` = 0; sum mod 10.

/// Numeric value of an MRZ character, or `None` for characters the MRZ does not allow.
pub fn char_value(c: u8) -> Option<u32> {
    match c {
        b'0'..=b'9' => Some(u32::from(c - b'0')),
        b'A'..=b'Z' => Some(u32::from(c - b'A') + 10),
        b'<' => Some(0),
        _ => None,
    }
}

/// The check digit over `field`, or `None` if it holds a character the MRZ does not allow.
pub fn compute(field: &[u8]) -> Option<u8> {
    const WEIGHTS: [u32; 3] = [7, 3, 1];
    let mut sum = 0u32;
    for (c, w) in field.iter().zip(WEIGHTS.iter().cycle()) {
        sum += char_value(*c)? * w;
    }
    Some(b'0' + (sum % 10) as u8)
}

/// Whether `digit` is the check digit of `field`. A `<` check digit counts as `0`, which
/// ICAO allows for an optional-data field that is entirely filler.
pub fn verify(field: &[u8], digit: u8) -> bool {
    let digit = if digit == b'<' { b'0' } else { digit };
    compute(field) == Some(digit)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn icao_examples() {
        assert_eq!(compute(b"L898902C<"), Some(b'3'));
        assert_eq!(compute(b"690806"), Some(b'1'));
        assert_eq!(compute(b"940623"), Some(b'6'));
        assert_eq!(compute(b"D23145890734"), Some(b'9'));
        assert_eq!(compute(b"520727"), Some(b'3'));
        assert_eq!(compute(b"<<<<<<<<<<<<<<"), Some(b'0'));
        assert!(verify(b"<<<<<<<<<<<<<<", b'<'));
        assert_eq!(compute(b"a"), None);
    }
}
