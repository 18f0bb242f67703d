-- What the headless Neovim tests share (loaded with dofile by each script):
-- the lines written to HEGUI_OUT, a diagnostic's code, and `run`, which
-- writes them and exits 0, or 1 with the error as the last line.

local h = { lines = {} }

-- The code of a diagnostic (Neovim 0.7 keeps LSP's under user_data).
function h.code_of(d)
  return d.code or (d.user_data and d.user_data.lsp and d.user_data.lsp.code)
end

function h.has(buf, code)
  for _, d in ipairs(vim.diagnostic.get(buf)) do
    if h.code_of(d) == code then
      return true
    end
  end
  return false
end

-- One line per diagnostic of `buf`: `PREFIXcode line col` (0-based line, byte column).
function h.dump(buf, prefix)
  for _, d in ipairs(vim.diagnostic.get(buf)) do
    table.insert(h.lines, string.format("%s%s %d %d", prefix, tostring(h.code_of(d)), d.lnum, d.col))
  end
end

function h.run(body)
  local ok, err = pcall(body)
  if not ok then
    table.insert(h.lines, "error: " .. tostring(err))
  end
  vim.fn.writefile(h.lines, os.getenv("HEGUI_OUT"))
  vim.cmd(ok and "qall!" or "cquit! 1")
end

return h
