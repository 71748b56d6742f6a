// The actions on one endpoint: enable or disable, recover, rotate its secret, send an example.
// Each one requires confirmation first and shows the API's error when it fails.
import { api, seg } from './api.js';
import { formatTime, h, isoToLocalInput, localInputToIso, notice } from './dom.js';
import { field, refreshView, runAction, select, setFlash } from './ui.js';

const HOUR_MS = 60 * 60 * 1000;

function hoursText(hours) {
  return hours === 1 ? '1 hour' : `${hours} hours`;
}

function actionCard(id, title, description, ...controls) {
  return h(
    'section',
    { class: 'action', 'aria-labelledby': id },
    h('h3', { id, text: title }),
    h('p', { class: 'hint', text: description }),
    ...controls,
  );
}

function toggleAction(base, endpoint) {
  const disabling = !endpoint.disabled;
  const label = disabling ? 'Disable endpoint' : 'Enable endpoint';
  const button = h('button', { type: 'button', class: disabling ? 'danger' : '', text: label });
  const output = h('div', { class: 'output' });
  button.addEventListener('click', () =>
    runAction(
      button,
      output,
      async () => {
        await api('PATCH', base, { disabled: disabling });
        const done = disabling
          ? 'Endpoint disabled. Messages wait until it is enabled again.'
          : 'Endpoint enabled. Waiting messages are being sent.';
        setFlash(notice('ok', done));
        refreshView();
      },
      disabling
        ? [
            'Disable this endpoint?',
            `No messages are sent to ${endpoint.url} until it is enabled again. They wait, and none are lost.`,
            'Disable',
          ]
        : ['Enable this endpoint?', `Messages waiting for ${endpoint.url} are sent at once.`, 'Enable'],
    ),
  );
  const text = disabling
    ? 'Stop sending to this endpoint. Messages wait until it is enabled.'
    : 'Resume sending to this endpoint.';
  return actionCard('action-toggle', disabling ? 'Disable' : 'Enable', text, button, output);
}

function recoverAction(base, endpoint) {
  const since = h('input', {
    type: 'datetime-local',
    name: 'recover-since',
    required: true,
    value: isoToLocalInput(Date.now() - 24 * HOUR_MS),
  });
  const button = h('button', { type: 'submit', text: 'Recover failed messages' });
  const output = h('div', { class: 'output' });
  const form = h('form', { class: 'inline-form' }, field('Resend failed messages since', since), button);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const iso = localInputToIso(since.value);
    if (!iso) {
      output.replaceChildren(notice('error', 'Enter a valid date and time.'));
      return;
    }
    void runAction(
      button,
      output,
      async () => {
        const task = await api('POST', `${base}/recover`, { since: iso });
        const text = `Recovery started (task ${task.id}, ${task.status}): messages that failed since ${formatTime(iso)} are sent again.`;
        return notice('ok', text);
      },
      [
        'Recover failed messages?',
        `Every message that failed to reach ${endpoint.url} since ${formatTime(iso)} is sent again.`,
        'Recover',
      ],
    );
  });
  const description = 'Send again every message that failed to reach this endpoint since a time.';
  return actionCard('action-recover', 'Recover', description, form, output);
}

function rotateAction(base) {
  const hours = h('input', {
    type: 'number',
    name: 'grace-hours',
    min: '0',
    max: '168',
    step: '1',
    value: '24',
    required: true,
    inputmode: 'numeric',
  });
  const button = h('button', { type: 'submit', class: 'danger', text: 'Rotate secret' });
  const output = h('div', { class: 'output' });
  const form = h(
    'form',
    { class: 'inline-form' },
    field(
      'Grace period (hours)',
      hours,
      'During the grace period each message is signed with both the old and the new secret.',
    ),
    button,
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const graceHours = Number(hours.value);
    if (!Number.isInteger(graceHours) || graceHours < 0 || graceHours > 168) {
      output.replaceChildren(notice('error', 'The grace period must be a whole number of hours from 0 to 168.'));
      return;
    }
    const until = new Date(Date.now() + graceHours * HOUR_MS).toISOString();
    void runAction(
      button,
      output,
      async () => {
        await api('POST', `${base}/secret/rotate`, { gracePeriodSeconds: graceHours * 3600 });
        const text =
          graceHours === 0
            ? 'Secret rotated. The old secret no longer signs.'
            : `Secret rotated. Grace period: ${hoursText(graceHours)}. The old secret stops signing at about ${formatTime(until)}.`;
        return notice('ok', text);
      },
      [
        'Rotate the signing secret?',
        graceHours === 0
          ? 'A new secret is generated. The old one stops signing at once, so the receiver must use the new secret now.'
          : `A new secret is generated. The old one keeps signing for ${hoursText(graceHours)}, until about ` +
            `${formatTime(until)}, and the receiver must switch before then.`,
        'Rotate',
      ],
    );
  });
  const description = 'Replace the signing secret, keeping the old one valid for a grace period.';
  return actionCard('action-rotate', 'Rotate secret', description, form, output);
}

function exampleAction(base, application, eventTypes) {
  const options = eventTypes.map((type) => [type.name, type.name]);
  const choice = select('example-event-type', options.length ? options : [['', 'No event types defined']]);
  const button = h('button', { type: 'submit', text: 'Send example', disabled: options.length === 0 });
  const output = h('div', { class: 'output' });
  const form = h('form', { class: 'inline-form' }, field('Event type', choice), button);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    void runAction(
      button,
      output,
      async () => {
        const message = await api('POST', `${base}/send-example`, { eventType: choice.value });
        const href = `#/apps/${seg(application.id)}/messages/${seg(message.id)}`;
        return notice('ok', 'Example sent as message ', h('a', { href, text: message.id }), '.');
      },
      [
        'Send an example event?',
        `A real ${choice.value} message with the example payload is sent to this endpoint only.`,
        'Send',
      ],
    );
  });
  const description = 'Send a test message of an event type to this endpoint only.';
  return actionCard('action-example', 'Send example', description, form, output);
}

/** Builds the actions section of the endpoint view. */
export async function endpointActions(application, endpoint) {
  const base = `/api/v1/app/${seg(application.id)}/endpoint/${seg(endpoint.id)}`;
  const eventTypes = await api('GET', '/api/v1/event-type?limit=250');
  return h(
    'section',
    { 'aria-labelledby': 'actions-title', class: 'card' },
    h('h2', { id: 'actions-title', text: 'Actions' }),
    h(
      'div',
      { class: 'actions-grid' },
      toggleAction(base, endpoint),
      recoverAction(base, endpoint),
      rotateAction(base),
      exampleAction(base, application, eventTypes.data),
    ),
  );
}
