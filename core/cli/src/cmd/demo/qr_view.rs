//! The animated QR in the terminal: each frame rendered as text (two modules per character
//! cell, light modules drawn so that a dark terminal shows dark-on-light as scanners expect),
//! redrawn in place on a terminal.

use std::io::{IsTerminal, Write};

use qrcode::QrCode;
use qrcode::render::unicode::Dense1x2;

use super::error::DemoError;

/// A QR code shown in place: the next frame replaces the last one on a terminal.
#[derive(Debug, Default)]
pub struct QrView {
    drawn_lines: usize,
}

/// The frame as text lines.
pub fn render(payload: &str) -> Result<String, DemoError> {
    let code = QrCode::new(payload.as_bytes())
        .map_err(|e| DemoError::Unexpected(format!("QR encoding: {e}")))?;
    Ok(code
        .render::<Dense1x2>()
        .dark_color(Dense1x2::Light)
        .light_color(Dense1x2::Dark)
        .quiet_zone(true)
        .build())
}

impl QrView {
    /// Whether frames can be redrawn in place (stdout is a terminal).
    pub fn animates() -> bool {
        std::io::stdout().is_terminal()
    }

    /// Shows `payload`, replacing the frame shown before it.
    pub fn show(&mut self, payload: &str) -> Result<(), DemoError> {
        let text = render(payload)?;
        let mut out = std::io::stdout().lock();
        if self.drawn_lines > 0 {
            let _ = write!(out, "\x1b[{}A", self.drawn_lines);
        }
        let _ = writeln!(out, "{text}");
        let _ = writeln!(out, "  {payload}");
        let _ = out.flush();
        self.drawn_lines = text.lines().count() + 1;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_frame_renders_as_a_square_of_text() {
        let frame = "bankid.67df3917-fa0d-44e5-b327-edcc928297f8.0.\
                     dc69358e712458a66a7525beef148ae8526b1c71610eff2c16cdffb4cdac9bf8";
        let text = render(frame).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        let width = lines[0].chars().count();
        assert!(width > 25, "{width}");
        assert!(lines.iter().all(|l| l.chars().count() == width));
        // Two modules per line: about half as many lines as columns.
        assert_eq!(lines.len(), width.div_ceil(2));
    }
}
