import { invalidRequest } from './openai-error';

/** `X-Switchboard-Privacy`: "true"/"1" for a private request (local models only). */
export function privacyOf(header: string | undefined): boolean {
  const value = header?.trim().toLowerCase();
  if (value === undefined || value === '' || value === 'false' || value === '0') return false;
  if (value === 'true' || value === '1') return true;
  throw invalidRequest(
    'X-Switchboard-Privacy must be "true" or "false".',
    'X-Switchboard-Privacy',
    'invalid_value',
  );
}
