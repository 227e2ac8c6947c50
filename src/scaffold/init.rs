//! `haven init DIR`: a new partnership site that builds at once. Its safety settings are all
//! present, with the ones only the partnership knows marked as placeholders (see
//! [`crate::config::PLACEHOLDER`]), so the build warns until they are filled in. It carries no
//! copy of the theme: the theme is built into Haven.

use std::fs;
use std::path::{Path, PathBuf};

use jiff::civil::Date;

use super::{create_new, long_date, markdown_text, one_line, yaml_string};
use crate::diagnostics::Diagnostic;

/// The starter site: where each file goes, and its text before the partnership's name and
/// today's date are filled in.
const STARTER: &[(&str, &str)] = &[
    ("site.yaml", include_str!("starter/site.yaml")),
    (
        "content/_index.md",
        include_str!("starter/content/_index.md"),
    ),
    (
        "content/worried-about-a-child.md",
        include_str!("starter/content/worried-about-a-child.md"),
    ),
    (
        "content/staying-safe-online.md",
        include_str!("starter/content/staying-safe-online.md"),
    ),
    (
        "content/accessibility.md",
        include_str!("starter/content/accessibility.md"),
    ),
    (
        "content/cookies.md",
        include_str!("starter/content/cookies.md"),
    ),
    (
        "content/privacy.md",
        include_str!("starter/content/privacy.md"),
    ),
    (
        "content/guidance/_index.md",
        include_str!("starter/content/guidance/_index.md"),
    ),
    (
        "content/news/_index.md",
        include_str!("starter/content/news/_index.md"),
    ),
    (
        "content/training/_index.md",
        include_str!("starter/content/training/_index.md"),
    ),
    (
        "content/documents/_index.md",
        include_str!("starter/content/documents/_index.md"),
    ),
    (
        "data/glossary.yaml",
        include_str!("starter/data/glossary.yaml"),
    ),
    ("data/alerts.yaml", include_str!("starter/data/alerts.yaml")),
    (".gitignore", include_str!("starter/gitignore")),
    (
        ".github/workflows/publish.yml",
        include_str!("starter/github-publish.yml"),
    ),
    (".gitlab-ci.yml", include_str!("starter/gitlab-ci.yml")),
];

/// Writes a new site for the partnership called `name` into `dir`, which must be missing or
/// empty. Returns the files written, relative to `dir`. If a file cannot be written, those
/// already written are removed again, so a failed start leaves nothing half-made.
pub fn init(dir: &Path, name: &str, today: Date) -> Result<Vec<String>, Diagnostic> {
    let name = one_line("partnership's name", name)?;
    prepare(dir)?;
    let fill = |text: &str| {
        text.replace("%%NAME_YAML%%", &yaml_string(&name))
            .replace("%%NAME_MD%%", &markdown_text(&name))
            .replace("%%NAME%%", &name)
            .replace("%%TODAY_LONG%%", &long_date(today))
            .replace("%%VERSION%%", env!("CARGO_PKG_VERSION"))
            .replace("%%REPOSITORY%%", env!("CARGO_PKG_REPOSITORY"))
    };
    let mut written: Vec<PathBuf> = Vec::new();
    for (rel, text) in STARTER {
        let path = dir.join(rel);
        if let Err(e) = create_new(&path, rel, &fill(text)) {
            for p in written.iter().rev() {
                let _ = fs::remove_file(p);
            }
            return Err(e);
        }
        written.push(path);
    }
    Ok(STARTER.iter().map(|(rel, _)| rel.to_string()).collect())
}

/// Makes sure `dir` is a folder with nothing in it, creating it if it does not exist.
fn prepare(dir: &Path) -> Result<(), Diagnostic> {
    let shown = dir.display();
    match fs::symlink_metadata(dir) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => fs::create_dir_all(dir)
            .map_err(|e| Diagnostic::error(format!("cannot create the folder {shown}: {e}"))),
        Err(e) => Err(Diagnostic::error(format!("cannot open {shown}: {e}"))),
        Ok(_) if !dir.is_dir() => Err(Diagnostic::error(format!(
            "{shown} is a file, not a folder"
        ))
        .hint("choose a name for a new folder, e.g. haven init northshire-site")),
        Ok(_) => {
            let mut entries = fs::read_dir(dir)
                .map_err(|e| Diagnostic::error(format!("cannot open the folder {shown}: {e}")))?;
            if entries.next().is_some() {
                return Err(Diagnostic::error(format!(
                    "the folder {shown} is not empty, and haven init only starts a site in a new or empty folder"
                ))
                .hint("choose a name for a new folder, e.g. haven init northshire-site; Haven never writes over files that are already there"));
            }
            Ok(())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_a_folder_with_anything_in_it() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join(".keep"), "mine").unwrap();
        let e = init(dir.path(), "Northshire", Date::constant(2026, 11, 30)).unwrap_err();
        assert!(e.to_string().contains("is not empty"), "{e}");
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1);
        assert_eq!(
            fs::read_to_string(dir.path().join(".keep")).unwrap(),
            "mine"
        );
        let file = dir.path().join(".keep");
        assert!(init(&file, "Northshire", Date::constant(2026, 11, 30)).is_err());
    }

    #[test]
    fn fills_in_the_name_safely() {
        let dir = tempfile::tempdir().unwrap();
        let site = dir.path().join("new-site");
        let name = r#"Smith & "Jones" Safeguarding Partnership"#;
        let files = init(&site, name, Date::constant(2026, 11, 30)).unwrap();
        assert!(files.contains(&".gitignore".to_string()));
        let yaml = fs::read_to_string(site.join("site.yaml")).unwrap();
        assert!(yaml.contains(r#"title: "Smith & \"Jones\" Safeguarding Partnership""#));
        let cookies = fs::read_to_string(site.join("content/cookies.md")).unwrap();
        assert!(cookies.contains(r#"Smith \& "Jones" Safeguarding Partnership does not set"#));
        let statement = fs::read_to_string(site.join("content/accessibility.md")).unwrap();
        assert!(statement.contains("prepared on 30 November 2026"));
        for (rel, _) in STARTER {
            let text = fs::read_to_string(site.join(rel)).unwrap();
            assert!(!text.contains("%%"), "{rel} has an unfilled marker");
        }
        assert!(!site.join("themes").exists());
    }
}
