import type { PiiType } from './types.js';

export interface PiiTypeInfo {
  readonly type: PiiType;
  /** Short label used inside placeholders, e.g. `[手机号]`. */
  readonly zh: string;
  readonly en: string;
}

/** Every PII type in detection-priority order (see `resolve.ts`), with placeholder labels. */
export const PII_TYPES: readonly PiiTypeInfo[] = Object.freeze([
  { type: 'pii.id_card', zh: '身份证号', en: 'ID card number' },
  { type: 'pii.uscc', zh: '统一社会信用代码', en: 'Unified social credit code' },
  { type: 'pii.passport', zh: '护照号', en: 'Passport number' },
  { type: 'pii.bank_card', zh: '银行卡号', en: 'Bank card number' },
  { type: 'pii.email', zh: '邮箱', en: 'Email' },
  { type: 'pii.ip', zh: 'IP地址', en: 'IP address' },
  { type: 'pii.plate', zh: '车牌号', en: 'Licence plate' },
  { type: 'pii.landline', zh: '固定电话', en: 'Landline number' },
  { type: 'pii.mobile', zh: '手机号', en: 'Mobile number' },
] satisfies PiiTypeInfo[]);

const infoByType = new Map<PiiType, PiiTypeInfo>(PII_TYPES.map((info) => [info.type, info]));

export function piiTypeInfo(type: PiiType): PiiTypeInfo {
  const info = infoByType.get(type);
  if (!info) throw new RangeError(`unknown PII type ${type}`);
  return info;
}

/** Lower number wins when two overlapping matches have the same length. */
export function piiTypeRank(type: PiiType): number {
  return PII_TYPES.findIndex((info) => info.type === type);
}
