// CodeMirror 6: the config editor (nginx mode, lint markers, gutter) and the
// side-by-side diff of original vs fixed. Only text goes in; nothing here
// interprets nginx — the findings come from the core.
import { EditorState } from "@codemirror/state";
import {
  EditorView, keymap, lineNumbers, highlightActiveLine, highlightActiveLineGutter, drawSelection,
  highlightSpecialChars, placeholder,
} from "@codemirror/view";
import { defaultKeymap, history, historyKeymap, indentWithTab } from "@codemirror/commands";
import { StreamLanguage, syntaxHighlighting, HighlightStyle, bracketMatching } from "@codemirror/language";
import { searchKeymap, highlightSelectionMatches } from "@codemirror/search";
import { lintGutter, setDiagnostics } from "@codemirror/lint";
import { tags } from "@lezer/highlight";
import { nginxMode } from "./nginx-mode.js";

// Colours come from CSS variables so the editor follows the page's light/dark theme.
const highlight = HighlightStyle.define([
  { tag: tags.keyword, color: "var(--syn-keyword)" },
  { tag: [tags.string, tags.special(tags.string)], color: "var(--syn-string)" },
  { tag: tags.comment, color: "var(--syn-comment)", fontStyle: "italic" },
  { tag: [tags.number, tags.atom, tags.bool], color: "var(--syn-number)" },
  { tag: [tags.variableName, tags.special(tags.variableName)], color: "var(--syn-variable)" },
]);

const language = StreamLanguage.define(nginxMode);

// label: the ARIA attribute that names the editor.
function base(label, testid) {
  return [
    lineNumbers(),
    highlightSpecialChars(),
    drawSelection(),
    language,
    syntaxHighlighting(highlight),
    EditorView.contentAttributes.of({ ...label, ...(testid ? { "data-testid": testid } : {}) }),
  ];
}

export function createEditor(parent, { onChange, onDropFile, initial = "" }) {
  const view = new EditorView({
    parent,
    state: EditorState.create({
      doc: initial,
      extensions: [
        ...base({ "aria-labelledby": "editor-label" }, "editor"),
        // Only \n ends a line, so a CRLF or lone-CR paste keeps its bytes
        // (the core preserves them too) instead of being normalised.
        EditorState.lineSeparator.of("\n"),
        history(),
        highlightActiveLine(),
        highlightActiveLineGutter(),
        bracketMatching(),
        highlightSelectionMatches(),
        lintGutter(),
        placeholder("Paste your nginx config here: a location or server block, nginx.conf, or what `nginx -T` prints."),
        EditorView.lineWrapping,
        keymap.of([...defaultKeymap, ...historyKeymap, ...searchKeymap, indentWithTab]),
        // A dropped file replaces the text (CodeMirror would insert it at the drop point).
        EditorView.domEventHandlers({
          drop(event) {
            const file = event.dataTransfer?.files?.[0];
            if (!file) return false;
            event.preventDefault();
            onDropFile(file);
            return true;
          },
        }),
        EditorView.updateListener.of((update) => {
          // A paste or a drop is the whole edit at once; typing goes on.
          const whole = update.transactions.some((tr) => tr.isUserEvent("input.paste") || tr.isUserEvent("input.drop"));
          if (update.docChanged) onChange(update.state.doc.toString(), { whole });
        }),
      ],
    }),
  });
  return {
    view,
    text: () => view.state.doc.toString(),
    setText(text) {
      view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: text } });
    },
    // findings: [{line, end_line, severity, message, code}] with 1-based lines of this text.
    mark(findings) {
      const doc = view.state.doc;
      const diagnostics = findings
        .filter((finding) => finding.line >= 1 && finding.line <= doc.lines)
        .map((finding) => {
          const line = doc.line(finding.line);
          return {
            from: line.from,
            to: line.to,
            severity: finding.severity === "info" ? "info" : finding.severity,
            source: finding.code,
            message: finding.message,
          };
        });
      view.dispatch(setDiagnostics(view.state, diagnostics));
    },
    goToLine(number) {
      const doc = view.state.doc;
      const line = doc.line(Math.min(Math.max(number, 1), doc.lines));
      view.dispatch({ selection: { anchor: line.from }, effects: EditorView.scrollIntoView(line.from, { y: "center" }) });
      view.focus();
    },
  };
}

// A read-only diff pane: long lines wrap (a narrow screen shows whole lines)
// and the text takes keyboard focus, so its scrolling region can be reached
// and read without a mouse.
function diffPane(label) {
  return [
    ...base({ "aria-label": label, tabindex: "0" }),
    EditorState.readOnly.of(true),
    EditorView.editable.of(false),
    EditorView.lineWrapping,
  ];
}

// Side by side, read-only; the diff computation is bounded so a huge paste
// never freezes the page (past the bound the diff is coarser, not wrong).
// The merge view is its own chunk, loaded the first time a diff is drawn,
// so the first visit does not fetch and compile it before the page is ready.
// Returns {destroy()} at once; the view appears when the chunk has loaded.
let mergeModule = null;
export function createDiff(parent, original, fixed, labels = ["original config", "fixed config"]) {
  let view = null;
  let destroyed = false;
  mergeModule ??= import("@codemirror/merge");
  mergeModule.then(({ MergeView }) => {
    if (destroyed) return;
    view = new MergeView({
      parent,
      a: { doc: original, extensions: diffPane(labels[0]) },
      b: { doc: fixed, extensions: diffPane(labels[1]) },
      highlightChanges: true,
      gutter: true,
      collapseUnchanged: { margin: 3, minSize: 8 },
      diffConfig: { scanLimit: 2000, timeout: 300 },
    });
  }).catch(() => {
    mergeModule = null; // not loaded (offline before it was cached): the next diff tries again
  });
  return {
    destroy() {
      destroyed = true;
      view?.destroy();
    },
  };
}
