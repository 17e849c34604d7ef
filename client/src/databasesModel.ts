// The Databases view's tree, built from the server's `dbAudit/databases` answer without
// `vscode`: database → file → reference, with counts, role and kind icons (codicon ids) and
// what clicking opens. Unit-tested; databasesView.ts only maps these nodes to TreeItems.

import type { DatabaseReferenceItem, DatabasesResult, DatabaseSummaryItem } from '../../server/src/protocol';

export interface Icon {
  /** A codicon id for `ThemeIcon`. */
  id: string;
  /** A theme colour id, or none. */
  color?: string;
}

export interface Target {
  uri: string;
  line: number;
  character: number;
}

interface Base {
  id: string;
  label: string;
  description?: string;
  tooltip?: string;
  icon?: Icon;
}

export interface FolderNode extends Base {
  type: 'folder';
  children: DatabaseNode[];
}

export interface DatabaseNode extends Base {
  type: 'database';
  name: string;
  /** The workspace folder it belongs to (the URI the server knows it by). */
  folder: string;
  role: DatabaseSummaryItem['role'];
  /** Where the rules file declares or absorbs it ("Reveal in rules file"), if it does. */
  rulesLocation?: Target;
  children: FileNode[];
}

export interface FileNode extends Base {
  type: 'file';
  uri: string;
  children: ReferenceNode[];
}

export interface ReferenceNode extends Base {
  type: 'reference';
  target: Target;
}

export type DatabaseTreeNode = FolderNode | DatabaseNode | FileNode | ReferenceNode;

export function roleIcon(role: DatabaseSummaryItem['role']): Icon {
  switch (role) {
    case 'primary':
      return { id: 'database', color: 'charts.green' };
    case 'specialized':
      return { id: 'database', color: 'charts.blue' };
    case 'legacy':
      return { id: 'archive', color: 'charts.orange' };
    default:
      return { id: 'question', color: 'charts.yellow' };
  }
}

export function kindIcon(kind: DatabaseReferenceItem['kind']): Icon {
  switch (kind) {
    case 'sqlite-path':
      return { id: 'file' };
    case 'connection-url':
      return { id: 'link' };
    case 'env-read':
      return { id: 'symbol-variable' };
    case 'env-define':
      return { id: 'symbol-constant' };
    case 'db-name':
      return { id: 'symbol-string' };
  }
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

export function roleText(d: DatabaseSummaryItem): string {
  return d.role === 'legacy' ? `legacy → ${d.absorbedInto ?? '?'}` : d.role;
}

function basename(p: string): string {
  return p.slice(p.lastIndexOf('/') + 1);
}

function databaseNode(folderUri: string, rulesFile: string | undefined, d: DatabasesResult['folders'][number]['databases'][number]): DatabaseNode {
  const id = `${folderUri}#${d.name}`;
  const byFile = new Map<string, DatabaseReferenceItem[]>();
  for (const item of d.items) byFile.set(item.path, [...(byFile.get(item.path) ?? []), item]);
  const files = [...byFile.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([p, items]): FileNode => {
      const sorted = [...items].sort((a, b) => a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character);
      return {
        type: 'file',
        id: `${id}#${p}`,
        label: basename(p),
        description: `${p.includes('/') ? `${p.slice(0, p.lastIndexOf('/'))} · ` : ''}${sorted.length}`,
        tooltip: `${p}: ${plural(sorted.length, 'reference')} to ${d.name}`,
        uri: sorted[0].uri,
        children: sorted.map((r): ReferenceNode => ({
          type: 'reference',
          id: `${id}#${p}#${r.range.start.line}:${r.range.start.character}:${r.kind}`,
          label: r.value,
          description: `line ${r.range.start.line + 1} · ${r.kind}`,
          tooltip: `${p}:${r.range.start.line + 1}:${r.range.start.character + 1} (${r.kind})`,
          icon: kindIcon(r.kind),
          target: { uri: r.uri, line: r.range.start.line, character: r.range.start.character },
        })),
      };
    });
  return {
    type: 'database',
    id,
    name: d.name,
    folder: folderUri,
    role: d.role,
    label: d.name,
    description: d.references === 0 ? `${roleText(d)} · no references` : `${roleText(d)} · ${d.references} in ${plural(d.files, 'file')}`,
    tooltip: `${d.name} (${d.engine}, ${roleText(d)}): ${plural(d.references, 'reference')} in ${plural(d.files, 'file')}`,
    icon: roleIcon(d.role),
    ...(rulesFile && d.rulesRange ? { rulesLocation: { uri: rulesFile, line: d.rulesRange.start.line, character: d.rulesRange.start.character } } : {}),
    children: files,
  };
}

/** The tree's top level: the databases of the one folder, or a node per folder in a multi-root workspace. */
export function buildDatabaseTree(result: DatabasesResult): DatabaseTreeNode[] {
  const perFolder = result.folders.map((f) => ({ f, databases: f.databases.map((d) => databaseNode(f.uri, f.rulesFile, d)) }));
  if (perFolder.length === 1) return perFolder[0].databases;
  return perFolder.map(({ f, databases }): FolderNode => ({
    type: 'folder',
    id: f.uri,
    label: basename(decodeURIComponent(f.uri.replace(/\/+$/, ''))),
    description: plural(databases.length, 'database'),
    children: databases,
  }));
}
