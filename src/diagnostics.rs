//! The one user-facing problem report: where (file, line, column), what went wrong, and how to
//! fix it.
//!
//! Every stage collects all the problems it finds into [`Diagnostics`] rather than stopping at
//! the first, so an editor sees every mistake in one run. Internal failures (I/O and the like)
//! become a diagnostic too, with their `anyhow` context chain folded into the message.

use std::fmt;
use std::path::{Path, PathBuf};

/// How serious a finding is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Level {
    /// Fails the build.
    Error,
    /// Reported, but the build goes on.
    Warning,
}

impl fmt::Display for Level {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Level::Error => "error",
            Level::Warning => "warning",
        })
    }
}

/// One problem, pointing at the place in the user's files that caused it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    /// Error or warning.
    pub level: Level,
    /// The file at fault, relative to the site root where possible.
    pub file: Option<PathBuf>,
    /// 1-based line, when known.
    pub line: Option<usize>,
    /// 1-based column (in characters), when known.
    pub column: Option<usize>,
    /// What is wrong, in words an editor can act on.
    pub message: String,
    /// How to fix it.
    pub hint: Option<String>,
    /// The offending source line, shown under the message.
    pub excerpt: Option<String>,
    /// The check that found it (`link-text`), for `site.yaml`'s `checks.rules` and JSON output.
    pub rule: Option<&'static str>,
}

impl Diagnostic {
    /// An error not tied to a file (for example a bad command-line option).
    pub fn error(message: impl Into<String>) -> Self {
        Diagnostic {
            level: Level::Error,
            file: None,
            line: None,
            column: None,
            message: message.into(),
            hint: None,
            excerpt: None,
            rule: None,
        }
    }

    /// An error in `file`.
    pub fn in_file(file: impl AsRef<Path>, message: impl Into<String>) -> Self {
        Diagnostic {
            file: Some(file.as_ref().to_path_buf()),
            ..Diagnostic::error(message)
        }
    }

    /// Sets the position (1-based line and column).
    pub fn at(mut self, line: usize, column: usize) -> Self {
        self.line = Some(line.max(1));
        self.column = Some(column.max(1));
        self
    }

    /// Sets the position and takes the excerpt from the file's `source` text.
    pub fn at_in(self, source: &str, line: usize, column: usize) -> Self {
        let excerpt = source
            .lines()
            .nth(line.saturating_sub(1))
            .map(|l| l.trim_end_matches('\r').to_string());
        let mut d = self.at(line, column);
        d.excerpt = excerpt;
        d
    }

    /// Sets the position and the excerpt when the caller already has the line's text (cheaper
    /// than [`Diagnostic::at_in`] on a long file).
    pub fn at_line(self, line: usize, column: usize, text: &str) -> Self {
        let mut d = self.at(line, column);
        d.excerpt = Some(text.trim_end_matches('\r').to_string());
        d
    }

    /// Adds a hint saying how to fix the problem.
    pub fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    /// Makes this a warning.
    pub fn warning(mut self) -> Self {
        self.level = Level::Warning;
        self
    }

    /// Names the check that found the problem.
    pub fn rule(mut self, rule: &'static str) -> Self {
        self.rule = Some(rule);
        self
    }

    /// Turns an internal error chain (I/O and the like) into a diagnostic for `file`.
    pub fn from_anyhow(file: Option<&Path>, err: &anyhow::Error) -> Self {
        let message = err
            .chain()
            .map(|e| e.to_string())
            .collect::<Vec<_>>()
            .join(": ");
        Diagnostic {
            file: file.map(Path::to_path_buf),
            ..Diagnostic::error(message)
        }
    }
}

impl fmt::Display for Diagnostic {
    /// `file:line:column: level: message`, then the source line with a caret, then the hint:
    /// the shape compilers and ripgrep use, which editors and terminals make clickable.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(file) = &self.file {
            write!(f, "{}", file.display())?;
            if let Some(line) = self.line {
                write!(f, ":{line}")?;
                if let Some(col) = self.column {
                    write!(f, ":{col}")?;
                }
            }
            f.write_str(": ")?;
        }
        match self.rule {
            Some(rule) => write!(f, "{}[{rule}]: {}", self.level, self.message)?,
            None => write!(f, "{}: {}", self.level, self.message)?,
        }
        if let (Some(excerpt), Some(line)) = (&self.excerpt, self.line) {
            let gutter = line.to_string();
            let pad = " ".repeat(gutter.len());
            write!(f, "\n {pad} |\n {gutter} | {excerpt}")?;
            if let Some(col) = self.column {
                let lead: String = excerpt
                    .chars()
                    .take(col.saturating_sub(1))
                    .map(|c| if c == '\t' { '\t' } else { ' ' })
                    .collect();
                write!(f, "\n {pad} | {lead}^")?;
            }
        }
        if let Some(hint) = &self.hint {
            write!(f, "\n  hint: {hint}")?;
        }
        Ok(())
    }
}

