import type { Migration } from './index.js';

export const learningMigrations: Migration[] = [];
