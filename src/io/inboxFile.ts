/**
 * Inbound files are read only when they are regular files inside the inbox: a symlink is followed
 * only when its target is a regular file inside the inbox too (a dangling link or one leading out
 * of the inbox is refused, never followed), and folders, FIFOs and devices are refused.
 */
import fs from 'node:fs';
import path from 'node:path';

export function isRegularFileInside(file: string, inboxRoot: string): boolean {
  let st: fs.Stats;
  try {
    st = fs.lstatSync(file);
  } catch {
    return false;
  }
  // A regular file is still checked by its real path: a folder on the way (an interface folder
  // that is a symlink to ../../elsewhere) must not lead out of the inbox either.
  if (!st.isFile() && (!st.isSymbolicLink() || !fs.existsSync(file))) return false;
  const target = fs.realpathSync(file);
  return target.startsWith(fs.realpathSync(inboxRoot) + path.sep) && fs.statSync(target).isFile();
}
