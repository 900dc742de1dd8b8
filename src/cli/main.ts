#!/usr/bin/env node
// First: every AsyncLocalStorage made after it, MikroORM's included, shares one frame.
import '../async-context';
import 'reflect-metadata';
import fs from 'node:fs';
import path from 'node:path';
import { ConfigError } from '../config';
import type { FieldProblem } from '../errors';
import { projectRoot } from '../paths';
import { columns, commandHelp, describeError, EXIT, parse, say, UsageError, warn, type Command } from './command';
import { doctor } from './commands/doctor';
import { keygen } from './commands/keygen';
import { migrate } from './commands/migrate';
import { operatorKeyCreate, operatorKeyList, operatorKeyRevoke } from './commands/operator-key';
import { purge } from './commands/purge';
import { rotateMasterKey } from './commands/rotate-master-key';
import { start } from './commands/start';

/** Every command, in the order help lists them. A name with a space is a group's subcommand. */
export const COMMANDS: Command[] = [start, migrate, keygen, operatorKeyCreate, operatorKeyList, operatorKeyRevoke, rotateMasterKey, purge, doctor];

const GROUPS = new Set(COMMANDS.filter((c) => c.name.includes(' ')).map((c) => c.name.split(' ')[0]));

function overview(): string {
  return [
    'tenantry: run and operate a Tenantry tenant control plane',
    '',
    'Usage: tenantry <command> [options]',
    '',
    'Commands:',
    columns(COMMANDS.map((c) => [[c.name, ...(c.args ?? []).map((a) => `<${a.name}>`)].join(' '), c.summary])),
    '',
    'Options:',
    columns([
      ['-h, --help', 'show help; `tenantry <command> --help` shows a command\'s options'],
      ['-v, --version', 'print the version'],
    ]),
    '',
    'Every command reads the environment the server reads (DATABASE_URL, TENANTRY_DATA_DIR,',
    'TENANTRY_MASTER_KEY, REDIS_URL, ...: see README). Without DATABASE_URL they use the embedded',
    'PostgreSQL in TENANTRY_DATA_DIR: the running server\'s if one runs there, else started for the',
    'command.',
    '',
    'Exit codes:',
    columns([
      ['0', 'success'],
      ['1', 'error: the command failed (configuration, database, not found; a failed doctor check)'],
      ['2', 'usage: unknown command or option, missing or malformed argument; nothing was done'],
      ['3', 'incomplete: rotate-master-key left data keys to re-seal; run it again'],
    ]),
  ].join('\n');
}

function groupHelp(group: string): string {
  const members = COMMANDS.filter((c) => c.name.startsWith(`${group} `));
  return [
    `Usage: tenantry ${group} <${members.map((c) => c.name.slice(group.length + 1)).join('|')}> [options]`,
    '',
    'Commands:',
    columns(members.map((c) => [[c.name, ...(c.args ?? []).map((a) => `<${a.name}>`)].join(' '), c.summary])),
    '',
    `Run 'tenantry ${group} <command> --help' for a command's options.`,
  ].join('\n');
}

function version(): string {
  return JSON.parse(fs.readFileSync(path.join(projectRoot(), 'package.json'), 'utf8')).version;
}

type Resolved = { command: Command; rest: string[] } | { text: string; code: number };

/** The command `argv` names and the arguments after its name, or the help to print instead. */
function resolve(argv: string[]): Resolved {
  const [first, second, ...more] = argv;
  if (first === undefined) return { text: overview(), code: EXIT.usage };
  if (first === '-h' || first === '--help') return { text: overview(), code: EXIT.ok };
  if (first === '-v' || first === '--version') return { text: version(), code: EXIT.ok };
  if (first === 'help') {
    if (second === undefined) return { text: overview(), code: EXIT.ok };
    const named = resolve([second, ...more, '--help']);
    if ('command' in named) return { text: commandHelp(named.command), code: EXIT.ok };
    return named;
  }
  if (GROUPS.has(first)) {
    if (second === undefined) return { text: groupHelp(first), code: EXIT.usage };
    if (second === '-h' || second === '--help') return { text: groupHelp(first), code: EXIT.ok };
    const command = COMMANDS.find((c) => c.name === `${first} ${second}`);
    if (!command) throw new UsageError(`unknown command '${first} ${second}' (${groupHelp(first).split('\n')[0].replace('Usage: ', '')})`);
    return { command, rest: more };
  }
  const command = COMMANDS.find((c) => c.name === first);
  if (!command) throw new UsageError(`unknown command '${first}'`);
  return { command, rest: argv.slice(1) };
}

/** What went wrong, in a line or two on stderr, and the exit code that says what kind of thing it was. */
function failed(err: unknown, command: Command | undefined): number {
  const who = command ? `tenantry ${command.name}` : 'tenantry';
  const usage = (message: string) => {
    warn(`${who}: ${message}`);
    warn(`Run '${who} --help' for usage.`);
    return EXIT.usage;
  };
  if (err instanceof UsageError) return usage(err.message);
  // Loaded only now: it brings graphql along.
  const { AppError } = require('../errors') as typeof import('../errors');
  if (err instanceof AppError && err.code === 'BAD_USER_INPUT') {
    // A service refused a value typed on the command line: name it as it was typed.
    const problems = (err.extensions.problems as FieldProblem[] | undefined) ?? [];
    if (!problems.length) return usage(err.message);
    return usage(problems.map((p) => `${command?.fields?.[p.field] ?? p.field}: ${p.message}`).join('; '));
  }
  if (err instanceof ConfigError) {
    warn(err.message);
    return EXIT.error;
  }
  const verbose = ['debug', 'trace'].includes(process.env.LOG_LEVEL ?? '') && err instanceof Error && err.stack;
  warn(`${who}: ${verbose ? (err as Error).stack : describeError(err)}`);
  return EXIT.error;
}

/** Runs one command line; never throws. */
export async function runCli(argv: string[]): Promise<number> {
  let command: Command | undefined;
  try {
    const resolved = resolve(argv);
    if ('text' in resolved) {
      (resolved.code === EXIT.ok ? say : warn)(resolved.text);
      return resolved.code;
    }
    command = resolved.command;
    const input = parse(command, resolved.rest);
    if (input.help) {
      say(commandHelp(command));
      return EXIT.ok;
    }
    if (!command.ownsSignals) {
      // Exiting runs the exit hooks, which stop an embedded database this command started;
      // an interrupted batch is a rolled-back transaction, and every command can be run again.
      process.once('SIGINT', () => process.exit(128 + 2));
      process.once('SIGTERM', () => process.exit(128 + 15));
    }
    return await command.run(input);
  } catch (err) {
    return failed(err, command);
  }
}

if (require.main === module) {
  void runCli(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
