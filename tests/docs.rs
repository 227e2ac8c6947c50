//! The editor's guide in `docs/` is a Haven site built with the built-in theme: it must pass
//! every check with no finding at all, so that the guide to Haven's checks is itself clean.

use std::path::PathBuf;
use std::process::Command;

#[test]
fn the_editors_guide_has_no_findings() {
    let docs = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("docs");
    let o = Command::new(env!("CARGO_BIN_EXE_haven"))
        .args(["check", "--deny-warnings", "--root"])
        .arg(&docs)
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&o.stdout);
    assert!(
        o.status.success(),
        "{said}{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(said.contains("No problems found."), "{said}");
    assert!(
        !docs.join("themes").exists(),
        "the guide uses the built-in theme"
    );
}
