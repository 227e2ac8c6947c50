//! Images made safe to publish: every JPEG, PNG, GIF and WebP the site publishes is decoded and
//! written again with its orientation applied and its colour profile kept, and nothing else: no
//! EXIF, XMP or IPTC block, so no GPS position, camera, time, maker notes, comments or embedded
//! thumbnail. A phone photo of a refuge or a school must not give away where it was taken.
//!
//! Re-encoding, not stripping: a re-encoded image holds only what the encoder writes, whatever
//! blocks the original hid; a stripper has to know every place metadata can hide. HEIC/HEIF
//! (an iPhone's default) is refused with a way out. An image of absurd size (a decompression
//! bomb) is refused from its header, before any pixel is decoded.
//!
//! Results are cached by the original's content and the settings, in `.haven-cache/images/`
//! inside the site (hidden, so the content walk and `serve`'s watcher never see it; safe to
//! delete), so an unchanged image costs one read and one hash on the next build.

use std::io::Cursor;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::diagnostics::Diagnostic;
use crate::output::{Body, OutputFile};

use image::codecs::gif::{GifDecoder, GifEncoder};
use image::codecs::jpeg::JpegEncoder;
use image::codecs::png::{CompressionType, FilterType, PngEncoder};
use image::codecs::webp::WebPEncoder;
use image::{
    AnimationDecoder, DynamicImage, ImageDecoder, ImageEncoder, ImageFormat, ImageReader, Limits,
};

/// The widest or tallest image Haven will decode, in pixels.
pub const MAX_SIDE: u32 = 12_000;
/// The most memory one image may take when decoded.
const MAX_ALLOC: u64 = 512 * 1024 * 1024;
/// JPEG quality for re-encoded photographs (visually lossless for photographs).
pub const JPEG_QUALITY: u8 = 85;
/// Bumped whenever processing changes, so that cached results of older versions are not used.
const PROCESS_VERSION: u32 = 1;

/// Whether a file name is an image Haven processes (or refuses) rather than copies.
pub fn is_image(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    [".jpg", ".jpeg", ".png", ".gif", ".webp", ".heic", ".heif"]
        .iter()
        .any(|e| lower.ends_with(e))
}

/// An image ready to publish.
#[derive(Debug, Clone, PartialEq)]
pub struct Processed {
    /// The re-encoded file.
    pub bytes: Vec<u8>,
    /// Whether the original carried a GPS position.
    pub had_location: bool,
    /// Width and height after orientation.
    pub size: (u32, u32),
}

/// Re-encodes `original` (a file named `name`) with nothing but its pixels, orientation and
/// colour profile. The error says, in an editor's words, why the image cannot be published.
pub fn process(original: &[u8], name: &str) -> Result<Processed, String> {
    let lower = name.to_ascii_lowercase();
    if lower.ends_with(".heic") || lower.ends_with(".heif") || is_heif(original) {
        return Err("this is a HEIC photo (an iPhone's usual format), which browsers cannot show: export it as JPEG (on an iPhone, Settings, Camera, Formats, Most Compatible; on a computer, open it and save or export it as JPEG), then use the JPEG".into());
    }
    let mut reader = ImageReader::new(Cursor::new(original))
        .with_guessed_format()
        .map_err(|e| format!("cannot read this image: {e}"))?;
    let format = reader
        .format()
        .ok_or("this file is not a JPEG, PNG, GIF or WebP image, whatever its name says")?;
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_SIDE);
    limits.max_image_height = Some(MAX_SIDE);
    limits.max_alloc = Some(MAX_ALLOC);
    reader.limits(limits);
    let refused = |e: image::ImageError| match e {
        image::ImageError::Limits(_) => format!(
            "this image is too large to publish safely (over {MAX_SIDE} pixels on a side, or too much memory to open): make it smaller in an image editor"
        ),
        other => format!("cannot read this image: {other}"),
    };
    if format == ImageFormat::Gif {
        return gif(original).map_err(refused);
    }
    let mut decoder = reader.into_decoder().map_err(refused)?;
    let icc = decoder.icc_profile().ok().flatten();
    let had_location = decoder
        .exif_metadata()
        .ok()
        .flatten()
        .is_some_and(|exif| has_gps(&exif));
    let orientation = decoder.orientation().map_err(refused)?;
    let mut img = DynamicImage::from_decoder(decoder).map_err(refused)?;
    img.apply_orientation(orientation);
    let bytes =
        encode(&img, format, icc).map_err(|e| format!("cannot write this image again: {e}"))?;
    Ok(Processed {
        bytes,
        had_location,
        size: (img.width(), img.height()),
    })
}

