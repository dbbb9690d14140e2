//! The `sitebuilder` command line: `generate`, `export`, `publish`, `unpublish`, `migrate`, `status`, `doctor`, `options`,
//! `completions`.

mod args;
mod generate;

use std::process::ExitCode;

use clap::{CommandFactory, Parser};
use sitebuilder::model::OptionKind;
use sitebuilder::render::RenderOptions;
use sitebuilder::{ExportFormat, ExportSiteRequest, ProviderConfig, Scope, SiteBuilder};

use args::{Cli, Command, RenderArgs};

async fn open(
    cli: &Cli,
    auto_migrate: bool,
    render: Option<&RenderArgs>,
    layout: Option<String>,
) -> sitebuilder::Result<SiteBuilder> {
    open_with(cli, auto_migrate, render, layout, None).await
}

async fn open_with(
    cli: &Cli,
    auto_migrate: bool,
    render: Option<&RenderArgs>,
    layout: Option<String>,
    publish_url: Option<&str>,
) -> sitebuilder::Result<SiteBuilder> {
    let url = cli
        .database_url
        .clone()
        .unwrap_or_else(|| sitebuilder::DEFAULT_DATABASE_URL.to_string());
    let mut b = SiteBuilder::builder()
        .database_url(url)
        .auto_migrate(auto_migrate)
        .provider(ProviderConfig::FromEnv);
    if let Some(p) = &cli.prefix {
        b = b.table_prefix(p.clone());
    }
    if let Some(r) = render {
        b = b.render_options(RenderOptions {
            base_url: r.base_url.clone(),
            form_action: r.form_action.clone(),
            template_dir: r.templates.clone(),
            layout,
        });
    }
    if let Some(url) = publish_url {
        b = b.publish_url(url);
    }
    b.build().await
}

async fn run(cli: Cli) -> sitebuilder::Result<ExitCode> {
    match &cli.command {
        Command::Migrate => {
            let sb = open(&cli, false, None, None).await?;
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
        Command::Status => {
            let sb = open(&cli, false, None, None).await?;
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
        Command::Doctor { json } => {
            let sb = open(&cli, false, None, None).await?;
            let mut report = sb.doctor().await;
            if let Ok(url) = std::env::var("SITEBUILDER_BROKER_URL") {
                let c = sitebuilder::broker_check(&url, std::time::Duration::from_secs(1)).await;
                report.push(c.name, c.ok, c.detail, c.fix);
            }
            if *json {
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
        Command::Options { kind } => {
            let sb = open(&cli, true, None, None).await?;
            let kinds: Vec<OptionKind> = match kind {
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
        Command::Completions { shell } => {
            clap_complete::generate(
                *shell,
                &mut Cli::command(),
                "sitebuilder",
                &mut std::io::stdout(),
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::Generate(a) => {
            let sb = open(&cli, true, Some(&a.render), a.layout.clone()).await?;
            generate::run(sb, a).await
        }
        Command::Publish(a) => {
            let sb = open_with(&cli, true, Some(&a.render), None, Some(&a.target)).await?;
            let out = sb
                .publish(&Scope::account(a.account), a.blueprint_id)
                .await?;
            generate::print_issues(&out.issues);
            let d = &out.deployment;
            if out.no_op {
                println!(
                    "version {} is already deployed (deployment {}); nothing uploaded",
                    d.version, d.id
                );
            } else {
                println!(
                    "deployed version {} as deployment {}: {} files, {} bytes, checksum {} → {}",
                    d.version,
                    d.id,
                    d.files,
                    d.bytes,
                    &d.checksum[..12],
                    d.target
                );
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Unpublish(a) => {
            let sb = open_with(&cli, true, None, None, Some(&a.target)).await?;
            let out = sb
                .unpublish(&Scope::account(a.account), a.blueprint_id)
                .await?;
            println!(
                "removed {} objects; blueprint {} is no longer published",
                out.removed_objects, a.blueprint_id
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::Export(a) => {
            let sb = open(&cli, true, Some(&a.render), None).await?;
            let out = sb
                .export_site(
                    &Scope::account(a.account),
                    ExportSiteRequest {
                        blueprint_id: a.blueprint_id,
                        target: a.target.clone(),
                        format: a.zip.then_some(ExportFormat::Zip),
                    },
                )
                .await?;
            generate::print_issues(&out.issues);
            println!(
                "wrote {} files ({} bytes, checksum {}) to {}",
                out.files.len(),
                out.bytes,
                &out.checksum[..12],
                out.target
            );
            Ok(ExitCode::SUCCESS)
        }
    }
}

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli).await {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error [{}]: {e}", e.code());
            ExitCode::FAILURE
        }
    }
}
