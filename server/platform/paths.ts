import fs from 'node:fs';
import path from 'node:path';

/** The project root (the folder with package.json), whether running from server/ via tsx or from dist/server/. */
export const PROJECT_ROOT = (() => {
  let dir = __dirname;
  while (!fs.existsSync(path.join(dir, 'package.json'))) {
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`no package.json above ${__dirname}`);
    dir = parent;
  }
  return dir;
})();

/** Static files served at /assets: styles, the bundled client, icons. */
export const PUBLIC_ASSETS_DIR = path.join(PROJECT_ROOT, 'client', 'public');
