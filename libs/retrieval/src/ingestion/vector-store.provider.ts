import { Logger, type Provider } from '@nestjs/common';
import { Config } from '@switchboard/config';
import { VECTOR_STORE } from '../retrieval.tokens';
import { LanceDbStore, QdrantStore, type VectorStore } from '../stores';

/** Qdrant when QDRANT_URL is set, else LanceDB under RETRIEVAL_DATA_DIR. */
export const vectorStoreProvider: Provider = {
  provide: VECTOR_STORE,
  inject: [Config],
  useFactory: async (config: Config): Promise<VectorStore> => {
    const logger = new Logger('Retrieval');
    const { qdrantUrl, qdrantApiKey, dataDir } = config.retrieval;
    if (qdrantUrl) {
      logger.log(`vector store: qdrant at ${new URL(qdrantUrl).origin}`);
      return QdrantStore.connect({ url: qdrantUrl, apiKey: qdrantApiKey });
    }
    logger.log(`vector store: lancedb in ${dataDir}`);
    return LanceDbStore.connect({ dataDir });
  },
};
