// ESM entry of `sitebuilder`. The implementation is the CommonJS module, so `import` and `require`
// share one native addon and one `SiteBuilderError` class.
import sitebuilder from './index.js';

export const { SiteBuilder, CancelHandle, RunStream, SiteBuilderError, isSiteBuilderError, translateError, ERROR_CODES, errorCodes, version, catalogue } = sitebuilder;
export default sitebuilder;
