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

use std::collections::HashMap;
use std::io::Cursor;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::config::ImageSettings;
use crate::diagnostics::Diagnostic;
use crate::output::{Body, FileId, OutputFile};

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
/// Bumped whenever processing changes, so that cached results of older versions are not used.
const PROCESS_VERSION: u32 = 2;

/// Whether a file name is an image Haven processes (or refuses) rather than copies.
pub fn is_image(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    [".jpg", ".jpeg", ".png", ".gif", ".webp", ".heic", ".heif"]
        .iter()
        .any(|e| lower.ends_with(e))
}

/// `sizes` for an image in the theme's text column (42rem wide, less the page's margins).
pub const SIZES: &str = "(min-width: 44rem) 42rem, calc(100vw - 2rem)";

/// The widths of the smaller copies made of an image `width` pixels wide, from `widths`.
pub fn variant_widths(width: u32, widths: &[u32]) -> Vec<u32> {
    let mut out: Vec<u32> = widths
        .iter()
        .copied()
        .filter(|w| *w > 0 && *w < width)
        .collect();
    out.sort_unstable();
    out.dedup();
    out
}

/// Whether smaller copies are made of the image published at `path` (not of GIFs, whose
/// frames would have to be resized one by one).
pub fn has_variants(path: &str) -> bool {
    let lower = path.to_ascii_lowercase();
    is_image(&lower) && !lower.ends_with(".gif")
}

/// Where the copy `width` pixels wide of the image at `path` is published: `photo-640w.jpg`.
pub fn variant_path(path: &str, width: u32) -> String {
    match path.rfind('.') {
        Some(dot) if !path[dot..].contains('/') => {
            format!("{}-{width}w{}", &path[..dot], &path[dot..])
        }
        _ => format!("{path}-{width}w"),
    }
}

/// The width and height an image will be shown at (its orientation applied), read from its
/// header without decoding it.
pub fn dimensions(bytes: &[u8]) -> Option<(u32, u32)> {
    let reader = ImageReader::new(Cursor::new(bytes))
        .with_guessed_format()
        .ok()?;
    oriented_size(reader.into_decoder().ok()?)
}

/// What an image file's headers say, read once per build: like [`dimensions`], without
/// reading the whole file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Headers {
    /// Its length in bytes.
    pub bytes: u64,
    /// Its width and height as shown (its orientation applied); `None` if it is not an image.
    pub size: Option<(u32, u32)>,
    /// Whether it records a GPS position.
    pub has_location: bool,
}

/// The headers of the image file at `path`, from one opening of it, reading only the headers
/// (`imagesize`, then the EXIF block): the image crate's decoders read a whole JPEG to learn
/// its size, and every build asks this of every image, cached or not.
pub fn read_headers(path: &Path) -> std::io::Result<Headers> {
    use std::io::{BufReader, Seek};
    let mut file = std::fs::File::open(path)?;
    let bytes = file.metadata()?.len();
    let size = imagesize::reader_size(BufReader::new(&file))
        .ok()
        .and_then(|s| Some((u32::try_from(s.width).ok()?, u32::try_from(s.height).ok()?)));
    file.rewind()?;
    let exif = exif::Reader::new()
        .read_from_container(&mut BufReader::new(&file))
        .ok();
    let turned = exif.as_ref().is_some_and(|e| {
        e.get_field(exif::Tag::Orientation, exif::In::PRIMARY)
            .and_then(|f| f.value.get_uint(0))
            .is_some_and(|o| (5..=8).contains(&o))
    });
    Ok(Headers {
        bytes,
        size: size.map(|(w, h)| if turned { (h, w) } else { (w, h) }),
        has_location: exif.is_some_and(|e| e.fields().any(|f| is_gps(f.tag))),
    })
}

fn oriented_size(mut decoder: impl ImageDecoder) -> Option<(u32, u32)> {
    let (w, h) = decoder.dimensions();
    let turned = matches!(
        decoder.orientation().ok()?,
        image::metadata::Orientation::Rotate90
            | image::metadata::Orientation::Rotate270
            | image::metadata::Orientation::Rotate90FlipH
            | image::metadata::Orientation::Rotate270FlipH
    );
    Some(if turned { (h, w) } else { (w, h) })
}

/// An image ready to publish.
#[derive(Debug, Clone, PartialEq)]
pub struct Processed {
    /// The re-encoded file.
    pub bytes: Vec<u8>,
    /// The smaller copies: their widths and files.
    pub variants: Vec<(u32, Vec<u8>)>,
    /// Whether the original carried a GPS position.
    pub had_location: bool,
    /// Width and height after orientation.
    pub size: (u32, u32),
}

/// Re-encodes `original` (a file named `name`) with nothing but its pixels, orientation and
/// colour profile. The error says, in an editor's words, why the image cannot be published.
pub fn process(
    original: &[u8],
    name: &str,
    widths: &[u32],
    quality: u8,
) -> Result<Processed, String> {
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
    reader.limits(limits());
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
    let failed = |e: image::ImageError| format!("cannot write this image again: {e}");
    let bytes = encode(&img, format, icc.clone(), quality).map_err(failed)?;
    let variants = widths
        .iter()
        .filter(|w| **w < img.width())
        .map(|w| {
            let h = (u64::from(img.height()) * u64::from(*w) / u64::from(img.width())).max(1);
            let h = u32::try_from(h).unwrap_or(u32::MAX);
            let small = img.resize_exact(*w, h, image::imageops::FilterType::CatmullRom);
            encode(&small, format, icc.clone(), quality)
                .map(|b| (*w, b))
                .map_err(failed)
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Processed {
        bytes,
        variants,
        had_location,
        size: (img.width(), img.height()),
    })
}

/// The image in `format` again, with `icc` and nothing else.
fn encode(
    img: &DynamicImage,
    format: ImageFormat,
    icc: Option<Vec<u8>>,
    quality: u8,
) -> image::ImageResult<Vec<u8>> {
    let mut out = Vec::new();
    match format {
        ImageFormat::Jpeg => {
            // JPEG has no transparency: an image with it is flattened onto its colours.
            let flat = match img {
                DynamicImage::ImageLuma8(_) | DynamicImage::ImageRgb8(_) => img.clone(),
                other => DynamicImage::ImageRgb8(other.to_rgb8()),
            };
            let enc = JpegEncoder::new_with_quality(&mut out, quality.clamp(1, 100));
            write_with(enc, &flat, icc)?;
        }
        ImageFormat::WebP => {
            let rgba = DynamicImage::ImageRgba8(img.to_rgba8());
            write_with(WebPEncoder::new_lossless(&mut out), &rgba, icc)?;
        }
        _ => {
            let enc =
                PngEncoder::new_with_quality(&mut out, CompressionType::Best, FilterType::Adaptive);
            write_with(enc, img, icc)?;
        }
    }
    Ok(out)
}

/// Writes `img` with `enc`, carrying its colour profile `icc` and nothing else. An encoder that
/// cannot carry a profile writes the image without one.
fn write_with(
    mut enc: impl ImageEncoder,
    img: &DynamicImage,
    icc: Option<Vec<u8>>,
) -> image::ImageResult<()> {
    if let Some(p) = icc {
        let _ = enc.set_icc_profile(p);
    }
    enc.write_image(
        img.as_bytes(),
        img.width(),
        img.height(),
        img.color().into(),
    )
}

/// The decoding limits: no side over [`MAX_SIDE`], no more than [`MAX_ALLOC`] bytes.
fn limits() -> Limits {
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_SIDE);
    limits.max_image_height = Some(MAX_SIDE);
    limits.max_alloc = Some(MAX_ALLOC);
    limits
}

