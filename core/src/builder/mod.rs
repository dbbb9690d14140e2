//! [`SiteBuilder`]: the one handle hosts hold. It owns storage, provider, registry and policy.

mod assets;
mod edit;
mod generate;
mod history;
mod idempotent;
mod provider_config;
mod publish;
mod queue;
mod regenerate;
mod site;
mod stream;

use std::sync::{Arc, RwLock};

use serde::{Deserialize, Serialize};

pub use edit::BlueprintEdit;
pub use provider_config::{Generation, ProviderConfig};
pub use publish::{PublishRequest, PublishResponse, UnpublishResponse};
pub use site::{
    ExportFormat, ExportSiteRequest, ExportSiteResponse, RenderPageRequest, RenderPageResponse,
};
pub use stream::{RunStream, StreamEvent};

use crate::ai::engine::{Engine, EngineConfig};
use crate::ai::function::{AiFunction, FunctionEnv};
use crate::ai::provider::Provider;
use crate::ai::registry::Registry;
use crate::blocks::BlockCatalogue;
use crate::blocks::validate::Limits;
use crate::credits::{CreditPolicy, CreditTransaction, CreditUnit, TransactionType, UsageLogEntry};
use crate::functions::declarative::{DeclarativeFunction, Declared};
use crate::model::{
    BlueprintPatch, BlueprintQuery, HostingType, InputLimits, NewBlueprint, NewOption, NewPage,
    OptionKind, OptionPatch, PageBlueprint, PagePatch, Paged, Scope, SiteBlueprint,
    SiteBuilderOption,
};
use crate::prompts::PromptCatalogue;
use crate::schema::{DEFAULT_PREFIX, MigrationReport, MigrationState};
use crate::store::{MemoryStore, Storage};
use crate::{Error, Result};

/// The seed's metadata endpoint: the four option lists for the wizard's dropdowns.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Metadata {
    /// Business types.
    pub business_types: Vec<SiteBuilderOption>,
    /// Audience profiles.
    pub audience_profiles: Vec<SiteBuilderOption>,
    /// Brand personalities.
    pub brand_personalities: Vec<SiteBuilderOption>,
    /// Hero imagery directions.
    pub hero_imagery: Vec<SiteBuilderOption>,
}

/// The embeddable engine. Cheap to clone; share one per process.
#[derive(Debug, Clone)]
pub struct SiteBuilder {
    pub(crate) engine: Engine,
    pub(crate) assets: crate::files::Assets,
    pub(crate) renderer: Arc<crate::render::Renderer>,
    /// Publish targets by hosting type (see [`SiteBuilderBuilder::publish_url_for`]).
    pub(crate) publish: Arc<Vec<(HostingType, publish::PublishTarget)>>,
}

/// A publish target as configured: hosting type, object store URL, backend options.
type PublishUrl = (HostingType, String, Vec<(String, String)>);

/// Configures and opens a [`SiteBuilder`].
#[derive(Debug, Clone)]
pub struct SiteBuilderBuilder {
    database_url: String,
    table_prefix: String,
    auto_migrate: bool,
    max_connections: u32,
    provider: ProviderConfig,
    custom_provider: Option<Arc<dyn Provider>>,
    custom_storage: Option<Arc<dyn Storage>>,
    policy: CreditPolicy,
    catalogue: BlockCatalogue,
    limits: Limits,
    engine: EngineConfig,
    assets: crate::files::AssetConfig,
    render: crate::render::RenderOptions,
    publish_urls: Vec<PublishUrl>,
    keep_versions: u32,
}

/// The default database: a SQLite file in the current folder.
pub const DEFAULT_DATABASE_URL: &str = "sqlite://sitebuilder.db";

