import { keySlot } from './redis-slot';

describe('keySlot', () => {
  it('hashes keys as Redis Cluster does', () => {
    expect(keySlot('foo')).toBe(12182);
    expect(keySlot('hello')).toBe(866);
  });

  it('hashes only a non-empty hash tag', () => {
    expect(keySlot('{foo}:anything')).toBe(keySlot('foo'));
    expect(keySlot('{sb}:job-events:1')).toBe(keySlot('{sb}:budget:reservations'));
    expect(keySlot('{}foo')).not.toBe(keySlot('foo'));
  });
});
