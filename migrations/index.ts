// TypeORM migrations, in order. The schema comes only from these, never from `synchronize`.
import { InitialSchema1763700000000 } from './1763700000000-initial-schema';
import { JobsCreatedAtMillis1763800000000 } from './1763800000000-jobs-created-at-millis';

export const MIGRATIONS = [InitialSchema1763700000000, JobsCreatedAtMillis1763800000000];
