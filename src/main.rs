//! The `haven` command line: each subcommand is a few lines calling the library.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// Haven builds an accessible, private static website for a Local Safeguarding Children
/// Partnership from Markdown files in content/.
#[derive(Parser, Debug)]
#[command(name = "haven", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

/// How `haven check` prints its findings.
#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
enum Format {
    /// `file:line:column: level[rule]: message`, an excerpt and a hint, grouped by file.
    Text,
    /// One JSON document with every finding, for other tools.
    Json,
    /// GitHub Actions workflow commands: each finding shows on its line in a pull request.
    Github,
    /// A GitLab Code Quality report (JSON): each finding shows in a merge request.
    Gitlab,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Start a new partnership website in a new, empty folder. It builds at once; its
    /// site.yaml marks with REPLACE the details only you know (who to call, your address), and
    /// every build warns until you fill them in.
    Init {
        /// The folder to create the site in, e.g. northshire-site.
        #[arg(value_name = "FOLDER")]
        dir: PathBuf,
        /// The partnership's full name, in quotes, e.g. --name "Northshire Safeguarding
        /// Children Partnership". Asked for if not given.
        #[arg(long)]
        name: Option<String>,
        /// Date the new pages as if it were this date (2026-12-01).
        #[arg(long, value_name = "WHEN", value_parser = haven::clock::parse_now)]
        now: Option<jiff::Timestamp>,
    },
    /// Add a page, guidance, news post, training session, document or alert, with its details
    /// filled in, e.g. haven new guidance "Children who go missing". Never replaces a file.
    New {
        /// What to make.
        #[arg(value_enum)]
        kind: haven::scaffold::new::Kind,
        /// Its title, in quotes.
        title: String,
        /// The site folder, holding site.yaml.
        #[arg(long, default_value = ".", value_name = "DIR")]
        root: PathBuf,
        /// Date it as if it were this date (2026-12-01).
        #[arg(long, value_name = "WHEN", value_parser = haven::clock::parse_now)]
        now: Option<jiff::Timestamp>,
    },
    /// Check the site without writing anything: broken links, missing alt text, skipped
    /// headings, vague link text, unexplained acronyms, outdated language, overdue reviews and
    /// front-matter problems. Exits 1 if anything is an error.
    Check {
        /// The site folder, holding site.yaml.
        #[arg(long, default_value = ".", value_name = "DIR")]
        root: PathBuf,
        /// Output format.
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
        /// Exit 1 on warnings too.
        #[arg(long)]
        deny_warnings: bool,
        /// Check as if it were this date (for review dates and "upcoming").
        #[arg(long, value_name = "WHEN", value_parser = haven::clock::parse_now)]
        now: Option<jiff::Timestamp>,
        /// Also write an HTML report for editors into DIR: problems by page, pages due for
        /// review in the next 60 days, pages by owner, and reading ages. DIR must be new,
        /// empty, or an earlier report; never the built site.
        #[arg(long, value_name = "DIR")]
        report: Option<PathBuf>,
    },
    /// Build the site into the output folder (public/ by default). The previous output is
    /// replaced only when the whole build succeeds.
    Build {
        /// The site folder, holding site.yaml, content/ and templates/ or themes/.
        #[arg(long, default_value = ".", value_name = "DIR")]
        root: PathBuf,
        /// Where to write the site [default: ROOT/public].
        #[arg(long, value_name = "DIR")]
        output_dir: Option<PathBuf>,
        /// Include pages and sections marked `draft: true`.
        #[arg(long)]
        drafts: bool,
        /// Use this address instead of base_url from site.yaml (e.g. for a preview host).
        #[arg(long, value_name = "URL")]
        base_url: Option<String>,
        /// Build as if it were this date (2026-12-01) or RFC 3339 date-time, for which alerts
        /// are current and which events are upcoming [default: the current time].
        #[arg(long, value_name = "WHEN", value_parser = haven::clock::parse_now)]
        now: Option<jiff::Timestamp>,
        /// Print how long each stage of the build took.
        #[arg(long)]
        timings: bool,
        /// Treat warnings (such as a skipped link to a file outside the site) as errors: the
        /// build fails and the previous output is left as it was.
        #[arg(long)]
        deny_warnings: bool,
    },
    /// Write JSON Schemas of the front matter (pages, sections, training sessions), of
    /// site.yaml and of the theme's data files, for form-based editors and CMSs.
    Schema {
        /// The site folder, holding site.yaml.
        #[arg(long, default_value = ".", value_name = "DIR")]
        root: PathBuf,
        /// Where to write them [default: ROOT/json-schemas]. Replaced whole each time.
        #[arg(long, value_name = "DIR")]
        output_dir: Option<PathBuf>,
    },
    /// Build the site into memory and serve it for previewing, rebuilding and reloading open
    /// pages whenever a file in content/, templates/, themes/, static/, data/ or site.yaml
    /// changes. Nothing is written to public/.
    Serve {
        /// The site folder, holding site.yaml.
        #[arg(long, default_value = ".", value_name = "DIR")]
        root: PathBuf,
        /// The port to listen on (0 picks a free one).
        #[arg(long, default_value_t = 1111)]
        port: u16,
        /// The address to listen on. The default is this computer only.
        #[arg(long, default_value = "127.0.0.1", value_name = "ADDRESS")]
        interface: std::net::IpAddr,
        /// Open the site in the default web browser.
        #[arg(long)]
        open: bool,
        /// Include pages and sections marked `draft: true`.
        #[arg(long)]
        drafts: bool,
        /// Serve as if it were this date, for alerts and upcoming events.
        #[arg(long, value_name = "WHEN", value_parser = haven::clock::parse_now)]
        now: Option<jiff::Timestamp>,
    },
}

