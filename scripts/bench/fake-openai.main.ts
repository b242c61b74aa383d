// The fake OpenAI server on its own, for the routed worker legs: the worker under test then
// pays only for its own side of each call, as it would with a remote provider. Prints the
// SDK base URL once listening; exits when its stdin closes (the bench ended, however it ended).
import { startFakeProvider } from '../../tests/support/fake-providers';

async function main(): Promise<void> {
  const tokensPerResponse = Number(process.argv[2] ?? 8);
  const tokenDelayMs = Number(process.argv[3] ?? 0);
  const server = await startFakeProvider('openai', { tokensPerResponse, tokenDelayMs });
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    void server.close().finally(() => process.exit(0));
  };
  process.stdin.on('end', stop).on('error', stop).resume();
  process.once('SIGTERM', stop);
  process.stdout.write(`${server.url}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`fake openai: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