/// A list of problems; the error type of every pipeline stage.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Diagnostics(pub Vec<Diagnostic>);

impl Diagnostics {
    /// An empty list.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds one problem.
    pub fn push(&mut self, d: Diagnostic) {
        self.0.push(d);
    }

    /// Adds all of `other`.
    pub fn extend(&mut self, other: Diagnostics) {
        self.0.extend(other.0);
    }

    /// True when any problem is an error.
    pub fn has_errors(&self) -> bool {
        self.0.iter().any(|d| d.level == Level::Error)
    }

    /// How many problems there are.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// True when there are no problems at all.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The problems, in a stable order: by file, then line, then column, then message.
    pub fn sorted(mut self) -> Self {
        self.0.sort_by(|a, b| {
            (&a.file, a.line, a.column, &a.message).cmp(&(&b.file, b.line, b.column, &b.message))
        });
        self.0.dedup();
        self
    }

    /// `Ok(value)` when there are no errors, otherwise `Err(self)`.
    pub fn into_result<T>(self, value: T) -> Result<T, Diagnostics> {
        if self.has_errors() {
            Err(self)
        } else {
            Ok(value)
        }
    }

    /// Iterates over the problems.
    pub fn iter(&self) -> std::slice::Iter<'_, Diagnostic> {
        self.0.iter()
    }
}

