//! The command line, declared with clap: a `--help` per subcommand and shell completions.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

/// AI site generation: a business brief in, a validated site structure and a static website out
/// (embedded SQLite and the offline planner by default).
#[derive(Debug, Parser)]
#[command(name = "sitebuilder", version, propagate_version = true)]
#[command(
    after_help = "ENVIRONMENT:\n  SITEBUILDER_DATABASE_URL   default database (sqlite://sitebuilder.db)\n  SITEBUILDER_BROKER_URL     the task broker `doctor` checks (redis://host:port/db, amqp://…)\n  SITEBUILDER_AI_BASE_URL, SITEBUILDER_AI_API_KEY (or OPENAI_API_KEY), SITEBUILDER_AI_MODEL\n                             an OpenAI-compatible endpoint; without them the offline planner answers\n  SITEBUILDER_AI_GENERATION  auto (default: in steps for a server on this machine) | whole | steps | planned"
)]
pub(crate) struct Cli {
    /// Database URL: sqlite://file.db or postgres://…
    #[arg(long, global = true, env = "SITEBUILDER_DATABASE_URL")]
    pub database_url: Option<String>,
    /// Table name prefix (default igny8_).
    #[arg(long, global = true)]
    pub prefix: Option<String>,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Generate a site from a business brief: structure.json and the rendered site in site/.
    Generate(GenerateArgs),
    /// Write a blueprint's rendered site to a folder or a .zip.
    Export(ExportArgs),
    /// Publish a blueprint's site to its hosting target (an object store URL).
    Publish(PublishArgs),
    /// Take a published site down.
    Unpublish(PublishArgs),
    /// Apply pending migrations.
    Migrate,
    /// List migrations as applied or pending.
    Status,
    /// Check database, migrations, seed data, queued tasks, provider and, with
    /// SITEBUILDER_BROKER_URL, the broker (exit 1 on failure).
    Doctor {
        /// Print the report as JSON.
        #[arg(long)]
        json: bool,
    },
    /// List option catalogues (business_types, audience_profiles, brand_personalities, hero_imagery).
    Options {
        /// Only this catalogue.
        kind: Option<String>,
    },
    /// Print a shell completion script (bash, zsh, fish, elvish, powershell).
    Completions {
        /// The shell.
        shell: clap_complete::Shell,
    },
}

/// How the site is rendered (shared by `generate` and `export`).
#[derive(Debug, Args, Clone, Default)]
pub(crate) struct RenderArgs {
    /// The URL the site will be served from, for canonical URLs and sitemap.xml.
    #[arg(long)]
    pub base_url: Option<String>,
    /// Where forms post (default `#`).
    #[arg(long)]
    pub form_action: Option<String>,
    /// A folder of templates overriding the shipped ones (blocks/hero.html, layouts/blog/…).
    #[arg(long)]
    pub templates: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub(crate) struct GenerateArgs {
    /// The business brief, in the owner's words.
    pub brief: Option<String>,
    /// Site name (default: derived from the brief).
    #[arg(long)]
    pub name: Option<String>,
    /// Business type option (name or id; see `options`).
    #[arg(long)]
    pub business_type: Option<String>,
    /// Audience profile (repeatable).
    #[arg(long)]
    pub audience: Vec<String>,
    /// Brand personality (repeatable).
    #[arg(long)]
    pub personality: Vec<String>,
    /// Hero imagery direction.
    #[arg(long)]
    pub imagery: Option<String>,
    /// Site objective (repeatable).
    #[arg(long = "objective")]
    pub objectives: Vec<String>,
    /// Layout to render with, overriding the generated one (default, minimal, magazine,
    /// ecommerce, portfolio, blog, corporate).
    #[arg(long)]
    pub layout: Option<String>,
    /// Account id.
    #[arg(long, default_value_t = 1)]
    pub account: i64,
    /// Where structure.json and the site/ folder go.
    #[arg(long, default_value = ".")]
    pub out_dir: PathBuf,
    /// Do not grant the account the credits the run needs.
    #[arg(long)]
    pub no_grant: bool,
    #[command(flatten)]
    pub render: RenderArgs,
}

#[derive(Debug, Args)]
pub(crate) struct ExportArgs {
    /// The blueprint's id.
    pub blueprint_id: i64,
    /// A folder, a path ending in .zip, or an object store URL (file:///…).
    pub target: String,
    /// Write a zip archive whatever the target's name.
    #[arg(long)]
    pub zip: bool,
    /// Account id.
    #[arg(long, default_value_t = 1)]
    pub account: i64,
    #[command(flatten)]
    pub render: RenderArgs,
}

#[derive(Debug, Args)]
pub(crate) struct PublishArgs {
    /// The blueprint's id.
    pub blueprint_id: i64,
    /// Where sites of hosting type igny8_sites go: file:///srv/sites, s3://bucket/sites…
    #[arg(long, env = "SITEBUILDER_PUBLISH_URL")]
    pub target: String,
    /// Account id.
    #[arg(long, default_value_t = 1)]
    pub account: i64,
    #[command(flatten)]
    pub render: RenderArgs,
}
