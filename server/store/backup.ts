// Consistent online backup through SQLite's backup API: the server keeps
// serving while pages are copied, and the copy is a plain database file.
import { existsSync } from 'node:fs';
import type { Db } from './db.js';

export interface BackupProgress {
  totalPages: number;
  remainingPages: number;
}

export async function backupDatabase(db: Db, file: string, onProgress?: (p: BackupProgress) => void): Promise<BackupProgress> {
  if (existsSync(file)) throw new Error(`${file} already exists; choose a new file name`);
  return db.backup(file, {
    progress: (p) => {
      onProgress?.(p);
      // Pages per step; small steps let concurrent writers through.
      return 256;
    },
  });
}
