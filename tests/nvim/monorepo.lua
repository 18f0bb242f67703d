-- Headless Neovim 0.7 with the hegui plugin (editors/nvim), in a repository
-- that holds two workspaces (run by tests/lsp.rs):
--   HEGUI_BIN=… HEGUI_PLUGIN=… HEGUI_FILE=… HEGUI_OUT=… nvim --headless -u NONE -c "luafile monorepo.lua"
-- HEGUI_FILE is a/wearable.hegui of REPO/{.git,a/hegui.toml,b/hegui.toml}; a
-- and b declare the same names. Writes `root DIR`, `omnifunc F`, then
-- `code line col` per diagnostic, then the same after a typo, to HEGUI_OUT.

local h = dofile(debug.getinfo(1, "S").source:sub(2):match("(.*/)") .. "harness.lua")
local file = os.getenv("HEGUI_FILE")

h.run(function()
  vim.opt.runtimepath:append(os.getenv("HEGUI_PLUGIN"))
  local hegui = require("hegui")
  hegui.setup({ server_path = os.getenv("HEGUI_BIN"), lang = "en", as_of = "2026-03-01" })
  vim.cmd("edit " .. vim.fn.fnameescape(file))
  local buf = vim.api.nvim_get_current_buf()
  table.insert(h.lines, "root " .. hegui.root_dir(file))
  table.insert(h.lines, "omnifunc " .. vim.api.nvim_buf_get_option(buf, "omnifunc"))

  assert(vim.wait(20000, function() return h.has(buf, "CAC-2024-7") end, 50), "no CAC-2024-7 within 20 s")
  h.dump(buf, "")

  -- A typo in a name: `from = band_cn` becomes `from = band_xn`.
  local n = vim.fn.search("from = band_cn")
  assert(n > 0, "no `from = band_cn` line")
  vim.api.nvim_buf_set_lines(buf, n - 1, n, false, { "  from = band_xn" })
  assert(vim.wait(20000, function() return h.has(buf, "unknown-reference") end, 50), "no unknown-reference within 20 s")
  h.dump(buf, "typo ")
end)