impl From<Diagnostic> for Diagnostics {
    fn from(d: Diagnostic) -> Self {
        Diagnostics(vec![d])
    }
}

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, d) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str("\n\n")?;
            }
            write!(f, "{d}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Diagnostics {}

/// Findings as GitHub Actions workflow commands (`::error file=…,line=…,col=…,title=…::…`), so
/// that a pull request shows each on its line, then a one-line summary: GitHub shows only the
/// first ten errors and ten warnings of a step beside the code, the log keeps every one.
pub fn github_annotations(found: &[Diagnostic]) -> String {
    // Workflow commands end at a line break, and their properties at `,` and `:`.
    fn data(s: &str) -> String {
        s.replace('%', "%25")
            .replace('\r', "%0D")
            .replace('\n', "%0A")
    }
    fn property(s: &str) -> String {
        data(s).replace(':', "%3A").replace(',', "%2C")
    }
    let mut out = String::new();
    for d in found {
        let mut props = Vec::new();
        if let Some(f) = &d.file {
            props.push(format!(
                "file={}",
                property(&f.to_string_lossy().replace('\\', "/"))
            ));
        }
        if let Some(l) = d.line {
            props.push(format!("line={l}"));
        }
        if let Some(c) = d.column {
            props.push(format!("col={c}"));
        }
        props.push(format!(
            "title={}",
            property(&format!("haven {}", d.rule.unwrap_or("build")))
        ));
        let mut message = d.message.clone();
        if let Some(h) = &d.hint {
            message.push_str("\nHow to fix it: ");
            message.push_str(h);
        }
        let kind = match d.level {
            Level::Error => "error",
            Level::Warning => "warning",
        };
        out.push_str(&format!(
            "::{kind} {}::{}\n",
            props.join(","),
            data(&message)
        ));
    }
    let errors = found.iter().filter(|d| d.level == Level::Error).count();
    out.push_str(&format!(
        "haven check: {} error{}, {} warning{} (a pull request shows the first 10 of each beside the files; this log has them all)\n",
        errors,
        if errors == 1 { "" } else { "s" },
        found.len() - errors,
        if found.len() - errors == 1 { "" } else { "s" },
    ));
    out
}

/// Findings as a GitLab Code Quality report (a JSON array of `description`, `check_name`,
/// `fingerprint`, `severity`, `location.path` and `location.lines.begin`), which a merge
/// request shows beside the changed lines. A finding with no file is put on `site.yaml`, line 1.
pub fn gitlab_code_quality(found: &[Diagnostic]) -> String {
    let items: Vec<serde_json::Value> = found
        .iter()
        .map(|d| {
            let path = d.file.as_ref().map_or_else(
                || "site.yaml".to_string(),
                |f| f.to_string_lossy().replace('\\', "/"),
            );
            let line = d.line.unwrap_or(1);
            let check = d.rule.unwrap_or("build");
            let mut description = d.message.clone();
            if let Some(h) = &d.hint {
                description.push_str(". How to fix it: ");
                description.push_str(h);
            }
            serde_json::json!({
                "description": description,
                "check_name": check,
                "fingerprint": fingerprint(&[check, &path, &line.to_string(), &d.message]),
                "severity": match d.level { Level::Error => "major", Level::Warning => "minor" },
                "location": {"path": path, "lines": {"begin": line}},
            })
        })
        .collect();
    serde_json::to_string_pretty(&items).unwrap_or_else(|_| "[]".into())
}

/// A stable digest of a finding (FNV-1a, 64 bits, as hex): the same finding has the same
/// fingerprint in every run and on every machine, so GitLab can tell new findings from old.
fn fingerprint(parts: &[&str]) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for p in parts {
        for b in p.bytes().chain([0u8]) {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
    }
    format!("{h:016x}")
}

#[cfg(test)]
mod tests {
    #[test]
    fn github_and_gitlab_formats_name_the_place_and_escape_the_text() {
        let found = vec![
            Diagnostic::in_file("content/a, b.md", "link to `@/x.md`: 100% missing")
                .at(3, 7)
                .hint("fix it\nhere")
                .rule("link-target"),
            Diagnostic::in_file("content/b.md", "old term")
                .at(1, 2)
                .warning(),
            Diagnostic::error("no site.yaml"),
        ];
        let gh = github_annotations(&found);
        let lines: Vec<&str> = gh.lines().collect();
        assert_eq!(
            lines[0],
            "::error file=content/a%2C b.md,line=3,col=7,title=haven link-target::link to `@/x.md`: 100%25 missing%0AHow to fix it: fix it%0Ahere"
        );
        assert_eq!(
            lines[1],
            "::warning file=content/b.md,line=1,col=2,title=haven build::old term"
        );
        assert_eq!(lines[2], "::error title=haven build::no site.yaml");
        assert!(
            lines[3].starts_with("haven check: 2 errors, 1 warning "),
            "{}",
            lines[3]
        );
        assert_eq!(lines.len(), 4);
        let gl: serde_json::Value = serde_json::from_str(&gitlab_code_quality(&found)).unwrap();
        assert_eq!(gl[0]["check_name"], "link-target");
        assert_eq!(gl[0]["severity"], "major");
        assert_eq!(gl[0]["location"]["path"], "content/a, b.md");
        assert_eq!(gl[0]["location"]["lines"]["begin"], 3);
        assert_eq!(
            gl[0]["description"],
            "link to `@/x.md`: 100% missing. How to fix it: fix it\nhere"
        );
        assert_eq!(gl[1]["severity"], "minor");
        assert_eq!(gl[2]["location"]["path"], "site.yaml");
        let prints: Vec<&str> = (0..3)
            .map(|i| gl[i]["fingerprint"].as_str().unwrap())
            .collect();
        assert!(prints.iter().all(|p| p.len() == 16));
        assert!(prints[0] != prints[1] && prints[1] != prints[2]);
        assert_eq!(
            gitlab_code_quality(&found),
            gitlab_code_quality(&found),
            "stable"
        );
    }

    use super::*;

    #[test]
    fn renders_location_excerpt_caret_and_hint() {
        let src = "---\ntitel: x\n---\n";
        let d = Diagnostic::in_file("content/a.md", "unknown key `titel`")
            .at_in(src, 2, 1)
            .hint("did you mean `title`?");
        let text = d.to_string();
        assert_eq!(
            text,
            "content/a.md:2:1: error: unknown key `titel`\n   |\n 2 | titel: x\n   | ^\n  hint: did you mean `title`?"
        );
    }

    #[test]
    fn has_errors_ignores_warnings() {
        let mut ds = Diagnostics::new();
        ds.push(Diagnostic::error("w").warning());
        assert!(!ds.has_errors());
        ds.push(Diagnostic::error("e"));
        assert!(ds.has_errors());
    }
}
