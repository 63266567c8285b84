export * from './types';
export {
  createRouterClient,
  type RouterClientOptions,
  type HardenedRouterClient,
  type RouterLogger,
  type RouterTlsOptions,
} from './client';
export { toRouterError } from './errors';
