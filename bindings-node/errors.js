'use strict';
// Error translation between the native addon and JavaScript.
//
// napi-rs rejects an `async fn` with an Error whose `code` is napi's status name ("GenericFailure"),
// and cannot carry a custom code. So the Rust side (src/error.rs) appends a machine-readable tag
// `[sitebuilder-error {"code":...,"required":...}]` to the message, and this file turns such an error
// back into a `SiteBuilderError` with a stable `code` and the fields that matter. Codes are the
// core's `sitebuilder::ERROR_CODES`; callers branch on `err.code`, never on the message.

const TAG = /\s*\[sitebuilder-error (\{.*\})\]\s*$/s;

/** Fields copied from the tag onto the error, per code, when present. */
const FIELDS = [
  'required',
  'available',
  'pending',
  'entity',
  'id',
  'provider',
  'status',
  'attempts',
  'errors',
  'missing',
  'migration',
];

/** An error raised by sitebuilder: a plain `Error` with a stable `code` from the core's codes. */
class SiteBuilderError extends Error {
  constructor(message, info, cause) {
    super(message, cause === undefined ? undefined : { cause });
    this.name = 'SiteBuilderError';
    this.code = info.code;
    for (const key of FIELDS) {
      if (info[key] !== undefined && info[key] !== null) this[key] = info[key];
    }
  }
}

/**
 * Rebuilds a native error as a `SiteBuilderError`. napi's own argument errors (`InvalidArg`, a value
 * of the wrong type) become `invalid_input`; anything else is returned unchanged.
 */
function translateError(err) {
  if (!(err instanceof Error) || err instanceof SiteBuilderError) return err;
  const match = typeof err.message === 'string' ? TAG.exec(err.message) : null;
  if (match) {
    let info;
    try {
      info = JSON.parse(match[1]);
    } catch {
      return err;
    }
    if (typeof info.code !== 'string') return err;
    const translated = new SiteBuilderError(err.message.slice(0, match.index), info, err);
    if (typeof err.stack === 'string') translated.stack = `${translated.name}: ${translated.message}\n${stackFrames(err.stack)}`;
    return translated;
  }
  if (err.code === 'InvalidArg' || err.code === 'NumberExpected' || err.code === 'StringExpected' || err.code === 'ObjectExpected' || err.code === 'FunctionExpected' || err.code === 'BooleanExpected') {
    return new SiteBuilderError(`invalid input: ${err.message}`, { code: 'invalid_input' }, err);
  }
  return err;
}

function stackFrames(stack) {
  return stack
    .split('\n')
    .filter((line) => /^\s+at /.test(line))
    .join('\n');
}

/** Wraps a function so that its synchronous throws and Promise rejections are translated. */
function wrapFunction(fn) {
  const wrapped = function (...args) {
    let out;
    try {
      out = fn.apply(this, args);
    } catch (err) {
      throw translateError(err);
    }
    if (out !== null && typeof out === 'object' && typeof out.then === 'function') {
      return out.then(undefined, (err) => {
        throw translateError(err);
      });
    }
    return out;
  };
  Object.defineProperty(wrapped, 'name', { value: fn.name });
  Object.defineProperty(wrapped, 'length', { value: fn.length });
  return wrapped;
}

/** Replaces every method of `cls` (static and prototype) by its translating wrapper, once. */
function wrapClass(cls) {
  if (cls.__sitebuilderWrapped) return cls;
  for (const target of [cls, cls.prototype]) {
    for (const key of Object.getOwnPropertyNames(target)) {
      if (key === 'constructor' || key === 'prototype' || key === 'length' || key === 'name') continue;
      const desc = Object.getOwnPropertyDescriptor(target, key);
      if (desc && typeof desc.value === 'function') {
        Object.defineProperty(target, key, { ...desc, value: wrapFunction(desc.value) });
      }
    }
  }
  Object.defineProperty(cls, '__sitebuilderWrapped', { value: true });
  return cls;
}

/** Whether `err` is a sitebuilder error, optionally with a given code. */
function isSiteBuilderError(err, code) {
  return err instanceof SiteBuilderError && (code === undefined || err.code === code);
}

module.exports = { SiteBuilderError, translateError, wrapFunction, wrapClass, isSiteBuilderError };
