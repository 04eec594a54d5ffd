import type { ParamValue } from '../store/types';
import { SECRET_TOKENS, URL_PASSWORD } from './secrets';

/**
 * Keeping secrets out of the store: what a run records from the command line (the command,
 * its params, `--tag`s) and from the working tree (the diff) goes through here. Names stay,
 * values become `[REDACTED]`, so a reader still sees that `--password` was given.
 */
export const REDACTED = '[REDACTED]';

/**
 * Option, param and variable names that hold secrets: `--password`, `api-key`, `db.password`,
 * `HF_TOKEN`, `OPENAI_API_KEY`. Narrower than the environment filter's rule, because names like
 * `max_tokens`, `tokenizer` or `author` are ordinary hyperparameters.
 */
export function isSecretName(name: string): boolean {
  const word = name.toLowerCase().replace(/[^a-z0-9]/g, '');
  return /(password|passwd|passphrase|secret|token|apikey|accesskey|privatekey|secretkey|credentials?|cookie)$/.test(word)
    || word === 'auth';
}

const ANY_TOKEN = new RegExp(SECRET_TOKENS.map((re) => re.source).join('|'), 'g');

/** `text` with secret-looking tokens and URL passwords replaced; unchanged when there are none. */
export function redactValue(text: string): string {
  return text.replace(URL_PASSWORD, `$1${REDACTED}$3`).replace(ANY_TOKEN, REDACTED);
}

/**
 * The command line as stored: values of secret-named options (`--password x`, `--api-key=x`,
 * Hydra/env style `db.password=x`) and secret-looking values anywhere are redacted.
 */
export function redactCommand(command: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < command.length; i++) {
    const arg = command[i];
    const option = /^(--?)([A-Za-z_][\w.-]*)(=.*)?$/s.exec(arg);
    if (option && isSecretName(option[2])) {
      if (option[3] !== undefined) out.push(`${option[1]}${option[2]}=${REDACTED}`);
      else {
        out.push(arg);
        const next = command[i + 1];
        if (next !== undefined && !next.startsWith('-')) {
          out.push(REDACTED);
          i++;
        }
      }
      continue;
    }
    const assignment = /^(\+{0,2}[A-Za-z_][\w.\-/]*)=/.exec(arg);
    out.push(assignment && isSecretName(assignment[1]) ? `${assignment[1]}=${REDACTED}` : redactValue(arg));
  }
  return out;
}

/** Params or tags as stored: values under secret names, and secret-looking values, redacted. */
export function redactEntries<T extends ParamValue>(entries: Record<string, T>): Record<string, T | string> {
  const out: Record<string, T | string> = {};
  for (const [key, value] of Object.entries(entries)) {
    out[key] = isSecretName(key) ? REDACTED : typeof value === 'string' ? redactValue(value) : value;
  }
  return out;
}

/** `NAME = "value"`, `"name": 'value'`: a quoted literal assigned to a name. */
const QUOTED_ASSIGNMENT = /(["']?)([A-Za-z_][\w.-]*)\1(\s*[:=]\s*)(["'])([^"'\n]+)\4/g;
/** A whole `NAME=value` / `name: value` line with a bare literal (.env files, YAML, INI; not code). */
const LINE_ASSIGNMENT = /^(\s*(?:export\s+)?)([A-Za-z_][\w.-]*)(\s*[:=]\s*)([^\s()[\]{}"'`,;]+)\s*$/;

/**
 * One line of a file as the diff stores it: secret tokens, URL passwords and literals assigned to
 * secret names are redacted. Code stays valid (a quoted literal stays a quoted literal).
 */
export function redactLine(line: string): string {
  const whole = LINE_ASSIGNMENT.exec(line);
  if (whole && isSecretName(whole[2])) return `${whole[1]}${whole[2]}${whole[3]}${REDACTED}`;
  return redactValue(line.replace(QUOTED_ASSIGNMENT, (all, q: string, name: string, sep: string, quote: string) =>
    isSecretName(name) ? `${q}${name}${q}${sep}${quote}${REDACTED}${quote}` : all));
}

/** Untracked files that usually hold secrets: kept out of the stored diff altogether. */
export function isSecretFile(file: string): boolean {
  const base = file.split('/').pop()!.toLowerCase();
  if (/\.(example|sample|template|dist)$/.test(base)) return false;
  return /^\.env(\..+)?$/.test(base) || base.endsWith('.env') || /^secrets?\./.test(base) || /^credentials(\..+)?$/.test(base)
    || /\.(pem|key|p12|pfx|keystore|jks)$/.test(base) || /^id_(rsa|dsa|ecdsa|ed25519)$/.test(base)
    || base === '.netrc' || base === '.pgpass';
}