fn main() -> ExitCode {
    match Cli::parse().command {
        Command::Serve {
            root,
            port,
            interface,
            open,
            drafts,
            now,
        } => serve(haven::serve::ServeOptions {
            build: haven::BuildOptions {
                root,
                drafts,
                now,
                ..Default::default()
            },
            interface,
            port,
            open,
        }),
        Command::Check {
            root,
            format,
            deny_warnings,
            now,
            report,
        } => check(
            &haven::BuildOptions {
                root,
                now,
                reading_ages: report.is_some(),
                ..Default::default()
            },
            format,
            deny_warnings,
            report.as_deref(),
        ),
        Command::Schema { root, output_dir } => schema(root, output_dir.as_deref()),
        Command::Init { dir, name, now } => init(&dir, name, today(now)),
        Command::New {
            kind,
            title,
            root,
            now,
        } => new(&root, kind, &title, today(now)),
        Command::Build {
            root,
            output_dir,
            drafts,
            base_url,
            now,
            timings,
            deny_warnings,
        } => build(
            &haven::BuildOptions {
                root,
                output_dir,
                drafts,
                base_url,
                now,
                reading_ages: false,
                deny_warnings,
            },
            timings,
        ),
    }
}

/// The date in the site's time zone at `now`, or today.
fn today(now: Option<jiff::Timestamp>) -> jiff::civil::Date {
    haven::clock::site_date(now.unwrap_or_else(jiff::Timestamp::now))
}

/// `haven init`: takes the folder, the partnership's name (asked for when missing and someone
/// is at the keyboard) and today's date; prints what was made and what to do next.
fn init(dir: &std::path::Path, name: Option<String>, today: jiff::civil::Date) -> ExitCode {
    use std::io::IsTerminal;
    let name = match name {
        Some(n) => n,
        None if std::io::stdin().is_terminal() => {
            eprint!("What is the partnership's full name? ");
            let mut line = String::new();
            if std::io::stdin().read_line(&mut line).is_err() {
                return ExitCode::FAILURE;
            }
            line
        }
        None => {
            eprintln!(
                "error: the partnership's name is missing\n  hint: add it in quotes, e.g. haven init {} --name \"Northshire Safeguarding Children Partnership\"",
                dir.display()
            );
            return ExitCode::FAILURE;
        }
    };
    match haven::scaffold::init::init(dir, &name, today) {
        Ok(files) => {
            println!(
                "Started a new site in {} ({}).\n\nNext:\n  1. Open {} and replace every REPLACE with your partnership's details.\n  2. Preview the site: haven serve --root {} (then open http://127.0.0.1:1111/).\n  3. Add pages: haven new guidance \"Title\" --root {}",
                dir.display(),
                plural(files.len(), "file"),
                dir.join("site.yaml").display(),
                dir.display(),
                dir.display()
            );
            ExitCode::SUCCESS
        }
        Err(d) => {
            eprintln!("{d}\n\nNothing was written.");
            ExitCode::FAILURE
        }
    }
}

/// `haven new`: takes the site folder, what to make, its title and today's date; prints the
/// file made, its address and what to do next.
fn new(
    root: &std::path::Path,
    kind: haven::scaffold::new::Kind,
    title: &str,
    today: jiff::civil::Date,
) -> ExitCode {
    match haven::scaffold::new::new(root, kind, title, today) {
        Ok(c) => {
            println!("Created {}", root.join(&c.file).display());
            if let Some(a) = &c.address {
                println!("Once published, it will be at {a}");
            }
            println!("{}", c.next);
            ExitCode::SUCCESS
        }
        Err(d) => {
            eprintln!("{d}\n\nNothing was written.");
            ExitCode::FAILURE
        }
    }
}

/// `haven schema`: takes the site folder and where to write; prints where the schemas went.
fn schema(root: PathBuf, out: Option<&std::path::Path>) -> ExitCode {
    let opts = haven::BuildOptions {
        root,
        ..Default::default()
    };
    match haven::schema_export::write(&opts, out) {
        Ok((dir, n)) => {
            println!("Wrote {} to {}", plural(n, "schema file"), dir.display());
            ExitCode::SUCCESS
        }
        Err(diags) => {
            eprintln!(
                "{diags}

No schemas were written."
            );
            ExitCode::FAILURE
        }
    }
}

