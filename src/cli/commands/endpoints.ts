import { ApiClient, API_OPTIONS, API_OPTIONS_HELP } from '../api-client.js';
import { flagOption, type Command } from '../args.js';
import { ExitCode } from '../errors.js';
import { printJson, printTable } from '../output.js';
import { fetchPages, PAGE_OPTIONS, PAGE_OPTIONS_HELP, printPageHint } from '../pages.js';

interface Endpoint {
  id: string;
  uid: string | null;
  url: string;
  disabled: boolean;
  disabledReason?: string | null;
  filterTypes: string[] | null;
  channels: string[] | null;
}

function state(endpoint: Endpoint): string {
  if (!endpoint.disabled) return 'enabled';
  return endpoint.disabledReason ? `disabled (${endpoint.disabledReason})` : 'disabled';
}

export const endpointsCommand: Command = {
  name: 'endpoints',
  summary: 'List the endpoints of an application.',
  help: `Usage: hookline endpoints APP [options]

Lists the endpoints of application APP (its id or uid), oldest first.

Options:
  --json           print the page as JSON ({ data, iterator, done }) instead of a table
${PAGE_OPTIONS_HELP}
${API_OPTIONS_HELP}
`,
  options: { ...API_OPTIONS, ...PAGE_OPTIONS, json: { type: 'boolean' } },
  positionals: ['APP'],
  async run(args) {
    const app = args.positionals[0]!;
    const client = ApiClient.fromArgs(args);
    const path = `/api/v1/app/${encodeURIComponent(app)}/endpoint`;
    const result = await fetchPages<Endpoint>(client, path, {}, args, 'endpoints');
    if (flagOption(args, 'json')) {
      printJson(result);
      return ExitCode.ok;
    }
    const rows = result.data.map((ep) => [ep.id, ep.uid, ep.url, state(ep), ep.filterTypes, ep.channels]);
    printTable(['ID', 'UID', 'URL', 'STATE', 'EVENT TYPES', 'CHANNELS'], rows, 'No endpoints.');
    printPageHint(result);
    return ExitCode.ok;
  },
};
