//! One storage test suite, run on every backend.
//!
//! Each case in `suite/` is an async function taking `Arc<dyn Storage>`; [`backend_suite!`]
//! instantiates all of them for one backend inside a module named after it, so a failure reads
//! `postgres::save_structure_is_atomic`. Every instantiation gets a fresh, empty database.

mod common;
mod suite;

/// Instantiates every suite case for one backend (a name from `common::BACKENDS`).
macro_rules! backend_suite {
    ($backend:ident) => {
        mod $backend {
            backend_suite!(@cases $backend;
                migrations_are_applied,
                blueprint_crud,
                blueprint_name_rules,
                blueprint_list_filters,
                blueprint_keyset_pagination_is_stable,
                blueprint_list_limit_is_clamped,
                begin_generation_conflicts_while_generating,
                page_crud_and_order,
                page_slug_rules,
                reorder_pages_needs_every_page_once,
                delete_blueprint_deletes_pages,
                options_are_seeded,
                options_admin,
                save_structure_upserts_by_slug,
                save_structure_is_atomic,
                save_structure_captures_credits,
                save_page_content_writes_page_and_seo,
                save_page_content_is_atomic,
                tenant_isolation_blueprints,
                tenant_isolation_pages,
                tenant_isolation_site_and_sector,
                credits_grant_is_idempotent,
                credits_grant_rules,
                credits_hold_release_capture,
                credits_insufficient,
                credits_concurrent_holds_never_overdraw,
                credits_same_reference_held_once,
                start_task_writes_row_and_hold_once,
                task_log_insert_update_get,
                task_claim_is_won_once,
                task_log_list_filters,
                task_log_stats,
                prompt_overrides,
                idempotency_keys,
            );
        }
    };
    (@cases $backend:ident; $($case:ident),* $(,)?) => {
        $(
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $case() {
                let backend = crate::common::open_backend(stringify!($backend)).await;
                crate::suite::$case(backend.store.clone()).await;
                backend.finish().await;
            }
        )*
    };
}

backend_suite!(memory);
#[cfg(feature = "sqlite")]
backend_suite!(sqlite);
#[cfg(feature = "postgres")]
backend_suite!(postgres);