/// A GIF's frames, written again (GIF carries no EXIF, but comments and application blocks
/// can hold text).
fn gif(original: &[u8]) -> image::ImageResult<Processed> {
    let mut decoder = GifDecoder::new(Cursor::new(original))?;
    decoder.set_limits(limits())?;
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
        variants: Vec::new(),
        had_location: false,
        size,
    })
}

/// Whether an EXIF block (as `exif_metadata` returns it: TIFF data) holds a GPS position.
pub fn has_gps(exif: &[u8]) -> bool {
    exif::Reader::new()
        .read_raw(exif.to_vec())
        .is_ok_and(|e| e.fields().any(|f| is_gps(f.tag)))
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

/// The name a processed image is cached under: a hash of the original's bytes, the quality
/// and the processing version (128 bits, from two seeds), and the original's length.
pub fn content_key(original: &[u8], quality: u8) -> String {
    use std::hash::Hasher;
    let mut h = rustc_hash::FxHasher::default();
    h.write_u32(PROCESS_VERSION);
    h.write_u8(quality);
    h.write(original);
    // A second hash with another seed: 128 bits in all, so two images never share a name.
    let mut h2 = rustc_hash::FxHasher::with_seed(0x9e37_79b9_7f4a_7c15_u64 as usize);
    h2.write_u32(PROCESS_VERSION);
    h2.write(original);
    format!("{:016x}{:016x}-{}", h.finish(), h2.finish(), original.len())
}

/// Where the processed image (or its copy `width` pixels wide) of the original with content
/// key `key` (see [`content_key`]), published as `name`, is cached in the site's
/// `.haven-cache/images/`.
pub fn cache_path(root: &Path, key: &str, name: &str, width: Option<u32>) -> PathBuf {
    let ext = name
        .rsplit('.')
        .next()
        .unwrap_or("img")
        .to_ascii_lowercase();
    let suffix = width.map_or(String::new(), |w| format!("-{w}w"));
    root.join(CACHE_DIR)
        .join("images")
        .join(format!("{key}{suffix}.{ext}"))
}

/// The name the content key of the file at `src` is remembered by, from what the file system
/// says of it (its path, length and modification time, and on Unix its inode and change time,
/// which no editor can set back): an unchanged image is then found in the cache without being
/// read.
fn seen_id(src: &Path, quality: u8) -> Option<String> {
    use std::hash::Hasher;
    let m = std::fs::metadata(src).ok()?;
    let mut h = rustc_hash::FxHasher::default();
    h.write_u32(PROCESS_VERSION);
    h.write_u8(quality);
    h.write(src.as_os_str().as_encoded_bytes());
    h.write_u64(m.len());
    let modified = m
        .modified()
        .ok()?
        .duration_since(std::time::UNIX_EPOCH)
        .ok()?;
    h.write_u128(modified.as_nanos());
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        h.write_u64(m.ino());
        h.write_u64(m.dev());
        h.write_i64(m.ctime());
        h.write_i64(m.ctime_nsec());
    }
    Some(format!("{:016x}", h.finish()))
}

/// The folder of seen records. Each record is the name of an empty file, `ID_RECORD` (the
/// record's spaces written `_`), so that one listing of the folder reads them all rather than
/// a file opened for each image, and no record is ever half-written.
fn seen_dir(root: &Path) -> PathBuf {
    root.join(CACHE_DIR).join("images").join("seen")
}

fn record_name(id: &str, seen: &Seen) -> String {
    format!("{id}_{}", seen.to_record().replace(' ', "_"))
}

/// What the folder of seen records holds.
#[derive(Default)]
struct SeenFolder {
    /// The records, by id. An id with two records (someone's edit) has none.
    records: HashMap<String, Seen>,
    /// Every name in the folder, with the id of the record it is, if it is one.
    names: Vec<(std::ffi::OsString, Option<String>)>,
}

impl SeenFolder {
    /// Removes every name but the one trusted record of each id in `used`: a record is made
    /// each time an image changes (or is only touched), and the folder is listed on every
    /// build. An image whose records disagree gets a new one when it is published.
    fn forget_all_but(&self, root: &Path, used: &std::collections::HashSet<&str>) {
        let dir = seen_dir(root);
        for (name, id) in &self.names {
            let keep = id.as_deref().is_some_and(|id| {
                used.contains(id)
                    && self
                        .records
                        .get(id)
                        .is_some_and(|seen| *name == *record_name(id, seen))
            });
            if !keep {
                let _ = std::fs::remove_file(dir.join(name));
            }
        }
    }
}

