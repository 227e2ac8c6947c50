use super::*;

const BOARD_SCHEMA: &str = include_str!("../../themes/haven/schemas/data/board.json");
const SUBGROUPS_SCHEMA: &str = include_str!("../../themes/haven/schemas/data/subgroups.json");
const DOCUMENTS_SCHEMA: &str =
    include_str!("../../themes/haven/schemas/extra/pages-of/documents.html.json");
const BOARD: &str = include_str!("../../data/board.yaml");
const SUBGROUPS: &str = include_str!("../../data/subgroups.yaml");

fn file(rel: &str, text: &str) -> SchemaFile {
    SchemaFile {
        rel: rel.to_string(),
        shown: Path::new("themes/haven/schemas").join(rel),
        text: text.to_string(),
    }
}

/// The theme's schemas, which must load without a single warning.
fn theme() -> ThemeSchemas {
    let mut diags = Diagnostics::new();
    let s = ThemeSchemas::from_files(
        [
            file("data/board.json", BOARD_SCHEMA),
            file("data/subgroups.json", SUBGROUPS_SCHEMA),
            file("extra/pages-of/documents.html.json", DOCUMENTS_SCHEMA),
        ],
        &mut diags,
    );
    assert!(diags.is_empty(), "{diags}");
    s
}

fn yaml(text: &str) -> Value {
    crate::yaml::parse(text, Path::new("x.yaml"), text, 1).expect("test YAML is valid")
}

fn check_board(text: &str) -> Vec<Diagnostic> {
    theme().check_data(Path::new("data/board.yaml"), text, &yaml(text))
}

/// `file:line:column: message` and the hint, one diagnostic a line.
fn shown(ds: &[Diagnostic]) -> Vec<String> {
    ds.iter()
        .map(|d| {
            format!(
                "{}:{}:{}: {} | {}",
                d.file
                    .as_deref()
                    .map(Path::display)
                    .map(|p| p.to_string())
                    .unwrap_or_default(),
                d.line.unwrap_or(0),
                d.column.unwrap_or(0),
                d.message,
                d.hint.as_deref().unwrap_or("")
            )
        })
        .collect()
}

/// The `extra` of a Markdown page whose front matter starts on line 2.
fn extra_of(source: &str) -> Value {
    let yaml_text = front_matter(source, 2);
    let fm = yaml(yaml_text);
    fm.get("extra").cloned().unwrap_or(Value::Null)
}

fn check_document(source: &str) -> Vec<Diagnostic> {
    let extra = match extra_of(source) {
        Value::Null => Value::Object(serde_json::Map::new()),
        v => v,
    };
    theme().check_extra(
        "page.html",
        Some("documents.html"),
        Path::new("content/documents/x/index.md"),
        source,
        2,
        &extra,
    )
}

#[test]
fn the_demo_data_passes() {
    let s = theme();
    let board = s.check_data(Path::new("data/board.yaml"), BOARD, &yaml(BOARD));
    assert!(board.is_empty(), "{:#?}", shown(&board));
    let groups = s.check_data(
        Path::new("data/subgroups.yaml"),
        SUBGROUPS,
        &yaml(SUBGROUPS),
    );
    assert!(groups.is_empty(), "{:#?}", shown(&groups));
}

#[test]
fn every_demo_document_passes() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("content/documents");
    let mut seen = 0;
    for entry in std::fs::read_dir(dir).expect("the demo has a document library") {
        let page = entry.expect("readable").path().join("index.md");
        let Ok(source) = std::fs::read_to_string(&page) else {
            continue;
        };
        let found = check_document(&source);
        assert!(found.is_empty(), "{}: {:#?}", page.display(), shown(&found));
        seen += 1;
    }
    assert!(seen >= 5, "only {seen} documents checked");
}

#[test]
fn a_misspelt_top_level_key_is_named_with_the_allowed_ones() {
    let text = BOARD.replace("\nindependent:", "\nindependant:");
    assert_eq!(
        shown(&check_board(&text)),
        [
            "data/board.yaml:13:1: unknown key `independant` | did you mean `independent`? Allowed keys here: statutory_partners, independent, members, advisers"
        ]
    );
    let d = &check_board(&text)[0];
    assert_eq!(d.excerpt.as_deref(), Some("independant:"));
}

#[test]
fn a_misspelt_member_key_is_unknown_and_leaves_the_member_without_it() {
    let text = BOARD.replace(
        "  - role: Director of Children's Services",
        "  - rol: Director of Children's Services",
    );
    assert_eq!(
        shown(&check_board(&text)),
        [
            "data/board.yaml:22:5: a member has no `role` | rename `rol:` to `role:` (the member's job title, such as Director of Children's Services)",
            "data/board.yaml:22:5: unknown key `rol` in a member of `members` | did you mean `role`? Allowed keys here: role, agency",
        ]
    );
}

