-- Headless Neovim 0.7 with the hegui plugin (editors/nvim), in a repository
-- that holds two workspaces (run by tests/lsp.rs):
--   HEGUI_BIN=… HEGUI_PLUGIN=… HEGUI_FILE=… HEGUI_OUT=… nvim --headless -u NONE -c "luafile monorepo.lua"
-- HEGUI_FILE is a/wearable.hegui of REPO/{.git,a/hegui.toml,b/hegui.toml}; a
-- and b declare the same names. Writes `root DIR`, `omnifunc F`, then
-- `code line col` per diagnostic, then the same after a typo, to HEGUI_OUT.

local file = os.getenv("HEGUI_FILE")
local out = os.getenv("HEGUI_OUT")
local lines = {}

local function finish(code)
  vim.fn.writefile(lines, out)
  vim.cmd((code == 0 and "qall!" or "cquit! " .. code))
end

local function code_of(d)
  return d.code or (d.user_data and d.user_data.lsp and d.user_data.lsp.code)
end

local ok, err = pcall(function()
  vim.opt.runtimepath:append(os.getenv("HEGUI_PLUGIN"))
  local hegui = require("hegui")
  hegui.setup({ server_path = os.getenv("HEGUI_BIN"), lang = "en", as_of = "2026-03-01" })
  vim.cmd("edit " .. vim.fn.fnameescape(file))
  local buf = vim.api.nvim_get_current_buf()
  table.insert(lines, "root " .. hegui.root_dir(file))
  table.insert(lines, "omnifunc " .. vim.api.nvim_buf_get_option(buf, "omnifunc"))

  local function has(code)
    for _, d in ipairs(vim.diagnostic.get(buf)) do
      if code_of(d) == code then
        return true
      end
    end
    return false
  end
  local function dump(prefix)
    for _, d in ipairs(vim.diagnostic.get(buf)) do
      table.insert(lines, string.format("%s%s %d %d", prefix, tostring(code_of(d)), d.lnum, d.col))
    end
  end
  assert(vim.wait(20000, function() return has("CAC-2024-7") end, 50), "no CAC-2024-7 within 20 s")
  dump("")

  -- A typo in a name: `from = band_cn` becomes `from = band_xn`.
  local n = vim.fn.search("from = band_cn")
  assert(n > 0, "no `from = band_cn` line")
  vim.api.nvim_buf_set_lines(buf, n - 1, n, false, { "  from = band_xn" })
  assert(vim.wait(20000, function() return has("unknown-reference") end, 50), "no unknown-reference within 20 s")
  dump("typo ")
end)

if not ok then
  table.insert(lines, "error: " .. tostring(err))
  finish(1)
else
  finish(0)
end
