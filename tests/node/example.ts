// A TypeScript user of the package, type-checked with `tsc --noEmit` by tests/node/run.sh and run by
// example.test.mjs (after stripping types) — so the declared types and the behaviour agree.
import { SiteBuilder, SiteBuilderError, isSiteBuilderError, ERROR_CODES } from 'sitebuilder';
import type { ErrorCode, ProgressEvent, RunOutcome, SiteBlueprint, PageBlueprint, Metadata } from 'sitebuilder';
import { enqueue } from 'sitebuilder/queue';
import type { EnqueueResult } from 'sitebuilder/queue';

export async function example(databaseUrl: string): Promise<{ outcome: RunOutcome; pages: PageBlueprint[]; phases: string[] }> {
  const sb: SiteBuilder = await SiteBuilder.open({ databaseUrl, provider: { kind: 'offline' } });

  const meta: Metadata = await sb.metadata();
  const businessType = meta.businessTypes[0];

  const blueprint: SiteBlueprint = await sb.createBlueprint(7, {
    name: 'Porto Bakery',
    config: { businessBrief: 'Family bakery in Porto selling bread and cakes', businessTypeId: businessType?.id },
    hostingType: 'igny8_sites',
  });

  await sb.grant(7, 60, 'welcome credits');
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

  await sb.grant(7, 50, 'top-up');

  const queued: EnqueueResult = await enqueue(sb, 'generate_site_structure', { blueprint_id: blueprint.id }, 7, {
    timeoutMs: 200,
    connection: { host: '127.0.0.1', port: 1 },
    logger: { warn: () => {} },
  });
  if (queued.mode === 'inline') void queued.outcome.creditsCharged;

  const pages: PageBlueprint[] = await sb.listPages(7, blueprint.id);
  return { outcome, pages, phases };
}
