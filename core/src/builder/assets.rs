//! The facade's door to site assets.

use super::SiteBuilder;
use crate::files::Assets;

impl SiteBuilder {
    /// Uploads, downloads, lists and deletes blueprint files, over this builder's storage and the
    /// [`crate::AssetConfig`] given to [`super::SiteBuilderBuilder::asset_config`].
    pub fn assets(&self) -> &Assets {
        &self.assets
    }
}