impl Default for SiteBuilderBuilder {
    fn default() -> Self {
        SiteBuilderBuilder {
            database_url: DEFAULT_DATABASE_URL.to_string(),
            table_prefix: DEFAULT_PREFIX.to_string(),
            auto_migrate: true,
            max_connections: 10,
            provider: ProviderConfig::FromEnv,
            custom_provider: None,
            custom_storage: None,
            policy: CreditPolicy::default(),
            catalogue: BlockCatalogue::default(),
            limits: Limits::default(),
            engine: EngineConfig::default(),
            assets: crate::files::AssetConfig::default(),
            render: crate::render::RenderOptions::default(),
            publish_urls: Vec::new(),
            keep_versions: crate::store::DEFAULT_KEEP_VERSIONS,
        }
    }
}

impl SiteBuilderBuilder {
    /// `sqlite://file.db`, `postgres://…`, or `memory:` for process memory.
    pub fn database_url(mut self, url: impl Into<String>) -> Self {
        self.database_url = url.into();
        self
    }
    /// Table prefix (default `igny8_`).
    pub fn table_prefix(mut self, prefix: impl Into<String>) -> Self {
        self.table_prefix = prefix.into();
        self
    }
    /// Apply pending migrations on open (default true).
    pub fn auto_migrate(mut self, on: bool) -> Self {
        self.auto_migrate = on;
        self
    }
    /// Database pool size (default 10).
    pub fn max_connections(mut self, n: u32) -> Self {
        self.max_connections = n;
        self
    }
    /// Provider from configuration.
    pub fn provider(mut self, provider: ProviderConfig) -> Self {
        self.provider = provider;
        self
    }
    /// A provider the host built itself (a fallback chain, a custom client…).
    pub fn provider_instance(mut self, provider: Arc<dyn Provider>) -> Self {
        self.custom_provider = Some(provider);
        self
    }
    /// A storage the host built itself (overrides the URL).
    pub fn storage(mut self, storage: Arc<dyn Storage>) -> Self {
        self.custom_storage = Some(storage);
        self
    }
    /// Credit costs (default: the seed's).
    pub fn credit_policy(mut self, policy: CreditPolicy) -> Self {
        self.policy = policy;
        self
    }
    /// Block types the model may use (default: the seed renderer's sixteen).
    pub fn block_catalogue(mut self, catalogue: BlockCatalogue) -> Self {
        self.catalogue = catalogue;
        self
    }
    /// Validation bounds.
    pub fn limits(mut self, limits: Limits) -> Self {
        self.limits = limits;
        self
    }
    /// Re-asks after an invalid answer (default 2).
    pub fn max_reasks(mut self, n: u32) -> Self {
        self.engine.max_reasks = n;
        self
    }

    /// Where site assets are stored and their limits (default: `./sitebuilder-assets`, 10 MiB per
    /// file, 200 MiB per account).
    pub fn asset_config(mut self, config: crate::files::AssetConfig) -> Self {
        self.assets = config;
        self
    }

    /// How sites are rendered: base URL, form action, the host's template folder.
    pub fn render_options(mut self, options: crate::render::RenderOptions) -> Self {
        self.render = options;
        self
    }

    /// Where `publish` puts sites of hosting type `igny8_sites`: an `object_store` URL
    /// (`file:///srv/sites`, `memory:///`, `s3://bucket/sites` when compiled in).
    pub fn publish_url(self, url: impl Into<String>) -> Self {
        self.publish_url_with_options(url, Vec::new())
    }

    /// Where `publish` puts sites of another hosting type (`wordpress`, `shopify`, `multi`),
    /// which the built-in publisher otherwise refuses with `conflict`: an `object_store` URL
    /// such as a bucket the host's WordPress or CDN serves from, or a folder a sync job
    /// uploads. Publishing then works as for `igny8_sites` (release folders, `current.json`).
    pub fn publish_url_for(
        mut self,
        hosting_type: HostingType,
        url: impl Into<String>,
        options: Vec<(String, String)>,
    ) -> Self {
        self.publish_urls.retain(|(h, _, _)| *h != hosting_type);
        self.publish_urls.push((hosting_type, url.into(), options));
        self
    }

