import type { Migration } from './index.js';

export const coreMigrations: Migration[] = [];
