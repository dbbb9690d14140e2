//! Hand-rolled argument parsing: a handful of flags does not need a parser crate.

use std::collections::VecDeque;

/// Parsed command line.
#[derive(Debug, Default)]
pub(crate) struct Args {
    pub command: String,
    pub positional: Vec<String>,
    pub database_url: Option<String>,
    pub prefix: Option<String>,
    pub name: Option<String>,
    pub business_type: Option<String>,
    pub audience: Vec<String>,
    pub personality: Vec<String>,
    pub imagery: Option<String>,
    pub objectives: Vec<String>,
    pub account: i64,
    pub out_dir: String,
    pub no_grant: bool,
    pub json: bool,
}

pub(crate) const USAGE: &str = "\
sitebuilder — AI site structure generation (embedded SQLite + offline planner by default)

USAGE:
  sitebuilder [--database-url URL] [--prefix PREFIX] <command> [options]

COMMANDS:
  generate \"<brief>\"   generate a site structure from a business brief
      --name NAME             site name (default: derived from the brief)
      --business-type T       business type option (name or id; see `options`)
      --audience A            audience profile (repeatable)
      --personality P         brand personality (repeatable)
      --imagery I             hero imagery direction
      --objective O           site objective (repeatable)
      --account N             account id (default 1)
      --out-dir DIR           where structure.json and site-preview.html go (default .)
      --no-grant              do not grant the account the credits the run needs
  migrate                apply pending migrations
  status                 list migrations as applied or pending
  doctor                 check database, migrations, seed data, queued tasks, provider and, with
                         SITEBUILDER_BROKER_URL, the broker (exit 1 on failure)
  options [KIND]         list option catalogues (business_types, audience_profiles, …)

ENVIRONMENT:
  SITEBUILDER_DATABASE_URL   default database (sqlite://sitebuilder.db)
  SITEBUILDER_BROKER_URL     the task broker `doctor` checks (redis://host:port/db, amqp://…)
  SITEBUILDER_AI_BASE_URL, SITEBUILDER_AI_API_KEY (or OPENAI_API_KEY), SITEBUILDER_AI_MODEL
                             an OpenAI-compatible endpoint; without them the offline planner answers
";

pub(crate) fn parse(raw: impl Iterator<Item = String>) -> Result<Args, String> {
    let mut q: VecDeque<String> = raw.collect();
    let mut a = Args {
        account: 1,
        out_dir: ".".into(),
        ..Args::default()
    };
    let value = |q: &mut VecDeque<String>, flag: &str| {
        q.pop_front().ok_or_else(|| format!("{flag} needs a value"))
    };
    while let Some(arg) = q.pop_front() {
        match arg.as_str() {
            "-h" | "--help" => a.command = "help".into(),
            "--database-url" => a.database_url = Some(value(&mut q, &arg)?),
            "--prefix" => a.prefix = Some(value(&mut q, &arg)?),
            "--name" => a.name = Some(value(&mut q, &arg)?),
            "--business-type" => a.business_type = Some(value(&mut q, &arg)?),
            "--audience" => a.audience.push(value(&mut q, &arg)?),
            "--personality" => a.personality.push(value(&mut q, &arg)?),
            "--imagery" => a.imagery = Some(value(&mut q, &arg)?),
            "--objective" => a.objectives.push(value(&mut q, &arg)?),
            "--account" => {
                a.account = value(&mut q, &arg)?
                    .parse()
                    .map_err(|_| "--account needs an integer".to_string())?
            }
            "--out-dir" => a.out_dir = value(&mut q, &arg)?,
            "--no-grant" => a.no_grant = true,
            "--json" => a.json = true,
            flag if flag.starts_with("--") => return Err(format!("unknown option {flag}")),
            _ if a.command.is_empty() => a.command = arg,
            _ => a.positional.push(arg),
        }
    }
    if a.command.is_empty() {
        a.command = "help".into();
    }
    Ok(a)
}
