//! What the demo tells a person: short lines naming the party that acts. Silent with
//! `--json`, where stdout carries only the flows' objects.

/// The demo's human output.
#[derive(Debug, Clone, Copy)]
pub struct Say {
    json: bool,
}

impl Say {
    /// Human lines unless `json`.
    pub fn new(json: bool) -> Self {
        Self { json }
    }

    /// Whether the output is JSON (no human lines, no QR, no progress bar).
    pub fn json(&self) -> bool {
        self.json
    }

    /// `party: text`.
    pub fn line(&self, party: &str, text: &str) {
        if !self.json {
            outln!("{party:>8}: {text}");
        }
    }

    /// A flow's title.
    pub fn heading(&self, title: &str) {
        if !self.json {
            outln!();
            outln!("== {title}");
        }
    }
}
