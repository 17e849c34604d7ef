// A JS/TS file's string and template literals, read from its start without a parser, for the
// prefilter: a SQLite path (`.db`, `.sqlite`), a URL, a DSN or SQL is something the JS/TS detector
// finds only in a string or a template (javascript.ts `search`), while minified bundles spell
// `this.db` and `e.db:` in code and declaration files put SQL in their doc comments. Comments and regular expression literals are skipped as a tokenizer skips
// them; whether a `/` starts a regular expression or divides is decided by what comes before it
// (a value: a name, a number, `)`, `]`, `}`, a string; otherwise an operator or a keyword such as
// `return`), the rule tokenizers without a parser use.
//
// A file that cannot be read in step — a quoted string or a regular expression running into a line
// end, anything open at the end of the file — gives undefined, and the prefilter then keeps the
// file. A misread `/` (a regular expression after `)` or `}`, as in `if (x) /'/.test(s)`) sends
// what follows off by a quote, which then runs into the line's end; `bench/prefilterSoundness.ts`
// checks the rest on real code.

/** Words after which a `/` starts a regular expression, not a division. */
const REGEX_AFTER_WORD = new Set(['return', 'typeof', 'instanceof', 'in', 'of', 'new', 'delete', 'void', 'throw', 'case', 'do', 'else', 'yield', 'await', 'default']);

const isWordChar = (c: number) => (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95 || c === 36 || c > 127;
const isBlank = (c: number) => c === 32 || c === 9 || c === 10 || c === 13 || c === 11 || c === 12 || c === 0xa0 || c === 0xfeff || c === 0x2028 || c === 0x2029;

/** The comments read so far, in order: where each starts and ends. */
interface Comments {
  starts: number[];
  ends: number[];
}

/** Whether a `/` at `at` starts a regular expression, by the last thing before it that is not a comment. */
function startsRegex(text: string, at: number, comments: Comments): boolean {
  let i = at - 1;
  let k = comments.ends.length - 1;
  for (;;) {
    while (i >= 0 && isBlank(text.charCodeAt(i))) i--;
    while (k >= 0 && comments.ends[k] > i + 1) k--;
    if (k < 0 || comments.ends[k] !== i + 1) break;
    i = comments.starts[k] - 1;
  }
  if (i < 0) return true;
  const c = text.charCodeAt(i);
  if (c === 41 || c === 93 || c === 125) return false; // ) ] }
  if (c === 39 || c === 34 || c === 96) return false; // the end of a string or template
  if (c === 43 || c === 45) return text.charCodeAt(i - 1) !== c; // `a++ / 2`, not `x = -/re/`
  if (!isWordChar(c)) return true;
  let start = i;
  while (start > 0 && isWordChar(text.charCodeAt(start - 1))) start--;
  const word = text.slice(start, i + 1);
  // A property (`x.return`) is a value whatever its name.
  return REGEX_AFTER_WORD.has(word) && text.charCodeAt(start - 1) !== 46;
}

/** The end (after the closing quote) of the quoted string opening at `at`, or -1 at a line end or the file's end. */
function quotedEnd(text: string, at: number): number {
  const quote = text.charCodeAt(at);
  for (let i = at + 1; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === quote) return i + 1;
    if (c === 92) i += text.charCodeAt(i + 1) === 13 && text.charCodeAt(i + 2) === 10 ? 2 : 1; // `\` and what it escapes, a line end too (a continuation)
    else if (c === 10 || c === 13) return -1;
  }
  return -1;
}

/** The end of the regular expression literal opening at `at` (its flags included), or -1. */
function regexEnd(text: string, at: number): number {
  let inClass = false;
  for (let i = at + 1; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 92) i++;
    else if (c === 10 || c === 13) return -1;
    else if (c === 91) inClass = true;
    else if (c === 93) inClass = false;
    else if (c === 47 && !inClass) {
      let end = i + 1;
      while (end < text.length && isWordChar(text.charCodeAt(end))) end++;
      return end;
    }
  }
  return -1;
}

/** Where the comment opening at `at` (`//` or `/*`) ends, or -1 for a block comment left open. */
function commentEnd(text: string, at: number): number {
  if (text.charCodeAt(at + 1) === 47) {
    const eol = text.indexOf('\n', at);
    return eol < 0 ? text.length : eol;
  }
  const close = text.indexOf('*/', at + 2);
  return close < 0 ? -1 : close + 2;
}

/** What a code position can be that matters here: quotes, a slash; braces only inside a template's `${}`. */
const CODE = /['"`/]/g;
const CODE_IN_TEMPLATE = /['"`/{}]/g;
/** In a template's text: its end, an escape, a substitution. */
const TEMPLATE_TEXT = /[`\\]|\$\{/g;

/**
 * The file's string and template literals as written (quotes and backquotes included; a
 * template whole, its `${}` substitutions too, which the detector partly reads into the
 * template's text), in order; undefined when the file cannot be read in step.
 */
export function javaScriptStrings(text: string): string[] | undefined {
  const out: string[] = [];
  /** Open braces in each template substitution we are in, innermost last. */
  const braces: number[] = [];
  /** Where the outermost template we are in started. */
  let templateStart = -1;
  let i = text.startsWith('#!') ? text.indexOf('\n') : 0;
  if (i < 0) return [];
  let inTemplateText = false;
  const comments: Comments = { starts: [], ends: [] };
  for (;;) {
    if (inTemplateText) {
      TEMPLATE_TEXT.lastIndex = i;
      const m = TEMPLATE_TEXT.exec(text);
      if (!m) return undefined;
      if (m[0] === '\\') {
        i = m.index + 2;
      } else if (m[0] === '`') {
        i = m.index + 1;
        if (braces.length === 0) {
          out.push(text.slice(templateStart, i));
          templateStart = -1;
        }
        inTemplateText = false;
      } else {
        braces.push(0);
        i = m.index + 2;
        inTemplateText = false;
      }
      continue;
    }
    const scan = braces.length > 0 ? CODE_IN_TEMPLATE : CODE;
    scan.lastIndex = i;
    const m = scan.exec(text);
    if (!m) return braces.length === 0 ? out : undefined;
    const at = m.index;
    switch (m[0]) {
      case '"':
      case "'": {
        const end = quotedEnd(text, at);
        if (end < 0) return undefined;
        if (braces.length === 0) out.push(text.slice(at, end));
        i = end;
        break;
      }
      case '`':
        if (braces.length === 0) templateStart = at;
        // A template inside a substitution: its own text until its end, then the substitution goes on.
        inTemplateText = true;
        i = at + 1;
        break;
      case '/': {
        const next = text.charCodeAt(at + 1);
        const comment = next === 47 || next === 42;
        const end = comment ? commentEnd(text, at) : startsRegex(text, at, comments) ? regexEnd(text, at) : at + 1;
        if (end < 0) return undefined;
        if (comment) {
          comments.starts.push(at);
          comments.ends.push(end);
        }
        i = end;
        break;
      }
      case '{':
        braces[braces.length - 1]++;
        i = at + 1;
        break;
      case '}':
        if (braces[braces.length - 1] === 0) {
          braces.pop();
          inTemplateText = true;
        } else {
          braces[braces.length - 1]--;
        }
        i = at + 1;
        break;
    }
  }
}
