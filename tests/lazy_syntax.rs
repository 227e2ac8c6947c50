//! The syntax definitions load only when a page has a code block. This is its own test binary
//! (its own process), so no other test can have loaded them first.

use std::fs;

#[test]
fn syntaxes_load_only_for_sites_with_code() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    fs::create_dir_all(root.join("content")).unwrap();
    fs::create_dir_all(root.join("templates")).unwrap();
    fs::write(
        root.join("site.yaml"),
        "title: T\nbase_url: https://t.example/\ntaxonomies: []\nsafeguarding_site: false\n",
    )
    .unwrap();
    fs::write(
        root.join("content/_index.md"),
        "---\ntitle: Home\n---\nNo code here.\n",
    )
    .unwrap();
    for t in [
        "index.html",
        "section.html",
        "page.html",
        "taxonomy_list.html",
        "taxonomy_term.html",
        "404.html",
        "search.html",
        "a_z.html",
    ] {
        fs::write(
            root.join("templates").join(t),
            "{% if page %}{{ page.content }}{% elif section %}{{ section.content }}{% endif %}",
        )
        .unwrap();
    }
    let opts = haven::BuildOptions {
        root: root.to_path_buf(),
        ..Default::default()
    };
    haven::build(&opts).unwrap();
    assert!(
        !haven::highlight::is_loaded(),
        "a site without code blocks loaded the syntaxes"
    );

    fs::write(
        root.join("content/code.md"),
        "---\ntitle: Code\n---\n```yaml\na: 1\n```\n",
    )
    .unwrap();
    haven::build(&opts).unwrap();
    assert!(haven::highlight::is_loaded());
    let html = fs::read_to_string(root.join("public/code/index.html")).unwrap();
    assert!(html.contains("hl-"), "{html}");
}
