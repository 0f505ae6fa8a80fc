// Checks Kubernetes manifests offline, as a cluster's API server would on the fields it knows:
// 1. the JSON schema of each kind (kubernetes-models): types, required fields, enums, formats;
// 2. no field the kind does not have (the API models of @kubernetes/client-node), which the schema
//    check lets through and an API server drops or refuses (kubectl --validate=strict).
// Usage: node validate-manifests.mjs FILE... (multi-document YAML). Prints one line per object;
// exits 1 when any object fails.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { parseAllDocuments } from "yaml";

const require = createRequire(import.meta.url);
const modelsDir = join(dirname(require.resolve("@kubernetes/client-node/package.json")), "dist", "gen", "models");
const models = new Map();

async function model(type) {
  if (!models.has(type)) {
    const module = await import(join(modelsDir, `${type}.js`));
    models.set(type, module[type].getAttributeTypeMap());
  }
  return models.get(type);
}

const scalar = new Set(["string", "number", "boolean", "Date", "any", "object", "IntOrString"]);

async function unknownFields(value, type, path, found) {
  if (value === null || value === undefined || scalar.has(type)) return;
  const array = /^Array<(.+)>$/.exec(type);
  if (array) {
    for (const [i, item] of (Array.isArray(value) ? value : []).entries())
      await unknownFields(item, array[1], `${path}[${i}]`, found);
    return;
  }
  const map = /^\{ \[key: string\]: (.+); \}$/.exec(type);
  if (map) {
    for (const [key, item] of Object.entries(value)) await unknownFields(item, map[1], `${path}.${key}`, found);
    return;
  }
  const attributes = await model(type);
  for (const [key, item] of Object.entries(value)) {
    const attribute = attributes.find((a) => a.baseName === key);
    if (!attribute) found.push(`${path}.${key}: unknown field`);
    else await unknownFields(item, attribute.type, `${path}.${key}`, found);
  }
}

let failed = 0;
for (const file of process.argv.slice(2)) {
  for (const doc of parseAllDocuments(readFileSync(file, "utf8"))) {
    if (doc.errors.length) {
      console.log(`FAIL ${file}: ${doc.errors[0].message}`);
      failed++;
      continue;
    }
    const object = doc.toJS();
    if (object === null) continue;
    const { apiVersion, kind } = object;
    const name = `${kind}/${object.metadata?.name} (${file})`;
    const [group, version] = apiVersion.includes("/") ? apiVersion.split("/") : [null, apiVersion];
    const problems = [];
    try {
      const module = await import(`kubernetes-models/${group ? `${group}/` : ""}${version}/${kind}`);
      new module[kind](object).validate();
    } catch (e) {
      problems.push(e.code === "ERR_MODULE_NOT_FOUND" ? `unknown kind ${apiVersion} ${kind}` : e.message.split("\n")[0]);
    }
    try {
      await unknownFields(object, `${version[0].toUpperCase()}${version.slice(1)}${kind}`, kind, problems);
    } catch (e) {
      if (!problems.length) problems.push(`unknown kind ${apiVersion} ${kind}`);
    }
    if (problems.length) {
      failed++;
      console.log(`FAIL ${name}: ${problems.join("; ")}`);
    } else {
      console.log(`ok   ${name}`);
    }
  }
}
process.exit(failed ? 1 : 0);
