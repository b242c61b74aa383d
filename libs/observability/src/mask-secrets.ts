const API_KEY_PATTERN = /\bsb_[A-Za-z0-9_-]{20,}/g;
const URL_PASSWORD_PATTERN = /(\b[a-z][a-z0-9+.-]*:\/\/[^:/@\s]*:)([^@\s]+)(@)/gi;

/** Replaces known secrets, API keys and passwords in URLs with `***`. */
export function maskSecrets(text: string, secrets: readonly string[]): string {
  let masked = text;
  for (const secret of secrets) {
    if (secret.length >= 4) masked = masked.split(secret).join('***');
  }
  return masked.replace(API_KEY_PATTERN, 'sb_***').replace(URL_PASSWORD_PATTERN, '$1***$3');
}
