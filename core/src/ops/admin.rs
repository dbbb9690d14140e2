//! The installation: option catalogues, the credit policy, registered functions, health and
//! migrations. HTTP surfaces serve the writes here to staff only.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::{CallContext, Operation, Spec, route as http};
use crate::credits::{CreditPolicy, CreditUnit};
use crate::model::{NewOption, OptionKind, OptionPatch, SiteBuilderOption};
use crate::schema::{MigrationReport, MigrationState};
use crate::{DoctorReport, Result, SiteBuilder};

/// The options of one catalogue (`business_type`, `audience_profile`, `brand_personality`,
/// `hero_imagery`), ordered; inactive ones too with `include_inactive`.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
pub struct ListOptions {
    /// Which catalogue.
    pub kind: OptionKind,
    /// Include deactivated options.
    #[serde(default)]
    pub include_inactive: bool,
}

impl Operation for ListOptions {
    type Response = Vec<SiteBuilderOption>;
    const SPEC: Spec = Spec {
        name: "list_options",
        read_only: true,
        admin: false,
        args: &["kind"],
        http: http("GET", "options/{kind}/", 200),
    };
    async fn execute(self, sb: &SiteBuilder, _: CallContext) -> Result<Vec<SiteBuilderOption>> {
        sb.list_options(self.kind, self.include_inactive).await
    }
}

/// Adds an option to a catalogue (a duplicate name is `conflict`).
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
pub struct CreateOption {
    /// Which catalogue.
    pub kind: OptionKind,
    /// Name, description and position.
    #[serde(flatten)]
    pub option: NewOption,
}

impl Operation for CreateOption {
    type Response = SiteBuilderOption;
    const SPEC: Spec = Spec {
        name: "create_option",
        read_only: false,
        admin: true,
        args: &["kind", "name"],
        http: http("POST", "options/{kind}/", 201),
    };
    async fn execute(self, sb: &SiteBuilder, _: CallContext) -> Result<SiteBuilderOption> {
        sb.create_option(self.kind, self.option).await
    }
}

/// Renames, describes, moves, activates or deactivates an option.
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
pub struct UpdateOption {
    /// Which catalogue.
    pub kind: OptionKind,
    /// Which option.
    pub option_id: i64,
    /// The changes.
    #[serde(flatten)]
    pub patch: OptionPatch,
}

impl Operation for UpdateOption {
    type Response = SiteBuilderOption;
    const SPEC: Spec = Spec {
        name: "update_option",
        read_only: false,
        admin: true,
        args: &["kind", "option_id"],
        http: http("PATCH", "options/{kind}/{option_id}/", 200),
    };
    async fn execute(self, sb: &SiteBuilder, _: CallContext) -> Result<SiteBuilderOption> {
        sb.update_option(self.kind, self.option_id, self.patch)
            .await
    }
}

/// What each operation costs (credits per unit).
#[derive(Debug, Clone, Default, Deserialize, Serialize, JsonSchema)]
pub struct GetCreditPolicy {}

impl Operation for GetCreditPolicy {
    type Response = CreditPolicy;
    const SPEC: Spec = Spec {
        name: "credit_policy",
        read_only: true,
        admin: false,
        args: &[],
        http: http("GET", "credits/policy/", 200),
    };
    async fn execute(self, sb: &SiteBuilder, _: CallContext) -> Result<CreditPolicy> {
        Ok(sb.credit_policy())
    }
}

/// Sets an operation's cost for this process (runs started afterwards pay it).
#[derive(Debug, Clone, Deserialize, Serialize, JsonSchema)]
pub struct SetCreditCost {
    /// Credit operation (`site_structure_generation`, a declarative function's, …).
    pub operation: String,
    /// Credits per unit (not negative).
    pub credits: i64,
    /// How the cost scales (default `per_request`).
    #[serde(default = "per_request")]
    pub unit: CreditUnit,
}

fn per_request() -> CreditUnit {
    CreditUnit::PerRequest
}

impl Operation for SetCreditCost {
    type Response = ();
    const SPEC: Spec = Spec {
        name: "set_credit_cost",
        read_only: false,
        admin: true,
        args: &["operation", "credits", "unit"],
        http: None,
    };
    async fn execute(self, sb: &SiteBuilder, _: CallContext) -> Result<()> {
        sb.set_credit_cost(&self.operation, self.credits, self.unit)
    }
}

/// Names of every registered AI function.
#[derive(Debug, Clone, Default, Deserialize, Serialize, JsonSchema)]
pub struct FunctionNames {}

impl Operation for FunctionNames {
    type Response = Vec<String>;
    const SPEC: Spec = Spec {
        name: "function_names",
        read_only: true,
        admin: false,
        args: &[],
        http: http("GET", "functions/", 200),
    };
    async fn execute(self, sb: &SiteBuilder, _: CallContext) -> Result<Vec<String>> {
        Ok(sb.function_names())
    }
}

/// Checks storage, schema, seed rows, tasks waiting for a worker, provider and assets, and says
/// exactly what is wrong.
#[derive(Debug, Clone, Default, Deserialize, Serialize, JsonSchema)]
pub struct Doctor {
    /// Seconds after which a queued task counts as stuck (default 60).
    #[serde(default)]
    pub stuck_after_secs: Option<f64>,
}

impl Operation for Doctor {
    type Response = DoctorReport;
    const SPEC: Spec = Spec {
        name: "doctor",
        read_only: true,
        admin: true,
        args: &[],
        http: http("GET", "doctor/", 200),
    };
    async fn execute(self, sb: &SiteBuilder, _: CallContext) -> Result<DoctorReport> {
        Ok(sb
            .doctor_with(super::runs::stuck_after(self.stuck_after_secs))
            .await)
    }
}

/// Applies pending migrations.
#[derive(Debug, Clone, Default, Deserialize, Serialize, JsonSchema)]
pub struct Migrate {}

impl Operation for Migrate {
    type Response = MigrationReport;
    const SPEC: Spec = Spec {
        name: "migrate",
        read_only: false,
        admin: true,
        args: &[],
        http: None,
    };
    async fn execute(self, sb: &SiteBuilder, _: CallContext) -> Result<MigrationReport> {
        sb.migrate().await
    }
}

/// Every migration with its state (`showmigrations`).
#[derive(Debug, Clone, Default, Deserialize, Serialize, JsonSchema)]
pub struct MigrationStatus {}

impl Operation for MigrationStatus {
    type Response = Vec<MigrationState>;
    const SPEC: Spec = Spec {
        name: "migration_status",
        read_only: true,
        admin: true,
        args: &[],
        http: http("GET", "migrations/", 200),
    };
    async fn execute(self, sb: &SiteBuilder, _: CallContext) -> Result<Vec<MigrationState>> {
        sb.migration_status().await
    }
}
