-- The plugin's syntax file in headless Neovim: opens HEGUI_FILE with the
-- plugin on the runtimepath and writes, for every word (a run of non-blank
-- characters), `word group` with the syntax group at its first character.
local h = dofile(vim.fn.fnamemodify(debug.getinfo(1, "S").source:sub(2), ":h") .. "/harness.lua")

h.run(function()
  vim.opt.runtimepath:prepend(os.getenv("HEGUI_PLUGIN"))
  vim.cmd("filetype plugin on")
  vim.cmd("syntax on")
  vim.cmd("edit " .. vim.fn.fnameescape(os.getenv("HEGUI_FILE")))
  assert(vim.bo.filetype == "hegui", "filetype is " .. vim.bo.filetype)
  for lnum = 1, vim.fn.line("$") do
    local line = vim.fn.getline(lnum)
    local col = 1
    while true do
      local s, e = line:find("[^%s]+", col)
      if not s then
        break
      end
      local group = vim.fn.synIDattr(vim.fn.synID(lnum, s, 1), "name")
      table.insert(h.lines, line:sub(s, e) .. " " .. (group == "" and "-" or group))
      col = e + 1
    end
  end
end)
