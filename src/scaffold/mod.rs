//! Starting points for editors: `haven init` writes a new partnership site ([`init`]), and
//! `haven new` adds a page, a piece of guidance, a news post, a training session, a document
//! or an alert to an existing one ([`new`]). Neither ever replaces a file.

pub mod init;
pub mod new;

use std::fs::{self, OpenOptions};
use std::io::Write;
use std::path::Path;

use crate::diagnostics::Diagnostic;

/// Creates `path` with `text`, refusing if anything is already there (a file, a folder or a
/// link), so that no editor's work is ever replaced.
fn create_new(path: &Path, shown: &str, text: &str) -> Result<(), Diagnostic> {
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent)
            .map_err(|e| Diagnostic::error(format!("cannot create the folder for {shown}: {e}")))?;
    }
    let mut file = OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
        .map_err(|e| {
            if e.kind() == std::io::ErrorKind::AlreadyExists {
                Diagnostic::error(format!(
                    "{shown} already exists, and Haven never replaces a file"
                ))
                .hint("open that file to edit it, or choose a different title")
            } else {
                Diagnostic::error(format!("cannot create {shown}: {e}"))
            }
        })?;
    file.write_all(text.as_bytes())
        .and_then(|()| file.sync_all())
        .map_err(|e| Diagnostic::error(format!("cannot write {shown}: {e}")))
}

/// Replaces the file at `path` with `bytes` all at once: a copy is written and flushed beside
/// it, then renamed over it, so a crash or a full disk leaves the old file whole.
fn replace_file(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let name = path
        .file_name()
        .map_or_else(Default::default, |n| n.to_string_lossy());
    let tmp = path.with_file_name(format!(".{name}.haven-new"));
    let result = (|| {
        let mut f = fs::File::create(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result
}

/// `s` as a YAML string in double quotes, safe whatever it holds.
fn yaml_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() => out.push_str(&format!("\\u{:04x}", u32::from(c))),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// `s` as Markdown text that shows exactly as written.
fn markdown_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if "\\`*_[]<>#!|~&".contains(c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// Checks a name or title typed on the command line: one line, not empty, not too long.
fn one_line(what: &str, s: &str) -> Result<String, Diagnostic> {
    let t = s.trim();
    if t.is_empty() {
        return Err(
            Diagnostic::error(format!("the {what} is empty")).hint(format!(
                "write the {what} in quotes, e.g. \"Northshire Safeguarding Children Partnership\""
            )),
        );
    }
    if t.chars().any(char::is_control) {
        return Err(Diagnostic::error(format!("the {what} must be on one line")));
    }
    if t.chars().count() > 150 {
        return Err(Diagnostic::error(format!(
            "the {what} is {} characters long",
            t.chars().count()
        ))
        .hint("keep it under 150 characters; a page's description can say more"));
    }
    Ok(t.to_string())
}

/// A date as readers see it: 30 November 2026.
fn long_date(d: jiff::civil::Date) -> String {
    d.strftime("%-d %B %Y").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_written_safely() {
        assert_eq!(yaml_string(r#"A "B" \ C"#), r#""A \"B\" \\ C""#);
        assert_eq!(
            markdown_text("Smith & *Jones* <b>"),
            r"Smith \& \*Jones\* \<b\>"
        );
        assert!(one_line("title", "  ").is_err());
        assert!(one_line("title", "a\nb").is_err());
        assert_eq!(one_line("title", " Neglect ").unwrap(), "Neglect");
    }

    #[test]
    fn create_new_never_replaces() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a/b.md");
        create_new(&p, "a/b.md", "first").unwrap();
        let e = create_new(&p, "a/b.md", "second").unwrap_err();
        assert!(e.to_string().contains("already exists"), "{e}");
        assert_eq!(fs::read_to_string(&p).unwrap(), "first");
    }
}
