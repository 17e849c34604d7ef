// PLACEHOLDER: being written (SQL table and schema names inside SQL text).

import type { Engine } from './types';

export interface SqlTableMatch {
  /** The bare table name (no schema, no quotes). */
  name: string;
  schema?: string;
  /** Offsets of the bare name within the searched text. */
  start: number;
  end: number;
  /** CREATE TABLE (true) or a use (FROM, JOIN, INTO, UPDATE, ALTER TABLE, ...) (false). */
  declaration: boolean;
}

export interface SqlNameMatch {
  /** A database or schema name used to connect or qualify: CREATE DATABASE x, CREATE SCHEMA x, SET search_path TO x, \c x. */
  name: string;
  start: number;
  end: number;
  /** The engine the statement's dialect shows (`\\c`, search_path: postgres), else `unknown`. */
  engine: Engine;
}

/** Tables named in SQL text (comments and string literals in the SQL are skipped). */
export function findSqlTables(_sql: string): SqlTableMatch[] {
  return [];
}

/** Database and schema names in SQL text. */
export function findSqlNames(_sql: string): SqlNameMatch[] {
  return [];
}

/** True when a string looks like SQL (starts with a statement keyword), so code detectors know to look inside it. */
export function looksLikeSql(_text: string): boolean {
  return false;
}
