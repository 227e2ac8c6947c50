//! Haven: a static site generator for Local Safeguarding Children Partnership websites.
//!
//! The pipeline has one module per stage, in the order the data flows:
//! [`config`] → [`content`] (walk, [`content::frontmatter`], the [`content::Site`] model) →
//! [`markdown`] (HTML and the facts the checks read) → [`checks`] → [`search`], [`views`] and
//! [`templates`] → [`render`] → [`output`] (the marker, the lock and the atomic swap).
//! [`pipeline`] runs the stages: whole for [`mod@build`] and `check`, in part for [`serve`]'s change
//! plan ([`serve::plan`]). [`diagnostics`] is the one error type users see, and every file is
//! read through [`layout`], which knows the site's folders and refuses links that lead out of
//! the site. [`MODULE_ORDER`] lists every module in the order dependencies may flow.

// A Diagnostic carries file, position, message, hint and excerpt; it travels only on the
// cold error path, so its size does not matter and boxing it would only add noise.
#![allow(clippy::result_large_err)]

/// Every module, in the order dependencies may flow: a module may use only the modules before
/// it. First the helpers every stage shares, then the stages of the pipeline in the order they
/// run (config → content → output types → Markdown → checks → the features that read the model
/// → views → templates → render), then what drives them. `tests/architecture.rs` reads every
/// `crate::` path in `src/` and fails on a reference against this order, so the pipeline cannot
/// quietly grow a cycle.
pub const MODULE_ORDER: &[&str] = &[
    "diagnostics",
    "highlight",
    "yaml",
    "clock",
    "files",
    "layout",
    "theme",
    "glossary",
    "text",
    "schemas",
    "config",
    "strings",
    "content",
    "output",
    "images",
    "ical",
    "alerts",
    "markdown",
    "checks",
    "training",
    "feeds",
    "search",
    "views",
    "templates",
    "render",
    "report",
    "pipeline",
    "schema_export",
    "build",
    "scaffold",
    "serve",
];

pub mod alerts;
pub mod build;
pub mod checks;
pub mod clock;
pub mod config;
pub mod content;
pub mod diagnostics;
pub mod feeds;
pub mod files;
pub mod glossary;
pub mod highlight;
pub mod ical;
pub mod images;
pub mod layout;
pub mod markdown;
pub mod output;
pub mod pipeline;
pub mod render;
pub mod report;
pub mod scaffold;
pub mod schema_export;
pub mod schemas;
pub mod search;
pub mod serve;
pub mod strings;
pub mod templates;
pub mod text;
pub mod theme;
pub mod training;
pub mod views;
mod yaml;

pub use build::{BuildOptions, BuildSummary, build, render_site};
pub use diagnostics::{Diagnostic, Diagnostics, Level};