/// The image in `format` again, with `icc` and nothing else.
fn encode(
    img: &DynamicImage,
    format: ImageFormat,
    icc: Option<Vec<u8>>,
) -> image::ImageResult<Vec<u8>> {
    let mut out = Vec::new();
    let with_icc = |e: &mut dyn FnMut(Vec<u8>) -> bool| {
        if let Some(p) = icc.clone() {
            e(p);
        }
    };
    match format {
        ImageFormat::Jpeg => {
            // JPEG has no transparency: an image with it is flattened onto its colours.
            let img = match img {
                DynamicImage::ImageLuma8(_) | DynamicImage::ImageRgb8(_) => img.clone(),
                other => DynamicImage::ImageRgb8(other.to_rgb8()),
            };
            let mut enc = JpegEncoder::new_with_quality(&mut out, JPEG_QUALITY);
            with_icc(&mut |p| enc.set_icc_profile(p).is_ok());
            enc.write_image(
                img.as_bytes(),
                img.width(),
                img.height(),
                img.color().into(),
            )?;
        }
        ImageFormat::WebP => {
            let img = DynamicImage::ImageRgba8(img.to_rgba8());
            let mut enc = WebPEncoder::new_lossless(&mut out);
            with_icc(&mut |p| enc.set_icc_profile(p).is_ok());
            enc.write_image(
                img.as_bytes(),
                img.width(),
                img.height(),
                img.color().into(),
            )?;
        }
        _ => {
            let mut enc =
                PngEncoder::new_with_quality(&mut out, CompressionType::Best, FilterType::Adaptive);
            with_icc(&mut |p| enc.set_icc_profile(p).is_ok());
            enc.write_image(
                img.as_bytes(),
                img.width(),
                img.height(),
                img.color().into(),
            )?;
        }
    }
    Ok(out)
}

/// A GIF's frames, written again (GIF carries no EXIF, but comments and application blocks
/// can hold text).
fn gif(original: &[u8]) -> image::ImageResult<Processed> {
    let mut decoder = GifDecoder::new(Cursor::new(original))?;
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_SIDE);
    limits.max_image_height = Some(MAX_SIDE);
    limits.max_alloc = Some(MAX_ALLOC);
    decoder.set_limits(limits)?;
    let size = decoder.dimensions();
    let frames = decoder.into_frames().collect_frames()?;
    let mut out = Vec::new();
    {
        let mut enc = GifEncoder::new(&mut out);
        enc.set_repeat(image::codecs::gif::Repeat::Infinite)?;
        enc.encode_frames(frames)?;
    }
    Ok(Processed {
        bytes: out,
        had_location: false,
        size,
    })
}

/// Whether an EXIF block (as `exif_metadata` returns it: TIFF data) holds a GPS position.
pub fn has_gps(exif: &[u8]) -> bool {
    exif::Reader::new().read_raw(exif.to_vec()).is_ok_and(|e| {
        e.fields().any(|f| {
            matches!(
                f.tag,
                exif::Tag::GPSLatitude | exif::Tag::GPSLongitude | exif::Tag::GPSAltitude
            )
        })
    })
}

/// HEIF's `ftyp` box names one of these brands.
fn is_heif(bytes: &[u8]) -> bool {
    bytes.get(4..8) == Some(b"ftyp")
        && bytes.get(8..12).is_some_and(|b| {
            [
                b"heic", b"heix", b"hevc", b"heim", b"heis", b"mif1", b"msf1",
            ]
            .contains(&b.try_into().unwrap_or(&[0u8; 4]))
        })
}

