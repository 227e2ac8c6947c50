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

#[derive(Subcommand, Debug)]
enum Command {
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
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Build {
            root,
            output_dir,
            drafts,
            base_url,
            now,
        } => {
            let opts = haven::BuildOptions {
                root,
                output_dir,
                drafts,
                base_url,
                now,
            };
            match haven::build(&opts) {
                Ok(summary) => {
                    for w in summary.warnings.iter() {
                        eprintln!("{w}\n");
                    }
                    println!("{summary}");
                    ExitCode::SUCCESS
                }
                Err(diags) => {
                    let errors = diags
                        .iter()
                        .filter(|d| d.level == haven::Level::Error)
                        .count();
                    eprintln!("{diags}\n");
                    eprintln!(
                        "Build failed with {errors} error{}; the previous output was left as it was.",
                        if errors == 1 { "" } else { "s" }
                    );
                    ExitCode::FAILURE
                }
            }
        }
    }
}
