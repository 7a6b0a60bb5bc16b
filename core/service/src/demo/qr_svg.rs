//! One frame of the animated QR code as an SVG image, rendered by the page's backend: the
//! browser shows it as it is and never sees the secret the frame is computed from.

use qrcode::render::svg;
use qrcode::{EcLevel, QrCode};

/// Pixels per module in the SVG's own coordinates (the page scales the image).
const MODULE: u32 = 8;

/// The payload is too long for a QR code (a frame is about 110 characters: it never is).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("the QR payload does not fit a QR code")]
pub struct QrTooLong;

/// `payload` as an SVG QR code: error correction level L and a quiet zone of four modules, as
/// the official relying-party demo renders it, black on white, crisp edges.
pub fn render(payload: &str) -> Result<String, QrTooLong> {
    let code = QrCode::with_error_correction_level(payload.as_bytes(), EcLevel::L)
        .map_err(|_| QrTooLong)?;
    Ok(code
        .render::<svg::Color<'_>>()
        .module_dimensions(MODULE, MODULE)
        .quiet_zone(true)
        .dark_color(svg::Color("#000000"))
        .light_color(svg::Color("#ffffff"))
        .build())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_frame_renders_as_one_square_svg() {
        let frame = "bankid.67df3917-fa0d-44e5-b327-edcc928297f8.0.\
                     dc69358e712458a66a7525beef148ae8526b1c71610eff2c16cdffb4cdac9bf8";
        let svg = render(frame).unwrap();
        assert!(svg.contains("<svg"), "{svg}");
        assert!(svg.ends_with("</svg>"));
        let code = QrCode::with_error_correction_level(frame.as_bytes(), EcLevel::L).unwrap();
        let side = (code.width() as u32 + 8) * MODULE;
        assert!(
            svg.contains(&format!(r#"width="{side}" height="{side}""#)),
            "{svg}"
        );
        assert_eq!(render(&"x".repeat(4_000)), Err(QrTooLong));
    }
}
