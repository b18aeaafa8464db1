// Registers the Kiln language (mimetype text/x-kiln, kernel codemirror_mode "kiln") with
// JupyterLab's editor language registry.
import { IEditorLanguageRegistry } from '@jupyterlab/codemirror';

const plugin = {
  id: '@kiln/jupyterlab-kiln:language',
  description: 'Kiln syntax highlighting in notebooks and editors',
  autoStart: true,
  requires: [IEditorLanguageRegistry],
  activate: (app, languages) => {
    languages.addLanguage({
      name: 'kiln',
      displayName: 'Kiln',
      mime: 'text/x-kiln',
      extensions: ['kiln'],
      load: async () => {
        const [{ StreamLanguage, LanguageSupport }, { kilnMode }] = await Promise.all([
          import('@codemirror/language'),
          import('./mode.js'),
        ]);
        return new LanguageSupport(StreamLanguage.define(kilnMode));
      },
    });
  },
};

export default plugin;
