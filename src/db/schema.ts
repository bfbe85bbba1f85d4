/**
 * Tables as the application sees them. Timestamps are epoch milliseconds in BIGINT columns and JSON is TEXT,
 * so that SQLite and PostgreSQL behave the same.
 */
export interface SessionTable {
  sid: string;
  data: string;
  expires_at: number;
}

export interface Database {
  session: SessionTable;
}
