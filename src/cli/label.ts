/**
 * `hegui label apply|verify|inspect|propagate`: GB 45438 labels for images (PNG, JPEG, WebP), Markdown and
 * plain text. Exit codes: apply 0 written; verify 0 every file compliant, 1 any not; inspect 0, or 1
 * when the labels are inconclusive; propagate 0 written, 1 nothing to mark; 2 usage or input error.
 */
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { HeguiError } from '../engine/errors.js';
import { applyFile, inspectFile, propagateFile, verifyFile } from '../label/files.js';
import { loadSigningKey, publicKeyId, type SigningKey } from '../label/integrity.js';
import type { InspectReport } from '../label/propagate.js';
import type { TextLabelOptions, TextLabelPosition } from '../label/text.js';
import type { VerifyOptions, VerifyReport } from '../label/verify.js';
import type { StampPosition, VisibleLabelOptions } from '../label/visible.js';
import { EXIT_ALLOW, EXIT_ERROR, EXIT_FLAGGED, reportError } from './errors.js';

interface ApplyOptions {
  output: string;
  producer: string;
  produceId?: string;
  signKey?: string;
  visible?: boolean;
  text?: string;
  position?: string;
  quality?: string;
  explicit: string;
}

interface VerifyCliOptions {
  format: string;
  publicKey: string[];
  requireSignature?: boolean;
  visible?: boolean;
  allowNames?: boolean;
}

interface InspectCliOptions extends VerifyCliOptions {
  declared?: boolean;
  detected?: boolean;
}

interface PropagateCliOptions {
  output: string;
  propagator: string;
  propagateId?: string;
  signKey?: string;
  declared?: boolean;
  detected?: boolean;
  format: string;
}

const POSITIONS: readonly StampPosition[] = [
  'bottom-right',
  'bottom-left',
  'top-right',
  'top-left',
  'bottom',
  'top',
];
const collect = (value: string, previous: string[]) => [...previous, value];

export function registerLabel(program: Command, run: (work: () => Promise<number>) => void): void {
  const label = program
    .command('label')
    .description('GB 45438 content labels: apply, verify, inspect, propagate / 生成合成内容标识');

  label
    .command('apply')
    .description('label generated content: implicit XMP/front-matter label, optional visible label')
    .argument('<in>', 'PNG, JPEG, WebP, Markdown (.md) or text file')
    .requiredOption('-o, --output <file>', 'labelled output file')
    .requiredOption('--producer <code>', "the producer's 27-character provider code (ContentProducer)")
    .option('--visible', 'images: draw the visible label (AI生成) on an edge or corner')
    .option('--text <wording>', 'images: visible label wording (needs AI/人工智能 and 生成/合成)')
    .option('--position <where>', `images: ${POSITIONS.join(', ')}`)
    .option('--quality <n>', 'JPEG quality when the visible label re-encodes (default 90)')
    .option('--explicit <position>', 'text and Markdown: prefix, suffix, both or none', 'prefix')
    .option('--sign-key <pem>', 'Ed25519 or ECDSA P-256 private key: sign ReservedCode1')
    .option('--produce-id <id>', 'content ID (default: a new unique ID)')
    .action((input: string, options: ApplyOptions) => run(() => apply(input, options)));

  label
    .command('verify')
    .description('check labels: exit 0 every file compliant, 1 any not, 2 error')
    .argument('<files...>', 'files to check')
    .option('-f, --format <format>', 'text or json', 'text')
    .option('--public-key <pem>', 'trusted signing key (repeatable); other signers fail', collect, [])
    .option('--require-signature', 'fail labels without a signature')
    .option(
      '--visible',
      'require the explicit label (image stamp measured in pixels, text label in the first/last 64 chars)',
    )
    .option('--allow-names', 'accept a provider name instead of a 27-character code')
    .action((files: string[], options: VerifyCliOptions) => run(() => verify(files, options)));

  label
    .command('inspect')
    .description(
      'what a distributing platform finds: labelled / declared / suspected, and the notice to show',
    )
    .argument('<file>', 'file to inspect')
    .option('-f, --format <format>', 'text or json', 'text')
    .option('--declared', 'the uploader declared the content AI-generated')
    .option('--detected', 'your detector found explicit labels or synthesis traces')
    .option('--public-key <pem>', 'trusted signing key (repeatable)', collect, [])
    .option('--allow-names', 'accept a provider name instead of a 27-character code')
    .action((file: string, options: InspectCliOptions) => run(() => inspect(file, options)));

  label
    .command('propagate')
    .description(
      'platform: fill ContentPropagator, PropagateID, ReservedCode2; Label per found/declared/detected',
    )
    .argument('<in>', 'PNG, JPEG, WebP or Markdown file')
    .requiredOption('-o, --output <file>', 'output file')
    .requiredOption('--propagator <code>', "the platform's 27-character provider code (extension 2xxxx)")
    .option('--declared', 'no label found but the uploader declared it AI-generated (Label "2")')
    .option('--detected', 'no label or declaration, but detected as AI-generated (Label "3")')
    .option('--propagate-id <id>', 'content ID on the platform (default: a new unique ID)')
    .option('--sign-key <pem>', 'Ed25519 or ECDSA P-256 private key: sign ReservedCode2')
    .option('-f, --format <format>', 'text or json', 'text')
    .action((input: string, options: PropagateCliOptions) => run(() => propagate(input, options)));
}

