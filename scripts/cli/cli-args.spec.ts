import { parseCliArgs, UsageError } from './cli-args';

describe('parseCliArgs', () => {
  it('parses every command', () => {
    expect(parseCliArgs(['tenant:create', 'acme']).command).toEqual({
      kind: 'tenant:create',
      tenant: 'acme',
    });
    expect(parseCliArgs(['tenant:list']).command).toEqual({ kind: 'tenant:list' });
    expect(parseCliArgs(['key:create', 'acme']).command).toEqual({
      kind: 'key:create',
      tenant: 'acme',
      label: 'default',
    });
    expect(parseCliArgs(['key:create', 'acme', '--name', 'ci deploy']).command).toEqual({
      kind: 'key:create',
      tenant: 'acme',
      label: 'ci deploy',
    });
    expect(parseCliArgs(['key:create', '-n', 'ci', 'acme']).command).toMatchObject({ label: 'ci' });
    expect(parseCliArgs(['key:list', 'acme']).command).toEqual({
      kind: 'key:list',
      tenant: 'acme',
    });
    expect(parseCliArgs(['key:revoke', 'id-1']).command).toEqual({
      kind: 'key:revoke',
      keyId: 'id-1',
    });
    expect(parseCliArgs(['migrate']).command).toEqual({ kind: 'migrate' });
  });

  it('reads --json anywhere', () => {
    expect(parseCliArgs(['tenant:list', '--json']).json).toBe(true);
    expect(parseCliArgs(['--json', 'tenant:list']).json).toBe(true);
    expect(parseCliArgs(['tenant:list']).json).toBe(false);
  });

  it('gives help for no command, help or --help', () => {
    for (const argv of [[], ['help'], ['--help'], ['tenant:list', '-h']]) {
      expect(parseCliArgs(argv).command).toEqual({ kind: 'help' });
    }
  });

  it.each([
    [['nope']],
    [['tenant:create']],
    [['tenant:create', 'a', 'b']],
    [['tenant:list', 'extra']],
    [['key:revoke']],
    [['key:list', 'acme', '--name', 'x']],
    [['key:create', 'acme', '--name']],
    [['tenant:list', '--verbose']],
  ])('refuses %j as a usage error', (argv) => {
    expect(() => parseCliArgs(argv)).toThrow(UsageError);
  });
});