/// Every seen record in the cache of the site at `root`, from one listing of its folder.
fn seen_records(root: &Path) -> SeenFolder {
    let mut found: HashMap<String, Option<Seen>> = HashMap::new();
    let Ok(listing) = std::fs::read_dir(seen_dir(root)) else {
        return SeenFolder::default();
    };
    let mut names = Vec::new();
    for e in listing.filter_map(Result::ok) {
        let name = e.file_name();
        let parsed = name
            .to_str()
            .and_then(|n| n.split_once('_'))
            .filter(|(id, _)| id.len() == 16 && id.bytes().all(|b| b.is_ascii_hexdigit()));
        names.push((name.clone(), parsed.map(|(id, _)| id.to_string())));
        let Some((id, record)) = parsed else {
            continue;
        };
        if let Some(seen) = Seen::from_record(&record.replace('_', " ")) {
            found
                .entry(id.to_string())
                .and_modify(|had| {
                    if had.as_ref() != Some(&seen) {
                        *had = None;
                    }
                })
                .or_insert(Some(seen));
        }
    }
    SeenFolder {
        records: found
            .into_iter()
            .filter_map(|(id, seen)| Some((id, seen?)))
            .collect(),
        names,
    }
}

/// Whether `key` is a content key as [`content_key`] writes it (a remembered one is read back
/// from a file someone could have edited).
fn is_content_key(key: &str) -> bool {
    key.split_once('-').is_some_and(|(hash, len)| {
        hash.len() == 32
            && hash.bytes().all(|b| b.is_ascii_hexdigit())
            && !len.is_empty()
            && len.bytes().all(|b| b.is_ascii_digit())
    })
}

/// What a seen record holds: the content key of the file it was made for, and that file's
/// headers, so that an unchanged image is neither read nor even opened on the next build.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Seen {
    /// The original's content key (see [`content_key`]).
    pub key: String,
    /// The original's headers, as [`read_headers`] read them.
    pub headers: Headers,
}

impl Seen {
    /// One line: `key bytes width height location` (`- -` for a file that is not an image).
    fn to_record(&self) -> String {
        let (w, h) = self
            .headers
            .size
            .map_or(("-".to_string(), "-".to_string()), |(w, h)| {
                (w.to_string(), h.to_string())
            });
        format!(
            "{} {} {w} {h} {}",
            self.key,
            self.headers.bytes,
            u8::from(self.headers.has_location)
        )
    }

    /// A record read back: anything not exactly as [`Seen::to_record`] writes it (an older
    /// version's, or one someone edited) is ignored, and the image is read again.
    fn from_record(record: &str) -> Option<Seen> {
        let mut parts = record.split(' ');
        let key = parts.next().filter(|k| is_content_key(k))?.to_string();
        let bytes = parts.next()?.parse().ok()?;
        let size = match (parts.next()?, parts.next()?) {
            ("-", "-") => None,
            (w, h) => Some((w.parse().ok()?, h.parse().ok()?)),
        };
        let has_location = match parts.next()? {
            "0" => false,
            "1" => true,
            _ => return None,
        };
        if parts.next().is_some() {
            return None;
        }
        Some(Seen {
            key,
            headers: Headers {
                bytes,
                size,
                has_location,
            },
        })
    }
}

/// What a build knows of an image before publishing it, from its seen record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Known {
    /// The name of its seen record (see [`seen_id`]).
    pub id: String,
    /// The content key the record names, if an earlier build saw the image as it is now.
    pub key: Option<String>,
    /// Its headers: from the record when it names a key, else read this build.
    pub headers: Headers,
}

/// The headers of the image at `src`, from its seen record when an earlier build left one for
/// it as it is now (the file is then not even opened), else read from the file; and what
/// publishing it needs of that record (`None` when the file cannot be looked at).
fn look(records: &HashMap<String, Seen>, src: &Path, quality: u8) -> (Headers, Option<Known>) {
    let id = seen_id(src, quality);
    let seen = id.as_ref().and_then(|id| records.get(id)).cloned();
    let (key, headers) = match seen {
        Some(Seen { key, headers }) => (Some(key), headers),
        None => (
            None,
            read_headers(src).unwrap_or(Headers {
                bytes: 0,
                size: None,
                has_location: false,
            }),
        ),
    };
    let known = id.map(|id| Known {
        id,
        key,
        headers: headers.clone(),
    });
    (headers, known)
}

/// Writes `bytes` to `path` beside and renamed, so a build stopped half-way never leaves half
/// a file for the next one to use; read-only on Unix, because published copies are hard links
/// to it and must not be edited in place. A cache that cannot be written only costs the next
/// build the work again.
fn cache_write(path: &Path, bytes: &[u8]) -> bool {
    let tmp = path.with_extension(format!("tmp{}", std::process::id()));
    let ok = std::fs::write(&tmp, bytes).is_ok() && {
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let _ = std::fs::set_permissions(&tmp, std::fs::Permissions::from_mode(0o444));
        }
        std::fs::rename(&tmp, path).is_ok()
    };
    if !ok {
        let _ = std::fs::remove_file(&tmp);
    }
    ok
}

/// The cache folder, inside the site and hidden.
pub const CACHE_DIR: &str = ".haven-cache";

/// `files` with every image among those copied from the site (`Body::Copy`) replaced by its
/// re-encoded bytes (with `sizes`, as read this build, for the widths of its copies), in parallel; an image that cannot be published is an error naming it.
/// `keep` lists the images (as `origin`, their path in the site) to copy as they are.
pub fn publish(
    root: &Path,
    settings: &ImageSettings,
    sizes: &ImageSizes,
    files: Vec<Result<OutputFile, Diagnostic>>,
) -> Vec<Result<OutputFile, Diagnostic>> {
    let keep = &settings.keep_metadata;
    // What the cache holds, from one listing of its folder rather than a look for each file:
    // only needed when an earlier build saw some of the images.
    let in_cache = if sizes.seen.values().any(|k| k.key.is_some()) {
        cache_listing(root)
    } else {
        Default::default()
    };
    files
        .into_par_iter()
        .flat_map_iter(|f| {
            let one = |r: Result<OutputFile, Diagnostic>| vec![r];
            let f = match f {
                Ok(f) => f,
                Err(d) => return one(Err(d)),
            };
            let Body::Copy(src) = &f.body else {
                return one(Ok(f));
            };
            if !is_image(&f.path) || keeps(keep, &f.origin) {
                return one(Ok(f));
            }
            let size = sizes.by_path.get(&f.path).map(|(w, h, _)| (*w, *h));
            let known = sizes.seen.get(&f.path);
            match cached(root, src, &f.path, size, known, &in_cache, settings) {
                Ok(done) => done
                    .into_iter()
                    .map(|(w, body)| {
                        Ok(OutputFile {
                            path: w.map_or_else(|| f.path.clone(), |w| variant_path(&f.path, w)),
                            body,
                            origin: f.origin.clone(),
                        })
                    })
                    .collect(),
                Err(m) => one(Err(Diagnostic::in_file(&f.origin, m).hint(
                    "replace the file with a JPEG or PNG, or take it out of the site",
                ))),
            }
        })
        .collect()
}

