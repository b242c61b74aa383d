// Jest global setup for the integration and e2e tiers: they need real Redis and PostgreSQL.
module.exports = async (): Promise<void> => {
  const { ensureTestServices } = await import('./test-services');
  await ensureTestServices();
};
