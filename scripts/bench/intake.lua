-- wrk script: POST /api/v1/messages with a new external_id each time (an intake is a
-- write transaction: the message, its deadlines and its journal event).
local counter = 0
local thread_id = 0
local threads = {}

function setup(thread)
  thread_id = thread_id + 1
  thread:set("tid", thread_id)
  table.insert(threads, thread)
end

function init(args)
  counter = 0
  run = os.getenv("RUN_ID") or tostring(os.time())
  -- In a region of several administrations, intake names one (ADMINISTRATION).
  local code = os.getenv("ADMINISTRATION") or ""
  field = code ~= "" and string.format('"administration":"%s",', code) or ""
end

function request()
  counter = counter + 1
  local body = string.format(
    '{%s"external_id":"bench-%s-%d-%d","network":"vk","url":"https://vk.com/wall-1_%d",' ..
    '"author":"Нагрузка","text":"Сообщение для замера скорости приёма",' ..
    '"detected_at":"2026-03-16T09:00:00+03:00"}', field, run, tid, counter, counter)
  return wrk.format("POST", "/api/v1/messages", {
    ["Content-Type"] = "application/json",
    ["Authorization"] = "Bearer " .. os.getenv("TOKEN"),
  }, body)
end

function response(status, headers, body)
  if status ~= 201 then
    io.stderr:write("unexpected status " .. status .. "\n")
  end
end
