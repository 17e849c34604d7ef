// PLACEHOLDER: the extension client is being written.
export function activate(): void {}
export function deactivate(): void {}
