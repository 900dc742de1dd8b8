/**
 * Type-graphql input objects arrive as class instances; services validate plain data. Only
 * input-type instances are converted: a JSON scalar's value is already plain and may be deep.
 */
export function toPlain<T>(value: T): T {
  if (value === null || typeof value !== 'object' || value instanceof Date) return value;
  // The URL scalar parses to a URL object; services take (and normalise) strings.
  if (value instanceof URL) return value.toString() as T;
  if (Array.isArray(value)) return value.map(toPlain) as T;
  if (Object.getPrototypeOf(value) === Object.prototype) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    if (v !== undefined) out[k] = toPlain(v);
  }
  return out as T;
}
