/** hegui's library API: the moderation engine, GB 45438 labeling, and the gateway's entry points. */
export * from './engine/index.js';
export * as label from './label/index.js';
export { loadGatewayConfig, type GatewayConfig } from './gateway/config.js';
export { startGateway, type RunningGateway } from './gateway/server.js';
