//! QR codes for short links, as SVG (for print and the web) and PNG (for chat and slides).

use qrcode::render::svg;
use qrcode::{EcLevel, QrCode};

#[derive(Debug, thiserror::Error)]
pub enum QrError {
    #[error("the link is too long for a QR code")]
    TooLong,
    #[error("the image could not be encoded")]
    Encoding,
}

/// Medium error correction: survives a smudge or a logo sticker, keeps codes small.
fn code(url: &str) -> Result<QrCode, QrError> {
    QrCode::with_error_correction_level(url.as_bytes(), EcLevel::M).map_err(|_| QrError::TooLong)
}

pub fn svg(url: &str) -> Result<String, QrError> {
    Ok(code(url)?
        .render::<svg::Color<'_>>()
        .min_dimensions(256, 256)
        .quiet_zone(true)
        .build())
}

/// A black-on-white PNG, `scale` pixels per module, with the standard 4-module quiet zone.
pub fn png(url: &str, scale: u32) -> Result<Vec<u8>, QrError> {
    let code = code(url)?;
    let modules = code.width() as u32;
    let colors = code.to_colors();
    let quiet = 4;
    let side = (modules + 2 * quiet) * scale;
    let mut pixels = vec![255u8; (side * side) as usize];
    for (i, color) in colors.iter().enumerate() {
        if *color == qrcode::Color::Light {
            continue;
        }
        let (mx, my) = (i as u32 % modules, i as u32 / modules);
        for dy in 0..scale {
            let row = ((my + quiet) * scale + dy) * side;
            let start = (row + (mx + quiet) * scale) as usize;
            pixels[start..start + scale as usize].fill(0);
        }
    }
    let mut out = Vec::new();
    {
        let mut encoder = png::Encoder::new(&mut out, side, side);
        encoder.set_color(png::ColorType::Grayscale);
        encoder.set_depth(png::BitDepth::Eight);
        let mut writer = encoder.write_header().map_err(|_| QrError::Encoding)?;
        writer
            .write_image_data(&pixels)
            .map_err(|_| QrError::Encoding)?;
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn svg_is_an_svg_document() {
        let doc = svg("https://go.example.com/abc1234").unwrap();
        assert!(doc.starts_with("<?xml") && doc.contains("<svg") && doc.contains("</svg>"));
    }

    #[test]
    fn png_has_the_signature_and_expected_size() {
        let bytes = png("https://go.example.com/abc1234", 8).unwrap();
        assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n");
        let decoder = png::Decoder::new(std::io::Cursor::new(bytes));
        let reader = decoder.read_info().unwrap();
        let info = reader.info();
        let modules = code("https://go.example.com/abc1234").unwrap().width() as u32;
        assert_eq!(modules, 29, "version 3 at level M for a URL of this length");
        assert_eq!(
            info.width,
            (modules + 8) * 8,
            "4 modules of quiet zone each side"
        );
        assert_eq!(info.width, info.height);
    }

    #[test]
    fn overlong_input_is_refused() {
        assert!(matches!(svg(&"x".repeat(5000)), Err(QrError::TooLong)));
    }
}
