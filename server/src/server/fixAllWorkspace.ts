// The server's side of "DB Audit: Fix All in Workspace": every preferred fix of a folder, applied to
// a fixed point in memory (engine/fixes/workspace.ts) from the current texts, returned as ONE
// WorkspaceEdit for the editor's refactor preview. The server writes nothing: the client applies
// the edit, and the documents' didOpen/didChange re-check the workspace.

import { fileURLToPath } from 'node:url';
import { readSourceTextSync } from '../engine/workspace';
import * as path from 'node:path';
import { ErrorCodes, ResponseError, type Connection, type TextDocuments } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { fixWorkspace } from '../engine/fixes/workspace';
import type { ComposedEdit } from '../engine/fixes/composeEdits';
import { RULE_SUMMARIES } from '../engine/ruleDocs';
import { DatabaseResolver } from '../engine/databases';
import type { Finding, RuleId } from '../engine/types';
import { FixAllInWorkspaceRequest, type FixAllInWorkspaceParams, type FixAllInWorkspaceResult } from '../protocol';
import { uriOf } from './diagnostics';
import type { WorkspaceState } from './workspaceState';

export interface FixAllWorkspaceDeps {
  folders: readonly WorkspaceState[];
  documents: TextDocuments<TextDocument>;
  /** Runs a task after every earlier scan or re-check (the server's chain). */
  serialize(what: string, task: () => Promise<void>): Promise<void>;
}

/** The text fix-all starts from: the editor's when the file is open, else the disk's (BOM dropped). */
function currentText(state: WorkspaceState, documents: TextDocuments<TextDocument>, rel: string): string | undefined {
  const open = documents.get(uriOf(state.root, rel));
  return open ? open.getText() : readSourceTextSync(path.join(state.root, rel));
}

/** One annotation per rule (or set of rules, when a later fix changed an earlier one's text). */
function annotationOf(rules: readonly RuleId[]): { id: string; label: string; description: string } {
  const id = rules.length > 0 ? rules.join('+') : 'db-audit';
  return { id, label: `DB Audit: ${rules.join(', ') || 'fix'}`, description: rules.map((r) => RULE_SUMMARIES[r]).join(' ') };
}

/** The WorkspaceEdit of one folder's composed edits, versioned for open documents. */
export function annotatedWorkspaceEdit(
  root: string,
  edits: ReadonlyMap<string, readonly ComposedEdit[]>,
  versionOf: (uri: string) => number | null,
): FixAllInWorkspaceResult['edit'] {
  const result: FixAllInWorkspaceResult['edit'] = { documentChanges: [], changeAnnotations: {} };
  for (const [rel, list] of [...edits].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const uri = uriOf(root, rel);
    result.documentChanges.push({
      textDocument: { uri, version: versionOf(uri) },
      edits: list.map((e) => {
        const a = annotationOf(e.rules);
        result.changeAnnotations[a.id] ??= { label: a.label, description: a.description, needsConfirmation: true };
        return { range: e.range, newText: e.newText, annotationId: a.id };
      }),
    });
  }
  return result;
}

export function registerFixAllInWorkspace(connection: Connection, deps: FixAllWorkspaceDeps): void {
  connection.onRequest(FixAllInWorkspaceRequest, async (params: FixAllInWorkspaceParams | undefined): Promise<FixAllInWorkspaceResult> => {
    let states = deps.folders.filter((s) => s.settings.enable);
    if (params?.folder) {
      const abs = params.folder.startsWith('file:') ? fileURLToPath(params.folder).replace(/(?<![\\/])[\\/]+$/, '') : undefined;
      states = states.filter((s) => s.root === abs);
      if (states.length === 0) throw new ResponseError(ErrorCodes.InvalidParams, `Not an enabled workspace folder of this server: ${params.folder}`);
    }
    const out: FixAllInWorkspaceResult = { edit: { documentChanges: [], changeAnnotations: {} }, fixes: 0, files: 0, left: 0 };
    await deps.serialize('fix all in workspace', async () => {
      for (const state of states) {
        if (!state.scanned) await state.scan();
        // Typing not yet re-checked (the 200 ms debounce) must count: take every open document's text now.
        for (const doc of deps.documents.all()) {
          const rel = doc.uri.startsWith('file:') ? state.relative(fileURLToPath(doc.uri)) : undefined;
          if (rel !== undefined) await state.setDocument(rel, doc.getText());
        }
        const evaluation = state.evaluate();
        const resolver = new DatabaseResolver(state.rulesFile?.config);
        const database = params?.database;
        const only = database === undefined ? undefined : (f: Finding) => resolver.databaseOfFinding(f) === database;
        const result = fixWorkspace(
          { analyses: new Map(state.analyses()), files: state.walkedFiles(), findings: evaluation.findings, rulesFile: state.rulesFile },
          { read: (rel) => currentText(state, deps.documents, rel), ...(only ? { only } : {}) },
        );
        const edit = annotatedWorkspaceEdit(state.root, result.edits, (uri) => deps.documents.get(uri)?.version ?? null);
        out.edit.documentChanges.push(...edit.documentChanges);
        Object.assign(out.edit.changeAnnotations, edit.changeAnnotations);
        out.fixes += [...result.applied.values()].reduce((n, l) => n + l.length, 0);
        out.files += result.edits.size;
        out.left += only ? result.remaining.filter(only).length : result.remaining.length;
      }
    });
    return out;
  });
}
