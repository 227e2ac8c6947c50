//! Where a node of a YAML (or JSON) text is written, found by its JSON pointer.
//!
//! A schema reports a violation by its path in the value (`/members/3/role`); an editor needs
//! the line and column in the file. The text is read a second time into a small tree that keeps
//! the position of every key and value (serde-saphyr's [`Spanned`]), and the pointer is walked
//! down that tree. Only texts with a violation are read this way, so valid files cost nothing.
//!
//! Block and flow styles, comments, multi-line scalars, anchors and aliases, merge keys and JSON
//! all read the same way. A node reached through an alias is placed where it is used (the
//! alias), which is where its path leads. A text that cannot be read at all (it would have
//! failed earlier, when the file itself was read) places everything at its first line.

use std::fmt;

use serde::de::{self, Deserialize, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_saphyr::Spanned;

/// A place in a text: 1-based line and column (in characters).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Position {
    /// 1-based line.
    pub line: usize,
    /// 1-based column, in characters.
    pub column: usize,
}

impl Position {
    /// The first character of a text.
    pub const START: Position = Position { line: 1, column: 1 };

    fn of(loc: &serde_saphyr::Location) -> Option<Position> {
        let line = usize::try_from(loc.line()).ok()?;
        let column = usize::try_from(loc.column()).ok()?;
        // serde-saphyr marks a location it could not keep with line 0.
        (line > 0).then_some(Position {
            line,
            column: column.max(1),
        })
    }
}

/// What a pointer leads to: the deepest node of the path that is written in the text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Located {
    /// Where the node starts: for a block mapping its first key, for a flow collection its
    /// bracket, for a block list its first `-`.
    pub value: Position,
    /// Where the node's key is written, when the node is a value in a mapping.
    pub key: Option<Position>,
    /// Whether the whole pointer was found (otherwise the fields describe the deepest ancestor
    /// that exists).
    pub exact: bool,
    /// Whether the node is a mapping or a list rather than a single value.
    pub collection: bool,
    /// Whether the node is an empty value (`key:` with nothing after it, or `~`).
    pub empty: bool,
    /// For a mapping written in block style (one `key: value` a line), its first key: a missing
    /// key is added under it.
    pub first_key: Option<String>,
}

impl Located {
    /// Where a message about the node itself is best shown: a single value where it is
    /// written; a mapping or list at its key, since its first line is one of its entries; an
    /// empty value at its key, since there is nothing else to point at.
    pub fn best(&self) -> Position {
        match self.key {
            Some(key) if self.collection || self.empty => key,
            _ => self.value,
        }
    }
}

/// How deeply nested a text may be for its positions to be found.
const MAX_DEPTH: usize = 32;

/// The positions of every key and value of one YAML or JSON text.
pub struct YamlPositions<'a> {
    text: &'a str,
    root: Option<Spanned<Node>>,
}

impl<'a> YamlPositions<'a> {
    /// Reads `text`. Never fails: a text that cannot be read locates everything at 1:1.
    pub fn parse(text: &'a str) -> YamlPositions<'a> {
        let mut options = serde_saphyr::Options::default();
        options.with_snippet = false;
        // Each level of nesting costs this reader several deserializer frames (about 37 KB a
        // level in a debug build), and checks run on threads with 2 MB stacks: 32 levels stay
        // well inside that. A data file nested deeper than this places its messages at 1:1.
        let mut budget = serde_saphyr::Budget::default();
        budget.max_depth = MAX_DEPTH;
        options.budget = Some(budget);
        let root = serde_saphyr::from_str_with_options::<Spanned<Node>>(text, options).ok();
        YamlPositions { text, root }
    }

    /// Whether the text could be read (if not, every answer is its first line).
    pub fn is_readable(&self) -> bool {
        self.root.is_some()
    }

    /// Follows a JSON pointer (`/members/3/role`, with `~1` for `/` and `~0` for `~`).
    pub fn locate_pointer(&self, pointer: &str) -> Located {
        let steps: Vec<String> = pointer
            .split('/')
            .skip(1)
            .map(|s| s.replace("~1", "/").replace("~0", "~"))
            .collect();
        self.locate(&steps)
    }

    /// Follows a path of keys and list indexes (as text: `["members", "3", "role"]`).
    pub fn locate<S: AsRef<str>>(&self, steps: &[S]) -> Located {
        let Some(root) = &self.root else {
            return Located {
                value: Position::START,
                key: None,
                exact: false,
                collection: false,
                empty: false,
                first_key: None,
            };
        };
        let mut node = root;
        let mut key = None;
        let mut exact = true;
        for step in steps {
            let step = step.as_ref();
            let next = match &node.value {
                Node::Map(entries) => entries
                    .iter()
                    // A later duplicate would win when read, so the last match is the one used.
                    .rfind(|(k, _)| k.value.0 == step)
                    .map(|(k, v)| (Position::of(&k.referenced), v)),
                Node::Seq(items) => step
                    .parse::<usize>()
                    .ok()
                    .and_then(|i| items.get(i))
                    .map(|v| (None, v)),
                Node::Scalar | Node::Empty => None,
            };
            match next {
                Some((k, v)) => {
                    key = k;
                    node = v;
                }
                None => {
                    exact = false;
                    break;
                }
            }
        }
        let value = Position::of(&node.referenced)
            .or_else(|| Position::of(&node.defined))
            .unwrap_or(Position::START);
        let first_key = match &node.value {
            Node::Map(entries) if !self.is_flow(value) => {
                entries.first().map(|(k, _)| k.value.0.clone())
            }
            _ => None,
        };
        Located {
            value,
            key,
            exact,
            collection: matches!(node.value, Node::Map(_) | Node::Seq(_)),
            empty: matches!(node.value, Node::Empty),
            first_key,
        }
    }

    /// Whether the node at `at` is written in flow style (`{…}` or `[…]`).
    fn is_flow(&self, at: Position) -> bool {
        self.text
            .lines()
            .nth(at.line.saturating_sub(1))
            .and_then(|l| l.chars().nth(at.column.saturating_sub(1)))
            .is_some_and(|c| c == '{' || c == '[')
    }
}

/// A node of the text, with nothing kept but its shape and the positions of its parts.
#[derive(Debug)]
enum Node {
    Map(Vec<(Spanned<Key>, Spanned<Node>)>),
    Seq(Vec<Spanned<Node>>),
    Scalar,
    Empty,
}

/// A mapping key as the text a JSON pointer names it by (`1`, `true` and `null` included).
#[derive(Debug)]
struct Key(String);

impl<'de> Deserialize<'de> for Node {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(NodeVisitor)
    }
}

