//! The smallest complete program: open, grant, create a blueprint, generate, print the sitemap.
//!
//! `cargo run -p sitebuilder-examples --bin quickstart` (SQLite in a temp folder, offline planner).

use sitebuilder::prelude::*;

#[tokio::main]
async fn main() -> sitebuilder::Result<()> {
    let dir = std::env::temp_dir().join(format!("sitebuilder-quickstart-{}", std::process::id()));
    std::fs::create_dir_all(&dir).map_err(|e| Error::invalid(e.to_string()))?;
    let sb = SiteBuilder::builder()
        .database_url(format!("sqlite://{}/quickstart.db", dir.display()))
        .provider(ProviderConfig::Offline)
        .build()
        .await?;
    let scope = Scope::account(1);
    sb.grant_credits(1, 100, "welcome credits").await?;
    let bp = sb
        .create_blueprint(
            &scope,
            NewBlueprint::new(
                "Casa Lupa",
                "A family trattoria in Porto with fresh pasta and a terrace",
            ),
        )
        .await?;
    let outcome = sb
        .generate_structure(&scope, bp.id, RunOptions::default())
        .await?;
    for page in sb.list_pages(&scope, bp.id).await? {
        println!(
            "/{:<16} {:<24} {} blocks",
            page.slug,
            page.title,
            page.blocks.len()
        );
    }
    println!(
        "charged {} credits, balance {}",
        outcome.credits_charged,
        sb.balance(1).await?
    );
    Ok(())
}
