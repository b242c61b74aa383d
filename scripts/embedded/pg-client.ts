import { Client } from 'pg';

/** Opens one connection, runs `work`, and always closes it. */
export async function withPgClient<T>(
  connectionString: string,
  work: (client: Client) => Promise<T>,
): Promise<T> {
  const client = new Client({ connectionString, connectionTimeoutMillis: 2_000 });
  // A dropped connection also fails the pending query, which is where we report it.
  client.on('error', () => undefined);
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}
