// A TypeScript user of the package, type-checked with `tsc --noEmit` by tests/node/run.sh and run by
// example.test.mjs (after stripping types) — so the declared types and the behaviour agree.
import { SiteBuilder, SiteBuilderError, isSiteBuilderError, ERROR_CODES, CancelHandle } from 'sitebuilder';
import type { ErrorCode, ProgressEvent, RunOutcome, SiteBlueprint, PageBlueprint, Metadata, SiteAsset, AssetUsage, TaskStats } from 'sitebuilder';
import { enqueue } from 'sitebuilder/queue';
import type { EnqueueResult } from 'sitebuilder/queue';

export interface ExampleResult {
  outcome: RunOutcome;
  pages: PageBlueprint[];
  phases: string[];
  asset: SiteAsset;
  downloaded: Buffer;
  usage: AssetUsage;
  stats: TaskStats[];
  abortedCode: ErrorCode | undefined;
}

export async function example(databaseUrl: string, assetsRoot: string): Promise<ExampleResult> {
  const sb: SiteBuilder = await SiteBuilder.open({
    databaseUrl,
    provider: { kind: 'offline' },
    assets: { root: assetsRoot, maxFileBytes: 1024 * 1024, accountQuotaBytes: 10 * 1024 * 1024 },
  });

  const meta: Metadata = await sb.metadata();
  const businessType = meta.businessTypes[0];

  const blueprint: SiteBlueprint = await sb.createBlueprint(7, {
    name: 'Porto Bakery',
    config: { businessBrief: 'Family bakery in Porto selling bread and cakes', businessTypeId: businessType?.id },
    hostingType: 'igny8_sites',
  });

  await sb.grantCredits(7, 60, 'welcome credits');
  const phases: string[] = [];
  const outcome = await sb.generateStructure({ accountId: 7 }, blueprint.id, {
    onProgress: (event: ProgressEvent) => phases.push(event.phase),
  });

  try {
    await sb.generateStructure(7, blueprint.id);
  } catch (err) {
    if (isSiteBuilderError(err, 'insufficient_credits')) {
      const missing: number = (err.required ?? 0) - (err.available ?? 0);
      void missing;
    } else {
      throw err;
    }
  }

  const code: ErrorCode = ERROR_CODES[0];
  const asError: Error | undefined = undefined as SiteBuilderError | undefined;
  void code;
  void asError;

  await sb.grantCredits(7, 50, 'top-up');

  const queued: EnqueueResult = await enqueue(sb, 'generate_site_structure', { blueprint_id: blueprint.id }, 7, {
    timeoutMs: 200,
    connection: { host: '127.0.0.1', port: 1 },
    logger: { warn: () => {} },
  });
  if (queued.mode === 'inline') void queued.outcome.creditsCharged;

  const pages: PageBlueprint[] = await sb.listPages(7, blueprint.id);

  const svg = new TextEncoder().encode('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 4 4"><rect width="4" height="4"/></svg>');
  const asset: SiteAsset = await sb.uploadAsset(7, blueprint.id, 'mark.svg', svg, { uploadedBy: 'ana' });
  const { data: downloaded } = await sb.downloadAsset({ accountId: 7 }, asset.id);
  const usage: AssetUsage = await sb.assetUsage(7);

  const controller = new AbortController();
  controller.abort();
  let abortedCode: ErrorCode | undefined;
  try {
    await sb.generateStructure(7, blueprint.id, { signal: controller.signal, cancel: new CancelHandle() });
  } catch (err) {
    if (isSiteBuilderError(err)) abortedCode = err.code;
  }

  const stats: TaskStats[] = await sb.stats(new Date(Date.now() - 60_000));
  return { outcome, pages, phases, asset, downloaded, usage, stats, abortedCode };
}