#[test]
fn a_missing_member_key_says_where_to_add_it() {
    let text = BOARD.replace(
        "  - role: Assistant Director, Education\n    agency: London Borough of Bromley\n",
        "  - role: Assistant Director, Education\n",
    );
    assert_eq!(
        shown(&check_board(&text)),
        [
            "data/board.yaml:26:5: a member has no `agency` | add `agency:` under `role:`, lined up with it (the organisation the member represents)"
        ]
    );
}

#[test]
fn a_wrong_type_is_named_in_editors_words() {
    let text = BOARD.replace(
        "    lead: Chief Executive\n    delegate: Director of Children's Services",
        "    lead:\n      - Chief Executive\n    delegate: 2024",
    );
    assert_eq!(
        shown(&check_board(&text)),
        [
            "data/board.yaml:5:5: expected text here, not a list | write the text on the same line as `lead:`, in quotes if it contains a colon (the role that represents the partner, such as Chief Executive)",
            "data/board.yaml:7:15: expected text here, not a whole number | put it in quotes, like `delegate: \"2024\"`, so that it is read as text (the role the lead representative has delegated the work to)",
        ]
    );
}

#[test]
fn every_violation_is_reported_in_order() {
    let text = BOARD
        .replace("\nindependent:", "\nindependant:")
        .replace(
            "    agency: Bromley Healthcare\n",
            "    agncy: Bromley Healthcare\n",
        )
        .replace("  - role: Named GP\n", "  - role:\n");
    assert_eq!(
        shown(&check_board(&text)),
        [
            "data/board.yaml:13:1: unknown key `independant` | did you mean `independent`? Allowed keys here: statutory_partners, independent, members, advisers",
            "data/board.yaml:42:5: a member has no `agency` | rename `agncy:` to `agency:` (the organisation the member represents)",
            "data/board.yaml:43:5: unknown key `agncy` in a member of `members` | did you mean `agency`? Allowed keys here: role, agency",
            "data/board.yaml:57:5: expected text here, not an empty value | write the value after `role:`, or remove the line (the adviser's job title, such as Named GP)",
        ]
    );
}

#[test]
fn a_document_without_kind_says_how_to_add_it() {
    let page = "---\ntitle: Plan\ndate: 2020-01-01\nextra:\n  period: 2020\n---\nText\n";
    assert_eq!(
        shown(&check_document(page)),
        [
            "content/documents/x/index.md:5:3: `extra` has no `kind` | add `kind:` under `extra:`, lined up with `period:`. The heading the document is listed under; documents of the same kind are listed together, so spell it the same way each time.",
            "content/documents/x/index.md:5:11: expected text here, not a whole number | put it in quotes, like `period: \"2020\"`, so that it is read as text (the time the document covers, shown before its date, such as April 2018 to March 2019)",
        ]
    );
}

#[test]
fn a_document_without_extra_or_with_an_empty_one() {
    let page = "---\ntitle: Plan\ndate: 2020-01-01\n---\nText\n";
    assert_eq!(
        shown(&check_document(page)),
        [
            "content/documents/x/index.md:2:1: `extra` has no `kind` | add `extra:` with `kind:` indented under it. The heading the document is listed under; documents of the same kind are listed together, so spell it the same way each time."
        ]
    );
    let page = "---\ntitle: Plan\nextra:\n---\nText\n";
    let found = shown(&check_document(page));
    assert_eq!(found.len(), 1);
    assert!(
        found[0].starts_with(
            "content/documents/x/index.md:3:1: `extra` has no `kind` | add `kind:` indented under `extra:`."
        ),
        "{found:#?}"
    );
    let page = "---\ntitle: Plan\nextra:\n  kind: \"\"\n---\n";
    assert_eq!(
        shown(&check_document(page)),
        [
            "content/documents/x/index.md:4:9: `kind` is empty | write a value after `kind:`, or remove the line. The heading the document is listed under; documents of the same kind are listed together, so spell it the same way each time."
        ]
    );
}

