import { parseArgs } from 'node:util';

/**
 * One exit-code scheme for every command, so scripts can tell "try again" from "fix the command
 * line" from "something broke" without reading the output.
 */
export const EXIT = {
  ok: 0,
  /** The command failed: invalid configuration, database unreachable, not found, a doctor check. */
  error: 1,
  /** The command line is wrong (unknown command or option, missing or malformed argument): nothing was done. */
  usage: 2,
  /** The command did its work but some is left (rotate-master-key): run it again. */
  incomplete: 3,
} as const;

/** A mistake on the command line. */
export class UsageError extends Error {}

export interface OptionSpec {
  type: 'string' | 'boolean';
  short?: string;
  /** The value's placeholder in help, e.g. `<name>`. */
  value?: string;
  description: string;
  required?: boolean;
}

export interface Parsed {
  options: Record<string, string | boolean | undefined>;
  args: string[];
}

export interface Command {
  /** As typed after `tenantry`: `migrate`, `operator-key create`. */
  name: string;
  /** One line, for the overview. */
  summary: string;
  description?: string;
  /** Positional arguments, all required, in order. */
  args?: { name: string; description: string }[];
  options?: Record<string, OptionSpec>;
  examples?: string[];
  /** How a service's input fields are spelled on this command line, for its error messages. */
  fields?: Record<string, string>;
  /** The command installs its own signal handlers (the server drains before it exits). */
  ownsSignals?: boolean;
  /**
   * Modules beyond the configuration are required here, when the command runs, not imported at
   * the top: the ORM and the server take most of a second to load, which help, keygen and a
   * mistyped command line should not pay.
   */
  run(input: Parsed): Promise<number>;
}

export function parse(command: Command, argv: string[]): Parsed & { help: boolean } {
  const options = Object.fromEntries(
    Object.entries(command.options ?? {}).map(([name, o]) => [name, { type: o.type, ...(o.short ? { short: o.short } : {}) }]),
  );
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({ args: argv, options: { ...options, help: { type: 'boolean', short: 'h' } }, allowPositionals: true, strict: true });
  } catch (err) {
    // Node's messages go on to explain `--` at length: the first sentence is the problem.
    throw new UsageError(String((err as Error).message).split(/\.\s/)[0]);
  }
  const values = parsed.values as Parsed['options'];
  if (values.help) return { options: values, args: parsed.positionals, help: true };
  const expected = command.args ?? [];
  const missing = expected.slice(parsed.positionals.length).map((a) => `<${a.name}>`);
  if (missing.length) throw new UsageError(`missing ${missing.join(' ')}`);
  const extra = parsed.positionals[expected.length];
  if (extra !== undefined) throw new UsageError(`unexpected argument '${extra}'`);
  for (const [name, o] of Object.entries(command.options ?? {})) {
    if (o.required && values[name] === undefined) throw new UsageError(`--${name} is required`);
    if (o.type === 'string' && typeof values[name] === 'string' && (values[name] as string).trim() === '') {
      throw new UsageError(`--${name} must not be empty`);
    }
  }
  return { options: values, args: parsed.positionals, help: false };
}

function optionLabel(name: string, o: OptionSpec): string {
  return `${o.short ? `-${o.short}, ` : ''}--${name}${o.type === 'string' ? ` ${o.value ?? '<value>'}` : ''}`;
}

export function usageLine(command: Command): string {
  const parts = [`tenantry ${command.name}`, ...(command.args ?? []).map((a) => `<${a.name}>`)];
  for (const [name, o] of Object.entries(command.options ?? {})) {
    const label = `--${name}${o.type === 'string' ? ` ${o.value ?? '<value>'}` : ''}`;
    parts.push(o.required ? label : `[${label}]`);
  }
  return parts.join(' ');
}

/** Two aligned columns, the first padded to its longest entry. */
export function columns(rows: [string, string][], indent = '  '): string {
  const width = Math.max(...rows.map(([a]) => a.length));
  return rows.map(([a, b]) => `${indent}${a.padEnd(width)}  ${b}`.trimEnd()).join('\n');
}

export function commandHelp(command: Command): string {
  const out = [`Usage: ${usageLine(command)}`, '', command.description ?? command.summary];
  if (command.args?.length) out.push('', 'Arguments:', columns(command.args.map((a) => [`<${a.name}>`, a.description])));
  const options: [string, string][] = Object.entries(command.options ?? {}).map(([name, o]) => [
    optionLabel(name, o),
    o.description + (o.required ? ' (required)' : ''),
  ]);
  options.push(['-h, --help', 'show this help']);
  out.push('', 'Options:', columns(options));
  if (command.examples?.length) out.push('', 'Examples:', ...command.examples.map((e) => `  ${e}`));
  return out.join('\n');
}

/** A table for people: a header row, then one aligned row per item. */
export function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  return [header, ...rows].map((r) => r.map((cell, i) => cell.padEnd(widths[i])).join('  ').trimEnd()).join('\n');
}

/** UTC, to the minute: enough to tell keys apart, short enough for a table. */
export function when(date: Date | null | undefined, none: string): string {
  return date ? `${date.toISOString().slice(0, 16).replace('T', ' ')}Z` : none;
}

/** One line for people; pg reports an unreachable host as an AggregateError with no message. */
export function describeError(err: unknown): string {
  if (err instanceof AggregateError && err.errors.length) return [...new Set(err.errors.map(describeError))].join('; ');
  if (err instanceof Error) return err.message || String((err as { code?: unknown }).code ?? err.name);
  return String(err);
}

export const say = (text: string) => process.stdout.write(text + '\n');
export const warn = (text: string) => process.stderr.write(text + '\n');
export const printJson = (value: unknown) => say(JSON.stringify(value, null, 2));
