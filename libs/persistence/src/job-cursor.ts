/** Opaque keyset cursor for job listings: (created_at, id), newest first. */
export interface JobCursor {
  createdAt: Date;
  id: string;
}

export function encodeJobCursor(cursor: JobCursor): string {
  return Buffer.from(`${cursor.createdAt.toISOString()}|${cursor.id}`).toString('base64url');
}

export function decodeJobCursor(value: string): JobCursor | undefined {
  const [iso, id] = Buffer.from(value, 'base64url').toString('utf8').split('|');
  const createdAt = new Date(iso ?? '');
  const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
  if (Number.isNaN(createdAt.getTime()) || !id || !uuid.test(id)) return undefined;
  return { createdAt, id };
}
