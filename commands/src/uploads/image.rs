//! Images: their size in pixels and a thumbnail, decoded with limits.
//!
//! An image file can be small and decode to gigabytes (a "decompression bomb": a PNG of a few
//! kilobytes that declares 100,000 × 100,000 pixels). The decoder is given limits on both sides
//! and on memory, and the pixel count is checked from the header before any pixel is decoded,
//! so such a file is refused (`image_too_large`) having cost a header read. Decoding is CPU
//! work: it runs on the blocking pool, [`DECODES_AT_ONCE`] at a time per process.

use std::io::Cursor;

use bytes::Bytes;
use chat_domain::attachment::{MimeType, Sha256Digest};
use image::codecs::jpeg::JpegEncoder;
use image::{DynamicImage, ImageDecoder, ImageError, ImageFormat, ImageReader, Limits};
use sha2::{Digest, Sha256};

use super::error::UploadError;

/// Widest and tallest image accepted, in pixels.
pub const MAX_SIDE: u32 = 10_000;
/// Most pixels accepted (about a 50-megapixel photo).
pub const MAX_PIXELS: u64 = 50_000_000;
/// Memory a decode may take.
const MAX_DECODE_BYTES: u64 = 256 * 1024 * 1024;
/// Largest image file that is decoded; a larger image file is refused.
pub const MAX_FILE_BYTES: u64 = 50 * 1024 * 1024;
/// Thumbnails fit in a square this large.
pub const THUMBNAIL_SIDE: u32 = 320;
/// Images decoded at once per process (each may take [`MAX_DECODE_BYTES`]).
pub const DECODES_AT_ONCE: usize = 2;

/// What an image upload adds to its record.
pub struct Inspected {
    pub width: u32,
    pub height: u32,
    pub thumbnail: Thumbnail,
}

pub struct Thumbnail {
    pub bytes: Bytes,
    pub mime: MimeType,
    pub digest: Sha256Digest,
}

/// The format of an allowed image type (`None`: not an image we decode).
fn format(mime: &MimeType) -> Option<ImageFormat> {
    match mime.as_str() {
        "image/png" => Some(ImageFormat::Png),
        "image/jpeg" => Some(ImageFormat::Jpeg),
        "image/gif" => Some(ImageFormat::Gif),
        "image/webp" => Some(ImageFormat::WebP),
        _ => None,
    }
}

/// Whether uploads of `mime` are inspected.
pub fn is_decoded(mime: &MimeType) -> bool {
    format(mime).is_some()
}

fn too_large() -> UploadError {
    UploadError::ImageTooLarge { max_pixels: MAX_SIDE, max_bytes: MAX_FILE_BYTES }
}

fn refused(error: ImageError) -> UploadError {
    match error {
        ImageError::Limits(_) => too_large(),
        other => UploadError::InvalidImage(other.to_string()),
    }
}

/// Decodes `bytes` (an image of type `mime`, at most [`MAX_FILE_BYTES`]) within the limits and
/// makes its thumbnail: a PNG if the image has transparency, else a JPEG. Blocking.
pub fn inspect(bytes: &[u8], mime: &MimeType) -> Result<Inspected, UploadError> {
    let format = format(mime).ok_or_else(|| UploadError::InvalidImage(format!("{mime} is not decoded")))?;
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_SIDE);
    limits.max_image_height = Some(MAX_SIDE);
    limits.max_alloc = Some(MAX_DECODE_BYTES);
    let mut reader = ImageReader::with_format(Cursor::new(bytes), format);
    reader.limits(limits);
    let mut decoder = reader.into_decoder().map_err(refused)?;
    let (width, height) = decoder.dimensions();
    if u64::from(width) * u64::from(height) > MAX_PIXELS {
        return Err(too_large());
    }
    let orientation = decoder.orientation().map_err(refused)?;
    let mut image = DynamicImage::from_decoder(decoder).map_err(refused)?;
    image.apply_orientation(orientation);
    let thumbnail = thumbnail(&image)?;
    Ok(Inspected { width: image.width(), height: image.height(), thumbnail })
}

