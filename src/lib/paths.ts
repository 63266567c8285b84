import fs from 'node:fs';
import path from 'node:path';

/**
 * The project's root folder (where package.json, views/ and public/ live), found by walking up from this
 * file, so the same code works from the TypeScript sources (tsx, jest) and from the compiled dist/.
 */
function findRoot(start: string): string {
  let dir = start;
  for (;;) {
    if (fs.existsSync(path.join(dir, 'package.json')) && fs.existsSync(path.join(dir, 'views'))) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`PisoNet Manager: cannot find the project folder above ${start}`);
    dir = parent;
  }
}

export const PROJECT_ROOT = findRoot(__dirname);

export const projectPath = (...parts: string[]): string => path.join(PROJECT_ROOT, ...parts);