/// The names of the files in the image cache of the site at `root`, with their identities.
fn cache_listing(root: &Path) -> Listing {
    crate::output::listing(&root.join(CACHE_DIR).join("images"))
}

/// File names and their identities (see [`crate::output::listing`]).
type Listing = rustc_hash::FxHashMap<std::ffi::OsString, Option<FileId>>;

/// Whether `origin` (an image's path in the site) is listed under `images.keep_metadata`.
pub fn keeps(keep: &[String], origin: &str) -> bool {
    let origin = origin.replace('\\', "/");
    keep.iter().any(|k| k.replace('\\', "/") == origin)
}

/// The processed image (`None`) and its smaller copies (their widths) of the original at
/// `src`, from the cache if an earlier build made them (never read into memory: published as
/// links to the cached files, or copies of them), otherwise made and cached. An original the
/// cache has seen unchanged is not even read.
fn cached(
    root: &Path,
    src: &Path,
    name: &str,
    size: Option<(u32, u32)>,
    known: Option<&Known>,
    in_cache: &Listing,
    settings: &ImageSettings,
) -> Result<Vec<(Option<u32>, Body)>, String> {
    let q = settings.quality;
    let widths_of = |size: Option<(u32, u32)>| {
        if has_variants(name) {
            size.map_or_else(Vec::new, |(w, _)| variant_widths(w, &settings.widths))
        } else {
            Vec::new()
        }
    };
    let wanted = |key: &str, widths: &[u32]| -> Vec<(Option<u32>, PathBuf)> {
        widths
            .iter()
            .map(|w| Some(*w))
            .chain(std::iter::once(None))
            .map(|w| (w, cache_path(root, key, name, w)))
            .collect()
    };
    let all_there = |files: &[(Option<u32>, PathBuf)]| files.iter().all(|(_, p)| p.is_file());
    let from_cache = |files: Vec<(Option<u32>, PathBuf)>| {
        files
            .into_iter()
            .map(|(w, p)| {
                let id = p
                    .file_name()
                    .and_then(|n| in_cache.get(n).copied().flatten());
                (w, Body::Cached(p, id))
            })
            .collect()
    };
    if let Some(key) = known.and_then(|k| k.key.as_ref()) {
        let files = wanted(key, &widths_of(size));
        let listed = |p: &PathBuf| p.file_name().is_some_and(|n| in_cache.contains_key(n));
        if files.iter().all(|(_, p)| listed(p)) {
            return Ok(from_cache(files));
        }
    }
    let original = std::fs::read(src).map_err(|e| format!("cannot read this image: {e}"))?;
    let key = content_key(&original, q);
    // Remembered only with the headers read this build, so that a warm build reads the same
    // headers as a cold one.
    let remember = || {
        let dir = seen_dir(root);
        if let Some(known) = known
            && std::fs::create_dir_all(&dir).is_ok()
        {
            let record = Seen {
                key: key.clone(),
                headers: known.headers.clone(),
            };
            // Never through a link, and never over a file: a record is an empty file's name.
            let _ = std::fs::File::create_new(dir.join(record_name(&known.id, &record)));
        }
    };
    let widths = widths_of(dimensions(&original));
    let files = wanted(&key, &widths);
    if all_there(&files) {
        remember();
        return Ok(from_cache(files));
    }
    let done = process(&original, name, &widths, q)?;
    let mut made: Vec<(Option<u32>, Vec<u8>)> = done
        .variants
        .into_iter()
        .map(|(w, b)| (Some(w), b))
        .collect();
    made.push((None, done.bytes));
    // Once cached, the files are published from the cache, so that a build holds only the
    // images being processed in memory, however many there are.
    if let Some(dir) = files[0].1.parent()
        && std::fs::create_dir_all(dir).is_ok()
        && made
            .iter()
            .all(|(w, bytes)| cache_write(&cache_path(root, &key, name, *w), bytes))
    {
        remember();
        return Ok(from_cache(files));
    }
    Ok(made.into_iter().map(|(w, b)| (w, Body::Bytes(b))).collect())
}

fn is_gps(tag: exif::Tag) -> bool {
    matches!(
        tag,
        exif::Tag::GPSLatitude | exif::Tag::GPSLongitude | exif::Tag::GPSAltitude
    )
}

