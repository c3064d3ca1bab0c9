/**
 * `hegui dossier --out dossier.zip`: the filing dossier — service information, the assessment report,
 * keyword coverage, bank statistics, corpus scan, labeling materials, Chinese templates and the
 * checklist of what the provider must still supply.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { assembleModerator } from '../engine/assemble.js';
import { HeguiError } from '../engine/errors.js';
import { coverageReport } from '../engine/keywords/coverage.js';
import { loadGatewayConfig } from '../gateway/config.js';
import { readBanks, requireValid } from '../assess/bank.js';
import type { CorpusReport } from '../assess/corpus.js';
import { bankCoverage } from '../assess/coverage.js';
import { buildDossier, type DossierInputs } from '../assess/dossier.js';
import { chromiumPath, htmlToPdf } from '../assess/report/browser.js';
import { buildReport, loadRunForReport } from '../assess/report/build.js';
import { EMPTY_SERVICE, loadServiceInfo } from '../assess/service.js';
import { withRuns } from './assess.js';
import { EXIT_ALLOW } from './errors.js';
import { addStoreOptions } from './keys.js';

interface DossierCli {
  out: string;
  service?: string;
  run?: string;
  bank?: string[];
  corpus?: string;
  config?: string;
  policy?: string;
  pdf: boolean;
  dataDir?: string;
  databaseUrl?: string;
}

export function registerDossier(program: Command, run: (work: () => Promise<number>) => void): void {
  addStoreOptions(
    program
      .command('dossier')
      .description(
        'filing dossier zip: service info, report, keyword and bank coverage, templates, checklist / 备案材料包',
      )
      .requiredOption('-o, --out <file>', 'zip file to write')
      .option('--service <file>', 'service information YAML (provider, service, signatories, labeling …)')
      .option('--run <run>', 'assessment run id or run.json for the report')
      .option('--bank <files...>', 'question banks for the bank statistics (default: the run’s questions)')
      .option('--corpus <file>', 'corpus scan report (hegui corpus scan --out)')
      .option('--config <file>', 'gateway configuration YAML for the service facts (default $HEGUI_CONFIG)')
      .option('--policy <file>', 'policy whose keyword library and classifier are described')
      .option('--pdf', 'add a PDF of the report (needs Chromium)', false),
  ).action((options: DossierCli) => run(async () => dossier(options)));
}

/** The gateway's configuration without secrets. */
function gatewayFacts(configPath: string | undefined): Record<string, unknown> | undefined {
  if (!configPath) return undefined;
  const c = loadGatewayConfig(process.env, {}, configPath);
  return {
    upstreams: c.upstreams.map((u) => ({ name: u.name, host: new URL(u.url).host, models: u.models })),
    policy: c.policy ?? 'policies/cn-default.yaml',
    keywords: c.keywords,
    inputBlocked: c.inputBlocked,
    storeEvidence: c.storeEvidence,
    strikes: c.strikes ? 'configured' : 'default',
    database: c.databaseUrl ? (/^postgres/i.test(c.databaseUrl) ? 'postgresql' : 'sqlite') : 'sqlite',
  };
}

async function dossier(options: DossierCli): Promise<number> {
  const service = options.service ? loadServiceInfo(options.service) : EMPTY_SERVICE;
  const assembled = assembleModerator(options.policy ? { policy: options.policy } : {});
  const keywords = coverageReport(assembled.library);
  const corpus = options.corpus
    ? (JSON.parse(readFileSync(options.corpus, 'utf8')) as CorpusReport)
    : undefined;
  let report: DossierInputs['report'];
  let banks = options.bank ? bankCoverage(requireValid(await readBanks(options.bank))) : undefined;
  if (options.run) {
    const loaded = await withRuns(options, (runs) => loadRunForReport(runs, options.run!));
    const built = buildReport(loaded, {
      keywords,
      ...(assembled.classifier ? { classifierCategories: assembled.classifier.categories } : {}),
      ...(corpus ? { corpus } : {}),
      service,
    });
    let pdf: Uint8Array | undefined;
    if (options.pdf) {
      if (!chromiumPath()) throw new HeguiError('usage', '--pdf needs Chromium (set HEGUI_CHROMIUM)');
      const path = `${options.out}.report.pdf`;
      await htmlToPdf(built.html, path);
      pdf = readFileSync(path);
    }
    report = {
      html: built.html,
      summary: built.data.summary,
      clauses: built.data.clauses,
      ...(pdf ? { pdf } : {}),
    };
    banks ??= built.data.banks;
  }
  const gateway = gatewayFacts(options.config ?? process.env.HEGUI_CONFIG);
  const { zip, files } = buildDossier({
    service,
    keywords,
    ...(gateway ? { gateway } : {}),
    ...(report ? { report } : {}),
    ...(banks ? { banks } : {}),
    ...(corpus ? { corpus } : {}),
  });
  writeFileSync(options.out, zip);
  process.stderr.write(`${options.out}: ${files.length} files\n${files.map((f) => `  ${f}`).join('\n')}\n`);
  return EXIT_ALLOW;
}