function readKeyFile(path: string, option: string): Buffer {
  try {
    return readFileSync(path);
  } catch (err) {
    throw new HeguiError('input_invalid', (err as Error).message, `${option} ${path}`, { cause: err });
  }
}

function signingKey(path: string | undefined): SigningKey | undefined {
  return path === undefined ? undefined : loadSigningKey(readKeyFile(path, '--sign-key'), path);
}

function checkFormat(format: string): void {
  if (format !== 'text' && format !== 'json') {
    throw new HeguiError('usage', `--format must be text or json, not "${format}"`);
  }
}

function verifyOptions(options: VerifyCliOptions): VerifyOptions {
  return {
    trustedKeys: options.publicKey.map((path) => publicKeyId(readKeyFile(path, '--public-key'), path)),
    requireSignature: options.requireSignature === true,
    requireVisible: options.visible === true,
    allowNames: options.allowNames === true,
  };
}

async function apply(input: string, options: ApplyOptions): Promise<number> {
  if (options.position !== undefined && !POSITIONS.includes(options.position as StampPosition)) {
    throw new HeguiError('usage', `--position must be one of ${POSITIONS.join(', ')}`);
  }
  if (!['prefix', 'suffix', 'both', 'none'].includes(options.explicit)) {
    throw new HeguiError('usage', '--explicit must be prefix, suffix, both or none');
  }
  const quality = options.quality === undefined ? undefined : Number(options.quality);
  if (quality !== undefined && !(Number.isInteger(quality) && quality >= 1 && quality <= 100)) {
    throw new HeguiError('usage', '--quality must be an integer from 1 to 100');
  }
  const visible: VisibleLabelOptions | undefined = options.visible
    ? {
        ...(options.text !== undefined ? { text: options.text } : {}),
        ...(options.position !== undefined ? { position: options.position as StampPosition } : {}),
      }
    : undefined;
  const explicit: TextLabelOptions | false =
    options.explicit === 'none' ? false : { position: options.explicit as TextLabelPosition };
  const key = signingKey(options.signKey);
  const result = await applyFile(input, options.output, {
    producer: options.producer,
    ...(options.produceId !== undefined ? { produceId: options.produceId } : {}),
    ...(key ? { signKey: key } : {}),
    ...(visible ? { visible } : {}),
    ...(quality !== undefined ? { quality } : {}),
    explicit,
  });
  const parts = [`${options.output}: ${result.kind}`];
  if (result.label) parts.push(`ProduceID ${result.label.ProduceID}`);
  if (result.report.producer?.signed)
    parts.push(`signed (${result.report.producer.algorithm}, key ${result.report.producer.keyId})`);
  const v = result.report.visible;
  if (v?.recorded)
    parts.push(`visible label ${v.recorded.textHeight} px text (≥ ${v.requiredTextHeight} px required)`);
  if (v?.textLabel) parts.push('explicit text label');
  process.stdout.write(`${parts.join(', ')}; read back and verified\n`);
  return EXIT_ALLOW;
}

