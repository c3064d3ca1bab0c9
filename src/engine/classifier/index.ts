/**
 * Harmful-content classifier: hashed character n-grams over normalised text, a linear model with
 * int8 weights, calibrated probabilities attributed to taxonomy categories. See README.md here.
 */
export { Classifier, type ClassifierResult, type CategoryProbability } from './classifier.js';
export { hashNgrams, featureCount, type FeatureConfig } from './features.js';
export {
  serializeModel,
  deserializeModel,
  MODEL_FORMAT_VERSION,
  type ClassifierModel,
  type ModelProvenance,
  type ModelTopic,
} from './model.js';
export { trainClassifier, DEFAULT_FEATURES, type TrainExample, type TrainOptions } from './train.js';
export { parseDataset, type Dataset, type DatasetFormat } from './datasets.js';
export { binaryMetrics, rocAuc, type BinaryMetrics } from './metrics.js';
export { loadModel, loadClassifier, builtinModelPath, BUILTIN_MODEL } from './load.js';
