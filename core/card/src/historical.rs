//! The historical bytes of an ATR/ATS (ISO/IEC 7816-4 §8.1.1): what a card says about itself
//! before any command, in particular whether it takes extended Lc/Le fields (the card
//! capabilities object, compact-TLV tag `7`, third software function table bit b7).

/// Third software function table bit: extended Lc and Le fields.
pub const EXTENDED_LC_LE: u8 = 0x40;

/// The card capabilities object (compact-TLV tag `7`) of `historical` bytes, if any.
pub fn card_capabilities(historical: &[u8]) -> Option<&[u8]> {
    let objects = match historical.split_first() {
        // Compact-TLV objects, the status indicator possibly among them.
        Some((0x80, rest)) => rest,
        // Compact-TLV objects, then a 3-byte status indicator.
        Some((0x00, rest)) => rest.get(..rest.len().checked_sub(3)?)?,
        _ => return None,
    };
    let mut i = 0usize;
    while let Some(&head) = objects.get(i) {
        let len = usize::from(head & 0x0F);
        let value = objects.get(i + 1..i + 1 + len)?;
        if head >> 4 == 0x7 {
            return Some(value);
        }
        i += 1 + len;
    }
    None
}

/// What the card says about extended length: `None` when it says nothing (no card
/// capabilities object with a third table), otherwise the "extended Lc and Le fields" bit.
pub fn extended_length(historical: &[u8]) -> Option<bool> {
    let third = card_capabilities(historical)?.get(2)?;
    Some(third & EXTENDED_LC_LE != 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn card_capabilities_decide() {
        assert_eq!(extended_length(&[0x80, 0x73, 0x94, 0x21, 0x40]), Some(true));
        assert_eq!(
            extended_length(&[0x80, 0x73, 0x94, 0x21, 0x00]),
            Some(false)
        );
        // Status indicator at the end (category 00), another object first.
        assert_eq!(
            extended_length(&[
                0x00, 0x62, 0xAA, 0xBB, 0x73, 0x00, 0x00, 0xC0, 0x00, 0x90, 0x00
            ]),
            Some(true)
        );
        assert_eq!(extended_length(&[0x80]), None);
        assert_eq!(extended_length(&[]), None);
        // Only two tables: says nothing about extended length.
        assert_eq!(extended_length(&[0x80, 0x72, 0x94, 0x21]), None);
        // Truncated object.
        assert_eq!(extended_length(&[0x80, 0x73, 0x94]), None);
    }
}
