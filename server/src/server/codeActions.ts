// Code actions: a `quickfix` per fix of each db-audit diagnostic (built from the diagnostic's
// `data`, never its message), and `source.fixAll.dbAudit` for a whole file (fix on save). Fixes
// are computed from the documents' CURRENT text; the engine decides what they are.

import { readSourceTextSync } from '../engine/workspace';
import * as path from 'node:path';
import {
  CodeActionKind,
  TextDocumentEdit,
  type CodeAction,
  type CodeActionParams,
  type Connection,
  type Diagnostic,
  type TextDocuments,
  type WorkspaceEdit,
} from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { fixAll, fixesFor, type FixContext, type FixEdit } from '../engine/fixes';
import type { Finding } from '../engine/types';
import { DIAGNOSTIC_SOURCE, uriOf, type DiagnosticData } from './diagnostics';
import type { WorkspaceState } from './workspaceState';

export const FIX_ALL_KIND = `${CodeActionKind.SourceFixAll}.dbAudit`;

export interface CodeActionDeps {
  connection: Connection;
  documents: TextDocuments<TextDocument>;
  folderOf(uri: string): { state: WorkspaceState; rel: string } | undefined;
  /** Runs a task after every earlier one (the server's work queue). */
  serialize(what: string, task: () => Promise<void>): Promise<void>;
  log(message: string): void;
}

function wants(only: string[] | undefined, kind: string): boolean {
  return !only || only.some((o) => kind === o || kind.startsWith(`${o}.`));
}

/** The text of a workspace file: the editor's when open, else the disk's (BOM dropped). */
function textReader(state: WorkspaceState, documents: TextDocuments<TextDocument>): (rel: string) => string | undefined {
  return (rel) => {
    const open = documents.get(uriOf(state.root, rel));
    return open ? open.getText() : readSourceTextSync(path.join(state.root, rel));
  };
}

function workspaceEdit(state: WorkspaceState, documents: TextDocuments<TextDocument>, edits: readonly FixEdit[]): WorkspaceEdit {
  const byUri = new Map<string, FixEdit[]>();
  for (const e of edits) {
    const uri = uriOf(state.root, e.path);
    byUri.set(uri, [...(byUri.get(uri) ?? []), e]);
  }
  return {
    documentChanges: [...byUri].map(([uri, list]) =>
      TextDocumentEdit.create({ uri, version: documents.get(uri)?.version ?? null }, list.map((e) => ({ range: e.range, newText: e.newText })))),
  };
}

function findingOf(rel: string, d: Diagnostic): Finding | undefined {
  const data = d.data as DiagnosticData | undefined;
  if (d.source !== DIAGNOSTIC_SOURCE || !data?.rule || data.rule === 'invalid-rules-file') return undefined;
  const { rule, ...rest } = data;
  return { rule, severity: 'error', path: rel, range: d.range, message: typeof d.message === 'string' ? d.message : d.message.value, data: rest };
}

export function registerCodeActions(deps: CodeActionDeps): void {
  const { connection, documents } = deps;
  connection.onCodeAction(async (params: CodeActionParams): Promise<CodeAction[]> => {
    try {
      const where = deps.folderOf(params.textDocument.uri);
      if (!where || !where.state.scanned) return [];
      const { state, rel } = where;
      const ctx: FixContext = { textOf: textReader(state, documents), config: state.rulesFile?.config };
      const actions: CodeAction[] = [];
      if (wants(params.context.only, CodeActionKind.QuickFix)) {
        for (const d of params.context.diagnostics) {
          const finding = findingOf(rel, d);
          if (!finding) continue;
          for (const fix of fixesFor(finding, ctx)) {
            actions.push({ title: fix.title, kind: CodeActionKind.QuickFix, diagnostics: [d], isPreferred: fix.isPreferred, edit: workspaceEdit(state, documents, fix.edits) });
          }
        }
      }
      // Fix-all is only on request (on save, or the Source Action menu), never with every lightbulb.
      if (params.context.only?.some((o) => FIX_ALL_KIND === o || FIX_ALL_KIND.startsWith(`${o}.`))) {
        let findings: Finding[] = [];
        const text = documents.get(params.textDocument.uri)?.getText();
        await deps.serialize('fix all', async () => {
          if (text !== undefined) await state.setDocument(rel, text);
          findings = state.evaluate().findings.filter((f) => f.path === rel);
        });
        // Only this file's edits: saving one file must not edit others behind the user's back.
        const edits = fixAll(findings, ctx).edits.filter((e) => e.path === rel);
        if (edits.length > 0) actions.push({ title: 'Fix all DB Audit problems', kind: FIX_ALL_KIND, edit: workspaceEdit(state, documents, edits) });
      }
      return actions;
    } catch (e) {
      deps.log(`code actions failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
      return [];
    }
  });
}
