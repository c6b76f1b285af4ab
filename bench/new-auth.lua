-- wrk script: a new Authorization header value for every request, `<prefix><run>-<n>`, as a scanner sends
-- made-up tokens. wrk's arguments after `--`: the prefix and a run id (so no two runs send the same values).
local prefix = ""
local n = 0

function init(args)
  if args[1] == nil or args[2] == nil then error("usage: -- <prefix> <run id>") end
  prefix = args[1] .. args[2] .. "-"
end

function request()
  n = n + 1
  return wrk.format(nil, nil, { ["Authorization"] = prefix .. n })
end
