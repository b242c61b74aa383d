import { ToolCallFeed } from './tool-call-feed';

describe('ToolCallFeed', () => {
  it('starts a call once with its id and name, then passes argument pieces on', () => {
    const feed = new ToolCallFeed();
    expect(feed.started).toBe(false);
    expect(feed.push({ index: 0, id: 'call_a', name: 'weather' })).toEqual([
      { type: 'tool_call', index: 0, id: 'call_a', name: 'weather' },
    ]);
    expect(feed.push({ index: 0, arguments: '{"ci' })).toEqual([
      { type: 'tool_arguments', index: 0, text: '{"ci' },
    ]);
    // A server repeating the name on every piece does not start the call again.
    expect(feed.push({ index: 0, name: 'weather', arguments: 'ty":1}' })).toEqual([
      { type: 'tool_arguments', index: 0, text: 'ty":1}' },
    ]);
    expect(feed.started).toBe(true);
  });

  it('holds pieces that come before the name, and names a call sent without an id', () => {
    const feed = new ToolCallFeed();
    expect(feed.push({ index: 1, arguments: '{}' })).toEqual([]);
    expect(feed.started).toBe(false);
    expect(feed.push({ index: 1, name: 'clock' })).toEqual([
      { type: 'tool_call', index: 1, id: 'call_1', name: 'clock' },
      { type: 'tool_arguments', index: 1, text: '{}' },
    ]);
  });

  it('sends from the record only what was not passed on', () => {
    const feed = new ToolCallFeed();
    feed.push({ index: 0, id: 'a', name: 'weather', arguments: '{"city":' });
    expect(
      feed.rest([
        { id: 'a', name: 'weather', arguments: '{"city":"Oslo"}' },
        { id: 'b', name: 'clock', arguments: '{}' },
      ]),
    ).toEqual([
      { type: 'tool_arguments', index: 0, text: '"Oslo"}' },
      { type: 'tool_call', index: 1, id: 'b', name: 'clock' },
      { type: 'tool_arguments', index: 1, text: '{}' },
    ]);
    // Everything passed on: nothing to add.
    const whole = new ToolCallFeed();
    whole.push({ index: 0, id: 'a', name: 'clock', arguments: '{}' });
    expect(whole.rest([{ id: 'a', name: 'clock', arguments: '{}' }])).toEqual([]);
  });

  it('says when what was passed on does not lead to the result, and forgets on reset', () => {
    const feed = new ToolCallFeed();
    feed.push({ index: 0, id: 'a', name: 'weather', arguments: '{"city":"Rome"' });
    expect(feed.rest([{ id: 'a', name: 'weather', arguments: '{"city":"Oslo"}' }])).toBeUndefined();
    expect(feed.rest([{ id: 'a', name: 'clock', arguments: '{"city":"Rome"}' }])).toBeUndefined();
    expect(feed.rest([])).toBeUndefined();
    feed.reset();
    expect(feed.started).toBe(false);
    expect(feed.rest([])).toEqual([]);
  });
});
