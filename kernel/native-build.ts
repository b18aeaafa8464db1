// Where the native build's modules are: native/build/ under the repository root, found from
// this file (kernel/native-build.ts, or dist/kernel/native-build.js).
import * as fs from 'fs';
import * as path from 'path';

function repoRoot(): string {
  let dir = __dirname;
  for (let i = 0; i < 6; i++) {
    if (fs.existsSync(path.join(dir, 'native', 'CMakeLists.txt'))) return dir;
    dir = path.dirname(dir);
  }
  return path.resolve(__dirname, '..');
}

/** The path of a module the native build makes, e.g. `kiln_native.node`. */
export function nativeBuildPath(file: string): string {
  return path.join(repoRoot(), 'native', 'build', file);
}
