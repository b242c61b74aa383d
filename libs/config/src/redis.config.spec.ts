import { redisConfig } from './redis.config';

describe('redisConfig', () => {
  it('is a single Redis without REDIS_CLUSTER_NODES', () => {
    expect(redisConfig({}).clusterNodes).toEqual([]);
  });

  it('reads the cluster seed nodes', () => {
    const config = redisConfig({ REDIS_CLUSTER_NODES: '10.0.0.1:7000, redis-b:7001' });
    expect(config.clusterNodes).toEqual([
      { host: '10.0.0.1', port: 7000 },
      { host: 'redis-b', port: 7001 },
    ]);
  });

  it('refuses malformed nodes, and a cluster prefix without a hash tag', () => {
    expect(() => redisConfig({ REDIS_CLUSTER_NODES: 'redis-a' })).toThrow(/host:port/);
    expect(() => redisConfig({ REDIS_CLUSTER_NODES: 'redis-a:7000', QUEUE_PREFIX: 'sb' })).toThrow(
      /hash tag/,
    );
    expect(redisConfig({ QUEUE_PREFIX: 'sb' }).prefix).toBe('sb');
  });
});