/// Where a processed image is cached: the site's `.haven-cache/images/` folder, by a hash of
/// the original's bytes and the processing version.
pub fn cache_path(root: &Path, original: &[u8], name: &str) -> PathBuf {
    use std::hash::Hasher;
    let mut h = rustc_hash::FxHasher::default();
    h.write_u32(PROCESS_VERSION);
    h.write_u8(JPEG_QUALITY);
    h.write(original);
    let mut fnv: u64 = 0xcbf2_9ce4_8422_2325;
    for b in original {
        fnv = (fnv ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3);
    }
    let ext = name
        .rsplit('.')
        .next()
        .unwrap_or("img")
        .to_ascii_lowercase();
    root.join(CACHE_DIR).join("images").join(format!(
        "{:016x}{fnv:016x}-{}.{ext}",
        h.finish(),
        original.len()
    ))
}

/// The cache folder, inside the site and hidden.
pub const CACHE_DIR: &str = ".haven-cache";

/// `files` with every image among those copied from the site (`Body::Copy`) replaced by its
/// re-encoded bytes, in parallel; an image that cannot be published is an error naming it.
/// `keep` lists the images (as `origin`, their path in the site) to copy as they are.
pub fn publish(
    root: &Path,
    keep: &[String],
    files: Vec<Result<OutputFile, Diagnostic>>,
) -> Vec<Result<OutputFile, Diagnostic>> {
    files
        .into_par_iter()
        .map(|f| {
            let f = f?;
            let Body::Copy(src) = &f.body else {
                return Ok(f);
            };
            if !is_image(&f.path)
                || keep
                    .iter()
                    .any(|k| k.replace('\\', "/") == f.origin.replace('\\', "/"))
            {
                return Ok(f);
            }
            let original = std::fs::read(src).map_err(|e| {
                Diagnostic::in_file(&f.origin, format!("cannot read this image: {e}"))
            })?;
            let bytes = cached(root, &original, &f.path).map_err(|m| {
                Diagnostic::in_file(&f.origin, m)
                    .hint("replace the file with a JPEG or PNG, or take it out of the site")
            })?;
            Ok(OutputFile {
                body: Body::Bytes(bytes),
                ..f
            })
        })
        .collect()
}

/// The processed image, from the cache if an earlier build made it; otherwise made and
/// cached. A cache that cannot be written only costs the next build the work again.
fn cached(root: &Path, original: &[u8], name: &str) -> Result<Vec<u8>, String> {
    let path = cache_path(root, original, name);
    if let Ok(bytes) = std::fs::read(&path) {
        return Ok(bytes);
    }
    let done = process(original, name)?;
    if let Some(dir) = path.parent()
        && std::fs::create_dir_all(dir).is_ok()
    {
        // Written beside and renamed, so a build stopped half-way never leaves half a file
        // for the next one to publish.
        let tmp = path.with_extension(format!("tmp{}", std::process::id()));
        if std::fs::write(&tmp, &done.bytes).is_ok() && std::fs::rename(&tmp, &path).is_err() {
            let _ = std::fs::remove_file(&tmp);
        }
    }
    Ok(done.bytes)
}

