import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const REFERENCE_PATH = join('shared', 'reference', 'svix-openapi.json');

/** Finds the Svix OpenAPI description beside the repository, looking upwards from this file. */
export function findReference(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = join(dir, REFERENCE_PATH);
    if (existsSync(candidate)) return candidate;
    const parent = dirname(dir);
    if (parent === dir) {
      throw new Error(
        `The Svix OpenAPI description was not found: expected ${REFERENCE_PATH} in a folder above ${fileURLToPath(import.meta.url)}. ` +
          'Put the reference folder beside the repository to run this test.',
      );
    }
    dir = parent;
  }
}

export function readReference<T>(): T {
  return JSON.parse(readFileSync(findReference(), 'utf8')) as T;
}
