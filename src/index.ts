export { loadConfig, type Config } from './config.js';
export { createHookline, type Hookline } from './hookline.js';
export { createLogger } from './logger.js';
export { HooklineError } from './errors.js';
export { sign, generateSecret } from './signing/standard-webhooks.js';
