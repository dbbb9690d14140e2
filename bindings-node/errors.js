'use strict';
// Error translation between the native addon and JavaScript.
//
// napi-rs rejects an `async fn` with an Error whose `code` is napi's status name ("GenericFailure"),
// and cannot carry a custom code. So the Rust side (src/error.rs) appends a machine-readable tag
// `[sitebuilder-error {"code":...,"required":...}]` to the message, and this file turns such an error
// back into a `SiteBuilderError` with a stable `code` and the fields that matter. Codes are the
// core's `sitebuilder::ERROR_CODES`; callers branch on `err.code`, never on the message.

const TAG = /\s*\[sitebuilder-error (\{.*\})\]\s*$/s;

/** Keys an `Error` owns, never overwritten by a core field. */
const RESERVED = new Set(['code', 'message', 'name', 'stack', 'cause']);

/** An error raised by sitebuilder: a plain `Error` with a stable `code` from the core's codes. */
class SiteBuilderError extends Error {
  constructor(message, info, cause) {
    super(message, cause === undefined ? undefined : { cause });
    this.name = 'SiteBuilderError';
    this.code = info.code;
    // The core serialises each variant's own fields (`Error::fields`); all of them are kept.
    for (const [key, value] of Object.entries(info)) {
      if (!RESERVED.has(key) && value !== undefined && value !== null) this[key] = value;
    }
  }
}

/**
 * Rebuilds a native error as a `SiteBuilderError`. napi's own argument errors (`InvalidArg`, a value
 * of the wrong type such as `DateExpected`) become `invalid_input`; anything else is returned unchanged.
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
  // napi's argument statuses: `InvalidArg` and the `…Expected` family (`NumberExpected`, `DateExpected`, …).
  if (err.code === 'InvalidArg' || (typeof err.code === 'string' && /^[A-Z][A-Za-z]*Expected$/.test(err.code))) {
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

/**
 * Wraps a function so that its synchronous throws and Promise rejections are translated; with
 * `returnsPromise`, a synchronous throw becomes a rejected Promise.
 */
function wrapFunction(fn, returnsPromise = false) {
  const wrapped = function (...args) {
    let out;
    try {
      out = fn.apply(this, args);
    } catch (err) {
      if (returnsPromise) return Promise.reject(translateError(err));
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

/**
 * A JavaScript class over a native napi class (whose properties napi makes read-only): every
 * prototype method and getter forwards to the wrapped native instance, translating errors.
 * `factories` are static methods resolving to a native instance, which they wrap. Methods not in
 * `syncMethods` return Promises, so an argument napi rejects before the call starts becomes a
 * rejected Promise too, never a synchronous throw.
 */
function wrapNativeClass(NativeClass, name, factories, syncMethods = []) {
  const inner = Symbol(`${name}.native`);
  const Wrapper = {
    [name]: class {
      constructor(instance) {
        if (!(instance instanceof NativeClass)) {
          throw new TypeError(`create a ${name} with \`await ${name}.${factories[0]}(options)\``);
        }
        Object.defineProperty(this, inner, { value: instance });
      }
    },
  }[name];
  for (const key of factories) {
    const factory = wrapFunction(NativeClass[key], true);
    Object.defineProperty(Wrapper, key, {
      value: {
        [key](...args) {
          return Promise.resolve(factory.apply(NativeClass, args)).then((instance) => new Wrapper(instance));
        },
      }[key],
      writable: true,
      configurable: true,
    });
  }
  for (const key of Object.getOwnPropertyNames(NativeClass.prototype)) {
    if (key === 'constructor') continue;
    const desc = Object.getOwnPropertyDescriptor(NativeClass.prototype, key);
    if (typeof desc.value === 'function') {
      const method = wrapFunction(desc.value, !syncMethods.includes(key));
      Object.defineProperty(Wrapper.prototype, key, {
        value: {
          [key](...args) {
            return method.apply(this[inner], args);
          },
        }[key],
        writable: true,
        configurable: true,
      });
    } else if (typeof desc.get === 'function') {
      const getter = wrapFunction(desc.get);
      Object.defineProperty(Wrapper.prototype, key, {
        get() {
          return getter.call(this[inner]);
        },
        configurable: true,
      });
    }
  }
  return Wrapper;
}

/** Whether `err` is a sitebuilder error, optionally with a given code. */
function isSiteBuilderError(err, code) {
  return err instanceof SiteBuilderError && (code === undefined || err.code === code);
}

module.exports = { SiteBuilderError, translateError, wrapFunction, wrapNativeClass, isSiteBuilderError };
