//! PNG charts: the SVG that plotters draws (the same drawing code as the web app's canvas) turned
//! into pixels by resvg, with DejaVu Sans embedded in the binary.
//!
//! Owns: the embedded font, the scale of PNGs and their pixel limit.
//! Must not: draw a chart itself or read the machine's fonts. A PNG shows exactly what its SVG
//! shows, on every machine. (Plotters' own bitmap backend was not used: its `ab_glyph` font
//! feature would switch every native build of plotters in the workspace to a font registry,
//! and `stampede-charts` would then fail to lay out text wherever no font is registered.)

use std::sync::Arc;

use resvg::{tiny_skia, usvg};

/// Family name of the embedded font; SVG `sans-serif` (what the charts ask for) resolves to it.
const FAMILY: &str = "DejaVu Sans";

/// Largest `--png-scale`: device pixels per chart pixel.
pub const SCALE_MAX: u32 = 4;

/// Largest PNG, pixels (width × height after scaling): 64 megapixels, 256 MiB of RGBA.
pub const PIXELS_MAX: u64 = 64_000_000;

/// Parse options whose only font is the embedded DejaVu Sans.
fn options() -> usvg::Options<'static> {
    let mut fonts = usvg::fontdb::Database::new();
    fonts.load_font_source(usvg::fontdb::Source::Binary(Arc::new(
        dejavu::sans::regular(),
    )));
    fonts.set_sans_serif_family(FAMILY);
    usvg::Options {
        font_family: FAMILY.to_string(),
        fontdb: Arc::new(fonts),
        ..usvg::Options::default()
    }
}

/// Pixels of a PNG of a `size_px` chart at `scale`.
pub fn pixels(size_px: (u32, u32), scale: u32) -> u64 {
    u64::from(size_px.0) * u64::from(size_px.1) * u64::from(scale).pow(2)
}

/// Encodes an SVG chart as PNG at `scale` (1 to [`SCALE_MAX`]) device pixels per SVG pixel:
/// the PNG is the SVG's width and height times `scale`.
pub fn svg_to_png(svg: &str, scale: u32) -> Result<Vec<u8>, String> {
    assert!(
        (1..=SCALE_MAX).contains(&scale),
        "scale {scale} out of range"
    );
    let tree = usvg::Tree::from_str(svg, &options()).map_err(|e| format!("bad SVG: {e}"))?;
    let size = tree.size();
    let (width, height) = (
        size.width().round() as u32 * scale,
        size.height().round() as u32 * scale,
    );
    if u64::from(width) * u64::from(height) > PIXELS_MAX {
        return Err(format!("{width}×{height} pixels is more than {PIXELS_MAX}"));
    }
    let mut pixmap = tiny_skia::Pixmap::new(width, height)
        .ok_or_else(|| format!("cannot allocate {width}×{height} pixels"))?;
    let zoom = scale as f32;
    resvg::render(
        &tree,
        tiny_skia::Transform::from_scale(zoom, zoom),
        &mut pixmap.as_mut(),
    );
    pixmap
        .encode_png()
        .map_err(|e| format!("PNG encoding: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Decodes an RGBA PNG into (width, height, pixels).
    fn decode(png: &[u8]) -> (u32, u32, Vec<[u8; 4]>) {
        let pixmap = tiny_skia::Pixmap::decode_png(png).unwrap();
        let pixels = pixmap
            .pixels()
            .iter()
            .map(|p| {
                let c = p.demultiply();
                [c.red(), c.green(), c.blue(), c.alpha()]
            })
            .collect();
        (pixmap.width(), pixmap.height(), pixels)
    }

    fn text_svg(text: &str) -> String {
        format!(
            r##"<svg width="200" height="40" xmlns="http://www.w3.org/2000/svg">
<rect x="0" y="0" width="200" height="40" fill="#FFFFFF"/>
<text x="10" y="10" dy="0.76em" font-family="sans-serif" font-size="16" fill="#000000">{text}</text>
</svg>"##
        )
    }

    fn dark(pixels: &[[u8; 4]]) -> usize {
        pixels.iter().filter(|p| p[0] < 128 && p[3] == 255).count()
    }

    #[test]
    fn text_is_drawn_with_the_embedded_font() {
        let (w, h, blank) = decode(&svg_to_png(&text_svg(""), 1).unwrap());
        assert_eq!((w, h), (200, 40));
        assert_eq!(dark(&blank), 0, "a white SVG stays white");
        // Without a font for `sans-serif`, resvg drops text silently and this would be 0.
        let (_, _, text) = decode(&svg_to_png(&text_svg("Stampede × 2 → ok"), 1).unwrap());
        assert!(dark(&text) > 100, "{} dark pixels", dark(&text));
    }

    #[test]
    fn scale_multiplies_both_sides() {
        let (w, h, data) = decode(&svg_to_png(&text_svg("x"), 3).unwrap());
        assert_eq!((w, h), (600, 120));
        assert_eq!(data.len() as u64, pixels((200, 40), 3));
    }
}
