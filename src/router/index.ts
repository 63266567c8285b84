export * from './types';
export {
  createRouterClient,
  DEFAULT_MAX_IN_FLIGHT,
  type RouterClientOptions,
  type HardenedRouterClient,
  type RouterLogger,
  type RouterTlsOptions,
} from './client';
export { toRouterError } from './errors';
