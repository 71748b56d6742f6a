import { ApiClient, API_OPTIONS, API_OPTIONS_HELP } from '../api-client.js';
import { flagOption, type Command } from '../args.js';
import { ExitCode } from '../errors.js';
import { formatTime, printJson, printTable } from '../output.js';
import { fetchPages, PAGE_OPTIONS, PAGE_OPTIONS_HELP, printPageHint } from '../pages.js';

interface Application {
  id: string;
  uid: string | null;
  name: string;
  createdAt: string;
}

export const appsCommand: Command = {
  name: 'apps',
  summary: 'List applications.',
  help: `Usage: hookline apps [options]

Lists applications, oldest first.

Options:
  --json           print the page as JSON ({ data, iterator, done }) instead of a table
${PAGE_OPTIONS_HELP}
${API_OPTIONS_HELP}
`,
  options: { ...API_OPTIONS, ...PAGE_OPTIONS, json: { type: 'boolean' } },
  positionals: [],
  async run(args) {
    const client = ApiClient.fromArgs(args);
    const result = await fetchPages<Application>(client, '/api/v1/app', {}, args, 'apps');
    if (flagOption(args, 'json')) {
      printJson(result);
      return ExitCode.ok;
    }
    const rows = result.data.map((app) => [app.id, app.uid, app.name, formatTime(app.createdAt)]);
    printTable(['ID', 'UID', 'NAME', 'CREATED'], rows, 'No applications.');
    printPageHint(result);
    return ExitCode.ok;
  },
};