function formatReport(file: string, report: VerifyReport): string {
  const lines = [`${file}: ${report.compliant ? 'compliant' : 'NOT compliant'} (${report.format})`];
  if (report.label) {
    lines.push(
      `  Label ${report.label.Label}, ContentProducer ${report.label.ContentProducer || '-'}, ProduceID ${report.label.ProduceID || '-'}`,
    );
    if (report.label.ContentPropagator) {
      lines.push(
        `  ContentPropagator ${report.label.ContentPropagator}, PropagateID ${report.label.PropagateID}`,
      );
    }
  }
  if (report.producer) lines.push(`  ReservedCode1: ${report.producer.message}`);
  if (report.propagator) lines.push(`  ReservedCode2: ${report.propagator.message}`);
  const v = report.visible;
  if (v?.recorded) {
    lines.push(
      `  visible label: ${v.recorded.textHeight} px recorded${v.measuredTextHeight !== undefined ? `, ${v.measuredTextHeight} px measured` : ''}, ≥ ${v.requiredTextHeight} px required`,
    );
  }
  for (const f of report.failures) lines.push(`  FAIL ${f.code}: ${f.message}`);
  for (const w of report.warnings) lines.push(`  warn ${w.code}: ${w.message}`);
  return `${lines.join('\n')}\n`;
}

async function verify(files: string[], options: VerifyCliOptions): Promise<number> {
  checkFormat(options.format);
  const opts = verifyOptions(options);
  let exit = EXIT_ALLOW;
  for (const file of files) {
    let report: VerifyReport;
    try {
      report = await verifyFile(file, opts);
    } catch (err) {
      if (options.format === 'json') {
        const code = err instanceof HeguiError ? err.code : 'internal';
        process.stdout.write(
          `${JSON.stringify({ file, error: { code, message: (err as Error).message } })}\n`,
        );
      }
      reportError(err);
      exit = EXIT_ERROR;
      continue;
    }
    process.stdout.write(
      options.format === 'json' ? `${JSON.stringify({ file, ...report })}\n` : formatReport(file, report),
    );
    if (!report.compliant && exit === EXIT_ALLOW) exit = EXIT_FLAGGED;
  }
  return exit;
}

function formatInspect(file: string, report: InspectReport): string {
  const lines = [`${file}: ${report.status} (${report.basis})`, `  notice: ${report.notice}`];
  if (report.label) {
    lines.push(
      `  Label ${report.label.Label}, ContentProducer ${report.label.ContentProducer || '-'}, ProduceID ${report.label.ProduceID || '-'}`,
    );
  }
  for (const site of report.sites) lines.push(`  found at ${site.location}`);
  for (const f of report.verify.failures) {
    if (f.code !== 'no_label') lines.push(`  problem ${f.code}: ${f.message}`);
  }
  return `${lines.join('\n')}\n`;
}

async function inspect(file: string, options: InspectCliOptions): Promise<number> {
  checkFormat(options.format);
  const report = await inspectFile(file, {
    ...verifyOptions(options),
    declared: options.declared === true,
    detected: options.detected === true,
  });
  process.stdout.write(
    options.format === 'json' ? `${JSON.stringify({ file, ...report })}\n` : formatInspect(file, report),
  );
  return report.status === 'inconclusive' ? EXIT_FLAGGED : EXIT_ALLOW;
}

async function propagate(input: string, options: PropagateCliOptions): Promise<number> {
  checkFormat(options.format);
  const key = signingKey(options.signKey);
  const result = await propagateFile(input, options.output, {
    propagator: options.propagator,
    ...(options.propagateId !== undefined ? { propagateId: options.propagateId } : {}),
    ...(key ? { signKey: key } : {}),
    declared: options.declared === true,
    detected: options.detected === true,
  });
  if (options.format === 'json') {
    process.stdout.write(
      `${JSON.stringify({ file: input, output: result.written ? options.output : null, status: result.inspect.status, notice: result.inspect.notice, label: result.label ?? null })}\n`,
    );
  } else if (result.written) {
    process.stdout.write(
      `${options.output}: ${result.inspect.status} (Label ${result.label?.Label}), notice: ${result.inspect.notice}; PropagateID ${result.label?.PropagateID}; read back and verified\n`,
    );
  } else {
    process.stdout.write(
      `${input}: ${result.inspect.status}, nothing written; notice: ${result.inspect.notice}\n`,
    );
  }
  return result.written ? EXIT_ALLOW : EXIT_FLAGGED;
}