fn thumbnail(image: &DynamicImage) -> Result<Thumbnail, UploadError> {
    let small = image.thumbnail(THUMBNAIL_SIDE, THUMBNAIL_SIDE);
    let mut encoded = Vec::new();
    let mime = if small.color().has_alpha() {
        small
            .write_to(&mut Cursor::new(&mut encoded), ImageFormat::Png)
            .map_err(|error| UploadError::Processing(error.to_string()))?;
        "image/png"
    } else {
        small
            .to_rgb8()
            .write_with_encoder(JpegEncoder::new_with_quality(&mut encoded, 80))
            .map_err(|error| UploadError::Processing(error.to_string()))?;
        "image/jpeg"
    };
    let digest = Sha256Digest::from_bytes(Sha256::digest(&encoded).into());
    let mime = MimeType::parse(mime).map_err(|error| UploadError::Processing(error.to_string()))?;
    Ok(Thumbnail { bytes: Bytes::from(encoded), mime, digest })
}

#[cfg(test)]
mod tests {
    use image::{ImageEncoder, Rgb, RgbImage, Rgba, RgbaImage};

    use super::*;

    fn png(image: &DynamicImage) -> Vec<u8> {
        let mut bytes = Vec::new();
        image.write_to(&mut Cursor::new(&mut bytes), ImageFormat::Png).unwrap();
        bytes
    }

    /// A one-pixel PNG whose header declares `width` × `height` (its IHDR's size and CRC
    /// replaced): a hundred bytes that would decode to gigabytes.
    fn png_declaring(width: u32, height: u32) -> Vec<u8> {
        let mut bytes = png(&DynamicImage::ImageRgb8(RgbImage::new(1, 1)));
        bytes[16..20].copy_from_slice(&width.to_be_bytes());
        bytes[20..24].copy_from_slice(&height.to_be_bytes());
        let crc = crc32fast::hash(&bytes[12..29]);
        bytes[29..33].copy_from_slice(&crc.to_be_bytes());
        bytes
    }

    fn mime(s: &str) -> MimeType {
        MimeType::parse(s).unwrap()
    }

    #[test]
    fn an_opaque_image_gets_its_size_and_a_jpeg_thumbnail() {
        let image = DynamicImage::ImageRgb8(RgbImage::from_pixel(1200, 600, Rgb([200, 10, 10])));
        let inspected = inspect(&png(&image), &mime("image/png")).unwrap();
        assert_eq!((inspected.width, inspected.height), (1200, 600));
        assert_eq!(inspected.thumbnail.mime.as_str(), "image/jpeg");
        let thumbnail = image::load_from_memory(&inspected.thumbnail.bytes).unwrap();
        assert_eq!((thumbnail.width(), thumbnail.height()), (320, 160));
    }

    #[test]
    fn a_transparent_image_gets_a_png_thumbnail() {
        let image = DynamicImage::ImageRgba8(RgbaImage::from_pixel(40, 80, Rgba([0, 0, 0, 0])));
        let inspected = inspect(&png(&image), &mime("image/png")).unwrap();
        assert_eq!(inspected.thumbnail.mime.as_str(), "image/png");
        assert!(inspected.thumbnail.bytes.starts_with(b"\x89PNG"));
    }

    #[test]
    fn a_decompression_bomb_is_refused_from_its_header() {
        let bomb = png_declaring(100_000, 100_000);
        assert!(bomb.len() < 100, "{} bytes", bomb.len());
        assert!(matches!(inspect(&bomb, &mime("image/png")), Err(UploadError::ImageTooLarge { .. })));
        let wide = png_declaring(9_000, 9_000);
        assert!(matches!(inspect(&wide, &mime("image/png")), Err(UploadError::ImageTooLarge { .. })), "81 Mpx");
    }

    #[test]
    fn a_broken_image_is_refused() {
        let mut truncated = png(&DynamicImage::ImageRgb8(RgbImage::new(64, 64)));
        truncated.truncate(40);
        assert!(matches!(inspect(&truncated, &mime("image/png")), Err(UploadError::InvalidImage(_))));
        let mut encoded = Vec::new();
        image::codecs::png::PngEncoder::new(&mut encoded)
            .write_image(&[0; 12], 2, 2, image::ExtendedColorType::Rgb8)
            .unwrap();
        assert!(inspect(&encoded, &mime("image/png")).is_ok());
    }
}
