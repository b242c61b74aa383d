import { toToolOutput } from './mcp-content';

describe('toToolOutput', () => {
  it('joins text parts and notes images, audio and resources', () => {
    const output = toToolOutput({
      content: [
        { type: 'text', text: 'hello' },
        { type: 'image', data: 'AAAA', mimeType: 'image/png' },
        { type: 'audio', data: 'AAAAAAAA', mimeType: 'audio/wav' },
        {
          type: 'resource_link',
          uri: 'file:///w/a.txt',
          name: 'a.txt',
          mimeType: 'text/plain',
          description: 'the note',
        },
        { type: 'resource', resource: { uri: 'mem://x', text: 'inside' } },
        { type: 'resource', resource: { uri: 'mem://y', blob: 'AAAA', mimeType: 'image/gif' } },
      ],
    });
    expect(output).toEqual({
      content: [
        'hello',
        '[image image/png, 3 bytes, not shown]',
        '[audio audio/wav, 6 bytes, not shown]',
        '[resource link: a.txt <file:///w/a.txt> (text/plain): the note]',
        '[resource <mem://x>]\ninside',
        '[resource <mem://y> image/gif, 3 bytes, not shown]',
      ].join('\n'),
    });
  });

  it('keeps isError and structured content', () => {
    expect(toToolOutput({ content: [{ type: 'text', text: 'denied' }], isError: true })).toEqual({
      content: 'denied',
      isError: true,
    });
    expect(toToolOutput({ content: [], structuredContent: { n: 1 } })).toEqual({
      content: '{"n":1}',
      data: { n: 1 },
    });
  });
});
