import type { z } from 'zod';
import { badInput, type FieldProblem } from './errors';

const MAX_DEPTH = 32;

/**
 * PostgreSQL cannot store NUL in text nor lone surrogates in jsonb, and deep nesting only
 * serves to exhaust a stack: refuse those up front, for every field of every input, so they
 * answer 400 instead of failing in the database.
 */
function unsafeValue(value: unknown, path: string[], depth = 0): FieldProblem | null {
  if (typeof value === 'string') {
    if (value.includes('\u0000') || !value.isWellFormed()) {
      return { field: path.join('.'), message: 'must not contain NUL characters or invalid unicode' };
    }
    return null;
  }
  if (value === null || typeof value !== 'object' || value instanceof Date) return null;
  if (depth >= MAX_DEPTH) return { field: path.join('.'), message: `is nested more than ${MAX_DEPTH} levels deep` };
  for (const [k, v] of Object.entries(value)) {
    const problem = unsafeValue(k, path, depth + 1) ?? unsafeValue(v, [...path, k], depth + 1);
    if (problem) return problem;
  }
  return null;
}

/**
 * The value an issue is about. zod 4 leaves it out of the issue (unless asked to report input),
 * so it is read back from the input: only a field that is absent "is required"; one sent with
 * the wrong type gets the schema's own message.
 */
function valueAt(input: unknown, path: PropertyKey[]): unknown {
  let value = input;
  for (const key of path) {
    if (value === null || typeof value !== 'object' || !Object.hasOwn(value, key)) return undefined;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value;
}

/**
 * Validates input with a zod schema and turns every issue into a 400 naming its field
 * (`settings.retention_days: must be between 1 and 3650`). Services call this; both doors share it.
 */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const unsafe = unsafeValue(input, []);
  if (unsafe) throw badInput([unsafe]);
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  throw badInput(
    result.error.issues.flatMap((issue) => {
      const base = issue.path.map(String).join('.');
      if (issue.code === 'unrecognized_keys') {
        return issue.keys.map((k) => ({ field: base ? `${base}.${k}` : k, message: 'is not a known field' }));
      }
      if (issue.code === 'invalid_type' && valueAt(input, issue.path) === undefined) {
        return [{ field: base, message: 'is required' }];
      }
      return [{ field: base, message: issue.message }];
    }),
  );
}