/// Whether the image file `bytes` records a GPS position (read from its EXIF block without
/// decoding the picture).
pub fn original_has_location(bytes: &[u8]) -> bool {
    exif::Reader::new()
        .read_from_container(&mut Cursor::new(bytes))
        .is_ok_and(|e| e.fields().any(|f| is_gps(f.tag)))
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
        let done = process(&original, "phone.jpg", &[], 85).unwrap();
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
        let done = process(&original, "meta.png", &[], 85).unwrap();
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
        let heic = process(
            &fixture("iphone-renamed.jpg"),
            "iphone-renamed.jpg",
            &[],
            85,
        )
        .unwrap_err();
        assert!(heic.contains("export it as JPEG"), "{heic}");
        let bomb = process(&fixture("bomb.png"), "bomb.png", &[], 85).unwrap_err();
        assert!(bomb.contains("too large"), "{bomb}");
        let text = process(b"not a picture at all", "photo.jpg", &[], 85).unwrap_err();
        assert!(text.contains("not a JPEG, PNG, GIF or WebP"), "{text}");
    }

    #[test]
    fn images_get_their_size_and_smaller_copies_and_all_but_the_first_load_lazily() {
        let mut by_path = std::collections::HashMap::new();
        by_path.insert(
            "images/a b.jpg".to_string(),
            (2000, 1000, variant_widths(2000, &[320, 640, 960, 1280])),
        );
        by_path.insert(
            "news/small.png".to_string(),
            (700, 200, variant_widths(700, &[640, 320, 640])),
        );
        let sizes = ImageSizes {
            base_path: "/lscp/".into(),
            by_path,
            ..Default::default()
        };
        let html = "<p><img src=\"/lscp/images/a%20b.jpg\" alt=\"A\" /></p>\
                    <p><img src=\"/lscp/news/small.png\" alt=\"B\" /></p>\
                    <p><img src=\"https://elsewhere.example/x.jpg\" alt=\"C\" /></p>\
                    <p><img width=\"10\" src=\"/lscp/news/small.png\" alt=\"D\" /></p>\
                    <p><img src=\"small.png\" alt=\"E\" /><img src=\"../images/a%20b.jpg\" alt=\"F\" /><img src=\"nothing.png\" alt=\"G\" /></p>";
        let out = sizes.apply(html, "/lscp/news/");
        assert!(out.contains("<img width=\"2000\" height=\"1000\" decoding=\"async\" srcset=\"/lscp/images/a%20b-320w.jpg 320w, /lscp/images/a%20b-640w.jpg 640w, /lscp/images/a%20b-960w.jpg 960w, /lscp/images/a%20b-1280w.jpg 1280w, /lscp/images/a%20b.jpg 2000w\" sizes=\""), "{out}");
        assert!(
            !out.split("alt=\"A\"").next().unwrap().contains("loading"),
            "the first image loads at once"
        );
        assert!(out.contains("<img width=\"700\" height=\"200\" decoding=\"async\" loading=\"lazy\" srcset=\"/lscp/news/small-320w.png 320w, /lscp/news/small-640w.png 640w, /lscp/news/small.png 700w\""), "{out}");
        assert!(
            out.contains("<img src=\"https://elsewhere.example/x.jpg\""),
            "{out}"
        );
        assert!(out.contains("<img width=\"10\" src="), "{out}");
        // Relative to the page: sized, and addressed from the site's root.
        assert!(out.contains("<img width=\"700\" height=\"200\" decoding=\"async\" loading=\"lazy\" srcset=\"/lscp/news/small-320w.png 320w, /lscp/news/small-640w.png 640w, /lscp/news/small.png 700w\" sizes=\"(min-width: 44rem) 42rem, calc(100vw - 2rem)\" src=\"/lscp/news/small.png\" alt=\"E\""), "{out}");
        assert!(
            out.contains(" src=\"/lscp/images/a%20b.jpg\" alt=\"F\""),
            "{out}"
        );
        assert!(out.contains("<img src=\"nothing.png\" alt=\"G\""), "{out}");
        // For templates: the whole tag, escaped, eager when asked; an unknown image names others.
        let tag = sizes
            .img("/lscp/news/small.png", "Bar \"chart\" <1>", false, None)
            .unwrap();
        assert!(tag.starts_with("<img src=\"/lscp/news/small.png\" alt=\"Bar &quot;chart&quot; &lt;1&gt;\" width=\"700\" height=\"200\" decoding=\"async\" srcset="), "{tag}");
        assert!(!tag.contains("loading"), "{tag}");
        assert!(
            sizes
                .img("news/small.png", "", true, Some("10rem"))
                .unwrap()
                .contains(" loading=\"lazy\" srcset=")
        );
        let missing = sizes.img("news/smal.png", "x", true, None).unwrap_err();
        assert!(
            missing.contains("publishes no image at news/smal.png")
                && missing.contains("images/a b.jpg, news/small.png"),
            "{missing}"
        );
        assert_eq!(
            relative_to("/a/b/", "../../../x.png").as_deref(),
            Some("/x.png")
        );
        assert_eq!(relative_to("/a/b/", "https://x.org/y.png"), None);
        assert_eq!(
            relative_to("/a/b/", "./c/./d.png").as_deref(),
            Some("/a/b/c/d.png")
        );
        assert_eq!(variant_widths(320, &[320, 640]), Vec::<u32>::new());
        assert_eq!(
            variant_widths(1281, &[1280, 320, 960, 640, 2000]),
            vec![320, 640, 960, 1280]
        );
        assert_eq!(variant_path("a.b/photo.JPG", 640), "a.b/photo-640w.JPG");
        assert!(!has_variants("x.gif"));
    }

    #[test]
    fn smaller_copies_keep_the_shape_and_say_nothing() {
        let original = fixture("phone.jpg");
        let done = process(&original, "phone.jpg", &[8, 16, 320], 85).unwrap();
        let widths: Vec<u32> = done.variants.iter().map(|(w, _)| *w).collect();
        assert_eq!(widths, vec![8, 16], "never wider than the original (32)");
        for (w, bytes) in &done.variants {
            let img = image::load_from_memory(bytes).unwrap();
            assert_eq!((img.width(), img.height()), (*w, w * 2));
            assert!(!jpeg_segments(bytes).iter().any(|(m, _)| *m == 0xE1));
        }
        assert_eq!(dimensions(&original), Some((32, 64)));
    }

    #[test]
    fn the_size_from_the_headers_is_the_decoders_size_turned() {
        let dir = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"));
        for path in [
            dir.join("tests/fixtures/images/phone.jpg"),
            dir.join("tests/fixtures/images/meta.png"),
            dir.join("static/images/safer-sleep-nursery.jpg"),
            dir.join("static/images/county-lines-park.jpg"),
        ] {
            let bytes = std::fs::read(&path).unwrap();
            assert_eq!(
                read_headers(&path).ok().and_then(|h| h.size),
                dimensions(&bytes),
                "{}",
                path.display()
            );
        }
        // The nursery photo is stored on its side (orientation 6), shown upright.
        let nursery = dir.join("static/images/safer-sleep-nursery.jpg");
        let stored = imagesize::size(&nursery).unwrap();
        let (w, h) = read_headers(&nursery).unwrap().size.unwrap();
        assert_eq!((w as usize, h as usize), (stored.height, stored.width));
        assert_eq!(read_headers(&dir.join("Cargo.toml")).unwrap().size, None);
        // The same reading says where a photo was taken, and its length.
        let h = read_headers(&nursery).unwrap();
        assert!(h.has_location);
        assert_eq!(h.bytes, std::fs::metadata(&nursery).unwrap().len());
        assert!(
            !read_headers(&dir.join("static/images/county-lines-park.jpg"))
                .unwrap()
                .has_location
        );
    }

    /// [`cached`] as a build calls it, with what [`ImageSizes::read`] finds.
    fn once(
        root: &Path,
        src: &Path,
        size: Option<(u32, u32)>,
        settings: &ImageSettings,
    ) -> Result<Vec<(Option<u32>, Body)>, String> {
        let (_, known) = look(&seen_records(root).records, src, settings.quality);
        let listing = cache_listing(root);
        cached(
            root,
            src,
            "phone.jpg",
            size,
            known.as_ref(),
            &listing,
            settings,
        )
    }

    #[test]
    fn a_seen_record_holds_the_headers_and_only_its_own_format_is_read() {
        let record = Seen {
            key: "0123456789abcdef0123456789abcdef-7".into(),
            headers: Headers {
                bytes: 7,
                size: Some((4032, 3024)),
                has_location: true,
            },
        };
        assert_eq!(Seen::from_record(&record.to_record()), Some(record.clone()));
        let not_image = Seen {
            headers: Headers {
                size: None,
                has_location: false,
                ..record.headers.clone()
            },
            ..record.clone()
        };
        assert_eq!(
            Seen::from_record(&not_image.to_record()),
            Some(not_image.clone())
        );
        for bad in [
            "0123456789abcdef0123456789abcdef-7",
            "0123456789abcdef0123456789abcdef-7 7 4032 3024 2",
            "0123456789abcdef0123456789abcdef-7 7 4032 - 1",
            "0123456789abcdef0123456789abcdef-7 7 4032 3024 1 more",
            "../../etc/passwd 7 4032 3024 1",
        ] {
            assert_eq!(Seen::from_record(bad), None, "{bad}");
        }
        // A build takes an unchanged image's headers from its record, without opening it.
        let site = tempfile::tempdir().unwrap();
        let root = site.path();
        let src = root.join("photo.jpg");
        std::fs::write(&src, fixture("phone.jpg")).unwrap();
        let id = seen_id(&src, 85).unwrap();
        std::fs::create_dir_all(seen_dir(root)).unwrap();
        let told = Seen {
            headers: Headers {
                bytes: 7,
                size: Some((77, 55)),
                has_location: false,
            },
            ..record
        };
        std::fs::File::create(seen_dir(root).join(record_name(&id, &told))).unwrap();
        let image = SiteImage {
            dest: "photo.jpg".into(),
            shown: "static/photo.jpg".into(),
            source: src.clone(),
        };
        let settings = ImageSettings::default();
        // Records of images no longer there, and an older Haven's files, go.
        let gone = seen_dir(root).join(record_name("00000000000000ff", &told));
        let older = seen_dir(root).join("00000000000000fe");
        std::fs::File::create(&gone).unwrap();
        std::fs::write(&older, told.to_record()).unwrap();
        let sizes = ImageSizes::read(root, "/", &settings, std::slice::from_ref(&image));
        assert_eq!(sizes.originals[0].1, told.headers);
        assert!(!gone.exists() && !older.exists());
        assert!(seen_dir(root).join(record_name(&id, &told)).exists());
        // Two records that disagree both go, and the image's own headers are read.
        let other = Seen {
            headers: Headers {
                bytes: 8,
                ..told.headers.clone()
            },
            ..told.clone()
        };
        std::fs::File::create(seen_dir(root).join(record_name(&id, &other))).unwrap();
        let sizes = ImageSizes::read(root, "/", &settings, std::slice::from_ref(&image));
        assert_eq!(sizes.originals[0].1, read_headers(&src).unwrap());
        assert_eq!(std::fs::read_dir(seen_dir(root)).unwrap().count(), 0);
        // Changed since (here, its modification time), the image's own headers are read.
        let later = std::time::SystemTime::now() + std::time::Duration::from_secs(60);
        std::fs::File::options()
            .write(true)
            .open(&src)
            .unwrap()
            .set_modified(later)
            .unwrap();
        let sizes = ImageSizes::read(root, "/", &settings, &[image]);
        assert_eq!(sizes.originals[0].1, read_headers(&src).unwrap());
    }

    #[test]
    fn processing_is_deterministic_and_cached_by_content() {
        let original = fixture("phone.jpg");
        let a = process(&original, "phone.jpg", &[], 85).unwrap();
        let b = process(&original, "phone.jpg", &[], 85).unwrap();
        assert_eq!(a.bytes, b.bytes);
        let site = tempfile::tempdir().unwrap();
        let root = site.path();
        let src = root.join("phone.jpg");
        std::fs::write(&src, &original).unwrap();
        let settings = ImageSettings::default();
        let made = once(root, &src, dimensions(&original), &settings).unwrap();
        let Some((None, Body::Cached(made_at, _))) = made.last() else {
            panic!("the first build makes the image and publishes it from the cache: {made:?}");
        };
        let first = &std::fs::read(made_at).unwrap();
        let key = content_key(&original, 85);
        let path = cache_path(root, &key, "phone.jpg", None);
        assert!(path.starts_with(root.join(".haven-cache/images")));
        assert_eq!(&std::fs::read(&path).unwrap(), first);
        #[cfg(unix)]
        assert!(std::fs::metadata(&path).unwrap().permissions().readonly());
        // The next build takes it from the cache, without processing again.
        std::fs::remove_file(&path).unwrap();
        std::fs::write(&path, b"from the cache").unwrap();
        let again = once(root, &src, dimensions(&original), &settings).unwrap();
        let Some((None, Body::Cached(from, _))) = again.last() else {
            panic!("the second build uses the cache: {again:?}");
        };
        assert_eq!(std::fs::read(from).unwrap(), b"from the cache");
        // ... without reading the original: the file system's record of it names the key.
        let id = seen_id(&src, 85).unwrap();
        let record = seen_records(root).records.remove(&id).unwrap();
        assert_eq!(record.key, key);
        assert_eq!(record.headers, read_headers(&src).unwrap());
        let named_by = |s: &Seen| seen_dir(root).join(record_name(&id, s));
        assert!(named_by(&record).is_file());
        let elsewhere = "0123456789abcdef0123456789abcdef-7";
        std::fs::remove_file(named_by(&record)).unwrap();
        let moved = Seen {
            key: elsewhere.into(),
            ..record.clone()
        };
        std::fs::File::create(named_by(&moved)).unwrap();
        std::fs::write(cache_path(root, elsewhere, "phone.jpg", None), b"named").unwrap();
        let named = once(root, &src, dimensions(&original), &settings).unwrap();
        assert!(
            matches!(named.last(), Some((None, Body::Cached(p, _))) if std::fs::read(p).unwrap() == b"named")
        );
        // Two records for one image: neither is trusted, and the image is read again.
        std::fs::File::create(named_by(&record)).unwrap();
        assert!(!seen_records(root).records.contains_key(&id));
        // A record that is not a key is not followed.
        std::fs::remove_file(named_by(&moved)).unwrap();
        std::fs::remove_file(named_by(&record)).unwrap();
        std::fs::File::create(seen_dir(root).join(format!("{id}_.._.._etc_passwd_1_2_3_0")))
            .unwrap();
        let read = once(root, &src, dimensions(&original), &settings).unwrap();
        assert!(matches!(read.last(), Some((None, Body::Cached(p, _))) if *p == path));
        // A changed original is read and made again.
        let mut other = original.clone();
        other.extend_from_slice(&[0xFF, 0xD9]);
        std::fs::write(&src, &other).unwrap();
        let changed = once(root, &src, dimensions(&original), &settings).unwrap();
        assert!(
            matches!(changed.last(), Some((None, Body::Cached(p, _))) if *p != path),
            "{changed:?}"
        );
        // A cache that cannot be written still publishes the image, from memory.
        let blocked = tempfile::tempdir().unwrap();
        std::fs::write(blocked.path().join(CACHE_DIR), b"a file, not a folder").unwrap();
        let unwritten = once(blocked.path(), &src, dimensions(&other), &settings).unwrap();
        assert!(
            matches!(unwritten.last(), Some((None, Body::Bytes(_)))),
            "{unwritten:?}"
        );
        assert_ne!(content_key(&other, 85), key);
        assert_ne!(
            content_key(&original, 90),
            key,
            "the quality is part of the key"
        );
    }
}

