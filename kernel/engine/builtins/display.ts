// The display built-ins (LANGUAGE.md "Rich output"): rich outputs, updating and clearing
// them, charts drawn as pictures, and the progress bar. Each is a call of a runtime
// function that reaches the front end through the host callback (native/src/host.cc).
import { arrayOf, FLOAT, INT, STR, VOID } from '../ast';
import { argValues, Builtin, callRuntime, fixed, runtimeCall, unit } from './declare';

const FLOATS = arrayOf(FLOAT);
const STRS = arrayOf(STR);

/** `name(s)` shows s with MIME type `mime`: kiln_display(mime, s). */
function richDisplay(name: string, mime: string, doc: string): Builtin {
  return fixed(name, [['s', STR]], VOID, doc, (f, e) => {
    callRuntime(f, e, 'kiln_display', [f.mb.stringLiteral(mime), ...argValues(f, e)]);
    return unit(f);
  });
}

/** plot and scatter: kiln_chart(kind, xs, ys, title). */
function chart(name: string, kind: 0 | 1, doc: string): Builtin {
  return fixed(name, [['xs', FLOATS], ['ys', FLOATS], ['title', STR]], VOID, doc, (f, e) => {
    callRuntime(f, e, 'kiln_chart', [f.mb.i32c(kind), ...argValues(f, e)]);
    return unit(f);
  });
}

export const DISPLAY_BUILTINS: Builtin[] = [
  runtimeCall('display', [['mime', STR], ['data', STR]], VOID, 'kiln_display',
    'Shows a rich output (display_data) with the given MIME type.'),
  richDisplay('html', 'text/html', 'Shows s as text/html.'),
  richDisplay('markdown', 'text/markdown', 'Shows s as text/markdown.'),
  richDisplay('svg', 'image/svg+xml', 'Shows s as image/svg+xml.'),
  richDisplay('latex', 'text/latex', 'Shows s as text/latex.'),
  runtimeCall('display_id', [['mime', STR], ['data', STR]], STR, 'kiln_display_id',
    'Like display, and returns an id for update_display.'),
  runtimeCall('update_display', [['id', STR], ['mime', STR], ['data', STR]], VOID, 'kiln_update_display',
    'Replaces an earlier output (from display_id) in place.'),
  runtimeCall('clear_output', [], VOID, 'kiln_clear_output', "Clears the cell's output so far."),
  chart('plot', 0, 'Line chart shown as a picture.'),
  chart('scatter', 1, 'Scatter chart shown as a picture.'),
  runtimeCall('hist', [['xs', FLOATS], ['bins', INT], ['title', STR]], VOID, 'kiln_hist',
    'Histogram of xs in bins equal bins, shown as a picture.'),
  runtimeCall('bar', [['labels', STRS], ['values', FLOATS], ['title', STR]], VOID, 'kiln_bar',
    'Bar chart, one bar per label, shown as a picture.'),
  runtimeCall('progress', [['done', INT], ['total', INT]], VOID, 'kiln_progress',
    'Shows (and updates in place) a progress bar for this cell.'),
];
