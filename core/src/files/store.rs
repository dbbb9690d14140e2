//! The object store behind assets: a local folder by default, any `object_store` URL by choice.

use std::path::{Path as FsPath, PathBuf};
use std::sync::Arc;

use object_store::local::LocalFileSystem;
use object_store::path::Path;
use object_store::{ObjectStore, ObjectStoreExt, PutPayload};

use crate::{Error, Result};

/// Wraps an `object_store` error with what the library was doing.
pub(crate) fn storage_error(
    context: impl std::fmt::Display,
) -> impl FnOnce(object_store::Error) -> Error {
    let context = context.to_string();
    move |e| Error::FileStorage {
        message: format!("{context}: {e}"),
        source: Some(Box::new(e)),
    }
}

/// Where objects go: a store and the prefix inside it that the configuration named.
#[derive(Debug, Clone)]
pub(crate) struct Objects {
    store: Arc<dyn ObjectStore>,
    prefix: Path,
}

impl Objects {
    /// A store for an `object_store` URL (`memory:///`, `file:///srv/assets`, `s3://bucket/path`
    /// when that backend is compiled in), with backend options such as credentials.
    pub(crate) fn from_url(url: &str, options: &[(String, String)]) -> Result<Objects> {
        let parsed = url::Url::parse(url).map_err(|e| {
            Error::config(format!(
                "asset store URL {url:?} is not a URL ({e}); use memory:/// or file:///path"
            ))
        })?;
        let (store, prefix) = object_store::parse_url_opts(&parsed, options.iter().map(|(k, v)| (k.as_str(), v.as_str())))
            .map_err(|e| {
                Error::config(format!(
                    "asset store URL {}://… cannot be opened ({e}); this build supports memory:/// and file:///path",
                    parsed.scheme()
                ))
            })?;
        Ok(Objects {
            store: Arc::from(store),
            prefix,
        })
    }

    /// A store in a local folder, created if missing. Empty folders left by deletes are removed.
    pub(crate) fn local(root: &FsPath) -> Result<Objects> {
        std::fs::create_dir_all(root).map_err(|e| Error::FileStorage {
            message: format!(
                "creating the asset folder {}: {e}; check the path and its permissions",
                root.display()
            ),
            source: Some(Box::new(e)),
        })?;
        let fs = LocalFileSystem::new_with_prefix(root)
            .map_err(storage_error(format!(
                "opening the asset folder {}",
                root.display()
            )))?
            .with_automatic_cleanup(true);
        Ok(Objects {
            store: Arc::new(fs),
            prefix: Path::default(),
        })
    }

    /// The full object path of a key.
    fn path(&self, key: &str) -> Result<Path> {
        let key = Path::parse(key).map_err(|e| {
            Error::invalid(format!("asset key {key:?} is not a valid object path: {e}"))
        })?;
        Ok(self.prefix.parts().chain(key.parts()).collect())
    }

    /// Writes the whole object in one `put`: the local store writes a staging file and renames it,
    /// remote stores publish on completion, so no reader ever sees part of a file.
    pub(crate) async fn put(&self, key: &str, bytes: bytes::Bytes) -> Result<()> {
        let path = self.path(key)?;
        self.store
            .put(&path, PutPayload::from_bytes(bytes))
            .await
            .map(|_| ())
            .map_err(storage_error(format!("writing asset {key}")))
    }

    /// Reads a whole object; a missing object is a storage error (its row exists, so the store
    /// lost it).
    pub(crate) async fn get(&self, key: &str) -> Result<bytes::Bytes> {
        let path = self.path(key)?;
        let got = self
            .store
            .get(&path)
            .await
            .map_err(storage_error(format!("reading asset {key}")))?;
        got.bytes()
            .await
            .map_err(storage_error(format!("reading asset {key}")))
    }

    /// Removes an object; one that is already gone counts as removed.
    pub(crate) async fn delete(&self, key: &str) -> Result<()> {
        let path = self.path(key)?;
        match self.store.delete(&path).await {
            Ok(()) | Err(object_store::Error::NotFound { .. }) => Ok(()),
            Err(e) => Err(storage_error(format!("deleting asset {key}"))(e)),
        }
    }

    /// Removes every object under `prefix` (a release, a whole site); returns how many.
    pub(crate) async fn delete_prefix(&self, prefix: &str) -> Result<usize> {
        use futures_util::TryStreamExt;
        let path = self.path(prefix)?;
        let keys: Vec<Path> = self
            .store
            .list(Some(&path))
            .map_ok(|m| m.location)
            .try_collect()
            .await
            .map_err(storage_error(format!("listing {prefix}")))?;
        for key in &keys {
            match self.store.delete(key).await {
                Ok(()) | Err(object_store::Error::NotFound { .. }) => {}
                Err(e) => return Err(storage_error(format!("deleting {key}"))(e)),
            }
        }
        Ok(keys.len())
    }
}

/// The default local folder, relative to the working directory.
pub(crate) fn default_root() -> PathBuf {
    PathBuf::from("sitebuilder-assets")
}