/// One image file of the site, from beside its content or from a static folder on disk (the
/// built-in theme has none).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SiteImage {
    /// Where it is published, below the output folder (`images/photo.jpg`).
    pub dest: String,
    /// Its path in the site folder, as messages and `images.keep_metadata` name it.
    pub shown: String,
    /// Where to read it.
    pub source: PathBuf,
}

/// Every image the site publishes from its own files.
pub fn site_images(site: &crate::content::Site) -> Vec<SiteImage> {
    let mut out: Vec<SiteImage> = site
        .assets
        .iter()
        .map(|a| SiteImage {
            dest: a.dest.clone(),
            shown: a.shown(&site.root),
            source: a.source.clone(),
        })
        .collect();
    // Unreadable folders were reported when the site was read.
    let mut ignored = crate::diagnostics::Diagnostics::new();
    let statics = crate::layout::STATIC;
    let theme = site.config.theme.as_deref();
    for f in crate::theme::files(&site.layout, theme, statics, Some(statics), &mut ignored) {
        if let crate::theme::Source::Disk(source) = f.source {
            out.push(SiteImage {
                dest: f.rel,
                shown: f.shown.display().to_string(),
                source,
            });
        }
    }
    out.retain(|i| is_image(&i.dest));
    out
}

/// What the Markdown stage needs to know of each image the site publishes: its size as shown,
/// and the widths of its smaller copies, by its path in the output (`images/photo.jpg`); and
/// what the checks need, read in the same pass.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct ImageSizes {
    /// The site's base path (`/` or `/lscp/`), which every image address starts with.
    pub base_path: String,
    /// Output path to (width, height, the widths of the smaller copies).
    pub by_path: std::collections::HashMap<String, (u32, u32, Vec<u32>)>,
    /// Every image of the site and its headers, in the order of its path in the site (an
    /// unreadable one with none: publishing it reports why).
    pub originals: Vec<(SiteImage, Headers)>,
    /// By output path, what publishing the image needs of its seen record.
    pub seen: std::collections::HashMap<String, Known>,
}

