'use strict';
// Public entry of the `sitebuilder` package (CommonJS). The native part (`native/index.js`, generated
// by `napi build`) does the work; this layer only turns native errors into `SiteBuilderError`s with
// the core's stable codes (see errors.js) and an `AbortSignal` into a native cancel handle
// (see cancel.js).

const native = require('./native/index.js');
const { SiteBuilderError, translateError, wrapNativeClass, wrapFunction, isSiteBuilderError } = require('./errors.js');
const { addSignals } = require('./cancel.js');
const { addOperations } = require('./ops.js');
const { addStreams, RunStream } = require('./stream.js');

const exported = { SiteBuilderError, isSiteBuilderError, translateError };
for (const [key, value] of Object.entries(native)) {
  if (typeof value !== 'function') exported[key] = value;
  else if (/^[A-Z]/.test(key)) continue;
  else exported[key] = wrapFunction(value);
}

/** See `ops.d.ts` for the API; instances come from `await SiteBuilder.open(options)`. */
const CATALOGUE = JSON.parse(native.catalogue());
exported.SiteBuilder = addStreams(
  addSignals(
    addOperations(
      wrapNativeClass(native.SiteBuilder, 'SiteBuilder', ['open'], ['registerFunction', 'functionNames', 'setCreditCost']),
      CATALOGUE,
    ),
    native.CancelHandle,
  ),
  CATALOGUE,
  native.CancelHandle,
);

/** What `stream<Name>()` returns: an AI run's progress events, then its outcome (see stream.js). */
exported.RunStream = RunStream;

/** Stops the runs given it as `{ cancel }` (what `{ signal }` becomes); its methods never throw. */
exported.CancelHandle = native.CancelHandle;

/** The stable error codes of the core (`sitebuilder::ERROR_CODES`). */
exported.ERROR_CODES = Object.freeze(native.errorCodes());

module.exports = exported;