#[test]
fn an_enum_suggests_the_closest_value() {
    let schema = r#"{
  "type": "object",
  "properties": {
    "kind": {"enum": ["Annual report", "Business plan", "Strategy", "Guidance"]},
    "topics": {"type": "array", "items": {"enum": ["neglect", "online safety"]}, "uniqueItems": true}
  }
}"#;
    let mut diags = Diagnostics::new();
    let s = ThemeSchemas::from_files([file("extra/board.html.json", schema)], &mut diags);
    assert!(diags.is_empty(), "{diags}");
    let source = "---\ntitle: t\nextra:\n  kind: Anual report\n  topics: [neglect, neglect, onlin safety]\n---\n";
    let extra = extra_of(source);
    let found = s.check_extra("board.html", None, Path::new("a.md"), source, 2, &extra);
    assert_eq!(
        shown(&found),
        [
            "a.md:4:9: kind `Anual report` is not one of: Annual report, Business plan, Strategy, Guidance | did you mean `Annual report`?",
            "a.md:5:3: `topics` lists the same item twice | ",
            "a.md:5:30: `onlin safety` is not one of: neglect, online safety | did you mean `online safety`?",
        ]
    );
    assert_eq!(found[0].excerpt.as_deref(), Some("  kind: Anual report"));
}

#[test]
fn other_rules_have_sentences_too() {
    let schema = r#"{
  "type": "object",
  "properties": {
    "email": {"type": "string", "format": "email"},
    "code": {"type": "string", "pattern": "^[A-Z]{3}$"},
    "count": {"type": "integer", "minimum": 1},
    "list": {"type": "array", "minItems": 2},
    "short": {"type": "string", "maxLength": 3},
    "either": {"type": ["string", "boolean"]}
  }
}"#;
    let mut diags = Diagnostics::new();
    let s = ThemeSchemas::from_files([file("data/x.json", schema)], &mut diags);
    assert!(diags.is_empty(), "{diags}");
    let text = "email: nobody\ncode: ab\ncount: 0\nlist: [a]\nshort: abcd\neither: [x]\n";
    let found = s.check_data(Path::new("data/x.yaml"), text, &yaml(text));
    assert_eq!(
        shown(&found),
        [
            "data/x.yaml:1:8: `email` is not an email address | ",
            "data/x.yaml:2:7: code `ab` is not written as expected | it must match the pattern `^[A-Z]{3}$`",
            "data/x.yaml:3:8: `count` must be at least 1 | ",
            "data/x.yaml:4:1: `list` needs at least 2 items | ",
            "data/x.yaml:5:8: `short` is too long: write at most 3 characters (it has 4) | ",
            "data/x.yaml:6:1: expected text, or true or false here, not a list | write the text on the same line as `either:`, in quotes if it contains a colon",
        ]
    );
}

#[test]
fn json_data_files_are_placed_too() {
    let s = theme();
    let text = "{\n  \"subgroups\": [\n    {\"name\": \"A\", \"chair\": \"B\", \"meets\": \"C\", \"remitt\": \"D\"}\n  ]\n}\n";
    let value: Value = serde_json::from_str(text).expect("valid JSON");
    let found = s.check_data(Path::new("data/subgroups.json"), text, &value);
    assert_eq!(
        shown(&found),
        [
            "data/subgroups.json:3:5: a sub-group has no `remit` | rename `remitt:` to `remit:` (a sentence or two on what the sub-group does)",
            "data/subgroups.json:3:47: unknown key `remitt` in a sub-group of `subgroups` | did you mean `remit`? Allowed keys here: name, chair, meets, remit",
        ]
    );
}

#[test]
fn a_file_without_a_schema_is_not_checked() {
    let s = theme();
    let text = "anything: [1, 2]\n";
    assert!(
        s.check_data(Path::new("data/other.yaml"), text, &yaml(text))
            .is_empty()
    );
    assert!(
        s.check_extra("page.html", None, Path::new("a.md"), "", 2, &Value::Null)
            .is_empty()
    );
    assert_eq!(
        s.data_schema(Path::new("data/board.yaml")),
        Some(Path::new("themes/haven/schemas/data/board.json"))
    );
}

#[test]
fn a_broken_schema_is_an_error_naming_its_file() {
    let mut diags = Diagnostics::new();
    let s = ThemeSchemas::from_files(
        [
            file("data/a.json", "{\n  \"type\": \"object\",\n}\n"),
            file(
                "data/b.json",
                "{\n  \"properties\": {\n    \"x\": {\"type\": \"strin\"}\n  }\n}\n",
            ),
            file("data/c.json", "{\"$ref\": \"other.json\"}"),
        ],
        &mut diags,
    );
    assert!(s.is_empty());
    let found = shown(&diags.0);
    assert_eq!(found.len(), 3, "{found:#?}");
    assert!(
        found[0].starts_with(
            "themes/haven/schemas/data/a.json:3:1: this schema is not valid JSON: trailing comma"
        ),
        "{found:#?}"
    );
    assert!(
        found[1].starts_with("themes/haven/schemas/data/b.json:3:11: this is not a valid JSON Schema:")
            && found[1].ends_with("did you mean `string`? A type is one of: string, number, integer, boolean, array, object, null"),
        "{found:#?}"
    );
    assert!(
        found[2].starts_with("themes/haven/schemas/data/c.json:") && found[2].contains("`$ref`"),
        "{found:#?}"
    );
}

