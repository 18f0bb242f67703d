// Unit tests for the bundled extension (dist/extension.js), run with `node --test`.
// The `vscode` module exists only inside the editor, so a small stand-in is
// registered before the bundle is loaded.
"use strict";
const test = require("node:test");
const assert = require("node:assert");
const Module = require("node:module");
const path = require("node:path");

// Every member of the stand-in is a class (vscode-languageclient extends
// several vscode classes when it loads); nothing is called in these tests.
const fakeVscode = new Proxy(
  {},
  { get: (target, key) => (key in target ? target[key] : (target[key] = class {})) }
);
const realLoad = Module._load;
Module._load = function (request, parent, isMain) {
  if (request === "vscode") return fakeVscode;
  return realLoad.call(this, request, parent, isMain);
};
const ext = require(path.join(__dirname, "..", "..", "dist", "extension.js"));

function cfg(values) {
  return { get: (key) => values[key] };
}

test("exports activate and deactivate", () => {
  assert.strictEqual(typeof ext.activate, "function");
  assert.strictEqual(typeof ext.deactivate, "function");
});

test("defaults start `hegui lsp` from PATH", () => {
  assert.deepStrictEqual(ext.serverArgs(cfg({})), { command: "hegui", args: ["lsp"] });
  assert.deepStrictEqual(ext.serverArgs(cfg({ "server.path": "  ", asOf: "" })), {
    command: "hegui",
    args: ["lsp"],
  });
});

test("settings become --lang and --as-of", () => {
  assert.deepStrictEqual(
    ext.serverArgs(cfg({ "server.path": "/opt/hegui/bin/hegui", lang: "en", asOf: "2026-03-01" })),
    { command: "/opt/hegui/bin/hegui", args: ["lsp", "--lang", "en", "--as-of", "2026-03-01"] }
  );
  assert.deepStrictEqual(ext.serverArgs(cfg({ lang: "zh" })), {
    command: "hegui",
    args: ["lsp", "--lang", "zh"],
  });
});

test("an unknown language is not passed on", () => {
  assert.deepStrictEqual(ext.serverArgs(cfg({ lang: "fr" })).args, ["lsp"]);
});
