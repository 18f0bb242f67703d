-- Headless Neovim 0.7 as an LSP client of `hegui lsp` (run by tests/lsp.rs):
--   HEGUI_BIN=… HEGUI_FILE=… HEGUI_OUT=… nvim --headless -u NONE -c "luafile diagnostics.lua"
-- Writes one line per diagnostic, `code line col` (0-based line, byte column),
-- then `hover <text>` for the flow name, to HEGUI_OUT; exits 1 on failure.

local bin = os.getenv("HEGUI_BIN")
local file = os.getenv("HEGUI_FILE")
local out = os.getenv("HEGUI_OUT")
local lines = {}

local function finish(code)
  vim.fn.writefile(lines, out)
  vim.cmd((code == 0 and "qall!" or "cquit! " .. code))
end

local ok, err = pcall(function()
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

  local function has(code)
    for _, d in ipairs(vim.diagnostic.get(buf)) do
      local c = d.code or (d.user_data and d.user_data.lsp and d.user_data.lsp.code)
      if c == code then
        return true
      end
    end
    return false
  end
  assert(vim.wait(20000, function() return has("CAC-SC-7") and has("GBT39725-7.p") end, 50),
    "no diagnostics within 20 s")
  for _, d in ipairs(vim.diagnostic.get(buf)) do
    local c = d.code or (d.user_data and d.user_data.lsp and d.user_data.lsp.code)
    table.insert(lines, string.format("%s %d %d", tostring(c), d.lnum, d.col))
  end

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
  table.insert(lines, "hover " .. text:gsub("\n", " "))
  vim.lsp.stop_client(id)
end)

if not ok then
  table.insert(lines, "error: " .. tostring(err))
  finish(1)
else
  finish(0)
end
