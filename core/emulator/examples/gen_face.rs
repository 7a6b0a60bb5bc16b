//! Draws the synthetic specimen portrait used by the emulator's DG2 and writes it as JPEG.
//!
//! `cargo run -p tapid-emulator --example gen_face -- fixtures/faces/specimen.jpg`
//!
//! The face is procedural (no real person): a lit head and shoulders on a neutral ICAO-style
//! background, with film grain so the JPEG has the size of a real DG2 portrait (~20 KB).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    missing_docs
)]

use image::{ImageEncoder, Rgb, RgbImage, codecs::jpeg::JpegEncoder};

fn ellipse(x: f32, y: f32, cx: f32, cy: f32, rx: f32, ry: f32) -> f32 {
    ((x - cx) / rx).powi(2) + ((y - cy) / ry).powi(2)
}

fn main() {
    let out = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "fixtures/faces/specimen.jpg".into());
    let (w, h) = (240u32, 320u32);
    let mut img = RgbImage::new(w, h);
    let mut noise: u32 = 0x1234_5678;
    for y in 0..h {
        for x in 0..w {
            let (fx, fy) = (x as f32, y as f32);
            // Background: light grey-blue gradient.
            let mut c = [200.0 - fy * 0.08, 206.0 - fy * 0.06, 214.0 - fy * 0.05];
            // Shoulders and jacket.
            if ellipse(fx, fy, 120.0, 330.0, 125.0, 80.0) < 1.0 {
                c = [48.0, 58.0, 82.0];
            }
            // Neck.
            if (100.0..140.0).contains(&fx) && (200.0..262.0).contains(&fy) {
                c = [214.0, 168.0, 140.0];
            }
            // Hair behind the head.
            let hair = ellipse(fx, fy, 120.0, 128.0, 66.0, 84.0);
            if hair < 1.0 {
                c = [72.0, 50.0, 36.0];
            }
            // Face with soft shading.
            let face = ellipse(fx, fy, 120.0, 146.0, 54.0, 70.0);
            if face < 1.0 && fy > 88.0 {
                let shade = 1.0 - 0.25 * face - 0.002 * (fx - 105.0).abs();
                c = [228.0 * shade, 182.0 * shade, 152.0 * shade];
            }
            // Eyes, brows, nose, mouth.
            for ex in [98.0, 142.0] {
                let e = ellipse(fx, fy, ex, 136.0, 10.0, 5.0);
                if e < 1.0 {
                    c = if ellipse(fx, fy, ex, 136.0, 4.0, 4.0) < 1.0 {
                        [40.0, 60.0, 90.0]
                    } else {
                        [245.0, 245.0, 240.0]
                    };
                }
                if ellipse(fx, fy, ex, 122.0, 14.0, 3.0) < 1.0 {
                    c = [70.0, 48.0, 34.0];
                }
            }
            if ellipse(fx, fy, 120.0, 160.0, 5.0, 14.0) < 1.0 {
                c = [c[0] * 0.9, c[1] * 0.88, c[2] * 0.88];
            }
            if ellipse(fx, fy, 120.0, 186.0, 18.0, 4.5) < 1.0 {
                c = [170.0, 90.0, 90.0];
            }
            // Film grain.
            noise ^= noise << 13;
            noise ^= noise >> 17;
            noise ^= noise << 5;
            let g = (noise % 23) as f32 - 11.0;
            let px = Rgb([
                (c[0] + g).clamp(0.0, 255.0) as u8,
                (c[1] + g).clamp(0.0, 255.0) as u8,
                (c[2] + g).clamp(0.0, 255.0) as u8,
            ]);
            img.put_pixel(x, y, px);
        }
    }
    let mut bytes = Vec::new();
    JpegEncoder::new_with_quality(&mut bytes, 85)
        .write_image(img.as_raw(), w, h, image::ExtendedColorType::Rgb8)
        .unwrap();
    std::fs::write(&out, &bytes).unwrap();
    println!("{out}: {} bytes, {w}x{h}", bytes.len());
}