    /// Like [`Self::publish_url`], with backend options (region, credentials, endpoint…).
    pub fn publish_url_with_options(
        self,
        url: impl Into<String>,
        options: Vec<(String, String)>,
    ) -> Self {
        self.publish_url_for(HostingType::Igny8Sites, url, options)
    }

    /// How many versions of history each blueprint keeps (the newest; default 50, at least 1).
    /// Older ones are pruned in the transaction that records a new one.
    pub fn keep_versions(mut self, n: u32) -> Self {
        self.keep_versions = n.max(1);
        self
    }

    /// Opens storage (migrating unless turned off) and builds the provider.
    pub async fn build(self) -> Result<SiteBuilder> {
        let storage: Arc<dyn Storage> = match self.custom_storage {
            Some(s) => s,
            None => {
                open_storage(
                    &self.database_url,
                    &self.table_prefix,
                    self.auto_migrate,
                    self.max_connections,
                )
                .await?
            }
        };
        storage.set_version_retention(self.keep_versions);
        let provider = match self.custom_provider {
            Some(p) => p,
            None => self.provider.build()?,
        };
        let assets = crate::files::Assets::new(Arc::clone(&storage), self.assets)?;
        let renderer = Arc::new(crate::render::Renderer::new(self.render)?);
        let mut publish = Vec::with_capacity(self.publish_urls.len());
        for (hosting, url, options) in &self.publish_urls {
            publish.push((*hosting, publish::PublishTarget::open(url, options)?));
        }
        let publish = Arc::new(publish);
        Ok(SiteBuilder {
            assets,
            renderer,
            publish,
            engine: Engine {
                env: FunctionEnv {
                    storage,
                    derived: Arc::new(crate::ai::function::CatalogueDerived::new(&self.catalogue)),
                    catalogue: Arc::new(self.catalogue),
                    limits: self.limits,
                },
                provider,
                prompts: Arc::new(RwLock::new(PromptCatalogue::default())),
                policy: Arc::new(RwLock::new(self.policy)),
                registry: Arc::new(RwLock::new(Registry::with_builtins())),
                config: self.engine,
            },
        })
    }
}

async fn open_storage(
    url: &str,
    prefix: &str,
    auto_migrate: bool,
    max_connections: u32,
) -> Result<Arc<dyn Storage>> {
    if url == "memory:" || url == "memory://" {
        return Ok(Arc::new(MemoryStore::new()));
    }
    #[cfg(any(feature = "sqlite", feature = "postgres"))]
    {
        let options = crate::store::SqlStoreOptions {
            table_prefix: prefix.to_string(),
            auto_migrate,
            max_connections,
        };
        Ok(Arc::new(crate::store::SqlStore::open(url, options).await?))
    }
    #[cfg(not(any(feature = "sqlite", feature = "postgres")))]
    {
        let _ = (prefix, auto_migrate, max_connections);
        Err(Error::config(format!(
            "no SQL backend compiled in for {url}; use memory: or enable a feature"
        )))
    }
}

impl SiteBuilder {
    /// A builder with the defaults: SQLite file `sitebuilder.db`, provider from the environment.
    pub fn builder() -> SiteBuilderBuilder {
        SiteBuilderBuilder::default()
    }

    /// Opens `database_url` with every other setting at its default.
    pub async fn open(database_url: &str) -> Result<SiteBuilder> {
        SiteBuilder::builder()
            .database_url(database_url)
            .build()
            .await
    }

    /// The storage in use.
    pub fn storage(&self) -> &Arc<dyn Storage> {
        &self.engine.env.storage
    }

    /// The provider in use.
    pub fn provider(&self) -> &Arc<dyn Provider> {
        &self.engine.provider
    }

    /// Label of the provider (`offline`, `openai:<model>@<host>`…).
    pub fn provider_label(&self) -> String {
        self.engine.provider.label()
    }

    /// Applies pending migrations.
    pub async fn migrate(&self) -> Result<MigrationReport> {
        self.storage().migrate().await
    }

    /// Every migration with its state (`showmigrations`).
    pub async fn migration_status(&self) -> Result<Vec<MigrationState>> {
        self.storage().migration_status().await
    }

