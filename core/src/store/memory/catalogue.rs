//! The option catalogues of the in-memory store, seeded like migration 0002 seeds the tables.

use chrono::{DateTime, Utc};

use super::MemoryStore;
use super::{Catalogue, State, now, validate_name};
use crate::model::{NewOption, OptionKind, OptionPatch, SiteBuilderOption};
use crate::schema::seed_options;
use crate::store::traits::OptionStore;
use crate::{Error, Result};
use async_trait::async_trait;

/// Longest option name (the column is `varchar(120)`).
const MAX_NAME: usize = 120;

impl State {
    pub(super) fn catalogue(&self, kind: OptionKind) -> &Catalogue {
        // Every kind is seeded at construction, so the entry always exists.
        &self.options[&kind]
    }

    pub(super) fn catalogue_mut(&mut self, kind: OptionKind) -> &mut Catalogue {
        self.options.entry(kind).or_default()
    }
}

impl Catalogue {
    /// The seed rows of `kind`, in order, active.
    pub(super) fn seeded(kind: OptionKind, at: DateTime<Utc>) -> Self {
        let mut catalogue = Catalogue {
            next_id: 1,
            ..Catalogue::default()
        };
        for (i, (name, description)) in seed_options(kind).iter().enumerate() {
            let id = catalogue.take_id();
            catalogue.rows.insert(
                id,
                SiteBuilderOption {
                    id,
                    kind,
                    name: (*name).to_string(),
                    description: (*description).to_string(),
                    is_active: true,
                    order: i32::try_from(i).unwrap_or(i32::MAX),
                    created_at: at,
                    updated_at: at,
                },
            );
        }
        catalogue
    }

    fn take_id(&mut self) -> i64 {
        self.next_id = self.next_id.max(1);
        let id = self.next_id;
        self.next_id += 1;
        id
    }

    /// Rows ordered by `order`, then name; only active ones if `active_only`.
    pub(super) fn list(&self, active_only: bool) -> Vec<SiteBuilderOption> {
        let mut rows: Vec<SiteBuilderOption> = self
            .rows
            .values()
            .filter(|o| o.is_active || !active_only)
            .cloned()
            .collect();
        rows.sort_by(|a, b| (a.order, &a.name, a.id).cmp(&(b.order, &b.name, b.id)));
        rows
    }

    fn check_name(&self, name: &str, except: Option<i64>) -> Result<()> {
        validate_name("option name", name, MAX_NAME)?;
        if self
            .rows
            .values()
            .any(|o| o.name == name && Some(o.id) != except)
        {
            return Err(Error::conflict(format!(
                "an option named {name:?} already exists in this catalogue; update it instead"
            )));
        }
        Ok(())
    }

    pub(super) fn create(&mut self, kind: OptionKind, new: NewOption) -> Result<SiteBuilderOption> {
        self.check_name(&new.name, None)?;
        let now = now();
        let id = self.take_id();
        let row = SiteBuilderOption {
            id,
            kind,
            name: new.name,
            description: new.description,
            is_active: true,
            order: new.order,
            created_at: now,
            updated_at: now,
        };
        self.rows.insert(id, row.clone());
        Ok(row)
    }

    pub(super) fn update(&mut self, id: i64, patch: OptionPatch) -> Result<SiteBuilderOption> {
        if !self.rows.contains_key(&id) {
            return Err(Error::not_found("site_builder_option", id));
        }
        if let Some(name) = &patch.name {
            self.check_name(name, Some(id))?;
        }
        let row = self
            .rows
            .get_mut(&id)
            .ok_or_else(|| Error::not_found("site_builder_option", id))?;
        if let Some(v) = patch.name {
            row.name = v;
        }
        if let Some(v) = patch.description {
            row.description = v;
        }
        if let Some(v) = patch.is_active {
            row.is_active = v;
        }
        if let Some(v) = patch.order {
            row.order = v;
        }
        row.updated_at = now();
        Ok(row.clone())
    }
}

#[async_trait]
impl OptionStore for MemoryStore {
    async fn list_options(&self, kind: OptionKind) -> Result<Vec<SiteBuilderOption>> {
        Ok(self.lock().catalogue(kind).list(true))
    }

    async fn list_all_options(&self, kind: OptionKind) -> Result<Vec<SiteBuilderOption>> {
        Ok(self.lock().catalogue(kind).list(false))
    }

    async fn create_option(&self, kind: OptionKind, new: NewOption) -> Result<SiteBuilderOption> {
        self.lock().catalogue_mut(kind).create(kind, new)
    }

    async fn update_option(
        &self,
        kind: OptionKind,
        id: i64,
        patch: OptionPatch,
    ) -> Result<SiteBuilderOption> {
        self.lock().catalogue_mut(kind).update(id, patch)
    }
}
