// LSP rename on a database reference: prepareRename finds the database's name inside the path
// or URL under the cursor; rename answers one WorkspaceEdit changing that name everywhere
// (engine/rename.ts), so the editor previews it as one change.

import { readSourceTextSync } from '../engine/workspace';
import * as path from 'node:path';
import { ErrorCodes, ResponseError, type Connection, type TextEdit, type WorkspaceEdit } from 'vscode-languageserver';
import type { RulesConfig } from '../engine/config/rulesFile';
import type { DatabaseResolver } from '../engine/databases';
import { invalidName, prepareRename, renameEdits } from '../engine/rename';
import type { DbReference, Position } from '../engine/types';
import { uriOf } from './diagnostics';

export interface RenameHit {
  state: { root: string; rulesFile?: { path: string; config?: RulesConfig } };
  evaluation: { references: DbReference[] };
  ref: DbReference;
  resolver: DatabaseResolver;
}

export interface RenameDeps {
  /** The reference under a position, from the last evaluation. */
  at(uri: string, position: Position): RenameHit | undefined;
  /** The editor's text of an open document. */
  openText(uri: string): string | undefined;
  log(message: string): void;
}

export function registerRename(connection: Connection, deps: RenameDeps): void {
  const textOf = (root: string) => (rel: string): string | undefined => {
    const open = deps.openText(uriOf(root, rel));
    // The disk's text as the analysis read it (BOM dropped), so the references' ranges fall on it.
    return open ?? readSourceTextSync(path.join(root, rel));
  };

  connection.onPrepareRename((p) => {
    const hit = deps.at(p.textDocument.uri, p.position);
    if (!hit) return null;
    const text = textOf(hit.state.root)(hit.ref.path);
    if (text === undefined) return null;
    const prepared = prepareRename(hit.ref, text);
    if ('error' in prepared) throw new ResponseError(ErrorCodes.InvalidRequest, prepared.error);
    return prepared;
  });

  connection.onRenameRequest((p): WorkspaceEdit | null => {
    const hit = deps.at(p.textDocument.uri, p.position);
    if (!hit) return null;
    const problem = invalidName(p.newName);
    if (problem) throw new ResponseError(ErrorCodes.InvalidParams, problem);
    const text = textOf(hit.state.root)(hit.ref.path);
    if (text === undefined) return null;
    const prepared = prepareRename(hit.ref, text);
    if ('error' in prepared) throw new ResponseError(ErrorCodes.InvalidRequest, prepared.error);
    const changes: Record<string, TextEdit[]> = {};
    const edits = renameEdits(hit.ref, hit.evaluation.references, hit.resolver, p.newName, textOf(hit.state.root), hit.state.rulesFile);
    for (const e of edits) (changes[uriOf(hit.state.root, e.path)] ??= []).push({ range: e.range, newText: e.newText });
    deps.log(`Rename ${hit.ref.target} → ${p.newName}: ${edits.length} edits in ${Object.keys(changes).length} files`);
    return { changes };
  });
}
