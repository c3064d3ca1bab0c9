#!/usr/bin/env node
/**
 * `hegui` command line: one file per command, registered here. Each command's module is imported only
 * when that command runs (its dependencies — the gateway, the store, sharp — are heavy), so
 * `hegui scan` starts without loading the gateway; `--help` and unknown commands load them all.
 */
import { Command, CommanderError } from 'commander';
import { EXIT_ERROR, reportError } from './errors.js';

type Register = (program: Command, run: (work: () => Promise<number>) => void) => void;

/** Command name → how to load its registration. */
const COMMANDS: Record<string, () => Promise<Register>> = {
  serve: async () => (await import('./serve.js')).registerServe,
  scan: async () => (await import('./scan.js')).registerScan,
  keywords: async () => (await import('./keywords.js')).registerKeywords,
  label: async () => (await import('./label.js')).registerLabel,
  train: async () => (await import('./train.js')).registerTrain,
  eval: async () => (await import('./eval.js')).registerEval,
  keys: async () => (await import('./keys.js')).registerKeys,
  audit: async () => (await import('./audit.js')).registerAudit,
  incidents: async () => (await import('./incidents.js')).registerIncidents,
  banks: async () => (await import('./banks.js')).registerBanks,
  assess: async () => (await import('./assess.js')).registerAssess,
  corpus: async () => (await import('./corpus.js')).registerCorpus,
  dossier: async () => (await import('./dossier.js')).registerDossier,
};

const program = new Command()
  .name('hegui')
  .description('合规 hegui — compliance gateway for generative-AI services in China')
  .exitOverride()
  .configureOutput({ writeErr: (s) => process.stderr.write(s) });

/** Runs a command's work and sets the exit status; every error gets its code and a message. */
function run(work: () => Promise<number>): void {
  work().then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      process.exitCode = reportError(err);
    },
  );
}

try {
  const requested = process.argv[2];
  const only = requested !== undefined ? COMMANDS[requested] : undefined;
  const loaders = only ? [only] : Object.values(COMMANDS);
  for (const register of await Promise.all(loaders.map((load) => load()))) register(program, run);
  await program.parseAsync(process.argv);
} catch (err) {
  if (err instanceof CommanderError) {
    process.exitCode = err.exitCode === 0 ? 0 : EXIT_ERROR;
  } else {
    process.exitCode = reportError(err);
  }
}
