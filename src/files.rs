//! Labels for downloadable files: "PDF, 1.2 MB". GOV.UK's guidance is to tell readers a
//! document's format and size before they download it, so templates get both, computed at build.

/// A human-readable name for a file's format, from its extension.
pub fn kind_label(file_name: &str) -> String {
    let ext = file_name
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    let known = match ext.as_str() {
        "pdf" => "PDF",
        "doc" | "docx" => "Word document",
        "odt" => "OpenDocument text",
        "xls" | "xlsx" => "Excel spreadsheet",
        "ods" => "OpenDocument spreadsheet",
        "csv" => "CSV",
        "ppt" | "pptx" => "PowerPoint presentation",
        "odp" => "OpenDocument presentation",
        "txt" => "Plain text",
        "rtf" => "Rich text",
        "ics" => "Calendar file",
        "epub" => "EPUB ebook",
        "zip" => "ZIP archive",
        "jpg" | "jpeg" => "JPEG image",
        "png" => "PNG image",
        "gif" => "GIF image",
        "svg" => "SVG image",
        "webp" => "WebP image",
        "mp3" => "MP3 audio",
        "mp4" => "MP4 video",
        "html" | "htm" => "HTML",
        _ => "",
    };
    if !known.is_empty() {
        known.to_string()
    } else if ext.is_empty() {
        "File".to_string()
    } else {
        format!("{} file", ext.to_ascii_uppercase())
    }
}

/// A size as people read it: "512 bytes", "38 KB", "1.2 MB", "2.4 GB" (powers of 1,024, as
/// file managers on Windows show them, so the figure matches what the reader sees after saving).
pub fn size_label(bytes: u64) -> String {
    const KB: u64 = 1024;
    const MB: u64 = KB * 1024;
    const GB: u64 = MB * 1024;
    // Integer arithmetic keeps the label identical on every platform.
    let tenths = |unit: u64| (bytes * 10 + unit / 2) / unit;
    match bytes {
        1 => "1 byte".to_string(),
        b if b < KB => format!("{b} bytes"),
        b if b < MB => {
            let kb = (b + KB / 2) / KB;
            if kb >= 1024 {
                "1 MB".to_string()
            } else {
                format!("{kb} KB")
            }
        }
        b if b < GB => one_decimal(tenths(MB), "MB"),
        _ => one_decimal(tenths(GB), "GB"),
    }
}

fn one_decimal(tenths: u64, unit: &str) -> String {
    if tenths.is_multiple_of(10) {
        format!("{} {unit}", tenths / 10)
    } else {
        format!("{}.{} {unit}", tenths / 10, tenths % 10)
    }
}

/// "PDF, 1.2 MB".
pub fn label(file_name: &str, bytes: u64) -> String {
    format!("{}, {}", kind_label(file_name), size_label(bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_round_like_a_file_manager() {
        assert_eq!(size_label(0), "0 bytes");
        assert_eq!(size_label(1), "1 byte");
        assert_eq!(size_label(1023), "1023 bytes");
        assert_eq!(size_label(1024), "1 KB");
        assert_eq!(size_label(38_400), "38 KB");
        assert_eq!(size_label(1024 * 1024 - 1), "1 MB");
        assert_eq!(size_label(1024 * 1024), "1 MB");
        assert_eq!(size_label(1_258_291), "1.2 MB");
        assert_eq!(size_label(5 * 1024 * 1024 + 1024 * 1024 / 2), "5.5 MB");
        assert_eq!(size_label(3 * 1024 * 1024 * 1024), "3 GB");
    }

    #[test]
    fn kinds_from_extensions() {
        assert_eq!(kind_label("annual-report.PDF"), "PDF");
        assert_eq!(kind_label("plan.docx"), "Word document");
        assert_eq!(kind_label("data.xyz"), "XYZ file");
        assert_eq!(kind_label("README"), "File");
        assert_eq!(label("report.pdf", 1_258_291), "PDF, 1.2 MB");
    }
}
