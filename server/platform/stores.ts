import type { BodyRepository } from '../bodies/body-repository';
import { createSqliteBodyRepository } from '../bodies/sqlite-body-repository';
import type { CertificateRepository } from '../certificates/certificate-repository';
import { createSqliteCertificateRepository } from '../certificates/sqlite-certificate-repository';
import type { Config } from '../config';
import { openMongoStores } from './mongo';
import { openSqlite } from './sqlite';

/** The repositories of one backend, with its health check and shutdown. */
export interface Stores {
  kind: 'sqlite' | 'mongo';
  certificates: CertificateRepository;
  bodies: BodyRepository;
  /** Resolves when the backend answers; rejects with the reason otherwise. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

export function openSqliteStores(dataDir: string): Stores {
  const db = openSqlite(dataDir);
  return {
    kind: 'sqlite',
    certificates: createSqliteCertificateRepository(db),
    bodies: createSqliteBodyRepository(db),
    async ping() {
      db.prepare('SELECT 1').get();
    },
    async close() {
      db.close();
    },
  };
}

/** Opens the backend `config.STORE` names. */
export async function openStores(config: Config): Promise<Stores> {
  if (config.STORE === 'mongo') {
    // The config schema already requires MONGODB_URI with STORE=mongo; this only narrows the type.
    if (!config.MONGODB_URI) throw new Error('STORE=mongo needs MONGODB_URI');
    return openMongoStores(config.MONGODB_URI);
  }
  return openSqliteStores(config.DATA_DIR);
}
