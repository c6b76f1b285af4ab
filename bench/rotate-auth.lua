-- wrk script: sends the Authorization header values of a file (one a line) in turn, one per request.
-- The requests are formatted once in init(), so rotating costs wrk nothing per request.
local requests = {}
local i = 0

function init(args)
  for line in io.lines(args[1]) do
    if line ~= "" then
      requests[#requests + 1] = wrk.format(nil, nil, { ["Authorization"] = line })
    end
  end
  if #requests == 0 then error("no Authorization values in " .. tostring(args[1])) end
end

function request()
  i = i % #requests + 1
  return requests[i]
end