    /// The four option lists (active only, ordered).
    pub async fn metadata(&self) -> Result<Metadata> {
        let s = self.storage();
        Ok(Metadata {
            business_types: s.list_options(OptionKind::BusinessType).await?,
            audience_profiles: s.list_options(OptionKind::AudienceProfile).await?,
            brand_personalities: s.list_options(OptionKind::BrandPersonality).await?,
            hero_imagery: s.list_options(OptionKind::HeroImagery).await?,
        })
    }

    /// Creates a blueprint.
    pub async fn create_blueprint(
        &self,
        scope: &Scope,
        new: NewBlueprint,
    ) -> Result<SiteBlueprint> {
        crate::model::check_scope(scope)?;
        new.check(&InputLimits::default())?;
        self.storage().create_blueprint(scope, new).await
    }
    /// Reads a blueprint.
    pub async fn get_blueprint(&self, scope: &Scope, id: i64) -> Result<SiteBlueprint> {
        self.storage().get_blueprint(scope, id).await
    }
    /// Lists blueprints.
    pub async fn list_blueprints(
        &self,
        scope: &Scope,
        query: BlueprintQuery,
    ) -> Result<Paged<SiteBlueprint>> {
        self.storage().list_blueprints(scope, query).await
    }
    /// Updates a blueprint's name, description, config or hosting type. Its status, version and
    /// deployed version belong to generation and publishing: a patch that sets them is refused.
    pub async fn update_blueprint(
        &self,
        scope: &Scope,
        id: i64,
        patch: BlueprintPatch,
    ) -> Result<SiteBlueprint> {
        patch.check(&InputLimits::default())?;
        self.storage().update_blueprint(scope, id, patch).await
    }
    /// Deletes a blueprint, its pages and its site assets (files and their quota bytes).
    pub async fn delete_blueprint(&self, scope: &Scope, id: i64) -> Result<()> {
        for asset in self.assets().list(scope, id).await? {
            self.assets().delete(scope, asset.id).await?;
        }
        self.storage().delete_blueprint(scope, id).await
    }
    /// Creates a page.
    pub async fn create_page(
        &self,
        scope: &Scope,
        blueprint_id: i64,
        new: NewPage,
    ) -> Result<PageBlueprint> {
        crate::model::check_scope(scope)?;
        new.check(&self.engine.env.catalogue, &InputLimits::default())?;
        self.storage().create_page(scope, blueprint_id, new).await
    }
    /// Reads a page.
    pub async fn get_page(&self, scope: &Scope, id: i64) -> Result<PageBlueprint> {
        self.storage().get_page(scope, id).await
    }
    /// Lists a blueprint's pages in order.
    pub async fn list_pages(&self, scope: &Scope, blueprint_id: i64) -> Result<Vec<PageBlueprint>> {
        self.storage().list_pages(scope, blueprint_id).await
    }
    /// Updates a page's slug, title, type, blocks (checked against the block catalogue) or order.
    /// Its status belongs to generation and publishing: a patch that sets it is refused.
    pub async fn update_page(
        &self,
        scope: &Scope,
        id: i64,
        patch: PagePatch,
    ) -> Result<PageBlueprint> {
        patch.check(&self.engine.env.catalogue, &InputLimits::default())?;
        self.storage().update_page(scope, id, patch).await
    }
    /// Deletes a page.
    pub async fn delete_page(&self, scope: &Scope, id: i64) -> Result<()> {
        self.storage().delete_page(scope, id).await
    }
    /// Reorders a blueprint's pages.
    pub async fn reorder_pages(
        &self,
        scope: &Scope,
        blueprint_id: i64,
        page_ids: &[i64],
    ) -> Result<Vec<PageBlueprint>> {
        self.storage()
            .reorder_pages(scope, blueprint_id, page_ids)
            .await
    }

    /// Credits an account holds.
    pub async fn balance(&self, account_id: i64) -> Result<i64> {
        self.storage().balance(account_id).await
    }

