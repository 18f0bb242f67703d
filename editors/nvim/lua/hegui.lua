-- Neovim client for the hegui language server (`hegui lsp`, stdio).
-- Works on Neovim 0.7 and later: it uses vim.lsp.start_client and
-- vim.lsp.buf_attach_client (vim.lsp.start only exists from 0.8).
--
--   require("hegui").setup({
--     server_path = "hegui",   -- executable, looked up on PATH
--     lang = "zh",             -- "zh" or "en" (--lang)
--     as_of = nil,             -- "YYYY-MM-DD" (--as-of), nil for today
--   })

local M = {}

local defaults = {
  server_path = "hegui",
  lang = nil,
  as_of = nil,
  -- Extra arguments appended after the ones above.
  extra_args = {},
  -- Passed through to vim.lsp.start_client.
  on_attach = nil,
  capabilities = nil,
  settings = nil,
  init_options = nil,
  -- Markers that make a directory the workspace root: the nearest hegui.toml
  -- (never the VCS root, which may hold several workspaces).
  root_markers = { "hegui.toml" },
}

M.config = vim.deepcopy(defaults)

-- root_dir -> client id
local clients = {}
local warned_missing = false

--- The command line that starts the server.
function M.cmd(config)
  config = config or M.config
  local cmd = { config.server_path or "hegui", "lsp" }
  if config.lang == "zh" or config.lang == "en" then
    table.insert(cmd, "--lang")
    table.insert(cmd, config.lang)
  end
  if type(config.as_of) == "string" and config.as_of ~= "" then
    table.insert(cmd, "--as-of")
    table.insert(cmd, config.as_of)
  end
  for _, arg in ipairs(config.extra_args or {}) do
    table.insert(cmd, arg)
  end
  return cmd
end

--- The nearest directory at or above `path` holding one of the root markers
--- (by default hegui.toml), or else the file's own directory.
function M.root_dir(path, markers)
  markers = markers or M.config.root_markers
  local start
  if path == nil or path == "" then
    start = vim.fn.getcwd()
  else
    start = vim.fn.fnamemodify(path, ":p:h")
  end
  local dir = start
  while true do
    for _, marker in ipairs(markers) do
      if vim.loop.fs_stat(dir .. "/" .. marker) then
        return dir
      end
    end
    local parent = vim.fn.fnamemodify(dir, ":h")
    if parent == dir or parent == "" then
      return start
    end
    dir = parent
  end
end

local function live_client(id)
  local client = id and vim.lsp.get_client_by_id(id)
  if client and not client.is_stopped() then
    return client
  end
  return nil
end

--- Starts (or reuses) the server for the buffer's root and attaches the buffer.
--- Returns the client id, or nil if the server could not be started.
function M.attach(bufnr)
  if bufnr == nil or bufnr == 0 then
    bufnr = vim.api.nvim_get_current_buf()
  end
  local config = M.config
  local cmd = M.cmd(config)
  if vim.fn.executable(cmd[1]) ~= 1 then
    if not warned_missing then
      warned_missing = true
      vim.notify(
        string.format("hegui: %q not found; install hegui or set server_path in require('hegui').setup()", cmd[1]),
        vim.log.levels.WARN
      )
    end
    return nil
  end

  local root = M.root_dir(vim.api.nvim_buf_get_name(bufnr), config.root_markers)
  local id = clients[root]
  if not live_client(id) then
    id = vim.lsp.start_client({
      name = "hegui",
      cmd = cmd,
      root_dir = root,
      workspace_folders = {
        { uri = vim.uri_from_fname(root), name = root },
      },
      capabilities = config.capabilities or vim.lsp.protocol.make_client_capabilities(),
      settings = config.settings or {},
      init_options = config.init_options,
      on_attach = config.on_attach,
      on_exit = function()
        if clients[root] == id then
          clients[root] = nil
        end
      end,
    })
    if not id then
      vim.notify("hegui: could not start " .. table.concat(cmd, " "), vim.log.levels.ERROR)
      return nil
    end
    clients[root] = id
  end
  vim.lsp.buf_attach_client(bufnr, id)
  -- <C-x><C-o> completes without a completion plugin.
  vim.api.nvim_buf_set_option(bufnr, "omnifunc", "v:lua.vim.lsp.omnifunc")
  return id
end

--- Stops every hegui server this module started.
function M.stop()
  for root, id in pairs(clients) do
    vim.lsp.stop_client(id)
    clients[root] = nil
  end
end

--- Stops the servers and attaches every open hegui buffer again.
function M.restart()
  M.stop()
  warned_missing = false
  -- Give the old servers a moment to exit before starting new ones.
  vim.defer_fn(function()
    for _, buf in ipairs(vim.api.nvim_list_bufs()) do
      if vim.api.nvim_buf_is_loaded(buf) and vim.bo[buf].filetype == "hegui" then
        M.attach(buf)
      end
    end
  end, 200)
end

function M.setup(opts)
  M.config = vim.tbl_deep_extend("force", vim.deepcopy(defaults), opts or {})

  local group = vim.api.nvim_create_augroup("hegui_lsp", { clear = true })
  -- Filetype detection also without ftdetect/ on the runtimepath.
  vim.api.nvim_create_autocmd({ "BufRead", "BufNewFile" }, {
    group = group,
    pattern = "*.hegui",
    command = "setfiletype hegui",
  })
  vim.api.nvim_create_autocmd("FileType", {
    group = group,
    pattern = "hegui",
    callback = function(args)
      M.attach(args.buf)
    end,
  })
  vim.api.nvim_create_user_command("HeguiRestart", function()
    M.restart()
  end, { desc = "Restart the hegui language server" })

  -- Buffers already open when setup() runs.
  for _, buf in ipairs(vim.api.nvim_list_bufs()) do
    if vim.api.nvim_buf_is_loaded(buf) and vim.bo[buf].filetype == "hegui" then
      M.attach(buf)
    end
  end
end

return M
