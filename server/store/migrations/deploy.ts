import type { Migration } from './index.js';

export const deployMigrations: Migration[] = [];
