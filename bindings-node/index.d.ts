// Public types of `sitebuilder`. The API itself is declared in `native/index.d.ts`, which
// `npm run build` generates from the Rust sources (tests check it for drift); this file adds the
// error type that the JavaScript layer (errors.js) builds.

export * from './native/index';
export * from './ops';

/** The core's stable error codes (`sitebuilder::ERROR_CODES`). */
export type ErrorCode =
  | 'invalid_input'
  | 'not_found'
  | 'insufficient_credits'
  | 'migration_required'
  | 'migration_checksum_mismatch'
  | 'schema_mismatch'
  | 'conflict'
  | 'provider_unavailable'
  | 'provider_rejected'
  | 'ai_refused'
  | 'ai_output_truncated'
  | 'invalid_ai_output'
  | 'cancelled'
  | 'configuration'
  | 'database'
  | 'json'
  | 'quota_exceeded'
  | 'file_storage';

/**
 * Every failure of a sitebuilder call: an `Error` with a stable `code`; branch on the code, never on
 * the message. The message ends with the cause chain; `cause` is the native error.
 */
export declare class SiteBuilderError extends Error {
  readonly name: 'SiteBuilderError';
  readonly code: ErrorCode;
  /** Whether retrying later may succeed (provider or database unavailable). */
  readonly transient?: boolean;
  /** `insufficient_credits`: credits the operation costs. */
  readonly required?: number;
  /** `insufficient_credits`: credits the account holds. */
  readonly available?: number;
  /** `migration_required`: `NNNN_name` of each pending migration. */
  readonly pending?: string[];
  /** `not_found`: kind of record looked up. */
  readonly entity?: string;
  /** `not_found`: id looked up. */
  readonly id?: string;
  /** `provider_unavailable` / `provider_rejected`: provider label. */
  readonly provider?: string;
  /** `provider_rejected`: HTTP status. */
  readonly status?: number;
  /** `invalid_ai_output`: answers tried. */
  readonly attempts?: number;
  /** `invalid_ai_output`: validation errors of the last answer. */
  readonly errors?: string[];
  /** `schema_mismatch`: `table.column` of each missing column. */
  readonly missing?: string[];
  /** `migration_checksum_mismatch`: `NNNN_name` of the edited migration. */
  readonly migration?: string;
}

/** Every code, in the core's order. */
export declare const ERROR_CODES: readonly ErrorCode[];

/** Whether `err` is a `SiteBuilderError` (with `code`, when given). */
export declare function isSiteBuilderError(err: unknown, code?: ErrorCode): err is SiteBuilderError;

/** Turns a raw native error into a `SiteBuilderError`; other values are returned unchanged. */
export declare function translateError(err: unknown): unknown;
