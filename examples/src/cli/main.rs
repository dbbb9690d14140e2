//! The `sitebuilder` command line: `generate`, `migrate`, `status`, `doctor`, `options`.

mod args;
mod generate;
mod preview;

use std::process::ExitCode;

use sitebuilder::model::OptionKind;
use sitebuilder::{ProviderConfig, SiteBuilder};

async fn open(a: &args::Args, auto_migrate: bool) -> sitebuilder::Result<SiteBuilder> {
    let url = a
        .database_url
        .clone()
        .or_else(|| std::env::var("SITEBUILDER_DATABASE_URL").ok())
        .unwrap_or_else(|| sitebuilder::DEFAULT_DATABASE_URL.to_string());
    let mut b = SiteBuilder::builder()
        .database_url(url)
        .auto_migrate(auto_migrate)
        .provider(ProviderConfig::FromEnv);
    if let Some(p) = &a.prefix {
        b = b.table_prefix(p.clone());
    }
    b.build().await
}

async fn run(a: args::Args) -> sitebuilder::Result<ExitCode> {
    match a.command.as_str() {
        "help" => {
            print!("{}", args::USAGE);
            Ok(ExitCode::SUCCESS)
        }
        "migrate" => {
            let sb = open(&a, false).await?;
            let r = sb.migrate().await?;
            for m in &r.applied {
                println!("applied  {m}");
            }
            for m in &r.adopted {
                println!("adopted  {m} (tables created by the seed's Django app)");
            }
            println!(
                "{} applied, {} adopted, {} already applied",
                r.applied.len(),
                r.adopted.len(),
                r.already_applied.len()
            );
            Ok(ExitCode::SUCCESS)
        }
        "status" => {
            let sb = open(&a, false).await?;
            for m in sb.migration_status().await? {
                let mark = if m.checksum_mismatch.is_some() {
                    "!"
                } else if m.applied {
                    "X"
                } else {
                    " "
                };
                let note = if m.adopted { "  (adopted)" } else { "" };
                println!("[{mark}] {}{note}", m.label());
            }
            Ok(ExitCode::SUCCESS)
        }
        "doctor" => {
            let sb = open(&a, false).await?;
            let mut report = sb.doctor().await;
            if let Ok(url) = std::env::var("SITEBUILDER_BROKER_URL") {
                let c = sitebuilder::broker_check(&url, std::time::Duration::from_secs(1)).await;
                report.push(c.name, c.ok, c.detail, c.fix);
            }
            if a.json {
                println!(
                    "{}",
                    serde_json::to_string_pretty(&report).unwrap_or_default()
                );
            } else {
                print!("{}", report.render());
            }
            Ok(if report.ok {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            })
        }
        "options" => {
            let sb = open(&a, true).await?;
            let kinds: Vec<OptionKind> = match a.positional.first() {
                Some(k) => vec![k.parse()?],
                None => OptionKind::ALL.to_vec(),
            };
            for kind in kinds {
                println!("{}:", kind.metadata_key());
                for o in sb.storage().list_options(kind).await? {
                    println!("  {:>3}  {:<32} {}", o.id, o.name, o.description);
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        "generate" => generate::run(open(&a, true).await?, &a).await,
        other => Err(sitebuilder::Error::invalid(format!(
            "unknown command {other:?}; see `sitebuilder --help`"
        ))),
    }
}

#[tokio::main]
async fn main() -> ExitCode {
    let a = match args::parse(std::env::args().skip(1)) {
        Ok(a) => a,
        Err(e) => {
            eprintln!("error: {e}\n\n{}", args::USAGE);
            return ExitCode::from(2);
        }
    };
    match run(a).await {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error [{}]: {e}", e.code());
            ExitCode::FAILURE
        }
    }
}