#[test]
fn misplaced_schemas_and_misspelt_keywords_are_warnings() {
    let mut diags = Diagnostics::new();
    let s = ThemeSchemas::from_files(
        [
            file("board.json", "{}"),
            file("data/board.yaml.json", "{}"),
            file("extra/board.json", "{}"),
            file(
                "data/ok.json",
                "{\n  \"requried\": [\"x\"],\n  \"properties\": {\"x\": {\"titel\": \"X\", \"ui:widget\": \"text\"}}\n}\n",
            ),
        ],
        &mut diags,
    );
    assert!(!diags.has_errors());
    let found = shown(&diags.0);
    assert_eq!(found.len(), 5, "{found:#?}");
    assert!(
        found
            .iter()
            .any(|l| l.contains("schemas/board.json:0:0: this schema is not used"))
    );
    assert!(
        found
            .iter()
            .any(|l| l.contains("name it `data/board.json` to describe data/board.yaml"))
    );
    assert!(
        found
            .iter()
            .any(|l| l.contains("name it `extra/board.html.json`"))
    );
    assert!(found.iter().any(|l| l.contains(
        "data/ok.json:2:3: unknown keyword `requried` in this schema, so it has no effect | did you mean `required`?"
    )));
    assert!(
        found
            .iter()
            .any(|l| l.contains("data/ok.json:3:24: unknown keyword `titel`"))
    );
    assert!(s.data_schema(Path::new("data/ok.yaml")).is_some());
}

#[test]
fn the_site_replaces_the_theme_schema_of_the_same_name() {
    let dir = tempfile::tempdir().expect("temporary folder");
    let root = dir.path();
    let write = |rel: &str, text: &str| {
        let p = root.join(rel);
        std::fs::create_dir_all(p.parent().expect("has a parent")).expect("mkdir");
        std::fs::write(p, text).expect("write");
    };
    write("themes/t/schemas/data/a.json", r#"{"required": ["theme"]}"#);
    write("themes/t/schemas/data/b.json", r#"{"required": ["b"]}"#);
    write("themes/t/schemas/README.md", "Not a schema.");
    write("schemas/data/a.json", r#"{"required": ["site"]}"#);
    let layout = Layout::open(root).expect("the folder exists");
    let mut diags = Diagnostics::new();
    let s = ThemeSchemas::load(&layout, Some("t"), &mut diags);
    assert!(diags.is_empty(), "{diags}");
    assert_eq!(
        s.data_schema(Path::new("data/a.yaml")),
        Some(Path::new("schemas/data/a.json"))
    );
    assert_eq!(
        s.data_schema(Path::new("data/b.yaml")),
        Some(Path::new("themes/t/schemas/data/b.json"))
    );
    let text = "other: 1\n";
    let found = s.check_data(Path::new("data/a.yaml"), text, &yaml(text));
    assert_eq!(
        shown(&found),
        ["data/a.yaml:1:1: this file has no `site` | add a line `site:` to this file"]
    );
}

#[test]
fn never_panics_on_odd_input() {
    let s = theme();
    let value = yaml("members: [1, {role: [x]}]\nstatutory_partners: {}\n");
    for text in [
        "",
        ":",
        "[[[[",
        "members: [1",
        "\u{feff}\t- x",
        "a: &a [*a]",
    ] {
        let found = s.check_data(Path::new("data/board.yaml"), text, &value);
        assert!(!found.is_empty());
        assert!(
            found
                .iter()
                .all(|d| d.line >= Some(1) && d.column >= Some(1))
        );
        let found = s.check_extra(
            "page.html",
            Some("documents.html"),
            Path::new("a.md"),
            text,
            7,
            &value,
        );
        assert!(!found.is_empty());
    }
}

#[test]
fn front_matter_is_cut_at_its_closing_line() {
    let source = "---\ntitle: a\nextra:\n  k: v\n---\nbody\n---\n";
    assert_eq!(front_matter(source, 2), "title: a\nextra:\n  k: v\n");
    assert_eq!(front_matter("---\ntitle: a\n", 2), "title: a\n");
    assert_eq!(front_matter("", 2), "");
}

#[test]
fn schemas_can_be_shared_between_threads() {
    // Pages are checked in parallel, so one set of schemas serves every thread.
    fn shared<T: Send + Sync>() {}
    shared::<ThemeSchemas>();
}
