//! Compiles the default theme (`themes/haven/`) into the binary, so that `theme: haven` works
//! with no `themes/` folder and updating Haven updates the theme.
//!
//! Written here rather than with a crate: `include_dir` and `rust-embed` track only the files
//! that existed when the macro ran, so a template added to the theme would not rebuild Haven;
//! `rerun-if-changed` on the folder makes Cargo rebuild on any change below it.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::{env, fs};

fn main() {
    let root = PathBuf::from(env::var_os("CARGO_MANIFEST_DIR").expect("set by Cargo"));
    let theme = root.join("themes").join("haven");
    println!("cargo:rerun-if-changed=themes/haven");
    let mut files = Vec::new();
    collect(&theme, &theme, &mut files);
    files.sort();
    let mut out = String::from(
        "/// Every file of the built-in theme: its path below the theme folder, `/`-separated, and its bytes.\n\
         pub static BUILT_IN: &[(&str, &[u8])] = &[\n",
    );
    for (rel, path) in &files {
        writeln!(out, "    ({rel:?}, include_bytes!({path:?})),").expect("writing to a String");
    }
    out.push_str("];\n");
    let dest = PathBuf::from(env::var_os("OUT_DIR").expect("set by Cargo")).join("theme_files.rs");
    fs::write(dest, out).expect("cannot write the built-in theme's file list");
}

/// Files below `dir`, skipping hidden files and editor backups as the build does.
fn collect(base: &Path, dir: &Path, out: &mut Vec<(String, String)>) {
    let entries =
        fs::read_dir(dir).unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()));
    for entry in entries {
        let entry = entry.expect("cannot read the theme folder");
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.starts_with('.')
            || name.ends_with('~')
            || name.ends_with(".swp")
            || name == "Thumbs.db"
        {
            continue;
        }
        let path = entry.path();
        if path.is_dir() {
            collect(base, &path, out);
        } else {
            let rel = path
                .strip_prefix(base)
                .expect("below the theme folder")
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect::<Vec<_>>()
                .join("/");
            out.push((rel, path.to_string_lossy().into_owned()));
        }
    }
}