impl ImageSizes {
    /// The sizes of `images`, with the widths of the copies made under `settings`: from the
    /// seen records of the site at `root` for the images an earlier build saw as they are now,
    /// otherwise from their headers.
    pub fn read(
        root: &Path,
        base_path: &str,
        settings: &ImageSettings,
        images: &[SiteImage],
    ) -> ImageSizes {
        let folder = if images.is_empty() {
            SeenFolder::default()
        } else {
            seen_records(root)
        };
        let found: Vec<(SiteImage, Headers, Option<Known>)> = images
            .par_iter()
            .map(|i| {
                let (headers, known) = look(&folder.records, &i.source, settings.quality);
                (i.clone(), headers, known)
            })
            .collect();
        let used = found
            .iter()
            .filter_map(|(_, _, k)| Some(k.as_ref()?.id.as_str()))
            .collect();
        folder.forget_all_but(root, &used);
        let mut read = Vec::with_capacity(found.len());
        let mut seen = std::collections::HashMap::new();
        for (i, h, known) in found {
            if let Some(known) = known {
                seen.insert(i.dest.clone(), known);
            }
            read.push((i, h));
        }
        read.sort_by(|a, b| a.0.shown.cmp(&b.0.shown));
        let by_path = read
            .iter()
            .filter_map(|(i, h)| {
                let (w, h) = h.size?;
                let widths = if keeps(&settings.keep_metadata, &i.shown) || !has_variants(&i.dest) {
                    Vec::new()
                } else {
                    variant_widths(w, &settings.widths)
                };
                Some((i.dest.clone(), (w, h, widths)))
            })
            .collect();
        ImageSizes {
            base_path: base_path.to_string(),
            by_path,
            originals: read,
            seen,
        }
    }

