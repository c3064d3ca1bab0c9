/**
 * GB 45438-2025 labeling: explicit and implicit labels for images (PNG, JPEG) and text, propagator
 * mode and the verifier. See README.md in this folder for the decisions behind it.
 */
export {
  AIGC_FIELDS,
  emptyLabel,
  labelToJson,
  newContentId,
  parseLabelJson,
  type AigcField,
  type AigcLabel,
  type LabelIssue,
  type LabelValue,
  type ParsedLabel,
} from './model.js';
export {
  isValidProviderCode,
  makeProviderCode,
  parseProviderCode,
  requireProviderCode,
  type ProviderCode,
  type ProviderCodeResult,
  type ServiceRole,
} from './provider-code.js';
export {
  checkProducer,
  checkPropagator,
  loadSigningKey,
  parseIntegrity,
  publicKeyId,
  sealProducer,
  sealPropagator,
  type IntegrityCheck,
  type IntegrityStatus,
  type SignatureAlgorithm,
  type SigningKey,
  type VisibleRecord,
} from './integrity.js';
export type { ContainerInfo, ImageFormat, LabelSite } from './container-types.js';
export { detectImageFormat, readImage, writeImageLabel } from './container.js';
export { TC260_NS, TC260_PREFIX, findAigcInXmp, newXmpPacket, upsertAigc } from './xmp.js';
export {
  DEFAULT_STAMP_TEXT,
  MIN_TEXT_HEIGHT_RATIO,
  buildStamp,
  hasLabelElements,
  measureStamp,
  minTextHeight,
  stampImage,
  type StampPosition,
  type VisibleLabelOptions,
} from './visible.js';
export {
  DEFAULT_TEXT_PREFIX,
  DEFAULT_TEXT_SUFFIX,
  IMPLICIT_LABEL_HEADER,
  addTextLabel,
  chatLabelDeltas,
  hasExplicitTextLabel,
  implicitLabelHeader,
  readMarkdownLabel,
  splitMarkdown,
  textDigest,
  writeMarkdownLabel,
  type TextLabelOptions,
  type TextLabelPosition,
} from './text.js';
export {
  labelImageBuffer,
  labelImageMetadata,
  labelMarkdown,
  labelText,
  requireReadBack,
  toSigningKey,
  type ImageLabelOptions,
  type KeyInput,
  type LabelledImage,
  type LabelledText,
  type ProducerOptions,
} from './apply.js';
export {
  verifyImage,
  verifyImageMetadata,
  verifyMarkdown,
  verifyPlainText,
  type Finding,
  type VerifyOptions,
  type VerifyReport,
} from './verify.js';
export {
  NOTICES,
  inspectImage,
  inspectMarkdown,
  propagateImage,
  propagateMarkdown,
  type InspectOptions,
  type InspectReport,
  type InspectStatus,
  type PropagateOptions,
  type PropagateResult,
} from './propagate.js';
export { applyFile, inspectFile, propagateFile, verifyFile, type FileKind } from './files.js';
