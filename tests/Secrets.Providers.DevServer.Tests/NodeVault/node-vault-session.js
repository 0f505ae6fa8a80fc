// Drives the dev server through node-vault, a third-party Vault client, as an application would:
// write, read, list, patch, delete and destroy on a KV v2 mount, plus the errors it must surface.
// Each step prints one JSON line: {"step": name, "ok": true, "result": …} or {"step": name, "ok": false, "status": …, "error": …}.
'use strict';
const vault = require('node-vault');

const client = vault({ apiVersion: 'v1', endpoint: process.env.VAULT_ADDR, token: process.env.VAULT_TOKEN });
const getOnly = vault({ apiVersion: 'v1', endpoint: process.env.VAULT_ADDR, token: process.env.VAULT_TOKEN, noCustomHTTPVerbs: true });
const anonymous = vault({ apiVersion: 'v1', endpoint: process.env.VAULT_ADDR, token: 'not-the-token' });

async function step(name, call) {
  try {
    const result = await call();
    console.log(JSON.stringify({ step: name, ok: true, result }));
  } catch (e) {
    const status = e.response ? e.response.statusCode : null;
    console.log(JSON.stringify({ step: name, ok: false, status, error: e.message }));
  }
}

(async () => {
  await step('health', () => client.health());
  await step('mounts', async () => Object.keys(await client.mounts()).filter(k => k.endsWith('/')).sort());
  await step('enable-mount', () => client.mount({ mount_point: 'node-kv', type: 'kv', options: { version: '2' } }));
  await step('write', async () => (await client.write('secret/data/node/app/db', { data: { user: 'app', password: 'pw-1' } })).data);
  await step('write-cas-mismatch', () => client.write('secret/data/node/app/db', { data: { password: 'x' }, options: { cas: 0 } }));
  await step('read', async () => (await client.read('secret/data/node/app/db')).data);
  await step('write-other', async () => (await client.write('secret/data/node/app/cache', { data: { url: 'redis://cache' } })).data.version);
  await step('list', async () => (await client.list('secret/metadata/node/app')).data.keys);
  await step('list-get', async () => (await getOnly.list('secret/metadata/node')).data.keys);
  await step('patch', async () => (await client.update('secret/data/node/app/db', { data: { password: 'pw-2', role: 'rw' } })).data.version);
  await step('read-patched', async () => (await client.read('secret/data/node/app/db')).data);
  await step('read-version-1', async () => (await client.read('secret/data/node/app/db?version=1')).data.data);
  await step('metadata', async () => {
    const m = (await client.read('secret/metadata/node/app/db')).data;
    return { current_version: m.current_version, versions: Object.keys(m.versions).sort() };
  });
  await step('delete-latest', () => client.delete('secret/data/node/app/db'));
  await step('read-deleted', () => client.read('secret/data/node/app/db'));
  await step('undelete', () => client.write('secret/undelete/node/app/db', { versions: [2] }));
  await step('destroy', () => client.destroySecretVersions({ path: 'node/app/db', versions: [1] }));
  await step('read-destroyed', () => client.read('secret/data/node/app/db?version=1'));
  await step('read-without-data-prefix', () => client.read('secret/node/app/db'));
  await step('read-missing', () => client.read('secret/data/node/nope'));
  await step('wrong-token', () => anonymous.read('secret/data/node/app/db'));
  await step('delete-all', () => client.delete('secret/metadata/node/app/cache'));
  await step('write-new-mount', async () => (await client.write('node-kv/data/x', { data: { k: 'v' } })).data.version);
})();
