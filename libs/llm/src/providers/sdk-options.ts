/** The router owns retries and failover, so the SDKs must not retry behind its back. */
export const SDK_MAX_RETRIES = 0;

/**
 * The SDKs' own request timeout, kept far above any router deadline: the router aborts the
 * call's signal itself, and an SDK timeout firing first would be a second, competing clock.
 */
export const SDK_TIMEOUT_MS = 10 * 60_000;

/**
 * Sent as the key when a provider needs none (vLLM, Jan, a local proxy). The SDKs refuse to
 * start without a key, and letting them fall back to OPENAI_API_KEY or ANTHROPIC_API_KEY from
 * the environment could send a real key to a server that is not the key's owner.
 */
export const NO_API_KEY = 'no-key';
