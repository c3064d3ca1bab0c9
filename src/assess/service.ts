/**
 * Service information for the report and the filing dossier: one YAML file validated by one schema.
 * Everything is optional; what is missing becomes an item on the provider's checklist.
 */
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { HeguiError } from '../engine/errors.js';

export const ServiceInfoSchema = z.strictObject({
  provider: z
    .strictObject({
      name: z.string().optional(),
      uscc: z.string().optional(),
      address: z.string().optional(),
      contact: z.string().optional(),
    })
    .default({}),
  service: z
    .strictObject({
      name: z.string().optional(),
      model: z.string().optional(),
      /** The filed foundation model this service builds on, and its filing number. */
      baseModel: z.string().optional(),
      baseModelFilingNo: z.string().optional(),
      functions: z.array(z.string()).default([]),
      domain: z.enum(['general', 'vertical']).optional(),
      modes: z.array(z.enum(['app', 'web', 'api', 'mini-program', 'other'])).default([]),
      audience: z.string().optional(),
      /** Whether the service is offered to minors. */
      minors: z.boolean().optional(),
      highStakes: z.array(z.string()).default([]),
    })
    .default({ functions: [], modes: [], highStakes: [] }),
  filingNo: z.string().optional(),
  signatories: z
    .strictObject({
      legalRepresentative: z.string().optional(),
      assessmentLead: z.string().optional(),
      legalLead: z.string().optional(),
    })
    .default({}),
  /** Labeling in place (GB 45438): hegui's label module or the provider's own. */
  labeling: z.enum(['hegui', 'own', 'none']).optional(),
  complaints: z
    .strictObject({ channel: z.string().optional(), deadlineDays: z.number().optional() })
    .optional(),
});
export type ServiceInfo = z.infer<typeof ServiceInfoSchema>;

export const EMPTY_SERVICE: ServiceInfo = ServiceInfoSchema.parse({});

export function loadServiceInfo(path: string): ServiceInfo {
  let raw: unknown;
  try {
    raw = parseYaml(readFileSync(path, 'utf8')) ?? {};
  } catch (err) {
    throw new HeguiError('config_invalid', (err as Error).message, path, { cause: err });
  }
  const parsed = ServiceInfoSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new HeguiError('config_invalid', issue.message, `${path}: ${issue.path.join('.')}`);
  }
  return parsed.data;
}
