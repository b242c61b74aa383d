// Collections and documents: their records (PostgreSQL) and how other parts look them up.
export {
  DOCUMENT_STATUSES,
  type CollectionLookup,
  type CollectionRecord,
  type DocumentRecord,
  type DocumentStatus,
} from './collection.types';
