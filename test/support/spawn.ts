// The one way tests and benchmarks start processes: the built `factsync` bin as a user runs it, or a
// TypeScript script under tsx (a worker of a cross-process test), with an environment of our choosing.
// Every process is tracked, so a test file's afterAll (`killChildren`) kills any still running, even
// after a failure.

import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { waitFor } from './wait.js';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface Child {
  /** For messages: the command line, or the name given. */
  readonly name: string;
  readonly pid: number;
  readonly process: ChildProcess;
  /** Everything written so far. */
  stdout(): string;
  stderr(): string;
  /** Resolves when the process has exited (and its pipes are closed). */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Resolves with the first match of `pattern` in stdout, then stderr; rejects if the process exits first or on timeout. */
  waitForOutput(pattern: RegExp, timeoutMs?: number): Promise<RegExpExecArray>;
  running(): boolean;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves once it has exited. */
  stop(graceMs?: number): Promise<void>;
}

export interface SpawnOptions {
  readonly cwd?: string;
  /** Exactly these variables (plus PATH and HOME unless given). */
  readonly env?: Record<string, string>;
  /** Names the child in messages (default: its command line). */
  readonly name?: string;
  /** Called with each complete line of stderr (progress of `factsync sync`, say). */
  readonly onStderrLine?: (line: string) => void;
}

const children = new Set<Child>();
/** Set by `stopAll` (a benchmark stopping on a signal): no new child may start. */
let stopping = false;

/** Starts `command ARGS`, tracked until it exits. */
export function spawnTracked(command: string, args: readonly string[], options: SpawnOptions = {}): Child {
  const name = options.name ?? [path.basename(command), ...args].join(' ');
  if (stopping) throw new Error(`stopping: ${name} not started`);
  const proc = spawn(command, args, {
    cwd: options.cwd ?? ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  let partial = '';
  proc.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    out += chunk;
  });
  proc.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    err += chunk;
    if (!options.onStderrLine) return;
    const lines = (partial + chunk).split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) if (line.trim() !== '') options.onStderrLine(line);
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    proc.on('close', (code, signal) => resolve({ code, signal }));
    proc.on('error', () => resolve({ code: null, signal: null }));
  });
  let done = false;
  void exited.then(() => {
    done = true;
  });
  const child: Child = {
    name,
    pid: proc.pid ?? -1,
    process: proc,
    stdout: () => out,
    stderr: () => err,
    exited,
    running: () => !done,
    waitForOutput(pattern, timeoutMs = 20_000) {
      return waitFor(
        `output ${pattern} from ${name}`,
        () => {
          const match = pattern.exec(out) ?? pattern.exec(err);
          if (match) return match;
          if (done)
            throw new Error(`${name} exited before printing ${pattern}:\n${out}\n${err}`.slice(0, 4000));
          return false;
        },
        { timeoutMs, intervalMs: 50 },
      ).catch((error: unknown) => {
        throw new Error(`${String(error)}\nstdout: ${out.slice(-2000)}\nstderr: ${err.slice(-2000)}`);
      });
    },
    async stop(graceMs = 15_000) {
      if (done) return;
      proc.kill('SIGTERM');
      const timer = setTimeout(() => proc.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
  children.add(child);
  void exited.then(() => children.delete(child));
  return child;
}

/** Starts `node bin/factsync.js ARGS` with exactly `env` (plus PATH and HOME unless given). */
export function spawnCli(args: readonly string[], env: Record<string, string>, cwd = ROOT): Child {
  return spawnTracked(process.execPath, [path.join(ROOT, 'bin', 'factsync.js'), ...args], { env, cwd });
}

/** Starts `node --import tsx SCRIPT ARGS` (a path from the repository root). */
export function spawnScript(script: string, args: readonly string[], options: SpawnOptions = {}): Child {
  return spawnTracked(process.execPath, ['--import', 'tsx', script, ...args], options);
}

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `factsync ARGS` to the end; a child still running after `timeoutMs` is killed with `killSignal`. */
export async function runCli(
  args: readonly string[],
  env: Record<string, string> = {},
  options: { cwd?: string; timeoutMs?: number; killSignal?: NodeJS.Signals } = {},
): Promise<CliResult> {
  const child = spawnCli(args, env, options.cwd);
  const timer = setTimeout(
    () => child.process.kill(options.killSignal ?? 'SIGKILL'),
    options.timeoutMs ?? 60_000,
  );
  try {
    const { code } = await child.exited;
    return { code, stdout: child.stdout(), stderr: child.stderr() };
  } finally {
    clearTimeout(timer);
  }
}

/** Starts `factsync worker` and waits until it says it is ready. */
export async function startWorkerChild(
  install: { env: Record<string, string>; configFile: string },
  extra: string[] = [],
): Promise<Child> {
  const child = spawnCli(['--config', install.configFile, 'worker', ...extra], install.env);
  await child.waitForOutput(/factsync worker \d+ ready/);
  return child;
}

/** Kills every child still running (SIGKILL) and waits for them: for afterAll. */
export async function killChildren(): Promise<void> {
  const running = [...children];
  for (const child of running) if (child.running()) child.process.kill('SIGKILL');
  await Promise.all(running.map((child) => child.exited));
}

/** Kills every child and refuses new ones: a benchmark stopping on a signal unwinds through its clean-up. */
export async function stopAll(): Promise<void> {
  stopping = true;
  await killChildren();
}

/** A command's JSON-lines output, one object a line. */
export function jsonLines(text: string): Record<string, unknown>[] {
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}
