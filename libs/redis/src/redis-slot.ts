import type Redis from 'ioredis';
import type { Cluster } from 'ioredis';
import { isRedisCluster } from './redis-connection';

/** CRC16-CCITT (XMODEM), the checksum Redis Cluster hashes keys with. */
function crc16(bytes: Buffer): number {
  let crc = 0;
  for (const byte of bytes) {
    crc ^= byte << 8;
    for (let bit = 0; bit < 8; bit += 1) {
      crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
    }
  }
  return crc;
}

/** The Redis Cluster slot of a key: only its {hash tag} counts when it has a non-empty one. */
export function keySlot(key: string): number {
  const open = key.indexOf('{');
  if (open !== -1) {
    const close = key.indexOf('}', open + 1);
    if (close > open + 1) key = key.slice(open + 1, close);
  }
  return crc16(Buffer.from(key)) % 16384;
}

/**
 * The connection that serves `key`: the client itself for a single Redis, or on a Cluster
 * the node connection that owns the key's slot, so keyless commands about a connection
 * (CLIENT ID, CLIENT UNBLOCK) reach the node where that connection's keyed commands run.
 * Undefined while the cluster's slot map is not loaded yet.
 */
export function nodeForKey(client: Redis, key: string): Redis | undefined {
  if (!isRedisCluster(client)) return client;
  const cluster = client as unknown as Cluster;
  const owner = cluster.slots[keySlot(key)]?.[0];
  if (!owner) return undefined;
  return cluster
    .nodes('master')
    .find((node) => `${node.options.host}:${node.options.port}` === owner);
}
