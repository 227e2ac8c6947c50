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

#[cfg(test)]
mod tests {
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
