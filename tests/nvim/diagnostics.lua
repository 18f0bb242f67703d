-- Headless Neovim 0.7 as an LSP client of `hegui lsp` (run by tests/lsp.rs):
--   HEGUI_BIN=… HEGUI_FILE=… HEGUI_OUT=… nvim --headless -u NONE -c "luafile diagnostics.lua"
-- Writes one line per diagnostic, `code line col` (0-based line, byte column),
-- then `hover <text>` for the flow name, to HEGUI_OUT; exits 1 on failure.

local h = dofile(debug.getinfo(1, "S").source:sub(2):match("(.*/)") .. "harness.lua")
local bin = os.getenv("HEGUI_BIN")
local file = os.getenv("HEGUI_FILE")

h.run(function()
  vim.cmd("edit " .. vim.fn.fnameescape(file))
  local buf = vim.api.nvim_get_current_buf()
  local root = vim.fn.fnamemodify(file, ":h")
  local id = vim.lsp.start_client({
    name = "hegui",
    cmd = { bin, "lsp", "--lang", "en" },
    root_dir = root,
  })
  assert(id, "start_client failed")
  vim.lsp.buf_attach_client(buf, id)

  assert(vim.wait(20000, function() return h.has(buf, "CAC-SC-7") and h.has(buf, "GBT39725-7.p") end, 50),
    "no diagnostics within 20 s")
  h.dump(buf, "")

  -- Hover on the flow name (line 25, 1-based).
  local params = {
    textDocument = { uri = vim.uri_from_bufnr(buf) },
    position = { line = 24, character = 8 },
  }
  local res = vim.lsp.buf_request_sync(buf, "textDocument/hover", params, 10000)
  local text = ""
  for _, r in pairs(res or {}) do
    if r.result and r.result.contents then
      text = r.result.contents.value or ""
    end
  end
  table.insert(h.lines, "hover " .. text:gsub("\n", " "))
  vim.lsp.stop_client(id)
end)
