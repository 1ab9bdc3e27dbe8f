// Consistent online backup through SQLite's backup API: the server keeps
// serving while pages are copied, and the copy is a plain database file,
// readable by the server's user only, like the database itself.
import { lstatSync } from 'node:fs';
import type { Db } from './db.js';
import { createPrivateFile } from './private-files.js';

export interface BackupProgress {
  totalPages: number;
  remainingPages: number;
}

export async function backupDatabase(db: Db, file: string, onProgress?: (p: BackupProgress) => void): Promise<BackupProgress> {
  if (lstatSync(file, { throwIfNoEntry: false })?.isSymbolicLink()) {
    throw new Error(`${file} is a symbolic link; a backup is never written through one`);
  }
  try {
    // SQLite writes the copy into this new empty file, so it keeps the mode and cannot be a link.
    createPrivateFile(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') throw new Error(`${file} already exists; choose a new file name`, { cause: err });
    throw err;
  }
  return db.backup(file, {
    progress: (p) => {
      onProgress?.(p);
      // Pages per step; small steps let concurrent writers through.
      return 256;
    },
  });
}
