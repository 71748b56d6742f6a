import { readFileSync } from 'node:fs';

const packageJson = new URL('../../package.json', import.meta.url);

/** The package version, read once from package.json next to the build output. */
export const VERSION: string = (JSON.parse(readFileSync(packageJson, 'utf8')) as { version: string }).version;
