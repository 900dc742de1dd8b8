import type { z } from 'zod';
import { badInput } from './errors';

/**
 * Validates input with a zod schema and turns every issue into a 400 naming its field
 * (`settings.retention_days: must be between 1 and 3650`). Services call this; both doors share it.
 */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  throw badInput(
    result.error.issues.flatMap((issue) => {
      const base = issue.path.map(String).join('.');
      if (issue.code === 'unrecognized_keys') {
        return issue.keys.map((k) => ({ field: base ? `${base}.${k}` : k, message: 'is not a known field' }));
      }
      if (issue.code === 'invalid_type' && issue.input === undefined) {
        return [{ field: base, message: 'is required' }];
      }
      return [{ field: base, message: issue.message }];
    }),
  );
}
