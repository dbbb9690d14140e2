//! Idempotency keys for writes: a client that retries a request (a timeout, a double click) with
//! the same key gets the first answer back, and nothing is written or charged twice.

use std::future::Future;

use serde::Serialize;
use serde::de::DeserializeOwned;
use sha2::{Digest, Sha256};

use super::SiteBuilder;
use crate::model::check_text;
use crate::store::{IdempotencyClaim, IdempotencyRequest};
use crate::{Error, Result};

/// A first call still unfinished after this long is taken to have died with its process.
const TAKEOVER_AFTER_MINUTES: i64 = 15;

impl SiteBuilder {
    /// Runs `run` once per account and `key`: the first call runs it and records its answer; a
    /// later call with the same key and the same `request` returns that answer without running
    /// anything. The same key with another request, or while the first call still runs, is the
    /// `conflict` error. A failed first call records nothing, so a retry runs again.
    pub async fn idempotent<T, F, Fut>(
        &self,
        account_id: i64,
        key: &str,
        operation: &str,
        request: &impl Serialize,
        run: F,
    ) -> Result<T>
    where
        T: Serialize + DeserializeOwned,
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<T>>,
    {
        if key.is_empty() {
            return Err(Error::invalid("idempotency_key: must not be empty"));
        }
        check_text("idempotency_key", key, 255)?;
        let body = serde_json::to_vec(request).map_err(Error::json("an idempotent request"))?;
        let request_hash = crate::schema::hex(&Sha256::digest(&body));
        let claim = IdempotencyRequest {
            account_id,
            key,
            operation,
            request_hash: &request_hash,
            takeover_after: chrono::Duration::minutes(TAKEOVER_AFTER_MINUTES),
        };
        let storage = self.storage();
        if let IdempotencyClaim::Done(first) = storage.claim_idempotency_key(&claim).await? {
            return serde_json::from_value(first).map_err(Error::json("an idempotent answer"));
        }
        match run().await {
            Ok(answer) => {
                let value =
                    serde_json::to_value(&answer).map_err(Error::json("an idempotent answer"))?;
                storage
                    .finish_idempotency_key(account_id, key, &value)
                    .await?;
                Ok(answer)
            }
            Err(err) => {
                // The write failed and changed nothing: free the key for the retry. Should the
                // release itself fail, the claim expires after the takeover age.
                let _ = storage.abandon_idempotency_key(account_id, key).await;
                Err(err)
            }
        }
    }
}