    /// `html` with `width`, `height`, `decoding="async"` and, for an image with smaller
    /// copies, `srcset` and `sizes` on each `<img>` of this site's images; every image but the
    /// first loads lazily. An `<img>` that already says its width or `srcset` is left alone.
    /// A picture named relative to the page at `page_url` (`chart.png` beside a bundle's
    /// `index.md`) gets its address from the site's root, which feeds and the downloads list
    /// need too.
    pub fn apply(&self, html: &str, page_url: &str) -> String {
        let mut out = String::with_capacity(html.len() + 256);
        let mut rest = html;
        let mut first = true;
        while let Some(at) = rest.find("<img ") {
            let Some(end) = rest[at..].find('>').map(|e| at + e) else {
                break;
            };
            let tag = &rest[at..end];
            out.push_str(&rest[..at + 4]);
            match self.attributes(tag, first, page_url) {
                Some(Added {
                    extra,
                    moved: Some((from, to)),
                }) => {
                    out.push_str(&extra);
                    out.push_str(&rest[at + 4..end].replacen(
                        &format!(" src=\"{from}\""),
                        &format!(" src=\"{to}\""),
                        1,
                    ));
                }
                Some(Added { extra, moved: None }) => {
                    out.push_str(&extra);
                    out.push_str(&rest[at + 4..end]);
                }
                None => out.push_str(&rest[at + 4..end]),
            }
            first = false;
            rest = &rest[end..];
        }
        out.push_str(rest);
        out
    }

    /// What to add to the `<img` `tag`: `None` for an image that is not one of the site's.
    fn attributes(&self, tag: &str, first: bool, page_url: &str) -> Option<Added> {
        if tag.contains(" width=") || tag.contains(" srcset=") {
            return None;
        }
        let src = tag.split(" src=\"").nth(1)?.split('"').next()?;
        let decoded = percent_encoding::percent_decode_str(src)
            .decode_utf8()
            .ok()?;
        if decoded.starts_with('/') {
            let path = decoded.strip_prefix(self.base_path.as_str())?;
            let extra = self.sized(src, path, !first, SIZES)?;
            return Some(Added { extra, moved: None });
        }
        let resolved = relative_to(page_url, src)?;
        let decoded = percent_encoding::percent_decode_str(&resolved)
            .decode_utf8()
            .ok()?;
        let path = decoded.strip_prefix(self.base_path.as_str())?;
        let extra = self.sized(&resolved, path, !first, SIZES)?;
        Some(Added {
            extra,
            moved: Some((src.to_string(), resolved.clone())),
        })
    }

    /// ` width height decoding [loading] [srcset sizes]` for the image published at `path`,
    /// whose address as written is `src`.
    fn sized(&self, src: &str, path: &str, lazy: bool, sizes: &str) -> Option<String> {
        let (w, h, widths) = self.by_path.get(path)?;
        let mut a = format!(" width=\"{w}\" height=\"{h}\" decoding=\"async\"");
        if lazy {
            a.push_str(" loading=\"lazy\"");
        }
        if !widths.is_empty() {
            let set: Vec<String> = widths
                .iter()
                .map(|v| format!("{} {v}w", variant_path(src, *v)))
                .chain(std::iter::once(format!("{src} {w}w")))
                .collect();
            a.push_str(&format!(" srcset=\"{}\" sizes=\"{sizes}\"", set.join(", ")));
        }
        Some(a)
    }

    /// The whole `<img>` for templates' `image(path, alt)`: a board member's photo or a
    /// campaign's banner named in front matter or a data file. `path` is where the image is
    /// published (`images/board/chair.jpg`, with or without the site's base path or a leading
    /// `/`); `alt` is required, and empty only for a decorative image. The error says which
    /// images there are when `path` is not one of them.
    pub fn img(
        &self,
        path: &str,
        alt: &str,
        lazy: bool,
        sizes: Option<&str>,
    ) -> Result<String, String> {
        let rel = path
            .strip_prefix(self.base_path.as_str())
            .unwrap_or(path)
            .trim_start_matches('/');
        let src = attr(&format!("{}{rel}", self.base_path));
        let sizes = attr(sizes.unwrap_or(SIZES));
        let Some(rest) = self.sized(&src, rel, lazy, &sizes) else {
            let mut known: Vec<&str> = self.by_path.keys().map(String::as_str).collect();
            known.sort_unstable();
            let shown = known.iter().take(8).copied().collect::<Vec<_>>().join(", ");
            return Err(format!(
                "image(\"{path}\"): the site publishes no image at {rel}; images are named by where they are published, such as {}",
                if shown.is_empty() {
                    "images/photo.jpg (this site has none)".to_string()
                } else {
                    shown
                }
            ));
        };
        Ok(format!("<img src=\"{src}\" alt=\"{}\"{rest}>", attr(alt)))
    }
}

/// What [`ImageSizes::apply`] adds to one `<img>`.
struct Added {
    /// The attributes, each with a space before it.
    extra: String,
    /// The address as written and as rewritten from the site's root, when it was relative.
    moved: Option<(String, String)>,
}

/// `src`, written in a page at `page_url`, as an address from the site's root; `None` for an
/// address that is not relative (a scheme, `/`, `#` or `?` first).
fn relative_to(page_url: &str, src: &str) -> Option<String> {
    if src.is_empty() || src.contains(':') || src.starts_with(['/', '#', '?']) {
        return None;
    }
    let dir = &page_url[..=page_url.rfind('/')?];
    let mut parts: Vec<&str> = dir.split('/').filter(|s| !s.is_empty()).collect();
    for seg in src.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            s => parts.push(s),
        }
    }
    Some(format!("/{}", parts.join("/")))
}

/// `text` escaped for a quoted attribute.
fn attr(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    // Writing to a String cannot fail.
    let _ = crate::highlight::escape_html(&mut out, text);
    out
}
