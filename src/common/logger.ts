import { LoggerService } from '@nestjs/common';
import type { LogLevel } from '../config/app-config.js';

const SECRET_KEY = /authorization|password|passwd|secret|token|api[-_]?key|cookie/i;
const LEVELS: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 };

/** Copies a value with every secret-looking key replaced, so logs never carry credentials. */
export function redact(value: unknown, depth = 0): unknown {
  if (depth > 6 || value === null || typeof value !== 'object') return value;
  if (value instanceof Error) return { name: value.name, message: value.message, stack: value.stack };
  if (Array.isArray(value)) return value.map((v) => redact(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    out[k] = SECRET_KEY.test(k) ? '[REDACTED]' : redact(v, depth + 1);
  }
  return out;
}

/** Structured logs: one JSON object per line on stdout (errors on stderr). */
export class JsonLogger implements LoggerService {
  constructor(private readonly level: LogLevel = 'info') {}

  private write(level: Exclude<LogLevel, 'silent'>, message: unknown, rest: unknown[]) {
    if (LEVELS[level] < LEVELS[this.level]) return;
    const entry: Record<string, unknown> = { time: new Date().toISOString(), level };
    // Nest passes the context name as the last string argument.
    const args = [...rest];
    if (typeof args[args.length - 1] === 'string') entry.context = args.pop();
    if (message !== null && typeof message === 'object' && !(message instanceof Error)) Object.assign(entry, redact(message));
    else entry.msg = message instanceof Error ? message.message : String(message);
    for (const extra of args) {
      if (typeof extra === 'string') entry.stack = extra;
      else if (extra !== undefined) entry.detail = redact(extra);
    }
    const line = JSON.stringify(entry) + '\n';
    (level === 'error' ? process.stderr : process.stdout).write(line);
  }

  log(message: unknown, ...rest: unknown[]) { this.write('info', message, rest); }
  error(message: unknown, ...rest: unknown[]) { this.write('error', message, rest); }
  warn(message: unknown, ...rest: unknown[]) { this.write('warn', message, rest); }
  debug(message: unknown, ...rest: unknown[]) { this.write('debug', message, rest); }
  verbose(message: unknown, ...rest: unknown[]) { this.write('debug', message, rest); }
  fatal(message: unknown, ...rest: unknown[]) { this.write('error', message, rest); }
}
