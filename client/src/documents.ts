// Which open documents the server is told about: files of every type the engine reads
// (server/src/engine/detectors/index.ts `fileTypeOf`), by VS Code language id. The server
// decides by path what it reads; a language missing here only loses live re-checks while
// typing, since the server also watches the files on disk.

export const DOCUMENT_LANGUAGES: readonly string[] = [
  'python',
  'javascript', 'typescript', 'javascriptreact', 'typescriptreact',
  'yaml', 'dockercompose', 'github-actions-workflow',
  'dotenv', 'properties',
  'dockerfile',
  'shellscript',
  'ini', 'toml',
  'json', 'jsonc',
  'sql', 'prisma',
  'markdown', 'mdx',
  'plaintext',
  // Read by the engine's plain-text fallback.
  'xml', 'ruby', 'go', 'java', 'kotlin', 'rust', 'php', 'csharp', 'terraform', 'hcl', 'restructuredtext', 'jinja', 'systemd-unit-file',
];

export const DOCUMENT_SELECTOR = DOCUMENT_LANGUAGES.map((language) => ({ scheme: 'file', language }));
