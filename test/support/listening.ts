import type { ChildProcess } from 'node:child_process';

/**
 * Waits for a Tenantry server process (`src/main.ts`, or `tenantry start`) to print where it
 * listens, and returns that base URL with everything the process wrote so far.
 */
export function listeningAt(child: ChildProcess, timeoutMs = 60_000): Promise<{ base: string; output: string }> {
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${output}`)), timeoutMs);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const m = /REST:\s+(http:\/\/[\d.]+:\d+)\/api\/v1/.exec(output);
      if (m) {
        clearTimeout(timer);
        resolve({ base: m[1], output });
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited (${code}):\n${output}`));
    });
  });
}
