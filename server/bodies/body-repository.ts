import type { Body } from './body-schema';

/** Certifying bodies. Small (hundreds at most); keyed by `code`. */
export interface BodyRepository {
  /** Creates or replaces the body with `body.code`; returns what is stored. */
  upsert(body: Body): Promise<Body>;

  /** The body with this code, or undefined. */
  findByCode(code: string): Promise<Body | undefined>;

  /** Every body, ordered by code. */
  list(): Promise<Body[]>;

  /** Records that the body reported data at `at` (ISO timestamp); a no-op for an unknown code. */
  touchLastReported(code: string, at: string): Promise<void>;
}