    /// Adds purchased credits to an account.
    pub async fn grant_credits(
        &self,
        account_id: i64,
        amount: i64,
        description: &str,
    ) -> Result<CreditTransaction> {
        self.storage()
            .grant_credits(
                account_id,
                amount,
                TransactionType::Purchase,
                description,
                None,
            )
            .await
    }

    /// Ledger rows of an account (grants, holds, deductions, releases), oldest first.
    pub async fn list_transactions(&self, account_id: i64) -> Result<Vec<CreditTransaction>> {
        self.storage().list_transactions(account_id).await
    }

    /// Usage rows of an account (one per paid run: model, tokens, cost), oldest first.
    pub async fn list_usage(&self, account_id: i64) -> Result<Vec<UsageLogEntry>> {
        self.storage().list_usage(account_id).await
    }

    /// Options of a catalogue; inactive ones too with `include_inactive` (admin).
    pub async fn list_options(
        &self,
        kind: OptionKind,
        include_inactive: bool,
    ) -> Result<Vec<SiteBuilderOption>> {
        match include_inactive {
            true => self.storage().list_all_options(kind).await,
            false => self.storage().list_options(kind).await,
        }
    }

    /// Adds an option to a catalogue (admin); a duplicate name is [`Error::Conflict`].
    pub async fn create_option(
        &self,
        kind: OptionKind,
        new: NewOption,
    ) -> Result<SiteBuilderOption> {
        self.storage().create_option(kind, new).await
    }

    /// Edits an option of a catalogue (admin).
    pub async fn update_option(
        &self,
        kind: OptionKind,
        id: i64,
        patch: OptionPatch,
    ) -> Result<SiteBuilderOption> {
        self.storage().update_option(kind, id, patch).await
    }

    /// The credit policy in force.
    pub fn credit_policy(&self) -> CreditPolicy {
        self.engine
            .policy
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// Sets an operation's cost at run time.
    pub fn set_credit_cost(&self, operation: &str, credits: i64, unit: CreditUnit) -> Result<()> {
        self.engine
            .policy
            .write()
            .unwrap_or_else(|e| e.into_inner())
            .set(operation, credits, unit)
    }

    /// Registers a Rust function.
    pub fn register_function(&self, f: Arc<dyn AiFunction>) -> Result<()> {
        self.engine
            .registry
            .write()
            .unwrap_or_else(|e| e.into_inner())
            .register(f)
    }

    /// Registers a declarative function (prompt + schema + credit operation).
    pub fn register_declarative(&self, spec: DeclarativeFunction) -> Result<()> {
        let declared = Declared::new(spec)?;
        let spec = declared.spec().clone();
        {
            let policy = self.engine.policy.read().unwrap_or_else(|e| e.into_inner());
            if spec.credit_cost.is_none() && policy.cost_of(&spec.credit_operation).is_err() {
                return Err(Error::invalid(format!(
                    "credit operation {:?} is not in the policy; pass credit_cost or add it with set_credit_cost",
                    spec.credit_operation
                )));
            }
        }
        self.engine
            .registry
            .write()
            .unwrap_or_else(|e| e.into_inner())
            .register(declared)?;
        if let Some(cost) = spec.credit_cost {
            self.set_credit_cost(&spec.credit_operation, cost, CreditUnit::PerRequest)?;
        }
        self.engine
            .prompts
            .write()
            .unwrap_or_else(|e| e.into_inner())
            .set_default(spec.name.clone(), spec.prompt_template.clone());
        Ok(())
    }

    /// Names of every registered function.
    pub fn function_names(&self) -> Vec<String> {
        self.engine
            .registry
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .names()
    }

    /// Stores (or, with `None`, deactivates) an account's own template for a prompt type.
    pub async fn set_prompt_override(
        &self,
        account_id: i64,
        prompt_type: &str,
        template: Option<&str>,
    ) -> Result<()> {
        self.storage()
            .set_prompt_override(account_id, prompt_type, template)
            .await
    }
}