/// `haven serve`: takes the server's options; returns failure only if it cannot serve.
fn serve(opts: haven::serve::ServeOptions) -> ExitCode {
    match haven::serve::serve(opts) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

/// `haven check`: takes the site's options, how to print, whether warnings fail, and where
/// to write the report if asked; prints the findings and returns failure on errors (or
/// warnings with `deny_warnings`) or when the report cannot be written.
fn check(
    opts: &haven::BuildOptions,
    format: Format,
    deny_warnings: bool,
    report: Option<&std::path::Path>,
) -> ExitCode {
    let found = match haven::build::check_site(opts) {
        Ok(site) => {
            if let Some(dir) = report {
                // The same "now" the checks used, so the report agrees with them.
                let html =
                    haven::report::html(&site.site, &site.readability, &site.findings, site.now);
                match haven::report::write(&site.site, dir, &html) {
                    Ok(path) => eprintln!("Report written to {}", path.display()),
                    Err(e) => {
                        eprintln!("{e}\n\nThe report was not written.");
                        return ExitCode::FAILURE;
                    }
                }
            }
            site.findings
        }
        Err(d) => d,
    };
    let errors = found
        .iter()
        .filter(|d| d.level == haven::Level::Error)
        .count();
    let warnings = found.len() - errors;
    match format {
        Format::Json => println!("{}", findings_json(&found, errors, warnings)),
        Format::Text => print_grouped(&found, errors, warnings),
        Format::Github => print!("{}", haven::diagnostics::github_annotations(&found.0)),
        Format::Gitlab => println!("{}", haven::diagnostics::gitlab_code_quality(&found.0)),
    }
    if errors > 0 || (deny_warnings && warnings > 0) {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

/// `haven build`: takes the build's options and whether to print stage timings; prints the
/// summary (or the errors) and returns whether the build succeeded.
fn build(opts: &haven::BuildOptions, timings: bool) -> ExitCode {
    match haven::build(opts) {
        Ok(summary) => {
            println!("{summary}");
            if timings {
                eprintln!("{}", summary.timings);
            }
            print_build_warnings(&summary.warnings);
            ExitCode::SUCCESS
        }
        Err(diags) => {
            let errors = diags
                .iter()
                .filter(|d| d.level == haven::Level::Error)
                .count();
            eprintln!("{diags}\n");
            if errors == 0 {
                eprintln!(
                    "Build stopped: {} and --deny-warnings was given; the previous output was left as it was.",
                    plural(diags.len(), "warning")
                );
            } else {
                eprintln!(
                    "Build failed with {}; the previous output was left as it was.",
                    plural(errors, "error")
                );
            }
            ExitCode::FAILURE
        }
    }
}

/// Prints a successful build's `warnings`: those that are not content checks (a skipped
/// link) in full, since they say a file was left out; the content checks' only as a count.
fn print_build_warnings(warnings: &haven::Diagnostics) {
    let own: Vec<_> = warnings.iter().filter(|d| d.rule.is_none()).collect();
    for d in &own {
        eprintln!("{d}\n");
    }
    let n = warnings.len() - own.len();
    if n > 0 {
        eprintln!(
            "{n} warning{} from the content checks; run `haven check` to see them.",
            if n == 1 { "" } else { "s" }
        );
    }
}

fn plural(n: usize, word: &str) -> String {
    format!("{n} {word}{}", if n == 1 { "" } else { "s" })
}

/// Findings grouped under a heading per file, then a summary line.
fn print_grouped(found: &haven::Diagnostics, errors: usize, warnings: usize) {
    let mut last: Option<Option<&std::path::Path>> = None;
    let mut files = 0;
    for d in found.iter() {
        let file = d.file.as_deref();
        if last != Some(file) {
            files += 1;
            println!(
                "\n== {}",
                file.map_or("(site)".to_string(), |f| f.display().to_string())
            );
            last = Some(file);
        }
        println!("{d}\n");
    }
    if found.is_empty() {
        println!("No problems found.");
    } else {
        println!(
            "{} and {} in {}.",
            plural(errors, "error"),
            plural(warnings, "warning"),
            plural(files, "file")
        );
    }
}

fn findings_json(found: &haven::Diagnostics, errors: usize, warnings: usize) -> String {
    let items: Vec<serde_json::Value> = found
        .iter()
        .map(|d| {
            serde_json::json!({
                "file": d.file.as_ref().map(|f| f.display().to_string()),
                "line": d.line,
                "column": d.column,
                "level": d.level.to_string(),
                "rule": d.rule,
                "message": d.message,
                "hint": d.hint,
                "excerpt": d.excerpt,
            })
        })
        .collect();
    serde_json::to_string_pretty(&serde_json::json!({
        "errors": errors,
        "warnings": warnings,
        "findings": items,
    }))
    .unwrap_or_default()
}
