import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { stopChild } from '../embedded/child-process';

const READY_TIMEOUT_MS = 10_000;

/** A running fake OpenAI server: the SDK's base URL and how to stop it. */
export interface FakeEndpoint {
  url: string;
  close: () => Promise<void>;
}

/** Starts `fake-openai.main.js` (built next to this file) and waits for its base URL. */
export async function startFakeOpenAiProcess(
  tokensPerResponse: number,
  tokenDelayMs = 0,
): Promise<FakeEndpoint> {
  const child = spawn(
    process.execPath,
    [join(__dirname, 'fake-openai.main.js'), String(tokensPerResponse), String(tokenDelayMs)],
    {
      env: { PATH: process.env.PATH ?? '' },
      stdio: ['pipe', 'pipe', 'pipe'],
    },
  );
  const close = () => stopChild(child, 'SIGTERM', 5_000);
  let output = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => fail('did not start in time'), READY_TIMEOUT_MS);
    function fail(why: string) {
      clearTimeout(timer);
      reject(new Error(`fake openai process ${why}; its output:\n${output}`));
    }
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const line = /^(http\S+)\n/.exec(output);
      if (!line) return;
      clearTimeout(timer);
      resolve(line[1]);
    });
    child.once('exit', () => fail('exited'));
    child.once('error', (error) => fail(`could not start: ${error.message}`));
  }).catch(async (error: unknown) => {
    await close();
    throw error;
  });
  return { url, close };
}
