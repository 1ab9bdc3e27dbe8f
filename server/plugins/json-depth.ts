// Request bodies are checked for nesting depth before JSON.parse and schema
// validation: the validator walks recursive schemas (nested conditions) by
// recursion and overflows its stack on deep input, and parsing millions of
// brackets alone takes seconds. The raw text is scanned once; too deep a
// body is a 400 `too_deep` naming the field where the limit was passed.
import type { FastifyInstance } from 'fastify';
import { AppError } from '../services/errors.js';

/**
 * Containers (objects and arrays) one body may nest. The rule model nests
 * conditions up to 32 levels (grammar/validate.ts), which takes about 72
 * levels of JSON (a group is an object and an array); past that the
 * validator's own diagnostic should answer, so the limit leaves room.
 */
export const MAX_JSON_DEPTH = 100;

const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;

interface Frame {
  array: boolean;
  /** Array index, or the offsets of the current key's string token. */
  index: number;
  keyStart: number;
  keyEnd: number;
  expectKey: boolean;
}

function pointerSegment(text: string, f: Frame): string {
  if (f.array) return String(f.index);
  let key: string;
  try {
    key = JSON.parse(text.slice(f.keyStart, f.keyEnd)) as string;
  } catch {
    key = text.slice(f.keyStart + 1, f.keyEnd - 1);
  }
  return key.replaceAll('~', '~0').replaceAll('/', '~1');
}

/**
 * The JSON pointer of the first container nested deeper than `max` in the
 * JSON text, or null when none is. Malformed text is left to the parser.
 */
export function tooDeepAt(text: string, max: number): string | null {
  const stack: Frame[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      const start = i;
      for (i++; i < text.length; i++) {
        const d = text.charCodeAt(i);
        if (d === BACKSLASH) i++;
        else if (d === QUOTE) break;
      }
      const top = stack[stack.length - 1];
      if (top && !top.array && top.expectKey) {
        top.keyStart = start;
        top.keyEnd = i + 1;
        top.expectKey = false;
      }
    } else if (c === OPEN_OBJECT || c === OPEN_ARRAY) {
      if (stack.length >= max) return `/${stack.map((f) => pointerSegment(text, f)).join('/')}`;
      stack.push({ array: c === OPEN_ARRAY, index: 0, keyStart: 0, keyEnd: 0, expectKey: c === OPEN_OBJECT });
    } else if (c === CLOSE_OBJECT || c === CLOSE_ARRAY) {
      stack.pop();
    } else if (c === COMMA) {
      const top = stack[stack.length - 1];
      if (top?.array) top.index++;
      else if (top) top.expectKey = true;
    } else if (c === COLON) {
      const top = stack[stack.length - 1];
      if (top && !top.array) top.expectKey = false;
    }
  }
  return null;
}

/** Replaces the JSON body parser with one that refuses deep nesting first, then parses as Fastify does. */
export function registerJsonDepthLimit(app: FastifyInstance, max = MAX_JSON_DEPTH): void {
  const parse = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    const path = tooDeepAt(body as string, max);
    if (path !== null) {
      done(new AppError(400, 'too_deep', `${path}: nested deeper than ${max} levels`, { path, maxDepth: max }), undefined);
      return;
    }
    parse(request, body as string, done);
  });
}
