// Highlighting for nginx configs as nginx reads them. (CodeMirror's legacy
// nginx mode comes from CSS: it opened a comment at the `/*` of
// `include conf.d/*.conf;` and greyed out the rest of the file. nginx has
// only `#` comments, and only where a word starts.)
// Tokens: a statement's first word (the directive), quoted strings (which may
// span lines), variables, numbers and on/off; `;`, `{` and `}` end statements.
const WORD_END = /[\s;{}"'$]/;

function quoted(stream, state) {
  let escaped = false;
  let ch;
  while ((ch = stream.next()) !== undefined) {
    if (ch === state.quote && !escaped) {
      state.quote = null;
      break;
    }
    escaped = !escaped && ch === "\\";
  }
  return "string";
}

function variable(stream) {
  if (stream.eat("{")) {
    stream.eatWhile(/[^}\s]/);
    stream.eat("}");
  } else {
    stream.eatWhile(/\w/);
  }
  return "variableName";
}

export const nginxMode = {
  name: "nginx",
  startState: () => ({ statementStart: true, quote: null }),
  copyState: (state) => ({ ...state }),
  token(stream, state) {
    if (state.quote) return quoted(stream, state);
    if (stream.eatSpace()) return null;
    const ch = stream.next();
    if (ch === "#") {
      stream.skipToEnd();
      return "comment";
    }
    if (ch === ";" || ch === "{" || ch === "}") {
      state.statementStart = true;
      return ch === ";" ? null : "bracket";
    }
    const first = state.statementStart;
    state.statementStart = false;
    if (ch === "\"" || ch === "'") {
      state.quote = ch;
      return quoted(stream, state);
    }
    if (ch === "$") return variable(stream);
    while (!stream.eol() && !WORD_END.test(stream.peek())) stream.next();
    const word = stream.current();
    if (first) return "keyword";
    if (/^\d+[a-z%]*$/i.test(word)) return "number";
    if (word === "on" || word === "off") return "atom";
    return null;
  },
  languageData: { commentTokens: { line: "#" } },
};
