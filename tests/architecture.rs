//! The module map holds: every `crate::` path in `src/` points to a module earlier in
//! `haven::MODULE_ORDER`, so imports flow one way down the pipeline and no cycle can form.

use std::collections::BTreeSet;
use std::path::Path;

/// The top-level modules each `crate::` path in `code` names: `crate::a::b`, and every name in
/// `crate::{a, b::{c}}`.
fn named_modules(code: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let mut rest = code;
    while let Some(i) = rest.find("crate::") {
        let before = rest[..i].chars().next_back();
        rest = &rest[i + "crate::".len()..];
        // `$crate::` and `haven_crate::`-like names are not this crate's paths.
        if before.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '$') {
            continue;
        }
        if let Some(group) = rest.strip_prefix('{') {
            let mut depth = 0;
            let mut item = String::new();
            let mut items = Vec::new();
            for c in group.chars() {
                match c {
                    '{' => depth += 1,
                    '}' if depth == 0 => break,
                    '}' => depth -= 1,
                    ',' if depth == 0 => items.push(std::mem::take(&mut item)),
                    _ if depth == 0 => item.push(c),
                    _ => {}
                }
            }
            items.push(item);
            for it in items {
                let name: String = it
                    .trim()
                    .chars()
                    .take_while(|c| c.is_alphanumeric() || *c == '_')
                    .collect();
                if !name.is_empty() && name != "self" {
                    out.insert(name);
                }
            }
        } else {
            let name: String = rest
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            if !name.is_empty() {
                out.insert(name);
            }
        }
    }
    out
}

/// `text` without comments (doc links name modules without depending on them).
fn code_only(text: &str) -> String {
    text.lines()
        .map(|l| {
            let t = l.trim_start();
            if t.starts_with("//") {
                ""
            } else {
                // A trailing comment, but not the `//` of an address inside a string.
                match l.find(" //") {
                    Some(i) => &l[..i],
                    None => l,
                }
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Every `.rs` file under `src/` with the top-level module it belongs to.
fn modules() -> Vec<(String, String)> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut out = Vec::new();
    for e in walkdir::WalkDir::new(&src).sort_by_file_name() {
        let e = e.unwrap();
        let path = e.path();
        if path.extension().is_none_or(|x| x != "rs") {
            continue;
        }
        let rel = path.strip_prefix(&src).unwrap();
        let first = rel
            .components()
            .next()
            .unwrap()
            .as_os_str()
            .to_string_lossy();
        let module = first.trim_end_matches(".rs").to_string();
        out.push((module, std::fs::read_to_string(path).unwrap()));
    }
    out
}

#[test]
fn every_module_uses_only_modules_before_it() {
    let order = haven::MODULE_ORDER;
    let position = |m: &str| order.iter().position(|o| *o == m);
    let mut wrong = Vec::new();
    let mut unlisted = BTreeSet::new();
    for (module, text) in modules() {
        if module == "lib" || module == "main" {
            continue;
        }
        let Some(at) = position(&module) else {
            unlisted.insert(module);
            continue;
        };
        for used in named_modules(&code_only(&text)) {
            if used == module {
                continue;
            }
            match position(&used) {
                Some(u) if u < at => {}
                Some(_) => wrong.push(format!("{module} uses {used}, which comes after it")),
                None => wrong.push(format!(
                    "{module} uses {used}, which is not in MODULE_ORDER"
                )),
            }
        }
    }
    wrong.sort();
    wrong.dedup();
    assert!(
        unlisted.is_empty(),
        "modules missing from MODULE_ORDER: {unlisted:?}"
    );
    assert!(
        wrong.is_empty(),
        "imports against the pipeline's order:\n{}",
        wrong.join("\n")
    );
}

#[test]
fn module_order_lists_exactly_the_modules_of_lib_rs() {
    let lib =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("src/lib.rs")).unwrap();
    let declared: BTreeSet<&str> = lib
        .lines()
        .filter_map(|l| {
            l.trim()
                .strip_prefix("pub mod ")
                .or_else(|| l.trim().strip_prefix("mod "))
        })
        .map(|l| l.trim_end_matches(';'))
        .collect();
    let listed: BTreeSet<&str> = haven::MODULE_ORDER.iter().copied().collect();
    assert_eq!(declared, listed);
}

#[test]
fn the_reader_finds_paths_in_every_form() {
    let found = named_modules(
        "use crate::a::B;\nuse crate::{b, c::{D, E}, self};\nlet x = crate::d::f(crate::e::G);\n$crate::no; my_crate::no;",
    );
    let want: BTreeSet<String> = ["a", "b", "c", "d", "e"].map(String::from).into();
    assert_eq!(found, want);
    assert_eq!(
        code_only("// crate::x\nlet y = 1; // crate::z\n\"https://crate::q\""),
        "\nlet y = 1;\n\"https://crate::q\""
    );
}
