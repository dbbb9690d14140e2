'use strict';
// AI runs watched as they happen: `for await (const ev of sb.streamGenerateStructure(scope, id))`.
//
// Every catalogue operation marked `streams` gets `stream<Name>(...sameArguments)`: an async
// iterable of the run's progress events (a streamed run's pages arrive as events whose `partial`
// is `{ kind: 'page', index, page }`), then, last, the run's outcome (what `<name>()` resolves).
// A failed run throws its `SiteBuilderError` from the loop instead. Leaving the loop early
// (`break`, `return`, an exception in its body), `stream.cancel()` or an aborted `signal`
// cancels the run through its `CancelHandle`: it ends `cancelled`, nothing is charged. The router
// (`router.js`) serves the same stream as server-sent events.

const { setImmediate: tick } = require('node:timers/promises');

const camel = (s) => s.replace(/_([a-z0-9])/g, (_, c) => c.toUpperCase());

/**
 * One run as an async iterator. `start({ onProgress, cancel })` starts it and resolves its
 * outcome; `handle` is the `CancelHandle` it runs with; `also(event)` sees every event too.
 */
class RunStream {
  #start;
  #handle;
  #also;
  #queue = [];
  #wake = null;
  #settled = null;
  #started = false;
  #finished = false;
  #drained = false;

  constructor(start, handle, also) {
    this.#start = start;
    this.#handle = handle;
    this.#also = typeof also === 'function' ? also : null;
  }

  /** The handle that stops this run. */
  get cancelHandle() {
    return this.#handle;
  }

  [Symbol.asyncIterator]() {
    return this;
  }

  #ping() {
    const wake = this.#wake;
    this.#wake = null;
    if (wake) wake();
  }

  #begin() {
    this.#started = true;
    const onProgress = (event) => {
      this.#queue.push(event);
      this.#ping();
      if (this.#also) {
        try {
          this.#also(event);
        } catch {
          // A progress callback's exception never stops the run (as with `onProgress`).
        }
      }
    };
    Promise.resolve()
      .then(() => this.#start({ onProgress, cancel: this.#handle }))
      .then((value) => { this.#settled = { value }; }, (error) => { this.#settled = { error }; })
      .then(() => this.#ping());
  }

  async next() {
    if (this.#finished) return { done: true, value: undefined };
    if (!this.#started) this.#begin();
    for (;;) {
      if (this.#finished) return { done: true, value: undefined };
      if (this.#queue.length > 0) return { done: false, value: this.#queue.shift() };
      if (this.#settled) {
        if (!this.#drained) {
          // Progress events and the outcome reach JavaScript through separate queues: events
          // sent before the run ended may still be one loop turn behind its outcome.
          this.#drained = true;
          await tick();
          await tick();
          continue;
        }
        this.#finished = true;
        if ('error' in this.#settled) throw this.#settled.error;
        return { done: false, value: this.#settled.value };
      }
      await new Promise((resolve) => { this.#wake = resolve; });
    }
  }

  /** Called by `break` in `for await`: cancels a run still going. */
  async return() {
    this.cancel();
    return { done: true, value: undefined };
  }

  /** Stops the run if it is still going (it ends `cancelled`, nothing charged). */
  cancel() {
    if (this.#started && !this.#settled) this.#handle.cancel();
    this.#finished = true;
    this.#ping();
  }
}

/** `generate_structure` → `streamGenerateStructure`. */
const streamName = (name) => {
  const c = camel(name);
  return `stream${c[0].toUpperCase()}${c.slice(1)}`;
};

/** Adds `stream<Name>` for every operation of `catalogue` marked `streams`. */
function addStreams(Wrapper, catalogue, CancelHandle) {
  for (const op of catalogue.operations.filter((o) => o.streams)) {
    const name = streamName(op.name);
    const plain = camel(op.name);
    const index = op.args.length;
    const method = {
      [name](...args) {
        const options = args[index];
        const given = options !== null && typeof options === 'object' ? options : {};
        const handle = given.cancel instanceof CancelHandle ? given.cancel : new CancelHandle();
        const start = (run) => {
          const forwarded = [...args];
          forwarded[index] = options === undefined || (options !== null && typeof options === 'object')
            ? { ...given, onProgress: run.onProgress, cancel: run.cancel }
            : options;
          return this[plain](...forwarded);
        };
        return new RunStream(start, handle, given.onProgress);
      },
    }[name];
    Object.defineProperty(Wrapper.prototype, name, { value: method, writable: true, configurable: true });
  }
  return Wrapper;
}

module.exports = { RunStream, addStreams, streamName };
