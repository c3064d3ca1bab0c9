#!/usr/bin/env node
/** `hegui` command line: one file per command, registered here. */
import { Command, CommanderError } from 'commander';
import { EXIT_ERROR, reportError } from './errors.js';
import { registerAssess } from './assess.js';
import { registerAudit } from './audit.js';
import { registerBanks } from './banks.js';
import { registerCorpus } from './corpus.js';
import { registerDossier } from './dossier.js';
import { registerEval } from './eval.js';
import { registerIncidents } from './incidents.js';
import { registerKeys } from './keys.js';
import { registerKeywords } from './keywords.js';
import { registerLabel } from './label.js';
import { registerScan } from './scan.js';
import { registerServe } from './serve.js';
import { registerTrain } from './train.js';

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

registerServe(program, run);
registerScan(program, run);
registerKeywords(program, run);
registerLabel(program, run);
registerTrain(program, run);
registerEval(program, run);
registerKeys(program, run);
registerAudit(program, run);
registerIncidents(program, run);
registerBanks(program, run);
registerAssess(program, run);
registerCorpus(program, run);
registerDossier(program, run);

try {
  await program.parseAsync(process.argv);
} catch (err) {
  if (err instanceof CommanderError) {
    process.exitCode = err.exitCode === 0 ? 0 : EXIT_ERROR;
  } else {
    process.exitCode = reportError(err);
  }
}