struct NodeVisitor;

impl<'de> Visitor<'de> for NodeVisitor {
    type Value = Node;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any YAML value")
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> Result<Node, E> {
        Ok(Node::Scalar)
    }

    fn visit_i64<E: de::Error>(self, _: i64) -> Result<Node, E> {
        Ok(Node::Scalar)
    }

    fn visit_i128<E: de::Error>(self, _: i128) -> Result<Node, E> {
        Ok(Node::Scalar)
    }

    fn visit_u64<E: de::Error>(self, _: u64) -> Result<Node, E> {
        Ok(Node::Scalar)
    }

    fn visit_u128<E: de::Error>(self, _: u128) -> Result<Node, E> {
        Ok(Node::Scalar)
    }

    fn visit_f64<E: de::Error>(self, _: f64) -> Result<Node, E> {
        Ok(Node::Scalar)
    }

    fn visit_str<E: de::Error>(self, _: &str) -> Result<Node, E> {
        Ok(Node::Scalar)
    }

    fn visit_bytes<E: de::Error>(self, _: &[u8]) -> Result<Node, E> {
        Ok(Node::Scalar)
    }

    fn visit_unit<E: de::Error>(self) -> Result<Node, E> {
        Ok(Node::Empty)
    }

    fn visit_none<E: de::Error>(self) -> Result<Node, E> {
        Ok(Node::Empty)
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Node, D::Error> {
        Node::deserialize(d)
    }

    fn visit_newtype_struct<D: Deserializer<'de>>(self, d: D) -> Result<Node, D::Error> {
        Node::deserialize(d)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Node, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element::<Spanned<Node>>()? {
            items.push(item);
        }
        Ok(Node::Seq(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Node, A::Error> {
        let mut entries = Vec::new();
        while let Some(key) = map.next_key::<Spanned<Key>>()? {
            let value = map.next_value::<Spanned<Node>>()?;
            entries.push((key, value));
        }
        Ok(Node::Map(entries))
    }

    fn visit_enum<A: de::EnumAccess<'de>>(self, data: A) -> Result<Node, A::Error> {
        // A tagged value (`!thing x`) may come as an enum; its content is what was written.
        let (IgnoredAny, variant) = data.variant::<IgnoredAny>()?;
        de::VariantAccess::newtype_variant::<Node>(variant)
    }
}

impl<'de> Deserialize<'de> for Key {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(KeyVisitor)
    }
}

struct KeyVisitor;

impl<'de> Visitor<'de> for KeyVisitor {
    type Value = Key;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a mapping key")
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Key, E> {
        Ok(Key(v.to_string()))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Key, E> {
        Ok(Key(v.to_string()))
    }

    fn visit_i128<E: de::Error>(self, v: i128) -> Result<Key, E> {
        Ok(Key(v.to_string()))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Key, E> {
        Ok(Key(v.to_string()))
    }

    fn visit_u128<E: de::Error>(self, v: u128) -> Result<Key, E> {
        Ok(Key(v.to_string()))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Key, E> {
        Ok(Key(v.to_string()))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Key, E> {
        Ok(Key(v.to_string()))
    }

    fn visit_bytes<E: de::Error>(self, v: &[u8]) -> Result<Key, E> {
        Ok(Key(String::from_utf8_lossy(v).into_owned()))
    }

    fn visit_unit<E: de::Error>(self) -> Result<Key, E> {
        Ok(Key("null".to_string()))
    }

    fn visit_none<E: de::Error>(self) -> Result<Key, E> {
        Ok(Key("null".to_string()))
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Key, D::Error> {
        Key::deserialize(d)
    }

    fn visit_newtype_struct<D: Deserializer<'de>>(self, d: D) -> Result<Key, D::Error> {
        Key::deserialize(d)
    }

    // A list or mapping as a key (`? [a, b]: x`) has no name a pointer can use; it is kept so
    // that the keys after it are still found.
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Key, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(Key(String::new()))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Key, A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(Key(String::new()))
    }

    fn visit_enum<A: de::EnumAccess<'de>>(self, data: A) -> Result<Key, A::Error> {
        let (IgnoredAny, variant) = data.variant::<IgnoredAny>()?;
        de::VariantAccess::newtype_variant::<Key>(variant)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(line: usize, column: usize) -> Position {
        Position { line, column }
    }

    const BOARD: &str = "\
# comment
members:
  - role: A   # trailing comment
    agency: B
  - {role: C, agency: \"D\"}
summary: >-
  folded
  text
anchor: &a
  k: v
alias: *a
merged:
  <<: *a
  z: 1
\"quoted key\": 1
1: numeric key
";

    #[test]
    fn finds_block_and_flow_entries() {
        let p = YamlPositions::parse(BOARD);
        let role = p.locate_pointer("/members/0/role");
        assert_eq!(
            (role.key, role.value, role.exact),
            (Some(at(3, 5)), at(3, 11), true)
        );
        let member = p.locate_pointer("/members/0");
        assert_eq!(member.value, at(3, 5));
        assert_eq!(member.first_key.as_deref(), Some("role"));
        let flow = p.locate_pointer("/members/1");
        assert_eq!(flow.value, at(5, 5));
        assert_eq!(
            flow.first_key, None,
            "a flow mapping has no line to add a key under"
        );
        assert_eq!(p.locate_pointer("/members/1/agency").value, at(5, 23));
        let members = p.locate_pointer("/members");
        assert!(members.collection);
        assert_eq!(members.best(), at(2, 1));
    }

    #[test]
    fn finds_multiline_aliased_merged_quoted_and_numeric_keys() {
        let p = YamlPositions::parse(BOARD);
        assert_eq!(p.locate_pointer("/summary").value, at(7, 3));
        assert_eq!(p.locate_pointer("/alias/k").value, at(11, 8));
        assert_eq!(p.locate_pointer("/merged/k").value.line, 13);
        assert_eq!(p.locate_pointer("/merged/z").key, Some(at(14, 3)));
        assert_eq!(p.locate_pointer("/quoted key").key, Some(at(15, 1)));
        assert_eq!(p.locate_pointer("/1").key, Some(at(16, 1)));
    }

    #[test]
    fn a_missing_node_gives_its_deepest_ancestor() {
        let p = YamlPositions::parse(BOARD);
        let l = p.locate_pointer("/members/0/missing");
        assert!(!l.exact);
        assert_eq!(l.value, at(3, 5));
        let l = p.locate_pointer("/members/7/role");
        assert!(!l.exact);
        assert_eq!(l.key, Some(at(2, 1)));
        assert!(p.locate_pointer("").exact);
    }

    #[test]
    fn reads_json_with_tabs_and_escaped_pointers() {
        let json = "{\n\t\"members\": [\n\t\t{\"role\": \"A\",\n\t\t \"a/b\": \"B\"}\n\t],\n\t\"n\": null\n}\n";
        let p = YamlPositions::parse(json);
        assert!(p.is_readable());
        assert_eq!(p.locate_pointer("/members/0/a~1b").key, Some(at(4, 4)));
        assert_eq!(p.locate_pointer("/n").value, at(6, 7));
    }

    #[test]
    fn never_panics() {
        let long = "[".repeat(10_000);
        let deep = format!("{}x{}", "- ".repeat(500), "");
        for text in [
            "",
            "---",
            ":",
            "a: [1, 2",
            "a: 1\na: 2\n",
            "\t- x",
            "? [a, b]\n: c\nd: e\n",
            "a: !tag x\nb: !!binary aGk=\n",
            "a: &x [*x]\n",
            "*nope",
            long.as_str(),
            deep.as_str(),
            "é: ü\nñ: [ä, ß]\n",
        ] {
            let p = YamlPositions::parse(text);
            for pointer in ["", "/a", "/a/0", "/0/0/0", "/é", "/~", "/~2/x"] {
                let l = p.locate_pointer(pointer);
                assert!(
                    l.value.line >= 1 && l.value.column >= 1,
                    "{text:?} {pointer}"
                );
            }
        }
    }

    #[test]
    fn columns_count_characters() {
        let p = YamlPositions::parse("é: ü\nñ: [ä, ß]\n");
        assert_eq!(p.locate_pointer("/ñ/1").value, at(2, 8));
    }
}
