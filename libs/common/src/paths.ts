import * as fs from 'fs';
import * as path from 'path';

let root: string | null = null;

/** The checkout's root (where package.json is), found from this file so it works from sources and from dist/. */
export function projectRoot(): string {
  if (root) return root;
  let dir = __dirname;
  while (!fs.existsSync(path.join(dir, 'package.json'))) {
    const up = path.dirname(dir);
    if (up === dir) throw new Error(`package.json not found above ${__dirname}`);
    dir = up;
  }
  return (root = dir);
}
