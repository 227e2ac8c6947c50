//! Haven: a static site generator for Local Safeguarding Children Partnership websites.
//!
//! The pipeline has one module per stage, in the order the data flows:
//! [`config`] → [`content`] (walk and [`content::frontmatter`]) → [`markdown`] → [`views`] and
//! [`templates`] → [`render`] and [`search`] → [`output`]; [`build`] runs them in turn and [`diagnostics`] is
//! the one error type users see. Every file is read through [`layout`], which knows the site's
//! folders and refuses links that lead out of the site; [`output`] owns the lock, the marker
//! and the atomic swap.

// A Diagnostic carries file, position, message, hint and excerpt; it travels only on the
// cold error path, so its size does not matter and boxing it would only add noise.
#![allow(clippy::result_large_err)]

pub mod alerts;
pub mod build;
pub mod check;
pub mod clock;
pub mod config;
pub mod content;
pub mod diagnostics;
pub mod feeds;
pub mod files;
pub mod glossary;
pub mod highlight;
pub mod ical;
pub mod incremental;
pub mod layout;
pub mod markdown;
pub mod output;
pub mod render;
pub mod report;
pub mod search;
pub mod serve;
pub mod templates;
pub mod training;
pub mod views;
mod yaml;

pub use build::{BuildOptions, BuildSummary, build, render_site};
pub use diagnostics::{Diagnostic, Diagnostics, Level};
