/** What a newcomer needs after `npm start`: where things are and a curl line that works. */
export function banner(opts: {
  url: string;
  apiKey: string;
  adminToken: string;
  embedded: string[];
}): string {
  const body = JSON.stringify({
    role: 'chat',
    tier: 1,
    input: { messages: [{ role: 'user', content: 'Say hello' }] },
  });
  return [
    '',
    '  Switchboard is running.',
    '',
    `  API          ${opts.url}/v1`,
    `  OpenAPI      ${opts.url}/docs`,
    `  Bull Board   ${opts.url}/admin/queues   (user: admin, password: the admin token)`,
    `  Health       ${opts.url}/health/ready`,
    opts.embedded.length > 0 ? `  Embedded     ${opts.embedded.join(', ')} (data in ./.data)` : '',
    '',
    `  Dev tenant API key:  ${opts.apiKey}`,
    `  Admin token:         ${opts.adminToken}`,
    '',
    '  Submit a job:',
    `    curl -s -X POST ${opts.url}/v1/jobs \\`,
    `      -H 'Authorization: Bearer ${opts.apiKey}' \\`,
    `      -H 'Content-Type: application/json' \\`,
    `      -d '${body}'`,
    '',
    '  Follow it:',
    `    curl -s ${opts.url}/v1/jobs/<id> -H 'Authorization: Bearer ${opts.apiKey}'`,
    '',
    '  Stop with Ctrl-C.',
    '',
  ]
    .filter((line, i, all) => !(line === '' && all[i - 1] === ''))
    .join('\n');
}
