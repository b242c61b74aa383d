import { RedisModule } from '@switchboard/redis';
import { execFile } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Test, type TestingModule } from '@nestjs/testing';
import { ApiKeyAuthService, AuthModule, type CreatedApiKey } from '@switchboard/auth';
import { Config, ConfigModule, loadConfig } from '@switchboard/config';
import { PersistenceModule } from '@switchboard/persistence';
import { Client } from 'pg';
import { TEST_DATABASE_URL, TEST_REDIS_URL } from '../support/test-services';

// The built CLI (`npm run build` first), end to end on its own fresh schema.
const suffix = randomBytes(5).toString('hex');
const env = {
  NODE_ENV: 'test',
  DATABASE_URL: TEST_DATABASE_URL,
  DATABASE_SCHEMA: `t_authcli_${suffix}`,
  REDIS_URL: TEST_REDIS_URL,
  QUEUE_PREFIX: `{t_authcli_${suffix}}`,
};
const config = loadConfig(env);
const CLI = join(__dirname, '../../dist/scripts/cli.js');

interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

async function cli(...args: string[]): Promise<CliRun> {
  try {
    const run = promisify(execFile);
    const { stdout, stderr } = await run('node', [CLI, ...args], {
      env: { ...process.env, ...env },
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as CliRun;
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

describe('cli', () => {
  let moduleRef: TestingModule;
  let auth: ApiKeyAuthService;
  let pg: Client;

  beforeAll(async () => {
    if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run "npm run build" first`);
    // Migrate through the CLI itself: the schema does not exist yet.
    const migrated = await cli('migrate');
    expect(migrated).toMatchObject({ code: 0, stdout: expect.stringMatching(/^Applied: /) });
    moduleRef = await Test.createTestingModule({
      imports: [
        ConfigModule,
        PersistenceModule.forRoot('auth-cli-int-spec'),
        RedisModule,
        AuthModule,
      ],
    })
      .overrideProvider(Config)
      .useValue(config)
      .compile();
    await moduleRef.init();
    auth = moduleRef.get(ApiKeyAuthService);
    pg = new Client({ connectionString: TEST_DATABASE_URL });
    await pg.connect();
  });

  afterAll(async () => {
    await moduleRef?.close();
    await pg?.query(`DROP SCHEMA IF EXISTS "${config.database.schema}" CASCADE`);
    await pg?.end();
  });

  it('creates a tenant, creates, lists and revokes a key', async () => {
    const createdTenant = await cli('tenant:create', 'cli-corp');
    expect(createdTenant.code).toBe(0);
    expect(createdTenant.stdout).toMatch(/Created tenant "cli-corp"/);

    const duplicate = await cli('tenant:create', 'cli-corp');
    expect(duplicate.code).toBe(1);
    expect(duplicate.stderr.trim()).toBe('error: Tenant "cli-corp" already exists');

    expect((await cli('tenant:list')).stdout).toMatch(/^[0-9a-f-]{36}\s+cli-corp\s/m);

    const keyOut = await cli('key:create', 'cli-corp', '--name', 'deploy bot', '--json');
    expect(keyOut.code).toBe(0);
    expect(keyOut.stderr).toMatch(/will not be shown again/);
    const created = JSON.parse(keyOut.stdout) as CreatedApiKey;
    expect(created).toMatchObject({ name: 'deploy bot', key: expect.stringMatching(/^sb_/) });
    expect(await auth.authenticate(created.key)).toEqual({
      tenantId: created.tenantId,
      keyId: created.id,
    });

    const human = await cli('key:create', 'cli-corp');
    expect(human.stdout).toMatch(/key: +sb_[A-Za-z0-9_-]{43}$/m);
    expect(human.stderr).toMatch(/WARNING: store this key now/);

    const listed = await cli('key:list', 'cli-corp', '--json');
    expect(JSON.parse(listed.stdout)).toHaveLength(2);
    expect(listed.stdout).not.toMatch(/hash|sb_[A-Za-z0-9_-]{43}/i);
    const table = (await cli('key:list', 'cli-corp')).stdout;
    expect(table).toContain(created.prefix);
    expect(table).toMatch(/deploy bot .* active/);

    const revoked = await cli('key:revoke', created.id);
    expect(revoked.code).toBe(0);
    expect(revoked.stdout).toMatch(/is revoked since/);
    expect(await auth.authenticate(created.key)).toBeNull();
    expect((await cli('key:list', 'cli-corp')).stdout).toMatch(/deploy bot .* revoked /);

    const audit = await pg.query<{ actor: string; action: string }>(
      `SELECT actor, action FROM "${config.database.schema}".audit_log
        WHERE target = $1 ORDER BY id`,
      [created.id],
    );
    expect(audit.rows.map((r) => [r.actor, r.action])).toEqual([
      ['cli', 'api_key.create'],
      ['cli', 'api_key.revoke'],
    ]);
  });

  it('exits 1 with one line on errors and 2 on usage mistakes', async () => {
    const unknownKey = await cli('key:revoke', randomUUID());
    expect(unknownKey.code).toBe(1);
    expect(unknownKey.stderr.trim().split('\n')).toHaveLength(1);
    expect((await cli('key:list', 'no-such-tenant')).stderr).toMatch(/does not exist/);
    expect((await cli('tenant:create', 'Not Valid')).code).toBe(1);

    const usage = await cli('tenant:create');
    expect(usage.code).toBe(2);
    expect(usage.stderr).toMatch(/Usage: npm run cli/);
    expect((await cli('frobnicate')).code).toBe(2);
    expect(await cli('--help')).toMatchObject({
      code: 0,
      stdout: expect.stringMatching(/key:revoke/),
    });
    expect((await cli('migrate')).stdout.trim()).toBe('Database is up to date.');
  });
});
