export * from './errors.js';
export type * from './normalize/types.js';
