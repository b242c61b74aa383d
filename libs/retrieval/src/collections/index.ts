// Collections and documents: their records (PostgreSQL) and how other parts look them up.
export {
  DOCUMENT_STATUSES,
  type CollectionLookup,
  type CollectionRecord,
  type DocumentRecord,
  type DocumentStatus,
} from './collection.types';
export {
  CollectionNameTakenError,
  CollectionsRepository,
  storeCollectionIdOf,
  type NewCollection,
} from './collections.repository';
export {
  ACTIVE_STATUSES,
  DocumentsRepository,
  type DocumentContent,
  type NewDocument,
} from './documents.repository';
export { DocumentInfoRepository } from './document-info.repository';
