'use strict';
// `{ signal: AbortSignal }` for AI runs. Dropping a run's Promise does not stop the run (the core
// spawns it so credits and statuses always settle), so an abort has to reach the core: each call
// with a signal gets a native `CancelHandle` in its options, cancelled on the signal's `abort`.

const { SiteBuilderError } = require('./errors.js');

function isAbortSignal(value) {
  return value !== null && typeof value === 'object' && typeof value.aborted === 'boolean' && typeof value.addEventListener === 'function' && typeof value.removeEventListener === 'function';
}

/**
 * Wraps an AI-run method whose options object is argument `index`: a `signal` there becomes a
 * native cancel handle. Already aborted: rejects at once with `code: "cancelled"`, nothing runs.
 * `background`: the method returns before the run ends (`dispatch`), so the signal stays wired
 * to the run after the Promise settles (aborting a finished run does nothing).
 */
function withSignal(method, index, CancelHandle, background = false) {
  const wrapped = {
    [method.name](...args) {
      const options = args[index];
      if (options === null || typeof options !== 'object' || options.signal === undefined || options.signal === null) {
        return method.apply(this, args);
      }
      const { signal, ...rest } = options;
      if (!isAbortSignal(signal)) {
        return Promise.reject(new SiteBuilderError('invalid input: options.signal must be an AbortSignal (from an AbortController)', { code: 'invalid_input' }));
      }
      if (signal.aborted) {
        return Promise.reject(new SiteBuilderError('cancelled: the AbortSignal was already aborted; nothing ran and nothing was charged', { code: 'cancelled' }, signal.reason));
      }
      const handle = rest.cancel instanceof CancelHandle ? rest.cancel : new CancelHandle();
      const onAbort = () => handle.cancel();
      signal.addEventListener('abort', onAbort, { once: true });
      const forwarded = [...args];
      forwarded[index] = { ...rest, cancel: handle };
      const pending = method.apply(this, forwarded);
      if (background) {
        return pending.catch((err) => {
          signal.removeEventListener('abort', onAbort);
          throw err;
        });
      }
      return pending.finally(() => signal.removeEventListener('abort', onAbort));
    },
  }[method.name];
  Object.defineProperty(wrapped, 'length', { value: method.length });
  return wrapped;
}

/** The methods that take `{ signal }`: position of their options argument, runs in background. */
const SIGNAL_METHODS = [
  ['generateStructure', 2, false],
  ['generatePageContent', 2, false],
  ['generateAllPages', 2, false],
  ['run', 3, false],
  ['dispatch', 3, true],
];

/** Adds `signal` support to a wrapped `SiteBuilder` class. */
function addSignals(Wrapper, CancelHandle) {
  for (const [name, index, background] of SIGNAL_METHODS) {
    const method = Wrapper.prototype[name];
    Object.defineProperty(Wrapper.prototype, name, { value: withSignal(method, index, CancelHandle, background), writable: true, configurable: true });
  }
  return Wrapper;
}

module.exports = { addSignals, withSignal, SIGNAL_METHODS };