/// Whether the image file `bytes` records a GPS position (read from its EXIF block without
/// decoding the picture).
pub fn original_has_location(bytes: &[u8]) -> bool {
    exif::Reader::new()
        .read_from_container(&mut Cursor::new(bytes))
        .is_ok_and(|e| {
            e.fields().any(|f| {
                matches!(
                    f.tag,
                    exif::Tag::GPSLatitude | exif::Tag::GPSLongitude | exif::Tag::GPSAltitude
                )
            })
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixture(name: &str) -> Vec<u8> {
        std::fs::read(
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("tests/fixtures/images")
                .join(name),
        )
        .unwrap()
    }

    /// The JPEG's marker segments, as (marker, payload).
    fn jpeg_segments(b: &[u8]) -> Vec<(u8, &[u8])> {
        let mut out = Vec::new();
        let mut i = 2;
        while i + 4 <= b.len() && b[i] == 0xFF {
            let marker = b[i + 1];
            if marker == 0xDA {
                break;
            }
            let len = usize::from(u16::from_be_bytes([b[i + 2], b[i + 3]]));
            out.push((marker, &b[i + 4..i + 2 + len]));
            i += 2 + len;
        }
        out
    }

    /// The PNG's chunk types.
    fn png_chunks(b: &[u8]) -> Vec<String> {
        let mut out = Vec::new();
        let mut i = 8;
        while i + 8 <= b.len() {
            let len = u32::from_be_bytes([b[i], b[i + 1], b[i + 2], b[i + 3]]) as usize;
            out.push(String::from_utf8_lossy(&b[i + 4..i + 8]).into_owned());
            i += 12 + len;
        }
        out
    }

    #[test]
    fn a_phone_photo_keeps_its_pixels_turned_and_its_colour_profile_and_nothing_else() {
        let original = fixture("phone.jpg");
        assert!(original_has_location(&original));
        let done = process(&original, "phone.jpg").unwrap();
        assert!(done.had_location);
        // Stored 64 × 32 on its side with orientation 6: published upright, 32 × 64.
        assert_eq!(done.size, (32, 64));
        let segments = jpeg_segments(&done.bytes);
        let markers: Vec<u8> = segments.iter().map(|(m, _)| *m).collect();
        assert!(
            !markers.contains(&0xE1),
            "an EXIF or XMP block is left: {markers:x?}"
        );
        assert!(!markers.contains(&0xED), "an IPTC block is left");
        assert!(!markers.contains(&0xFE), "a comment is left");
        assert!(
            segments
                .iter()
                .any(|(m, p)| *m == 0xE2 && p.starts_with(b"ICC_PROFILE\0")),
            "the colour profile was lost: {markers:x?}"
        );
        assert!(!original_has_location(&done.bytes));
        let back = image::load_from_memory(&done.bytes).unwrap();
        assert_eq!((back.width(), back.height()), (32, 64));
        // The top of the upright picture is what was the left of the stored one: blue.
        let px = back.to_rgb8().get_pixel(16, 4).0;
        assert!(
            px[2] > 150 && px[0] < 100,
            "not turned the right way: {px:?}"
        );
    }

    #[test]
    fn a_png_loses_its_text_and_exif_but_keeps_transparency_and_profile() {
        let original = fixture("meta.png");
        assert!(original_has_location(&original));
        let done = process(&original, "meta.png").unwrap();
        let chunks = png_chunks(&done.bytes);
        for gone in ["tEXt", "iTXt", "zTXt", "eXIf", "tIME"] {
            assert!(
                !chunks.contains(&gone.to_string()),
                "{gone} is left: {chunks:?}"
            );
        }
        assert!(chunks.contains(&"iCCP".to_string()), "{chunks:?}");
        let back = image::load_from_memory(&done.bytes).unwrap();
        assert_eq!(back.to_rgba8().get_pixel(3, 3).0[3], 128);
    }

    #[test]
    fn heic_bombs_and_impostors_are_refused_with_a_way_out() {
        let heic = process(&fixture("iphone-renamed.jpg"), "iphone-renamed.jpg").unwrap_err();
        assert!(heic.contains("export it as JPEG"), "{heic}");
        let bomb = process(&fixture("bomb.png"), "bomb.png").unwrap_err();
        assert!(bomb.contains("too large"), "{bomb}");
        let text = process(b"not a picture at all", "photo.jpg").unwrap_err();
        assert!(text.contains("not a JPEG, PNG, GIF or WebP"), "{text}");
    }

    #[test]
    fn processing_is_deterministic_and_cached_by_content() {
        let original = fixture("phone.jpg");
        let a = process(&original, "phone.jpg").unwrap();
        let b = process(&original, "phone.jpg").unwrap();
        assert_eq!(a.bytes, b.bytes);
        let site = tempfile::tempdir().unwrap();
        let first = cached(site.path(), &original, "phone.jpg").unwrap();
        let path = cache_path(site.path(), &original, "phone.jpg");
        assert!(path.starts_with(site.path().join(".haven-cache/images")));
        assert_eq!(std::fs::read(&path).unwrap(), first);
        assert_eq!(cached(site.path(), &original, "phone.jpg").unwrap(), first);
        let mut other = original.clone();
        other.push(0);
        assert_ne!(cache_path(site.path(), &other, "phone.jpg"), path);
    }
}
