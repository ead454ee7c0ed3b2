// Validates Kubernetes manifests offline against the API schema that the npm package
// kubernetes-models ships (its generated JSON schemas, checked with ajv): every document of
// every file given, chosen by apiVersion and kind. Exit 0 valid, 1 invalid (the errors
// name file, document, kind/name and the JSON path).
//   cp package.json validate.mjs DIR && (cd DIR && npm install) && node DIR/validate.mjs FILE.yaml...
// (tests/integration/test_kubernetes_manifests.py does that in the build tree). What it cannot
// see: unknown fields (the API's schema allows them; the API server's field validation does
// not) and anything that needs a cluster (the image, the storage class, admission policies).
import { readFileSync } from "node:fs";
import { parseAllDocuments } from "yaml";

let failed = 0;
for (const file of process.argv.slice(2)) {
  const docs = parseAllDocuments(readFileSync(file, "utf8"));
  for (const [i, doc] of docs.entries()) {
    const where = `${file}: document ${i + 1}`;
    if (doc.errors.length) {
      console.error(`${where}: YAML: ${doc.errors[0].message}`);
      failed++;
      continue;
    }
    const obj = doc.toJS();
    if (obj === null) continue;
    const { apiVersion, kind } = obj;
    const [group, version] = apiVersion.includes("/") ? apiVersion.split("/") : [null, apiVersion];
    let model;
    try {
      const mod = await import(group ? `kubernetes-models/${group}/${version}` : `kubernetes-models/${version}`);
      model = mod[kind];
    } catch (e) {
      model = undefined;
    }
    if (!model) {
      console.error(`${where}: unknown apiVersion/kind ${apiVersion} ${kind}`);
      failed++;
      continue;
    }
    try {
      new model(obj).validate();
      console.log(`${where}: ${apiVersion} ${kind} ${obj.metadata?.name}: valid`);
    } catch (e) {
      console.error(`${where}: ${apiVersion} ${kind} ${obj.metadata?.name}: ${e.message}`);
      failed++;
    }
  }
}
process.exit(failed ? 1 : 0);
